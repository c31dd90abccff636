import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACME, listen, type Listening } from './listen.ts';

describe('injected network faults over a real socket', () => {
  let server: Listening;
  let token = '';

  beforeAll(async () => {
    server = await listen();
    await server.control('PUT', '/qbo/settings', { auto_approve_realm: ACME });
    const redirect = 'http://localhost:7/cb';
    const authorized = await fetch(`${server.url}/qbo/connect/oauth2?${new URLSearchParams({ client_id: 'ledgerlink-dev', redirect_uri: redirect, response_type: 'code', scope: 'com.intuit.quickbooks.accounting', state: 'f' })}`, { redirect: 'manual' });
    const code = new URL(authorized.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const response = await fetch(`${server.url}/qbo/oauth2/v1/tokens/bearer`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('ledgerlink-dev:ledgerlink-dev-secret').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect }),
    });
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  afterEach(() => server.control('PUT', '/qbo/settings', { fault_rate: 0 }));
  afterAll(() => server.close());

  const call = () => fetch(`${server.url}/qbo/v3/company/${ACME}/preferences`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(2_000) });

  it('resets the connection', async () => {
    await server.control('PUT', '/qbo/settings', { fault_rate: 1, fault_kinds: ['reset'] });
    await expect(call()).rejects.toThrow();
  });

  it('holds a timed-out request past the client deadline', async () => {
    await server.control('PUT', '/qbo/settings', { fault_rate: 1, fault_kinds: ['timeout'], timeout_ms: 60_000 });
    await expect(call()).rejects.toThrow(/timeout|aborted/i);
  });

  // Each test sets the faults it needs and counts from where it starts: none relies on another having run.
  it('counts each injected fault and serves normally again with faults off', async () => {
    const injected = async () => (await server.control<{ faults_injected: number }>('GET', `/qbo/companies/${ACME}/stats`)).faults_injected;
    const before = await injected();
    await server.control('PUT', '/qbo/settings', { fault_rate: 1, fault_kinds: ['500'] });
    expect((await call()).status).toBe(500);
    await server.control('PUT', '/qbo/settings', { fault_rate: 0 });
    expect((await call()).status).toBe(200);
    expect(await injected()).toBe(before + 1);
  });
});
