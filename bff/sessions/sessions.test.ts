import { describe, expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';

const t = testApp();
/** A second installation with its own signing key. */
const other = testApp();

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
