import { createSandbox, type Sandbox } from '../../demo/sandbox/index.ts';

const B = 'http://127.0.0.1:8790';

export interface Connected {
  sandbox: Sandbox;
  get(realm: string, path: string): Promise<{ status: number; body: unknown; text: string; type: string }>;
  post(realm: string, path: string, json: unknown): Promise<{ status: number; body: unknown }>;
}

/** A sandbox with the demo companies and a bearer token for the given company, all through `app.request`. */
export async function connected(realm: string): Promise<Connected> {
  const sandbox = createSandbox({ baseUrl: B, demoCompanies: true, settings: { auto_approve_realm: realm } });
  const request = (path: string, init?: RequestInit) => sandbox.app.request(B + path, init);
  const redirect = 'http://localhost:1/cb';
  const authorize = await request(`/qbo/connect/oauth2?client_id=ledgerlink-dev&response_type=code&scope=com.intuit.quickbooks.accounting&state=c&redirect_uri=${encodeURIComponent(redirect)}`);
  const code = new URL(authorize.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const tokens = (await (
    await request('/qbo/oauth2/v1/tokens/bearer', {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('ledgerlink-dev:ledgerlink-dev-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect }),
    })
  ).json()) as { access_token: string };
  const headers = { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' };
  return {
    sandbox,
    async get(realmId, path) {
      const response = await request(`/qbo/v3/company/${realmId}/${path}`, { headers });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      return { status: response.status, text, type, body: type.includes('json') ? JSON.parse(text) : null };
    },
    async post(realmId, path, json) {
      const response = await request(`/qbo/v3/company/${realmId}/${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(json) });
      return { status: response.status, body: await response.json() };
    },
  };
}

export const US_REALM = '9341455000000101';
export const UK_REALM = '9341455000000103';
export const CA_REALM = '9341455000000102';
export const AU_REALM = '9341455000000104';
