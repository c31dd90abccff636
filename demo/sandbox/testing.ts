import { createSandbox, type Sandbox, type SandboxOptions } from './index.ts';

/** Test fixture: a sandbox reached through `app.request`, with helpers that speak like a QuickBooks client. */
export interface Harness {
  sandbox: Sandbox;
  base: string;
  request(path: string, init?: RequestInit): Promise<Response>;
  control(method: string, path: string, body?: unknown): Promise<Response>;
  /** Auto-approves consent for `realm` and exchanges the code; returns the token response. */
  connect(realm: string, options?: { clientId?: string; secret?: string; redirectUri?: string; scope?: string }): Promise<{ access_token: string; refresh_token: string; id_token?: string }>;
  api(token: string, realm: string, path: string, init?: { method?: string; json?: unknown }): Promise<Response>;
}

export const US = '9341455000000101';
export const CA = '9341455000000102';
export const UK = '9341455000000103';

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

export function harness(options: Partial<SandboxOptions> = {}): Harness {
  const base = options.baseUrl ?? 'http://127.0.0.1:8791';
  const sandbox = createSandbox({ baseUrl: base, demoCompanies: true, ...options });
  const request = async (path: string, init?: RequestInit): Promise<Response> => sandbox.app.request(base + path, init);
  const control = (method: string, path: string, body?: unknown) =>
    request(`/_sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body) });
  return {
    sandbox,
    base,
    request,
    control,
    async connect(realm, connectOptions = {}) {
      const clientId = connectOptions.clientId ?? 'ledgerlink-dev';
      const redirectUri = connectOptions.redirectUri ?? 'http://localhost:3000/callback';
      await control('PUT', '/qbo/settings', { auto_approve_realm: realm });
      const query = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: connectOptions.scope ?? 'com.intuit.quickbooks.accounting openid email', state: 'st' });
      const authorized = await request(`/qbo/connect/oauth2?${query}`);
      await control('PUT', '/qbo/settings', { auto_approve_realm: null });
      const code = new URL(authorized.headers.get('location') ?? '').searchParams.get('code') ?? '';
      const response = await request('/qbo/oauth2/v1/tokens/bearer', {
        method: 'POST',
        headers: { authorization: basic(clientId, connectOptions.secret ?? 'ledgerlink-dev-secret'), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
      });
      if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`);
      return (await response.json()) as { access_token: string; refresh_token: string; id_token?: string };
    },
    async api(token, realm, path, init = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      return request(`/qbo/v3/company/${realm}/${path}`, { method: init.method ?? (init.json === undefined ? 'GET' : 'POST'), headers, body: init.json === undefined ? null : JSON.stringify(init.json) });
    },
  };
}

export function q(query: string): string {
  return `query?minorversion=75&query=${encodeURIComponent(query)}`;
}
