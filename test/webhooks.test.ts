import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { recordEvent, type EventInput } from '../bff/events/record.ts';
import { claimDeliveries, settleDelivery } from '../bff/webhooks/deliveries.ts';
import { deliverDueWebhooks } from '../bff/webhooks/deliver.ts';
import { WebhookWorker } from '../bff/webhooks/worker.ts';
import { verifyLedgerlinkSignature } from '../shared/webhooks/verify-signature.ts';
import { testApp, type TestTenant } from './support/app.ts';
import { testDatabase } from './support/database.ts';
import { raceTest } from './support/database.ts';

const t = testApp();

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1: records every request and answers with `answer`'s status. */
async function receiver(answer: (request: Received, index: number) => number | Promise<number> = () => 200) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      const status = await answer(request, received.length - 1);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 400 ? 'receiver says no' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}
const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

async function createEndpoint(tenant: TestTenant, body: Record<string, unknown>) {
  const response = await t.request('/v1/webhook-endpoints', { method: 'POST', token: tenant.secretKey, json: body });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; url: string; events: string[]; secret: string; created_at: string };
}

const event = (tenant: TestTenant, type: EventInput['type'] = 'connection.connected', data: Record<string, unknown> = {}) =>
  recordEvent(t.deps.sql, { tenantId: tenant.id, organizationId: 'org-1', connectionId: 'con_0123456789abcdef0123', type, data });

/** Delivers what is due for these tenants only: other test files share the database. */
const deliver = (tenants: TestTenant[], owner = 'test-worker') => deliverDueWebhooks(t.deps, { owner, tenantIds: tenants.map((x) => x.id) });

async function deliveries(tenant: TestTenant, endpointId: string) {
  const response = await t.request(`/v1/webhook-endpoints/${endpointId}/deliveries`, { token: tenant.secretKey });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Record<string, unknown>[] }).data;
}

