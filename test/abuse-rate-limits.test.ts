import { randomInt } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createApp } from '../bff/app.ts';
import { loadConfig } from '../bff/config.ts';
import { testApp } from './support/app.ts';
import { operationsOf, type OpenApiDocument } from './support/openapi-document.ts';

/**
 * Issue 11, finding 1 (the limits): per-session, per-tenant and per-address limits on every route, shared by
 * all replicas, answered 429 with RateLimit headers and documented in OpenAPI.
 */
const limits = { LEDGERLINK_RATE_LIMIT_SESSION: '5', LEDGERLINK_RATE_LIMIT_TENANT: '20', LEDGERLINK_RATE_LIMIT_IP: '12', LEDGERLINK_RATE_LIMIT_ANONYMOUS_IP: '3' };
const config = (extra: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'test', LEDGERLINK_DATA_DIR: '/nonexistent', ...limits, ...extra });
const t = testApp({ config: config() });

/** An address no other test (or earlier run within the minute) counts against. */
const someAddress = () => `198.${randomInt(18, 20)}.${randomInt(256)}.${randomInt(1, 255)}`;
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

async function widgetGet(app: ReturnType<typeof createApp>['app'], token: string, address = someAddress()) {
  return app.request('/v1/widget/connections', { headers: { authorization: `Bearer ${token}` } }, from(address));
}

describe('rate limits', () => {
  test('one user past their limit gets 429 rate_limited with Retry-After and RateLimit-*; their colleague and another tenant do not', async () => {
    const tenant = await t.createTenant();
    const other = await t.createTenant();
    const storming = await t.session(tenant, 'org-1', { id: 'storm' });
    const colleague = await t.session(tenant, 'org-1', { id: 'colleague' });
    const elsewhere = await t.session(other, 'org-9', { id: 'someone' });

    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await widgetGet(t.app, storming));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(answers[0]!.headers.get('ratelimit-limit')).toBe('5');
    expect(answers[0]!.headers.get('ratelimit-remaining')).toBe('4');
    const refused = answers[5]!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-policy')).toContain('policy="session"');
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited', details: { policy: 'session', limit_per_minute: 5 } } });
    // The next one is refused before its token is even checked, with the same answer.
    const again = answers[6]!;
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(again.headers.get('ratelimit-policy')).toContain('policy="session"');
    expect(await again.json()).toMatchObject({ error: { code: 'rate_limited', details: { policy: 'session' } } });

    // The refused requests did not spend the tenant's allowance (20; 3 went on minting sessions).
    expect((await widgetGet(t.app, colleague)).status).toBe(200);
    expect((await widgetGet(t.app, elsewhere)).status).toBe(200);
  });

  test('a tenant past its limit gets 429 on server routes too, whichever key or user sends', async () => {
    const tenant = await t.createTenant();
    const statuses = [];
    for (let i = 0; i < 22; i++) {
      const answer = await t.app.request('/v1/connections', { headers: { authorization: `Bearer ${tenant.secretKey}` } }, from(someAddress()));
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([...Array(20).fill(200), 429, 429]);
  });

  test('per address: the socket address counts, X-Forwarded-For is ignored unless the peer is a trusted proxy', async () => {
    const address = someAddress();
    const statuses = [];
    for (let i = 0; i < 14; i++) {
      const answer = await t.app.request('/healthz', { headers: { 'x-forwarded-for': someAddress() } }, from(address));
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([...Array(12).fill(200), 429, 429]);

    const proxy = someAddress();
    const behindProxy = createApp({ ...t.deps, config: config({ LEDGERLINK_TRUSTED_PROXIES: `${proxy}/32` }) }).app;
    const clients = Array.from({ length: 14 }, () => someAddress());
    const viaProxy = await Promise.all(clients.map((client) => behindProxy.request('/healthz', { headers: { 'x-forwarded-for': `6.6.6.6, ${client}` } }, from(proxy))));
    expect(viaProxy.map((answer) => answer.status)).toEqual(Array(14).fill(200));
  });

  test('unauthenticated routes (OAuth, the Disconnect URL) have a tighter per-address limit', async () => {
    const address = someAddress();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.app.request('/v1/oauth/qbo/start?ref=' + 'r'.repeat(24), {}, from(address))).status);
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
  });

  test('limits are shared by replicas: each learns what the others allowed when it flushes (every 200 ms)', async () => {
    const tenant = await t.createTenant();
    const token = await t.session(tenant, 'org-1', { id: 'roaming' });
    const one = createApp(t.deps);
    const two = createApp(t.deps);
    for (let i = 0; i < 4; i++) expect((await widgetGet(one.app, token)).status).toBe(200);
    await one.rateLimiter.flush();
    expect((await widgetGet(two.app, token)).status).toBe(200);
    await two.rateLimiter.flush();
    expect((await widgetGet(two.app, token)).status).toBe(429);
    expect((await widgetGet(one.app, token)).status).toBe(200); // one has not flushed since: it believes 4 were spent
    await one.rateLimiter.flush();
    expect((await widgetGet(one.app, token)).status).toBe(429);
  });

  test('every published operation documents 429 with Retry-After and RateLimit headers', async () => {
    const document = (await (await t.request('/openapi.json')).json()) as OpenApiDocument;
    const missing = operationsOf(document)
      .filter((entry) => {
        const refused = (entry.operation as { responses?: Record<string, { headers?: Record<string, unknown> }> }).responses?.['429'];
        return !refused?.headers?.['Retry-After'] || !refused.headers['RateLimit-Remaining'];
      })
      .map((entry) => `${entry.method} ${entry.path}`);
    expect(missing).toEqual([]);
  });
});
