import { describe, expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';
import { parseSecretKey } from '../auth/secret-key.ts';
import { REVOCATION_BOUND_MS } from '../auth/session-revocation.ts';

const t = testApp();
/** A second installation with its own signing key. */
const other = testApp();
/** Another replica of `t`: the same keys, its own pool and its own memory of sessions. */
const replica = testApp({ keys: t.deps.keys });

describe('POST /v1/sessions', () => {
  test('mints a token bound to tenant, organization, user and role', async () => {
    const tenant = await t.createTenant();
    const response = await t.request('/v1/sessions', {
      method: 'POST',
      token: tenant.secretKey,
      json: { organization_id: 'org-42', user: { id: 'u-7', name: 'Ada', email: 'ada@example.com', role: 'admin' } },
    });
    expect(response.status).toBe(201);
    const { token, expires_at } = (await response.json()) as { token: string; expires_at: string };
    const ttl = new Date(expires_at).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);

    const info = await t.request('/v1/widget/session', { token });
    expect(await info.json()).toMatchObject({
      tenant_id: tenant.id,
      organization_id: 'org-42',
      user: { id: 'u-7', name: 'Ada', email: 'ada@example.com', role: 'admin' },
    });
  });

  test('names the bad field', async () => {
    const tenant = await t.createTenant();
    const response = await t.request('/v1/sessions', {
      method: 'POST',
      token: tenant.secretKey,
      json: { organization_id: 'org-1', user: { id: 'u', role: 42 } },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/^body\.user\.role: /);
  });

  test('refuses unknown fields, so a typo is never silently ignored', async () => {
    const tenant = await t.createTenant();
    const response = await t.request('/v1/sessions', {
      method: 'POST',
      token: tenant.secretKey,
      json: { organization_id: 'org-1', user: { id: 'u', role: 'admin' }, organisation: 'x' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/organisation/);
  });

  test('malformed JSON is a 400 with its own code', async () => {
    const tenant = await t.createTenant();
    const response = await t.request('/v1/sessions', {
      method: 'POST',
      token: tenant.secretKey,
      headers: { 'content-type': 'application/json' },
      body: '{"organization_id": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'malformed_json', message: 'The request body is not valid JSON' } });
  });

  test('needs a secret key, not a session token', async () => {
    const tenant = await t.createTenant();
    const token = await t.session(tenant, 'org-1');
    const body = { organization_id: 'org-1', user: { id: 'u', role: 'admin' } };
    expect((await t.request('/v1/sessions', { method: 'POST', json: body })).status).toBe(401);
    expect((await t.request('/v1/sessions', { method: 'POST', token, json: body })).status).toBe(401);
  });
});

describe('session tokens', () => {
  test('an expired token gets 401', async () => {
    const tenant = await t.createTenant();
    const token = await t.session(tenant, 'org-1');
    expect((await t.request('/v1/widget/session', { token })).status).toBe(200);
    t.advanceClock(15 * 60 + 1);
    try {
      const response = await t.request('/v1/widget/session', { token });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    } finally {
      t.advanceClock(-(15 * 60 + 1));
    }
  });

  test('a tampered token gets 401', async () => {
    const tenant = await t.createTenant();
    const token = await t.session(tenant, 'org-1', { role: 'member' });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    expect((await t.request('/v1/widget/session', { token: `${header}.${forged}.${signature}` })).status).toBe(401);
    const flipped = signature.slice(0, -2) + (signature.endsWith('A') ? 'BB' : 'AA');
    expect((await t.request('/v1/widget/session', { token: `${header}.${payload}.${flipped}` })).status).toBe(401);
  });

  test('a token signed by another installation gets 401', async () => {
    const tenant = await other.createTenant();
    const token = await other.session(tenant, 'org-1');
    expect((await t.request('/v1/widget/session', { token })).status).toBe(401);
  });

  test('a secret key is refused on widget routes', async () => {
    const tenant = await t.createTenant();
    const response = await t.request('/v1/widget/session', { token: tenant.secretKey });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/session token/);
  });
});

describe('ending sessions', () => {
  const keyIdOf = (secretKey: string) => parseSecretKey(secretKey)!.keyId;

  test('revoking the secret key that minted a session ends the session; sessions of the tenant\'s other key go on', async () => {
    const tenant = await t.createTenant();
    const fresh = await t.request(`/v1/admin/tenants/${tenant.id}/secret-keys`, { method: 'POST', token: t.deps.keys.adminToken });
    expect(fresh.status).toBe(201);
    const second = (await fresh.json()) as { key_id: string; secret_key: string };
    const doomed = await t.session(tenant, 'org-1', { id: 'u-1' });
    const kept = await t.session({ ...tenant, secretKey: second.secret_key }, 'org-1', { id: 'u-1' });
    expect((await t.request('/v1/widget/session', { token: doomed })).status).toBe(200);

    const revoked = await t.request(`/v1/admin/tenants/${tenant.id}/secret-keys/${keyIdOf(tenant.secretKey)}`, { method: 'DELETE', token: t.deps.keys.adminToken });
    expect(revoked.status).toBeLessThan(300);
    const after = await t.request('/v1/widget/session', { token: doomed });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { message: string } }).error.message).toMatch(/ended/);
    expect((await t.request('/v1/widget/session', { token: kept })).status).toBe(200);
  });

  test('a host ends one user\'s sessions in one organization, or in all; other users and later sessions are untouched', async () => {
    const tenant = await t.createTenant();
    const adaOrg1 = await t.session(tenant, 'org-1', { id: 'ada' });
    const adaOrg2 = await t.session(tenant, 'org-2', { id: 'ada' });
    const bob = await t.session(tenant, 'org-1', { id: 'bob' });

    const one = await t.request('/v1/sessions/revoke', { method: 'POST', token: tenant.secretKey, json: { user_id: 'ada', organization_id: 'org-1' } });
    expect(one.status).toBe(200);
    expect(Date.parse(((await one.json()) as { revoked_before: string }).revoked_before)).not.toBeNaN();
    expect((await t.request('/v1/widget/session', { token: adaOrg1 })).status).toBe(401);
    expect((await t.request('/v1/widget/session', { token: adaOrg2 })).status).toBe(200);
    expect((await t.request('/v1/widget/session', { token: bob })).status).toBe(200);
    // Signing in again works at once, even within the same second.
    const again = await t.session(tenant, 'org-1', { id: 'ada' });
    expect((await t.request('/v1/widget/session', { token: again })).status).toBe(200);

    const all = await t.request('/v1/sessions/revoke', { method: 'POST', token: tenant.secretKey, json: { user_id: 'ada' } });
    expect(all.status).toBe(200);
    expect((await t.request('/v1/widget/session', { token: adaOrg2 })).status).toBe(401);
    expect((await t.request('/v1/widget/session', { token: again })).status).toBe(401);
    expect((await t.request('/v1/widget/session', { token: bob })).status).toBe(200);
  });

  test('ending sessions is the tenant\'s own business: another tenant\'s key cannot end them, and bad input names the field', async () => {
    const tenant = await t.createTenant();
    const stranger = await t.createTenant();
    const ada = await t.session(tenant, 'org-1', { id: 'ada' });
    expect((await t.request('/v1/sessions/revoke', { method: 'POST', token: stranger.secretKey, json: { user_id: 'ada' } })).status).toBe(200);
    expect((await t.request('/v1/widget/session', { token: ada })).status).toBe(200);
    const bad = await t.request('/v1/sessions/revoke', { method: 'POST', token: tenant.secretKey, json: { user: 'ada' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^body\.user_id: /);
    expect((await t.request('/v1/sessions/revoke', { method: 'POST', token: ada, json: { user_id: 'ada' } })).status).toBe(401);
  });

  test(`a revocation reaches every replica within ${REVOCATION_BOUND_MS} ms, whichever way it is made`, async () => {
    const tenant = await t.createTenant();
    const ada = await t.session(tenant, 'org-1', { id: 'ada' });
    const bob = await t.session(tenant, 'org-1', { id: 'bob' });
    // The replica has read both sessions' standing and may answer from memory from now on.
    expect((await replica.request('/v1/widget/session', { token: ada })).status).toBe(200);
    expect((await replica.request('/v1/widget/session', { token: bob })).status).toBe(200);

    // Ended through the other replica: this one's memory is not cleared, the shared revocation version moves.
    expect((await t.request('/v1/sessions/revoke', { method: 'POST', token: tenant.secretKey, json: { user_id: 'ada' } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, REVOCATION_BOUND_MS + 100));
    expect((await replica.request('/v1/widget/session', { token: ada })).status).toBe(401);
    expect((await replica.request('/v1/widget/session', { token: bob })).status).toBe(200);

    // Revoked in plain SQL (an operator, the CLI): neither process hears of it, both refuse within the bound.
    expect((await t.request('/v1/widget/session', { token: bob })).status).toBe(200);
    await t.deps.sql`update tenant_secret_keys set revoked_at = now() where tenant_id = ${tenant.id}`;
    await new Promise((resolve) => setTimeout(resolve, REVOCATION_BOUND_MS + 100));
    expect((await replica.request('/v1/widget/session', { token: bob })).status).toBe(401);
    expect((await t.request('/v1/widget/session', { token: bob })).status).toBe(401);
  });
});
