import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { expectMirrorEqualsProvider, syncOnce } from './support/sync.ts';

const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));
const stats = (realm: string) => sandbox.control<Record<string, any>>('GET', `/qbo/companies/${realm}/stats`);

async function connected(spec: Record<string, unknown> = {}) {
  const tenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'US', plan: 'Plus', ...spec });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  // The connect queued an initial run; the tests run it themselves.
  return { tenant, realm, id: result.connection!.id };
}

const expectMirrorEqualsSandbox = (realm: string, id: string) => expectMirrorEqualsProvider(t, sandbox.url, realm, id);

describe('import', () => {
  test('the first import mirrors every type exactly (counts and content hash), then scores health', async () => {
    const { realm, id } = await connected();
    const run = await syncOnce(t, id);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    await expectMirrorEqualsSandbox(realm, id);
    const [connection] = await t.deps.sql<{ initial_import_done: boolean; health: { score: number; checks: unknown[] }; last_successful_sync_at: Date }[]>`
      select initial_import_done, health, last_successful_sync_at from connections where id = ${id}`;
    expect(connection!.initial_import_done).toBe(true);
    expect(connection!.health.score).toBeGreaterThanOrEqual(0);
    expect(connection!.health.checks.length).toBe(7);
    const progress = await t.deps.sql<{ total: number; done: number; finished: boolean }[]>`select total, done, finished from sync_progress where run_id = ${run.id}`;
    expect(progress.every((row) => row.finished && row.done === row.total)).toBe(true);
  });
});

describe('incremental', () => {
  test('100 changes and 10 deletions come back with at most 5 provider calls; tombstones keep the deleted', async () => {
    const { realm, id } = await connected();
    expect((await syncOnce(t, id)).status).toBe('succeeded');
    await expectMirrorEqualsSandbox(realm, id);
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    const changes = await sandbox.control('POST', `/qbo/companies/${realm}/mutations`, { update: 90, create: 10, delete: 10 });
    const before = (await stats(realm)).requests_total;
    const started = Date.now();
    const run = await syncOnce(t, id);
    const elapsed = Date.now() - started;
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.kind).toBe('incremental');
    expect((await stats(realm)).requests_total - before).toBeLessThanOrEqual(5);
    expect(elapsed).toBeLessThan(2000);
    await expectMirrorEqualsSandbox(realm, id);
    const deleted = (changes.changes as { entity: string; id: string; operation: string }[]).filter((change) => change.operation === 'Delete');
    expect(deleted.length).toBe(10);
    const nameLists = ['Vendor', 'Customer', 'Employee', 'Account', 'Item', 'Class', 'Department', 'Term', 'PaymentMethod'];
    for (const change of deleted) {
      const [row] = await t.deps.sql<{ deleted_at: Date | null; active: boolean | null }[]>`
        select deleted_at, active from records where connection_id = ${id} and type = ${change.entity} and external_id = ${change.id}`;
      // Transactions are deleted for real (a tombstone); name-list "deletes" are deactivations.
      if (nameLists.includes(change.entity)) expect(row?.active, `${change.entity} ${change.id}`).toBe(false);
      else expect(row?.deleted_at, `${change.entity} ${change.id}`).toBeInstanceOf(Date);
    }
  });

  test('a dead grant fails the run as needs_reconnect and stops syncing the connection', async () => {
    const { realm, id } = await connected();
    expect((await syncOnce(t, id)).status).toBe('succeeded');
    await expectMirrorEqualsSandbox(realm, id);
    await sandbox.control('POST', `/qbo/companies/${realm}/disconnect`);
    const run = await syncOnce(t, id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ category: 'needs_reconnect', action: 'reconnect' });
    const [connection] = await t.deps.sql<{ status: string }[]>`select status from connections where id = ${id}`;
    expect(connection!.status).toBe('needs_reconnect');
  });
});

