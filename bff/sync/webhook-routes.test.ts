import { createHmac, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';
import { loadConfig } from '../config.ts';
import { newId } from '../db/ids.ts';
import { WEBHOOK_DEBOUNCE_MS } from './webhook-routes.ts';

const VERIFIER = 'route-test-verifier';
const t = testApp({ config: { ...loadConfig({ NODE_ENV: 'test', LEDGERLINK_DATA_DIR: '/nonexistent' }), QBO_WEBHOOK_VERIFIER: VERIFIER } });
const examples = JSON.parse(readFileSync(new URL('../../../shared/contracts/qbo/webhooks.examples.json', import.meta.url), 'utf8')) as {
  cloudevents: Record<string, unknown>[];
  legacy: { eventNotifications: Record<string, unknown>[] };
};

/** As Intuit signs: base64(HMAC-SHA256(raw body, verifier token)), computed here without our code. */
const intuitSignature = (body: string, key = VERIFIER) => createHmac('sha256', key).update(body, 'utf8').digest('base64');

/** A QuickBooks connection of a company of its own (a fresh realm id, so no other test's company is touched). */
async function connection(options: { status?: string; imported?: boolean } = {}) {
  const tenant = await t.createTenant();
  await t.session(tenant, 'org');
  const id = newId('con');
  const realm = `93414${String(randomInt(10 ** 9, 10 ** 10))}`;
  await t.deps.sql`
    insert into connections (id, tenant_id, organization_id, provider, external_id, status, initial_import_done)
    values (${id}, ${tenant.id}, 'org', 'qbo', ${realm}, ${options.status ?? 'connected'}, ${options.imported ?? true})`;
  return { id, realm };
}

const queuedRuns = (id: string) =>
  t.deps.sql<{ trigger: string; kind: string; due_at: Date }[]>`select trigger, kind, due_at from sync_runs where connection_id = ${id} and status = 'queued'`;

function post(body: string, signature = intuitSignature(body)) {
  return t.request('/v1/webhooks/qbo', { method: 'POST', body, headers: { 'intuit-signature': signature, 'content-type': 'application/json' } });
}

/** The contract's CloudEvents example, about `realm`. */
const cloudEvents = (...realms: string[]) => realms.flatMap((realm) => examples.cloudevents.map((event) => ({ ...event, intuitaccountid: realm })));
/** The contract's legacy example, about `realm`. */
const legacy = (...realms: string[]) => ({ eventNotifications: realms.flatMap((realm) => examples.legacy.eventNotifications.map((notification) => ({ ...notification, realmId: realm }))) });

describe('POST /v1/webhooks/qbo', () => {
  test('a CloudEvents body (mandatory from 2026) queues one debounced incremental sync of the company it names, and no other', async () => {
    const named = await connection();
    const other = await connection();
    const before = Date.now();
    const response = await post(JSON.stringify(cloudEvents(named.realm)));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ queued: 1 });
    const runs = await queuedRuns(named.id);
    expect(runs.map(({ trigger, kind }) => ({ trigger, kind }))).toEqual([{ trigger: 'webhook', kind: 'incremental' }]);
    expect(runs[0]!.due_at.getTime()).toBeGreaterThanOrEqual(before + WEBHOOK_DEBOUNCE_MS - 1000);
    expect(await queuedRuns(other.id)).toEqual([]);
  });

  test('a legacy eventNotifications body queues the sync of the company it names, and no other', async () => {
    const named = await connection();
    const other = await connection();
    const response = await post(JSON.stringify(legacy(named.realm)));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ queued: 1 });
    expect((await queuedRuns(named.id)).map(({ trigger, kind }) => ({ trigger, kind }))).toEqual([{ trigger: 'webhook', kind: 'incremental' }]);
    expect(await queuedRuns(other.id)).toEqual([]);
  });

  test('a batch about two companies queues both; repeated notifications coalesce into the one queued run', async () => {
    const first = await connection();
    const second = await connection();
    for (let i = 0; i < 3; i++) expect((await post(JSON.stringify(cloudEvents(first.realm, second.realm)))).status).toBe(200);
    expect(await queuedRuns(first.id)).toHaveLength(1);
    expect(await queuedRuns(second.id)).toHaveLength(1);
  });

  test('a body not signed with our verifier token is refused and queues nothing', async () => {
    const named = await connection();
    const body = JSON.stringify(cloudEvents(named.realm));
    expect((await post(body, intuitSignature(body, 'someone-else'))).status).toBe(401);
    expect((await post(body.replace('"qbo.vendor.updated.v1"', '"qbo.vendor.deleted.v1"'), intuitSignature(body))).status).toBe(401);
    expect((await t.request('/v1/webhooks/qbo', { method: 'POST', body, headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect(await queuedRuns(named.id)).toEqual([]);
  });

  test('companies not imported yet or needing a reconnect are not synced by a notification', async () => {
    const importing = await connection({ imported: false });
    const dead = await connection({ status: 'needs_reconnect' });
    const response = await post(JSON.stringify(legacy(importing.realm, dead.realm)));
    expect(await response.json()).toEqual({ queued: 0 });
    expect(await queuedRuns(importing.id)).toEqual([]);
    expect(await queuedRuns(dead.id)).toEqual([]);
  });
});

describe('POST /v1/webhooks/qbo without QBO_WEBHOOK_VERIFIER (the default npm start)', () => {
  const unconfigured = testApp({ config: loadConfig({ NODE_ENV: 'test', LEDGERLINK_DATA_DIR: '/nonexistent' }) });
  const send = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    unconfigured.request('/v1/webhooks/qbo', { method: 'POST', body, headers });

  test.each([
    ['a malformed body', '{'],
    ['an empty body', ''],
    ['a well-formed notification', JSON.stringify({ eventNotifications: [{ realmId: '123' }] })],
    ['a CloudEvents batch', JSON.stringify([{ specversion: '1.0', intuitaccountid: '123' }])],
  ])('%s is a 404 naming the missing setting, never a 5xx', async (_name, body) => {
    const response = await send(body, { 'content-type': 'application/json', 'intuit-signature': intuitSignature(body) });
    expect(response.status).toBe(404);
    const { error } = (await response.json()) as { error: { code: string; message: string; details: Record<string, unknown> } };
    expect(error.message).toContain('QBO_WEBHOOK_VERIFIER');
    expect(error.details).toEqual({ reason: 'not_configured', setting: 'QBO_WEBHOOK_VERIFIER' });
  });
});

describe('POST /v1/webhooks/qbo with a verifier: malformed input is a 4xx', () => {
  test.each([
    ['a truncated body', '{'],
    ['a body that is not an object or array', '"text"'],
    ['a realm id that is not one', JSON.stringify({ eventNotifications: [{ realmId: 'abc' }] })],
  ])('%s, correctly signed, answers 400', async (_name, body) => {
    expect((await post(body)).status).toBe(400);
  });
});
