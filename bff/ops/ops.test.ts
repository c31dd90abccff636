import { describe, expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';

const t = testApp();

/** The only operations without a credential of ours. */
const UNAUTHENTICATED = ['get /v1/oauth/qbo/callback', 'get /v1/oauth/qbo/disconnect', 'get /v1/oauth/qbo/start', 'post /v1/webhooks/qbo'];

describe('operator endpoints', () => {
  test('/healthz and /readyz', async () => {
    expect(await (await t.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: { ok: true } });
  });

  test('/readyz says 503 when the database is gone', async () => {
    const broken = testApp({ sql: Object.assign(() => Promise.reject(new Error('connection refused')), {}) as never });
    const response = await broken.request('/readyz');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'not_ready', database: { ok: false, error: 'connection refused' } });
  });

  test('/metrics is Prometheus text with request counts by route pattern', async () => {
    const healthz = async () => Number(/ledgerlink_http_requests_total\{method="GET",route="\/healthz",status="200"\} (\d+)/.exec(await (await t.request('/metrics')).text())?.[1] ?? 0);
    const before = await healthz();
    await t.request('/healthz');
    await t.request('/healthz');
    expect(await healthz()).toBe(before + 2);
    const text = await (await t.request('/metrics')).text();
    expect(text).toContain('ledgerlink_process_resident_memory_bytes');
  });

  test('every response carries a request id', async () => {
    const response = await t.request('/healthz');
    expect(response.headers.get('x-request-id')).toMatch(/.{8,}/);
  });

  test('unknown routes are JSON 404s', async () => {
    const response = await t.request('/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No route for GET /v1/nothing-here' } });
  });

  test('/openapi.json documents every v1 route with its security and error shape', async () => {
    const spec = (await (await t.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(spec.openapi).toBe('3.1.0');
    for (const path of ['/v1/sessions', '/v1/admin/tenants', '/v1/connections', '/v1/connections/{id}', '/v1/organizations/{org}/settings', '/v1/widget/session', '/v1/widget/connections']) {
      expect(spec.paths[path], path).toBeDefined();
    }
    const unauthenticated: string[] = [];
    const withoutBadRequest: string[] = [];
    let count = 0;
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        count += 1;
        if (!operation.security || operation.security.length === 0) unauthenticated.push(`${method} ${path}`);
        if (!operation.responses['400']) withoutBadRequest.push(`${method} ${path}`);
      }
    }
    expect(count).toBeGreaterThan(30);
    // Browser redirects from the provider and provider webhooks carry no credential of ours; their signed state
    // or signature is their proof. Every other operation names its security: a new exception is a decision.
    expect(unauthenticated.sort()).toEqual(UNAUTHENTICATED);
    expect(withoutBadRequest).toEqual([]);
    expect(Object.keys(spec.components.securitySchemes).sort()).toEqual(['adminToken', 'secretKey', 'sessionToken']);
    expect(spec.components.schemas.Error).toBeDefined();
  });

  test('logs are JSON lines without secrets', async () => {
    const lines: string[] = [];
    const { createLogger } = await import('../http/logger.ts');
    const logged = testApp({ logger: createLogger('info', {}, (line) => lines.push(line)) });
    const tenant = await logged.createTenant();
    await logged.request('/v1/connections', { token: tenant.secretKey });
    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line), line).toMatchObject({ time: expect.any(String), level: expect.any(String), msg: expect.any(String) });
    expect(text).not.toContain(tenant.secretKey);
    expect(text).not.toContain(logged.deps.keys.adminToken);
    expect(text).toContain('"path":"/v1/connections"');
  });
});
