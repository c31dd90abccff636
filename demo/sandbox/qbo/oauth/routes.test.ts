import { afterEach, describe, expect, it } from 'vitest';
import { basic, harness, US, type Harness } from '../../testing.ts';

let h: Harness;
afterEach(() => h?.sandbox.close());

const authorizeQuery = (overrides: Record<string, string> = {}) =>
  new URLSearchParams({ client_id: 'ledgerlink-dev', redirect_uri: 'http://localhost:3000/cb', response_type: 'code', scope: 'com.intuit.quickbooks.accounting', state: 'abc', ...overrides });

describe('authorize endpoint and consent page', () => {
  it('shows a labelled, keyboard-usable company picker with every sandbox company', async () => {
    h = harness();
    const response = await h.request(`/qbo/connect/oauth2?${authorizeQuery()}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<legend>Choose a company</legend>');
    expect(html.match(/<label class="company">/g)?.length).toBe(5);
    expect(html).toContain('Acme Landscaping LLC');
    // Connect comes first in the form so that Enter connects rather than cancels.
    expect(html.indexOf('value="allow"')).toBeLessThan(html.indexOf('value="deny"'));
  });

  it('never redirects to an unknown client or an unregistered redirect URI', async () => {
    h = harness();
    expect((await h.request(`/qbo/connect/oauth2?${authorizeQuery({ client_id: 'nobody' })}`)).status).toBe(400);
    expect((await h.request(`/qbo/connect/oauth2?${authorizeQuery({ redirect_uri: 'https://evil.example.com/cb' })}`)).status).toBe(400);
    const app = h.sandbox.registerApp({ redirect_uris: ['https://host.example.com/cb'] });
    expect((await h.request(`/qbo/connect/oauth2?${authorizeQuery({ client_id: app.client_id, redirect_uri: 'http://localhost:3000/cb' })}`)).status).toBe(400);
    expect((await h.request(`/qbo/connect/oauth2?${authorizeQuery({ client_id: app.client_id, redirect_uri: 'https://host.example.com/cb' })}`)).status).toBe(200);
  });

  it('redirects scope errors and a cancelled consent back with OAuth errors', async () => {
    h = harness();
    const badScope = await h.request(`/qbo/connect/oauth2?${authorizeQuery({ scope: 'everything' })}`);
    expect(new URL(badScope.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_scope');
    const form = new URLSearchParams({ ...Object.fromEntries(authorizeQuery()), realm_id: US, decision: 'deny' });
    const denied = await h.request('/qbo/connect/oauth2', { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const location = new URL(denied.headers.get('location') ?? '');
    expect([location.searchParams.get('error'), location.searchParams.get('state')]).toEqual(['access_denied', 'abc']);
  });

  it('redirects with code, state and realmId after consent', async () => {
    h = harness();
    const form = new URLSearchParams({ ...Object.fromEntries(authorizeQuery()), realm_id: US, decision: 'allow' });
    const allowed = await h.request('/qbo/connect/oauth2', { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const location = new URL(allowed.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe('http://localhost:3000/cb');
    expect([...location.searchParams.keys()]).toEqual(['code', 'state', 'realmId']);
    expect(location.searchParams.get('realmId')).toBe(US);
  });
});

describe('token, revoke and userinfo endpoints', () => {
  const token = (body: Record<string, string>, auth = basic('ledgerlink-dev', 'ledgerlink-dev-secret')) =>
    h.request('/qbo/oauth2/v1/tokens/bearer', { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });

  it('answers Intuit error bodies', async () => {
    h = harness();
    const wrongSecret = await token({ grant_type: 'refresh_token', refresh_token: 'x' }, basic('ledgerlink-dev', 'nope'));
    expect([wrongSecret.status, await wrongSecret.json()]).toEqual([401, { error: 'invalid_client' }]);
    const grantType = await token({ grant_type: 'password' });
    expect([grantType.status, await grantType.json()]).toEqual([400, { error: 'unsupported_grant_type' }]);
    const unknown = await token({ grant_type: 'refresh_token', refresh_token: 'RT1-unknown' });
    expect([unknown.status, await unknown.json()]).toEqual([400, { error_description: 'Token invalid', error: 'invalid_grant' }]);
  });

  it('expires access tokens after an hour of sandbox time and refreshes with rotation after a day', async () => {
    h = harness();
    const tokens = await h.connect(US);
    expect((await h.api(tokens.access_token, US, 'preferences')).status).toBe(200);
    await h.control('POST', '/clock', { advance_seconds: 3600 });
    const expired = await h.api(tokens.access_token, US, 'preferences');
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { fault: { type: string } }).fault.type).toBe('AUTHENTICATION');
    type Refreshed = { access_token: string; refresh_token: string; x_refresh_token_hard_expires_in?: number };
    const refreshed = (await (await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).json()) as Refreshed;
    // Intuit keeps the refresh token's value for about a day, then rotates it and the old value dies at once.
    expect(refreshed.refresh_token).toBe(tokens.refresh_token);
    expect(refreshed.x_refresh_token_hard_expires_in).toBeUndefined();
    expect((await h.api(refreshed.access_token, US, 'preferences')).status).toBe(200);
    await h.control('POST', '/clock', { advance_seconds: 23 * 3600 });
    const rotated = (await (await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).json()) as Refreshed;
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    expect((await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).status).toBe(400);
    expect((await h.api(rotated.access_token, US, 'preferences')).status).toBe(200);
  });

  it('sends the 5-year hard expiry only when asked by header', async () => {
    h = harness();
    const tokens = await h.connect(US);
    const response = await h.request('/qbo/oauth2/v1/tokens/bearer', {
      method: 'POST',
      headers: { authorization: basic('ledgerlink-dev', 'ledgerlink-dev-secret'), 'content-type': 'application/x-www-form-urlencoded', 'x-include-refresh-token-hard-expires-in': 'true' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    });
    expect(((await response.json()) as { x_refresh_token_hard_expires_in: number }).x_refresh_token_hard_expires_in).toBeGreaterThan(157_000_000);
  });

  it('revokes with a JSON body (intuit-oauth) and a form body (node-quickbooks)', async () => {
    h = harness();
    for (const kind of ['json', 'form'] as const) {
      const tokens = await h.connect(US);
      const response = await h.request('/qbo/v2/oauth2/tokens/revoke', {
        method: 'POST',
        headers: { authorization: basic('ledgerlink-dev', 'ledgerlink-dev-secret'), 'content-type': kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded' },
        body: kind === 'json' ? JSON.stringify({ token: tokens.refresh_token }) : new URLSearchParams({ token: tokens.refresh_token }).toString(),
      });
      expect(response.status).toBe(200);
      expect((await h.api(tokens.access_token, US, 'preferences')).status).toBe(401);
    }
  });

  it('kills every token of a company when the user disconnects the app inside QuickBooks', async () => {
    h = harness();
    const tokens = await h.connect(US);
    const disconnected = await h.control('POST', `/qbo/companies/${US}/disconnect`);
    expect(await disconnected.json()).toMatchObject({ disconnected_grants: 1 });
    expect((await h.api(tokens.access_token, US, 'preferences')).status).toBe(401);
    const refresh = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('serves userinfo for openid grants and a discovery document with its own URLs', async () => {
    h = harness();
    const tokens = await h.connect(US);
    expect(tokens.id_token?.split('.').length).toBe(3);
    const info = await h.request('/qbo/v1/openid_connect/userinfo', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await info.json()).toMatchObject({ sub: expect.any(String), email: expect.stringContaining('@') });
    const discovery = (await (await h.request('/qbo/.well-known/openid_configuration')).json()) as Record<string, string>;
    expect(discovery).toMatchObject({
      authorization_endpoint: `${h.base}/qbo/connect/oauth2`,
      token_endpoint: `${h.base}/qbo/oauth2/v1/tokens/bearer`,
      revocation_endpoint: `${h.base}/qbo/v2/oauth2/tokens/revoke`,
      userinfo_endpoint: `${h.base}/qbo/v1/openid_connect/userinfo`,
    });
  });
});

describe('token endpoint faults (control API)', () => {
  const token = (body: Record<string, string>) =>
    h.request('/qbo/oauth2/v1/tokens/bearer', { method: 'POST', headers: { authorization: basic('ledgerlink-dev', 'ledgerlink-dev-secret'), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });

  it('answers invalid_grant, 500 and 503 as Intuit does for the next `times` requests, the grant untouched', async () => {
    h = harness();
    const tokens = await h.connect(US);
    const refresh = () => token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    await h.control('PUT', '/qbo/oauth/token-fault', { kind: 'invalid_grant', times: 2 });
    for (let i = 0; i < 2; i++) {
      const refused = await refresh();
      expect([refused.status, await refused.json()]).toEqual([400, { error_description: 'Token invalid', error: 'invalid_grant' }]);
    }
    expect((await refresh()).status).toBe(200);
    expect(await (await h.control('GET', '/qbo/oauth/token-fault')).json()).toEqual({ kind: null, remaining: null, grant_type: null, given: 2 });

    await h.control('PUT', '/qbo/oauth/token-fault', { kind: '500' });
    const failed = await refresh();
    expect([failed.status, await failed.json()]).toEqual([500, { error: 'server_error', error_description: 'An unexpected error occurred. Please try again.' }]);
    await h.control('PUT', '/qbo/oauth/token-fault', { kind: '503' });
    const unavailable = await refresh();
    expect([unavailable.status, unavailable.headers.get('content-type')]).toEqual([503, 'text/html']);
    await h.control('PUT', '/qbo/oauth/token-fault', { kind: null });
    expect((await refresh()).status).toBe(200);
  });

  it('faults only the grant type asked for, holds a timeout for timeout_ms, and refuses bad input naming the field', async () => {
    h = harness({ settings: { timeout_ms: 300 } });
    const tokens = await h.connect(US);
    await h.control('PUT', '/qbo/oauth/token-fault', { kind: 'timeout', grant_type: 'refresh_token' });
    expect((await h.connect(US)).access_token).toMatch(/./);
    const started = Date.now();
    const held = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(held.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const bad = await h.control('PUT', '/qbo/oauth/token-fault', { kind: 'slow' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^kind/);
    await h.control('POST', '/reset');
    expect(await (await h.control('GET', '/qbo/oauth/token-fault')).json()).toMatchObject({ kind: null });
  });
});