describe('data API', () => {
  test('records page with a stable cursor, include tombstones, and filter by updated_since', async () => {
    const { tenant, realm, id } = await connected();
    expect((await syncOnce(t, id)).status).toBe('succeeded');
    await expectMirrorEqualsSandbox(realm, id);
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await t.request(`/v1/connections/${id}/records/Customer?limit=7${cursor ? `&cursor=${cursor}` : ''}`, { token: tenant.secretKey });
      const page = (await response.json()) as { data: { id: string; deleted: boolean }[]; next_cursor: string | null };
      for (const record of page.data) seen.add(record.id);
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor && pages < 1000);
    const [count] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from records where connection_id = ${id} and type = 'Customer'`;
    expect(seen.size).toBe(count!.n);

    const future = await t.request(`/v1/connections/${id}/records/Customer?updated_since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { token: tenant.secretKey });
    expect(((await future.json()) as { data: unknown[] }).data).toEqual([]);

    const badType = await t.request(`/v1/connections/${id}/records/Widgets`, { token: tenant.secretKey });
    expect(badType.status).toBe(400);
    expect(((await badType.json()) as { error: { message: string } }).error.message).toMatch(/^path\.type: /);
    const badCursor = await t.request(`/v1/connections/${id}/records/Customer?cursor=!!`, { token: tenant.secretKey });
    expect(((await badCursor.json()) as { error: { message: string } }).error.message).toMatch(/^query\.cursor: /);
  });

  test('another tenant cannot read the records', async () => {
    const { id } = await connected();
    const stranger = await t.createTenant();
    expect((await t.request(`/v1/connections/${id}/records/Vendor`, { token: stranger.secretKey })).status).toBe(404);
  });
});

describe('widget sync routes', () => {
  test('sync status, Sync now by role, visibility', async () => {
    const { tenant, id } = await connected();
    const admin = await t.session(tenant, 'org-1', { id: 'ada', role: 'admin' });
    const member = await t.session(tenant, 'org-1', { id: 'max', role: 'member' });
    const headers = { origin: tenant.origin };

    const status = await t.request('/v1/widget/sync-status', { token: admin, headers });
    const body = (await status.json()) as { data: { connection: { id: string }; sync: { current_run: { status: string } | null } }[]; poll_after_ms: number };
    expect(body.data[0]!.sync.current_run?.status).toBe('queued');
    expect(body.poll_after_ms).toBe(1500);

    const forbidden = await t.request(`/v1/widget/connections/${id}/sync`, { method: 'POST', token: member, headers, json: {} });
    expect(forbidden.status).toBe(403);
    const started = await t.request(`/v1/widget/connections/${id}/sync`, { method: 'POST', token: admin, headers, json: {} });
    expect(started.status).toBe(202);
    expect(((await started.json()) as { coalesced: boolean }).coalesced).toBe(true);

    await t.request(`/v1/widget/connections/${id}/visibility`, { method: 'PUT', token: admin, headers, json: { mode: 'restricted', user_ids: ['someone-else'] } });
    const hidden = await t.request('/v1/widget/sync-status', { token: member, headers });
    expect(((await hidden.json()) as { data: unknown[] }).data).toEqual([]);
    expect((await t.request(`/v1/widget/connections/${id}`, { token: member, headers })).status).toBe(404);
    await t.request('/v1/widget/connections/visibility', { method: 'PUT', token: admin, headers, json: { mode: 'restricted', user_ids: ['max'], connection_ids: [id] } });
    expect(((await (await t.request('/v1/widget/sync-status', { token: member, headers })).json()) as { data: unknown[] }).data).toHaveLength(1);
    const memberChange = await t.request(`/v1/widget/connections/${id}/visibility`, { method: 'PUT', token: member, headers, json: { mode: 'organization' } });
    expect(memberChange.status).toBe(403);
  });
});

describe('QuickBooks webhooks', () => {
  test('a signed notification queues one debounced incremental sync; a bad signature is refused', async () => {
    const { realm, id } = await connected();
    expect((await syncOnce(t, id)).status).toBe('succeeded');
    await expectMirrorEqualsSandbox(realm, id);
    const body = JSON.stringify({ eventNotifications: [{ realmId: realm, dataChangeEvent: { entities: [{ name: 'Vendor', id: '1', operation: 'Update', lastUpdated: new Date().toISOString() }] } }] });
    const sign = (text: string) => createHmac('sha256', 'test-verifier').update(text).digest('base64');
    expect((await t.request('/v1/webhooks/qbo', { method: 'POST', body, headers: { 'intuit-signature': sign(body + 'x') } })).status).toBe(401);
    for (let i = 0; i < 3; i++) {
      const response = await t.request('/v1/webhooks/qbo', { method: 'POST', body, headers: { 'intuit-signature': sign(body), 'content-type': 'application/json' } });
      expect(response.status).toBe(200);
    }
    const runs = await t.deps.sql<{ trigger: string; kind: string; due_at: Date }[]>`
      select trigger, kind, due_at from sync_runs where connection_id = ${id} and status = 'queued'`;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'webhook', kind: 'incremental' });
    expect(runs[0]!.due_at.getTime()).toBeGreaterThan(Date.now());
  });
});