describe('webhook endpoints API', () => {
  test('create shows the secret once; list never does; rotate replaces it; delete removes', async () => {
    const tenant = await t.createTenant();
    const created = await createEndpoint(tenant, { url: 'https://api.host.example/hooks', events: ['connection.connected', '*', '*'], description: 'prod' });
    expect(created).toMatchObject({ url: 'https://api.host.example/hooks', events: ['connection.connected', '*'] });
    expect(created.id).toMatch(/^whe_[0-9a-f]{20}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const [stored] = await t.deps.sql<{ secret: string }[]>`select secret from webhook_endpoints where id = ${created.id}`;
    expect(stored!.secret).not.toContain(created.secret.slice(6));

    const list = await t.request('/v1/webhook-endpoints', { token: tenant.secretKey });
    const listed = (await list.json()) as { data: Record<string, unknown>[] };
    expect(listed.data).toEqual([{ id: created.id, url: created.url, events: created.events, description: 'prod', created_at: created.created_at }]);
    expect(JSON.stringify(listed)).not.toContain('whsec_');

    const rotated = await t.request(`/v1/webhook-endpoints/${created.id}/rotate-secret`, { method: 'POST', token: tenant.secretKey });
    expect(rotated.status).toBe(200);
    const { secret } = (await rotated.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);

    expect((await t.request(`/v1/webhook-endpoints/${created.id}`, { method: 'DELETE', token: tenant.secretKey })).status).toBe(204);
    expect((await t.request(`/v1/webhook-endpoints/${created.id}`, { method: 'DELETE', token: tenant.secretKey })).status).toBe(404);
    expect(((await (await t.request('/v1/webhook-endpoints', { token: tenant.secretKey })).json()) as { data: unknown[] }).data).toEqual([]);
  });

  test('invalid input is a 400 naming the field', async () => {
    const tenant = await t.createTenant();
    const cases: [unknown, string][] = [
      [{ url: 'http://api.host.example/hooks', events: ['*'] }, 'body.url: must be an https:// URL'],
      [{ url: 'ftp://files.host.example/x', events: ['*'] }, 'body.url: must be an https:// URL'],
      [{ url: 'https://user:pw@host.example/x', events: ['*'] }, 'body.url: must not contain credentials'],
      [{ url: 'not a url', events: ['*'] }, 'body.url:'],
      [{ url: 'https://host.example/x', events: [] }, 'body.events: must list at least one event type'],
      [{ url: 'https://host.example/x', events: ['connection.connected', 'connection.exploded'] }, 'body.events.1:'],
      [{ url: 'https://host.example/x' }, 'body.events:'],
      [{ url: 'https://host.example/x', events: ['*'], secret: 'mine' }, 'body:'],
    ];
    for (const [json, message] of cases) {
      const response = await t.request('/v1/webhook-endpoints', { method: 'POST', token: tenant.secretKey, json });
      expect(response.status, JSON.stringify(json)).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.message.startsWith(message), `${body.error.message} should start with ${message}`).toBe(true);
    }

    const badId = await t.request('/v1/webhook-endpoints/nope', { method: 'DELETE', token: tenant.secretKey });
    expect(badId.status).toBe(400);
    expect(((await badId.json()) as { error: { message: string } }).error.message).toMatch(/^path\.id: must be a webhook endpoint id/);

    const endpoint = await createEndpoint(tenant, { url: 'http://localhost:9/hooks', events: ['*'] });
    const badLimit = await t.request(`/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=0`, { token: tenant.secretKey });
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as { error: { message: string } }).error.message).toMatch(/^query\.limit:/);

    expect((await t.request('/v1/webhook-endpoints', { token: 'llsk_wrong' })).status).toBe(401);
  });

  test('in production only https is accepted, even for localhost', async () => {
    const production = testApp({ config: { ...t.deps.config, production: true } });
    const tenant = await production.createTenant();
    const response = await production.request('/v1/webhook-endpoints', {
      method: 'POST',
      token: tenant.secretKey,
      json: { url: 'http://127.0.0.1:9/hooks', events: ['*'] },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('body.url: must be an https:// URL');
  });

  test('tenant A can neither list, read deliveries of, rotate nor delete tenant B\'s endpoints', async () => {
    const a = await t.createTenant('A');
    const b = await t.createTenant('B');
    const endpointB = await createEndpoint(b, { url: 'https://b.example/hooks', events: ['*'] });

    const listA = (await (await t.request('/v1/webhook-endpoints', { token: a.secretKey })).json()) as { data: unknown[] };
    expect(listA.data).toEqual([]);
    for (const [path, method] of [
      [`/v1/webhook-endpoints/${endpointB.id}`, 'DELETE'],
      [`/v1/webhook-endpoints/${endpointB.id}/rotate-secret`, 'POST'],
      [`/v1/webhook-endpoints/${endpointB.id}/deliveries`, 'GET'],
    ] as const) {
      expect((await t.request(path, { method, token: a.secretKey })).status, `${method} ${path}`).toBe(404);
    }
    const listB = (await (await t.request('/v1/webhook-endpoints', { token: b.secretKey })).json()) as { data: { id: string }[] };
    expect(listB.data.map((row) => row.id)).toEqual([endpointB.id]);

    // B's events never reach A's endpoints either.
    const endpointA = await createEndpoint(a, { url: 'https://a.example/hooks', events: ['*'] });
    await event(b);
    expect(await deliveries(a, endpointA.id)).toEqual([]);
    expect(await deliveries(b, endpointB.id)).toHaveLength(1);
  });

  test('the endpoints are in the OpenAPI document', async () => {
    const spec = (await (await t.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(spec.paths['/v1/webhook-endpoints']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(spec.paths['/v1/webhook-endpoints/{id}']).toHaveProperty('delete');
    expect(spec.paths['/v1/webhook-endpoints/{id}/rotate-secret']).toHaveProperty('post');
    expect(spec.paths['/v1/webhook-endpoints/{id}/deliveries']).toHaveProperty('get');
  });
});

describe('webhook delivery', () => {
  test('a real receiver gets the event, signed so verifyLedgerlinkSignature accepts it and rejects tampering or age', async () => {
    const tenant = await t.createTenant();
    const host = await receiver();
    const endpoint = await createEndpoint(tenant, { url: host.url, events: ['connection.connected'] });
    const eventId = await event(tenant, 'connection.connected', { company_name: 'Acme Ltd' });

    const results = await deliver([tenant]);
    expect(results).toEqual([{ outcome: 'delivered', statusCode: 200 }]);
    expect(host.received).toHaveLength(1);
    const { headers, body } = host.received[0]!;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['ledgerlink-event-id']).toBe(eventId);
    const payload = JSON.parse(body) as Record<string, unknown>;
    expect(payload).toEqual({
      id: eventId,
      type: 'connection.connected',
      created_at: expect.any(String),
      tenant_id: tenant.id,
      organization_id: 'org-1',
      connection_id: 'con_0123456789abcdef0123',
      data: { company_name: 'Acme Ltd' },
    });

    const signature = headers['ledgerlink-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const now = t.deps.now();
    expect(await verifyLedgerlinkSignature(endpoint.secret, signature, body, 300, now)).toMatchObject({ valid: true });
    expect(await verifyLedgerlinkSignature(endpoint.secret, signature, body.replace('Acme', 'Evil'), 300, now)).toMatchObject({ valid: false, reason: 'signature_mismatch' });
    expect(await verifyLedgerlinkSignature('whsec_not_it', signature, body, 300, now)).toMatchObject({ valid: false });
    expect(await verifyLedgerlinkSignature(endpoint.secret, signature, body, 300, new Date(now.getTime() + 301_000))).toMatchObject({
      valid: false,
      reason: 'timestamp_out_of_tolerance',
    });

    const [delivery] = await deliveries(tenant, endpoint.id);
    expect(delivery).toMatchObject({ event_id: eventId, event_type: 'connection.connected', status: 'delivered', attempts: 1, last_status_code: 200, last_error: null, next_attempt_at: null });
    expect(await deliver([tenant])).toEqual([]); // delivered once, never again
  });

  test('each endpoint gets only the event types it subscribed to', async () => {
    const tenant = await t.createTenant();
    const host = await receiver();
    const connected = await createEndpoint(tenant, { url: `${host.url}?only=connected`, events: ['connection.connected'] });
    const everything = await createEndpoint(tenant, { url: `${host.url}?all`, events: ['*'] });
    const deleted = await createEndpoint(tenant, { url: `${host.url}?only=deleted`, events: ['connection.deleted', 'connection.disconnected'] });

    await event(tenant, 'connection.connected');
    await event(tenant, 'connection.needs_reconnect');
    await deliver([tenant]);

    expect((await deliveries(tenant, connected.id)).map((row) => row.event_type)).toEqual(['connection.connected']);
    expect((await deliveries(tenant, everything.id)).map((row) => row.event_type).sort()).toEqual(['connection.connected', 'connection.needs_reconnect']);
    expect(await deliveries(tenant, deleted.id)).toEqual([]);
    expect(host.received).toHaveLength(3);
  });

  test('an event rolled back with its transaction is never delivered; an endpoint only gets events after it exists', async () => {
    const tenant = await t.createTenant();
    await event(tenant); // before any endpoint
    const endpoint = await createEndpoint(tenant, { url: 'https://host.example/hooks', events: ['*'] });
    await t.deps.sql
      .begin(async (tx) => {
        await recordEvent(tx, { tenantId: tenant.id, organizationId: 'org-1', type: 'connection.deleted' });
        throw new Error('the change failed');
      })
      .catch(() => undefined);
    expect(await deliveries(tenant, endpoint.id)).toEqual([]);
  });

  test('a 500 is retried with backoff on the app clock, then delivered; the same event id both times', async () => {
    const tenant = await t.createTenant();
    const host = await receiver((_, index) => (index === 0 ? 500 : 204));
    const endpoint = await createEndpoint(tenant, { url: host.url, events: ['*'] });
    const eventId = await event(tenant);

    const [first] = await deliver([tenant]);
    expect(first).toMatchObject({ outcome: 'retry', statusCode: 500, error: 'HTTP 500' }); // never the receiver's body (issue 11)
    const [pending] = await deliveries(tenant, endpoint.id);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'HTTP 500' });
    const wait = (Date.parse(pending!.next_attempt_at as string) - t.deps.now().getTime()) / 1000;
    expect(wait).toBeGreaterThan(20); // 30 s ± 20 % jitter
    expect(wait).toBeLessThanOrEqual(36);

    expect(await deliver([tenant])).toEqual([]); // not due yet
    t.advanceClock(37);
    expect(await deliver([tenant])).toEqual([{ outcome: 'delivered', statusCode: 204 }]);
    expect(host.received.map((request) => request.headers['ledgerlink-event-id'])).toEqual([eventId, eventId]);
    expect((await deliveries(tenant, endpoint.id))[0]).toMatchObject({ status: 'delivered', attempts: 2, last_status_code: 204, last_error: null });
  });

  test('a receiver that keeps failing is retried for about three days, then the delivery is failed', async () => {
    const tenant = await t.createTenant();
    const host = await receiver(() => 503);
    const endpoint = await createEndpoint(tenant, { url: host.url, events: ['*'] });
    await event(tenant);

    const outcomes: string[] = [];
    let waited = 0;
    for (let attempt = 1; attempt <= 10; attempt++) {
      const results = await deliver([tenant]);
      outcomes.push(...results.map((result) => result.outcome));
      const [row] = await deliveries(tenant, endpoint.id);
      if (row!.next_attempt_at === null) break;
      const seconds = Math.ceil((Date.parse(row!.next_attempt_at as string) - t.deps.now().getTime()) / 1000) + 1;
      waited += seconds;
      t.advanceClock(seconds);
    }
    expect(outcomes).toEqual([...Array(8).fill('retry'), 'failed']);
    expect(waited / 86_400).toBeGreaterThan(2);
    expect(waited / 86_400).toBeLessThan(3.5);
    expect((await deliveries(tenant, endpoint.id))[0]).toMatchObject({ status: 'failed', attempts: 9, last_status_code: 503, next_attempt_at: null });
    expect(host.received).toHaveLength(9);
  });

  test('a receiver that is down is a retry with the network error recorded', async () => {
    const tenant = await t.createTenant();
    const host = await receiver();
    const closed = host.url.replace(/:\d+\//, ':1/'); // nothing listens on port 1
    const endpoint = await createEndpoint(tenant, { url: closed, events: ['*'] });
    await event(tenant);
    const [result] = await deliver([tenant]);
    expect(result).toMatchObject({ outcome: 'retry', statusCode: null });
    expect((await deliveries(tenant, endpoint.id))[0]).toMatchObject({ status: 'pending', last_status_code: null, last_error: expect.stringMatching(/ECONNREFUSED|fetch failed/) });
  });

  test('a redirect is not followed and counts as a failure', async () => {
    const tenant = await t.createTenant();
    const host = await receiver(() => 302);
    await createEndpoint(tenant, { url: host.url, events: ['*'] });
    await event(tenant);
    expect(await deliver([tenant])).toMatchObject([{ outcome: 'retry', statusCode: 302 }]);
  });

  test('at most one request per event and endpoint in flight; a dead worker\'s lease is taken over after it expires', async () => {
    const tenant = await t.createTenant();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const host = await receiver(async (_, index) => {
      if (index === 0) await held;
      return 200;
    });
    await createEndpoint(tenant, { url: host.url, events: ['*'] });
    await event(tenant);

    const first = deliverDueWebhooks(t.deps, { owner: 'worker-1', tenantIds: [tenant.id] });
    while (host.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // While worker-1's request is in flight, another worker finds nothing to claim.
    expect(await deliver([tenant], 'worker-2')).toEqual([]);
    release();
    expect(await first).toEqual([{ outcome: 'delivered', statusCode: 200 }]);
    expect(host.received).toHaveLength(1);

    // A worker that claimed and died: its row is invisible until the lease runs out, then taken over.
    await event(tenant);
    const [claimed] = await claimDeliveries(t.deps.sql, { owner: 'dead-worker', limit: 10, now: t.deps.now(), leaseMs: 60_000, tenantIds: [tenant.id] });
    expect(claimed).toBeDefined();
    expect(await deliver([tenant], 'worker-2')).toEqual([]);
    t.advanceClock(61);
    expect(await deliver([tenant], 'worker-2')).toEqual([{ outcome: 'delivered', statusCode: 200 }]);
    // The dead worker, had it come back, could no longer overwrite the outcome.
    expect(await settleDelivery(t.deps.sql, claimed!.id, 'dead-worker', t.deps.now(), { outcome: 'failed', statusCode: 500, error: 'late' })).toBe(false);
  });

  raceTest('two worker instances on their own pools deliver 60 events once each, never the same one concurrently', async () => {
    const tenant = await t.createTenant();
    const inFlight = new Map<string, number>();
    let overlaps = 0;
    const host = await receiver(async (request) => {
      const id = request.headers['ledgerlink-event-id'] as string;
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      if (inFlight.get(id)! > 1) overlaps++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight.set(id, inFlight.get(id)! - 1);
      return 200;
    });
    await createEndpoint(tenant, { url: host.url, events: ['*'] });
    const ids = new Set<string>();
    for (let index = 0; index < 60; index++) ids.add(await event(tenant, 'connection.connected', { index }));

    const workers = [1, 2].map((n) => new WebhookWorker({ ...t.deps, sql: testDatabase() }, { owner: `parallel-${n}`, concurrency: 8, tenantIds: [tenant.id] }));
    const claimedBy = [0, 0];
    await Promise.all(
      workers.map(async (worker, index) => {
        for (let idle = 0; idle < 5; ) {
          const claimed = await worker.tick();
          claimedBy[index]! += claimed;
          idle = claimed === 0 && host.received.length >= ids.size ? idle + 1 : 0;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await worker.stop();
      }),
    );

    expect(host.received).toHaveLength(60);
    expect(new Set(host.received.map((request) => request.headers['ledgerlink-event-id']))).toEqual(ids);
    expect(overlaps).toBe(0);
    expect(claimedBy[0]! + claimedBy[1]!).toBe(60);
    const [counts] = await t.deps.sql<{ delivered: number; attempts: number }[]>`
      select count(*) filter (where status = 'delivered')::int as delivered, sum(attempts)::int as attempts
      from webhook_deliveries where tenant_id = ${tenant.id}`;
    expect(counts).toEqual({ delivered: 60, attempts: 60 });
  });

  test('after a rotation, deliveries are signed with the new secret', async () => {
    const tenant = await t.createTenant();
    const host = await receiver();
    const endpoint = await createEndpoint(tenant, { url: host.url, events: ['*'] });
    const rotated = (await (await t.request(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { method: 'POST', token: tenant.secretKey })).json()) as { secret: string };
    await event(tenant);
    await deliver([tenant]);
    const { headers, body } = host.received[0]!;
    const signature = headers['ledgerlink-signature'] as string;
    expect((await verifyLedgerlinkSignature(rotated.secret, signature, body, 300, t.deps.now())).valid).toBe(true);
    expect((await verifyLedgerlinkSignature(endpoint.secret, signature, body, 300, t.deps.now())).valid).toBe(false);
  });

  test('deleting an endpoint drops its pending deliveries', async () => {
    const tenant = await t.createTenant();
    const endpoint = await createEndpoint(tenant, { url: 'https://host.example/hooks', events: ['*'] });
    await event(tenant);
    await t.request(`/v1/webhook-endpoints/${endpoint.id}`, { method: 'DELETE', token: tenant.secretKey });
    expect(await deliver([tenant])).toEqual([]);
  });
});
