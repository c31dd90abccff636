import { describe, expect, test } from 'vitest';
import { newId } from '../db/ids.ts';
import { loadConfig } from '../config.ts';
import { securityValues } from '../ops/security-headers.ts';
import { testApp } from '../../test/support/app.ts';

/**
 * The request pipeline (bff/http/pipeline.ts) writes its headers in one go: into the answer a route builds
 * with `c.json(body, status)` (a plain object, no Headers), or onto any other answer afterwards. Both ways an
 * answer carries the same headers, and a route's own headers stay.
 */
const config = loadConfig({ NODE_ENV: 'test', LEDGERLINK_DATA_DIR: '/nonexistent', LEDGERLINK_RATE_LIMIT_SESSION: '3', LEDGERLINK_RATE_LIMIT_TENANT: '1000', LEDGERLINK_RATE_LIMIT_IP: '1000' });
const t = testApp({ config });

const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

/** Every header the pipeline is responsible for on a widget JSON answer. */
function expectPipelineHeaders(response: Response, origin: string) {
  expect(response.headers.get('x-request-id')).toMatch(/^[\w\-=]+$/);
  expect(response.headers.get('access-control-allow-origin')).toBe(origin);
  expect(response.headers.get('access-control-expose-headers')).toContain('RateLimit-Remaining');
  expect(response.headers.get('vary')).toBe('Origin');
  expect(response.headers.get('content-security-policy')).toContain("script-src 'none'");
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('ratelimit-limit')).toBe('3');
  expect(response.headers.get('ratelimit-policy')).toBe('3;w=60;policy="session"');
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  for (const [name, value] of securityValues(config).fixed) expect(response.headers.get(name), name).toBe(value);
}

describe('request pipeline headers', () => {
  test('a widget read, an error answer and a refusal that set headers of its own all carry every pipeline header', async () => {
    const tenant = await t.createTenant();
    const token = await t.session(tenant, 'org-1', { id: 'reader' });
    const id = newId('con');
    await t.deps.sql`
      insert into connections (id, tenant_id, organization_id, provider, external_id, company_name, status)
      values (${id}, ${tenant.id}, 'org-1', 'qbo', ${'realm-' + id}, 'Headers Co', 'connected')`;
    const headers = { authorization: `Bearer ${token}`, origin: tenant.origin, 'x-request-id': 'my-request-1' };
    const address = `198.51.${Math.floor(Math.random() * 256)}.7`;

    // Built by c.json(body, 200): every header in the one plain object.
    const read = await t.app.request(`/v1/widget/connections/${id}`, { headers }, from(address));
    expect(read.status).toBe(200);
    expectPipelineHeaders(read, tenant.origin);
    expect(read.headers.get('x-request-id')).toBe('my-request-1');
    expect(read.headers.get('ratelimit-remaining')).toBe('2');
    expect(((await read.json()) as { id: string }).id).toBe(id);

    // An error answer (404 through the app's error handler).
    const missing = await t.app.request(`/v1/widget/connections/${newId('con')}`, { headers: { ...headers, 'x-request-id': 'bad id!' } }, from(address));
    expect(missing.status).toBe(404);
    expectPipelineHeaders(missing, tenant.origin);
    expect(missing.headers.get('x-request-id')).not.toBe('bad id!');
    expect(missing.headers.get('ratelimit-remaining')).toBe('1');

    // A refusal sets Retry-After itself (c.header): Hono builds it, and the pipeline's headers are added to it.
    await t.app.request(`/v1/widget/connections/${id}`, { headers }, from(address));
    const refused = await t.app.request(`/v1/widget/connections/${id}`, { headers }, from(address));
    expect(refused.status).toBe(429);
    expectPipelineHeaders(refused, tenant.origin);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('an HTML page keeps its own content type and nonce policy; a path the BFF does not own gets no security headers', async () => {
    const page = await t.request('/v1/oauth/qbo/callback?state=x&code=y&realmId=1');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[^']+'/);
    expect(page.headers.get('x-request-id')).toBeTruthy();

    const elsewhere = await t.request('/not-ours');
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.headers.get('content-security-policy')).toBeNull();
    expect(elsewhere.headers.get('x-request-id')).toBeTruthy();
  });
});
