import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { recordEvent } from '../bff/events/record.ts';
import { deliverDueWebhooks } from '../bff/webhooks/deliver.ts';
import type { ResolveHost } from '../bff/webhooks/target.ts';
import { WebhookWorker } from '../bff/webhooks/worker.ts';
import { createDemoHost } from '../demo/host/app.ts';
import { createSandbox } from '../demo/sandbox/index.ts';
import { testApp, type TestTenant } from './support/app.ts';

// Issue 11: safe outbound calls and fair webhook delivery. Every receiver here listens on 127.0.0.1; private
// and public addresses are only ever refused (no traffic), and rebinding is simulated with an injected resolver.
const t = testApp();
const config = t.deps.config;

const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A receiver on 127.0.0.1 answering `status` with a body that must never reach `last_error`. */
async function receiver(status = 200) {
  const received: { headers: IncomingHttpHeaders; url: string }[] = [];
  const server = createServer((req, res) => {
    received.push({ headers: req.headers, url: req.url ?? '' });
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': 'text/plain' }).end('postgres password=hunter2 SECRET-BODY'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const port = (server.address() as AddressInfo).port;
  return { port, url: `http://127.0.0.1:${port}/hooks`, received };
}

/** A receiver that accepts every request and never answers; counts how many it holds open at once. */
async function silentReceiver() {
  const state = { open: 0, mostOpen: 0, total: 0 };
  const server = createServer((req) => {
    state.total++;
    state.open++;
    state.mostOpen = Math.max(state.mostOpen, state.open);
    req.resume();
    req.socket.on('close', () => state.open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state };
}

async function register(app: ReturnType<typeof testApp>, tenant: TestTenant, url: string) {
  return app.request('/v1/webhook-endpoints', { method: 'POST', token: tenant.secretKey, json: { url, events: ['*'] } });
}

async function registered(tenant: TestTenant, url: string): Promise<string> {
  const response = await register(t, tenant, url);
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const event = (tenant: TestTenant) => recordEvent(t.deps.sql, { tenantId: tenant.id, organizationId: 'org-1', type: 'connection.connected', data: {} });

async function lastDelivery(endpointId: string) {
  const [row] = await t.deps.sql<{ status: string; last_status_code: number | null; last_error: string | null }[]>`
    select status, last_status_code, last_error from webhook_deliveries where endpoint_id = ${endpointId} order by id desc limit 1`;
  return row;
}

describe('issue 11 item 6: webhook targets on internal addresses are refused', () => {
  const refusedEverywhere = [
    'https://169.254.169.254/latest/meta-data/',
    'https://10.0.0.5/hooks',
    'https://192.168.1.1/hooks',
    'https://172.16.0.1/hooks',
    'https://172.31.255.254/hooks',
    'https://100.64.0.1/hooks',
    'https://[fd00::1]/hooks',
    'https://[fd00:ec2::254]/latest/meta-data/',
    'https://[fe80::1]/hooks',
    'https://[::ffff:169.254.169.254]/hooks',
    'https://[::ffff:10.0.0.1]/hooks',
    'https://[64:ff9b::a9fe:a9fe]/hooks',
    'https://0xa9fea9fe/hooks',
    'https://2852039166/hooks',
    'https://0251.0376.0251.0376/hooks',
    'https://metadata.google.internal/computeMetadata/v1/',
    'https://metadata/hooks',
    'https://0.0.0.0/hooks',
    'https://[::]/hooks',
  ];
  const loopback = ['https://127.0.0.1/hooks', 'https://127.1/hooks', 'https://0x7f000001/hooks', 'https://[::1]/hooks', 'https://[::ffff:127.0.0.1]/hooks', 'https://localhost/hooks', 'http://localhost:5432/', 'https://hooks.localhost/'];

  test('registration refuses private, link-local, metadata and reserved targets in every spelling, with the development allowance too', async () => {
    const tenant = await t.createTenant();
    for (const url of refusedEverywhere) {
      const response = await register(t, tenant, url);
      expect(response.status, url).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message, url).toMatch(/^body\.url: must not point at /);
    }
    expect((await register(t, tenant, 'https://api.host.example/hooks')).status).toBe(201);
  });

  test('outside production, loopback in every spelling is refused unless LEDGERLINK_WEBHOOK_ALLOW_LOOPBACK is set', async () => {
    const strict = testApp({ config: { ...config, LEDGERLINK_WEBHOOK_ALLOW_LOOPBACK: false } });
    const tenant = await strict.createTenant();
    for (const url of loopback) {
      const response = await register(strict, tenant, url);
      expect(response.status, url).toBe(400);
      // http:// is refused for its scheme first; https:// for its address.
      expect(((await response.json()) as { error: { message: string } }).error.message, url).toMatch(/^body\.url: must (not point at a loopback|be an https)/);
    }
    const production = testApp({ config: { ...config, production: true } }); // the allowance never applies in production
    expect((await register(production, await production.createTenant(), 'https://127.0.0.1/hooks')).status).toBe(400);
    expect((await register(t, await t.createTenant(), 'https://127.0.0.1/hooks')).status).toBe(201);
  });

  test('the receiver\'s body never reaches last_error: only the status code and a short reason', async () => {
    const tenant = await t.createTenant();
    const host = await receiver(500);
    const endpointId = await registered(tenant, host.url);
    await event(tenant);
    const [result] = await deliverDueWebhooks(t.deps, { owner: 'body-test', tenantIds: [tenant.id] });
    expect(result).toMatchObject({ outcome: 'retry', statusCode: 500, error: 'HTTP 500' });
    expect(await lastDelivery(endpointId)).toMatchObject({ last_status_code: 500, last_error: 'HTTP 500' });
  });

  test('at delivery, an endpoint stored before the rules (or whose rules changed) is refused without a connection', async () => {
    const tenant = await t.createTenant();
    const host = await receiver(200);
    const endpointId = await registered(tenant, host.url); // allowed in development
    await event(tenant);
    const strict = { ...t.deps, config: { ...config, LEDGERLINK_WEBHOOK_ALLOW_LOOPBACK: false } };
    const [result] = await deliverDueWebhooks(strict, { owner: 'strict-worker', tenantIds: [tenant.id] });
    expect(result).toMatchObject({ outcome: 'retry', statusCode: null, error: 'refused: the URL must be an https:// URL' });
    expect(host.received).toHaveLength(0);
    expect(await lastDelivery(endpointId)).toMatchObject({ status: 'pending', last_error: 'refused: the URL must be an https:// URL' });
  });

  test('DNS rebinding: a name that resolves to a private address at delivery is refused, even among public ones', async () => {
    const tenant = await t.createTenant();
    const endpointId = await registered(tenant, 'https://rebind.host.example/hooks');
    const answers: ResolveHost[] = [
      async () => [{ address: '10.0.0.7', family: 4 }],
      async () => [{ address: '93.184.216.34', family: 4 }, { address: '169.254.169.254', family: 4 }],
      async () => [{ address: '::ffff:a9fe:a9fe', family: 6 }],
    ];
    for (const resolve of answers) {
      await event(tenant);
      const results = await deliverDueWebhooks(t.deps, { owner: 'rebind-worker', tenantIds: [tenant.id], resolve });
      expect(results.map((result) => result.outcome)).toContain('retry');
      expect((await lastDelivery(endpointId))!.last_error).toMatch(/^refused: the name resolves to a (private|link-local)/);
      t.advanceClock(3_600);
    }
  });

  test('delivery connects to the address it checked, resolving once, with the URL\'s name as Host', async () => {
    const tenant = await t.createTenant();
    const host = await receiver(204);
    await registered(tenant, `http://hooks.localhost:${host.port}/pinned`);
    await event(tenant);
    const lookups: string[] = [];
    const resolve: ResolveHost = async (name) => {
      lookups.push(name);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    expect(await deliverDueWebhooks(t.deps, { owner: 'pinned-worker', tenantIds: [tenant.id], resolve })).toEqual([{ outcome: 'delivered', statusCode: 204 }]);
    expect(lookups).toEqual(['hooks.localhost']);
    expect(host.received.map((request) => [request.headers.host, request.url])).toEqual([[`hooks.localhost:${host.port}`, '/pinned']]);
  });
});

describe('issue 11 item 4: one tenant\'s silent receivers cannot take every delivery slot', () => {
  test('a tenant with a dozen endpoints that never answer holds its share; another tenant\'s delivery goes out in the same tick', async () => {
    const fast = { ...t.deps, config: { ...config, LEDGERLINK_WEBHOOK_TIMEOUT_MS: 500 } };
    const noisy = await t.createTenant('noisy');
    const quiet = await t.createTenant('quiet');
    const silent = await silentReceiver();
    for (let index = 0; index < 12; index++) {
      await registered(noisy, `${silent.url}/hooks/${index}`);
    }
    for (let index = 0; index < 2; index++) await event(noisy);
    const host = await receiver(200);
    const quietEndpoint = await registered(quiet, host.url);
    await event(quiet); // the newest due delivery of all

    const worker = new WebhookWorker(fast, { owner: 'fair-worker', concurrency: 8, tenantIds: [noisy.id, quiet.id] });
    await worker.tick();
    await worker.stop(); // the silent ones end at the 500 ms timeout
    expect(host.received).toHaveLength(1);
    expect(await lastDelivery(quietEndpoint)).toMatchObject({ status: 'delivered', last_status_code: 200 });
    expect(silent.state.total).toBe(config.LEDGERLINK_WEBHOOK_TENANT_CONCURRENCY);
    expect(silent.state.mostOpen).toBeLessThanOrEqual(config.LEDGERLINK_WEBHOOK_TENANT_CONCURRENCY);
  });

  test('an endpoint that keeps failing has its circuit opened: no attempts until the cool-down, then one probe', async () => {
    const tenant = await t.createTenant();
    let status = 503;
    const received: string[] = [];
    const server = createServer((req, res) => {
      received.push(req.headers['ledgerlink-event-id'] as string);
      req.resume();
      req.on('end', () => res.writeHead(status).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const endpointId = await registered(tenant, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`);
    const deliver = () => deliverDueWebhooks(t.deps, { owner: 'circuit-worker', tenantIds: [tenant.id] });

    for (let index = 0; index < 5; index++) await event(tenant);
    let attempts = 0;
    for (let round = 0; round < 10 && attempts < 5; round++) attempts += (await deliver()).length; // at most two at once to one endpoint
    const [endpoint] = await t.deps.sql<{ consecutive_failures: number; circuit_open_until: Date | null }[]>`
      select consecutive_failures, circuit_open_until from webhook_endpoints where id = ${endpointId}`;
    expect(endpoint!.consecutive_failures).toBeGreaterThanOrEqual(5);
    expect(endpoint!.circuit_open_until).not.toBeNull();

    // Open: a new event, due at once, is not attempted; the failures are not multiplied by the backlog.
    await event(tenant);
    const before = received.length;
    expect(await deliver()).toEqual([]);
    expect(received).toHaveLength(before);

    // After the cool-down (and past every retry time) the circuit is half open: one probe, not the backlog.
    t.advanceClock(3_700);
    status = 200;
    expect(await deliver()).toEqual([{ outcome: 'delivered', statusCode: 200 }]);
    // The probe succeeded: closed again, the backlog flows.
    expect((await deliver()).length).toBe(2);
    const [closed] = await t.deps.sql<{ consecutive_failures: number }[]>`select consecutive_failures from webhook_endpoints where id = ${endpointId}`;
    expect(closed!.consecutive_failures).toBe(0);
  });

  test('a tenant has a bounded number of endpoints (409 beyond LEDGERLINK_WEBHOOK_MAX_ENDPOINTS)', async () => {
    const bounded = testApp({ config: { ...config, LEDGERLINK_WEBHOOK_MAX_ENDPOINTS: 3 } });
    const tenant = await bounded.createTenant();
    const statuses = [];
    for (let index = 0; index < 5; index++) statuses.push((await register(bounded, tenant, `https://api.host.example/hooks/${index}`)).status);
    expect(statuses).toEqual([201, 201, 201, 409, 409]);
    const other = await bounded.createTenant(); // the bound is per tenant
    expect((await register(bounded, other, 'https://api.host.example/hooks')).status).toBe(201);
  });
});

describe('issue 11 item 10: hardened defaults', () => {
  test('the BFF\'s HTML pages carry a nonce CSP with frame-ancestors \'none\', nosniff, no-referrer and DENY framing', async () => {
    const page = await t.request('/v1/oauth/qbo/start?ref=0123456789abcdef0123'); // an unknown link: the HTML error page
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // The popup's result page posts to window.opener on the host's origin: no Cross-Origin-Opener-Policy may cut it.
    expect(page.headers.get('cross-origin-opener-policy')).toBeNull();
    // Each page its own nonce.
    const again = await t.request('/v1/oauth/qbo/start?ref=0123456789abcdef0123');
    expect(again.headers.get('content-security-policy')).not.toBe(csp);
    // JSON answers are not sniffed either, and may run no script at all: a nonce is made only for a page.
    const json = await t.request('/healthz');
    expect(json.headers.get('x-content-type-options')).toBe('nosniff');
    expect(json.headers.get('content-security-policy')).toContain("script-src 'none'; style-src 'none'");
    expect(json.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  test('/metrics requires LEDGERLINK_METRICS_TOKEN when it is set', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const guarded = testApp({ config: { ...config, LEDGERLINK_METRICS_TOKEN: token } });
    expect((await guarded.request('/metrics')).status).toBe(401);
    expect((await guarded.request('/metrics', { token: 'metrics-token-wrong-0123456789' })).status).toBe(401);
    const scraped = await guarded.request('/metrics', { token });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('ledgerlink_http_requests_total');
    expect((await t.request('/metrics')).status).toBe(200); // not set: open, as on a developer's machine
  });

  /** What @hono/node-server hands a route as c.env: the request and its socket, bound to `bound`, reached on `local`. */
  const socketEnv = (bound: string, local: string) => ({ incoming: { socket: { localAddress: local, server: { address: () => ({ address: bound, port: 8787, family: 'IPv4' }) } } } });

  test('the demo\'s session helper and the sandbox\'s control API refuse to serve beyond loopback', async () => {
    const demo = createDemoHost({ bffUrl: 'http://127.0.0.1:9', secretKey: 'llsk_not_used' });
    for (const [bound, local] of [['0.0.0.0', '127.0.0.1'], ['0.0.0.0', '10.1.2.3'], ['::', '::1'], ['192.168.1.20', '192.168.1.20']]) {
      const session = await demo.request('/demo/api/session', { method: 'POST', body: '{}' }, socketEnv(bound!, local!));
      expect(session.status, `${bound} ${local}`).toBe(403);
      expect(((await session.json()) as { error: { message: string } }).error.message).toMatch(/^The demo's session helper serves only on a loopback address/);
    }
    const sandbox = createSandbox({ baseUrl: 'http://127.0.0.1:8791' });
    try {
      expect((await sandbox.app.request('/_sandbox/qbo/settings', {}, socketEnv('0.0.0.0', '10.1.2.3'))).status).toBe(403);
      expect((await sandbox.app.request('/_sandbox/qbo/settings', {}, socketEnv('127.0.0.1', '127.0.0.1'))).status).toBe(200);
      expect((await sandbox.app.request('/_sandbox/qbo/settings', {}, socketEnv('::1', '::1'))).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });

  test('…and in production, even on loopback', async () => {
    const previous = process.env['NODE_ENV'];
    process.env['NODE_ENV'] = 'production';
    const sandbox = createSandbox({ baseUrl: 'http://127.0.0.1:8791' });
    try {
      expect((await sandbox.app.request('/_sandbox/qbo/settings', {}, socketEnv('127.0.0.1', '127.0.0.1'))).status).toBe(403);
      const demo = createDemoHost({ bffUrl: 'http://127.0.0.1:9', secretKey: 'llsk_not_used' });
      expect((await demo.request('/demo/api/session', { method: 'POST', body: '{}' }, socketEnv('127.0.0.1', '127.0.0.1'))).status).toBe(403);
    } finally {
      process.env['NODE_ENV'] = previous;
      await sandbox.close();
    }
  });
});
