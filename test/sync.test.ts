import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { qboEntityTypes } from '../bff/providers/qbo/entities.ts';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { expectMirrorEqualsProvider, providerSnapshot, qboCall, resumeRun, syncOnce } from './support/sync.ts';

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

type Json = Record<string, any>;

/** The same instant written with a UTC offset of `hours` (`2026-11-30T15:04:05.123+02:00`). */
function withOffset(instant: Date, hours: number): string {
  return `${new Date(instant.getTime() + hours * 3_600_000).toISOString().slice(0, -1)}${hours >= 0 ? '+' : '-'}${String(Math.abs(hours)).padStart(2, '0')}:00`;
}
const HEALTH_TYPES = ['Account', 'Vendor', 'Customer', 'Payment', 'CreditMemo', 'Invoice', 'Bill', 'Purchase', 'JournalEntry', 'Deposit', 'VendorCredit', 'BillPayment'];
const NAME_LISTS = ['Account', 'Class', 'Department', 'Customer', 'Vendor', 'Employee', 'Item', 'Term', 'PaymentMethod'];

/** Every record of the types health looks at, read from the sandbox with plain fetch. */
async function providerData(realm: string, id: string): Promise<Record<string, Json[]>> {
  const data: Record<string, Json[]> = {};
  for (const type of HEALTH_TYPES) {
    data[type] = [];
    for (let position = 1; ; position += 1000) {
      const where = NAME_LISTS.includes(type) ? ' WHERE Active IN (true, false)' : '';
      const page = await qboCall(t, sandbox.url, realm, id, 'GET', 'query', undefined, { query: `SELECT * FROM ${type}${where} STARTPOSITION ${position} MAXRESULTS 1000` });
      const records = (page.QueryResponse[type] ?? []) as Json[];
      data[type].push(...records);
      if (records.length < 1000) break;
    }
  }
  return data;
}

/**
 * The health a US company should get, by the rules documented in bff/sync/health-score.ts and health.ts, computed
 * over QuickBooks' own records: per check the count of hits and up to five example Ids (lowest first), then
 * score = round(100 × (1 − Σ w·min(1, share/10%) / Σ w)) over the checks that have a population.
 */
function expectedHealth(data: Record<string, Json[]>, today: string) {
  const of = (...types: string[]) => types.flatMap((type) => data[type] ?? []);
  const nameOf = (record: Json): string | null => record.DisplayName ?? record.Name ?? record.FullyQualifiedName ?? record.DocNumber ?? null;
  const uncategorised = new Set(of('Account').filter((account) => /^(uncategori[sz]ed|ask my accountant)/i.test(nameOf(account) ?? '')).map((account) => String(account.Id)));
  const details = (record: Json) => ((record.Line ?? []) as Json[]).flatMap((line) => Object.values(line).filter((value) => typeof value === 'object' && value !== null && !Array.isArray(value)) as Json[]);
  const nameKey = (record: Json) => (nameOf(record) ?? '').replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
  const activeNames = of('Vendor', 'Customer').filter((record) => record.Active !== false);
  const keyCounts = new Map<string, number>();
  for (const record of activeNames) keyCounts.set(nameKey(record), (keyCounts.get(nameKey(record)) ?? 0) + 1);
  const payments = new Set(of('Payment'));
  const transactions = of('Invoice', 'Bill', 'Purchase', 'JournalEntry', 'Deposit', 'CreditMemo', 'VendorCredit', 'Payment', 'BillPayment');
  const checks: [string, number, Json[], (record: Json) => boolean][] = [
    ['uncategorised', 20, of('Bill', 'Purchase', 'JournalEntry', 'Deposit', 'VendorCredit'), (record) => details(record).some((detail) => uncategorised.has(String(detail.AccountRef?.value)))],
    ['duplicate_names', 10, activeNames, (record) => keyCounts.get(nameKey(record))! > 1],
    ['unapplied_payments', 15, of('Payment', 'CreditMemo'), (record) => (payments.has(record) ? Number(record.UnappliedAmt ?? 0) : Number(record.Balance ?? record.RemainingCredit ?? 0)) > 0],
    ['overdue', 20, of('Invoice', 'Bill').filter((record) => Number(record.Balance ?? 0) > 0), (record) => (record.DueDate ?? '9999-12-31') < today],
    ['inactive_accounts_with_balance', 10, of('Account'), (record) => record.Active === false && Number(record.CurrentBalance ?? 0) !== 0],
    ['missing_tax_codes', 15, [], () => false],
    ['future_dated', 10, transactions, (record) => typeof record.TxnDate === 'string' && record.TxnDate.slice(0, 10) > today],
  ];
  const results = checks.map(([id, weight, population, hit]) => {
    const hits = population.filter(hit).map((record) => String(record.Id)).sort();
    return { id, weight, count: hits.length, population: population.length, examples: hits.slice(0, 5) };
  });
  const applicable = results.filter((check) => check.population > 0);
  const weights = applicable.reduce((sum, check) => sum + check.weight, 0);
  const penalty = applicable.reduce((sum, check) => sum + check.weight * Math.min(1, check.count / check.population / 0.1), 0);
  return { score: weights === 0 ? 100 : Math.round(100 * (1 - penalty / weights)), checks: results.map(({ id, weight, count, examples }) => ({ id, weight, count, examples })) };
}

describe('import', () => {
  test('the first import mirrors every type exactly (counts and content hash), then scores health', async () => {
    const { realm, id } = await connected({ seed: 'health-known-company' });
    const run = await syncOnce(t, id, { reactions: false }); // the import alone; its metrics refresh is test/metrics.test.ts's
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    await expectMirrorEqualsSandbox(realm, id);
    const [connection] = await t.deps.sql<{ initial_import_done: boolean; health: { score: number; checks: unknown[] }; last_successful_sync_at: Date }[]>`
      select initial_import_done, health, last_successful_sync_at from connections where id = ${id}`;
    expect(connection!.initial_import_done).toBe(true);
    // The score and every check's count and examples, worked out here from what QuickBooks holds (not from our SQL).
    const expected = expectedHealth(await providerData(realm, id), new Date().toISOString().slice(0, 10));
    const health = connection!.health as unknown as { score: number; checks: { id: string; weight: number; count: number; examples: { id: string }[] }[] };
    expect(health.checks.map(({ id: check, weight, count, examples }) => ({ id: check, weight, count, examples: examples.map((example) => example.id) }))).toEqual(expected.checks);
    expect(health.score).toBe(expected.score);
    // The seeded company has problems to find, so the score is not the 100 an empty check list would give.
    expect(expected.checks.filter((check) => check.count > 0).length).toBeGreaterThanOrEqual(2);
    expect(health.score).toBeLessThan(100);
    // One finished progress row per type, each counting what QuickBooks holds.
    const progress = await t.deps.sql<{ type: string; total: number; done: number; finished: boolean }[]>`select type, total, done, finished from sync_progress where run_id = ${run.id} order by type`;
    const totals = await Promise.all([...qboEntityTypes].sort().map(async (type) => ({ type, total: (await providerSnapshot(t, sandbox.url, realm, id, type)).count })));
    expect(progress).toEqual(totals.map(({ type, total }) => ({ type, total, done: total, finished: true })));
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
    // How fast this is (< 2 s) is a target measured by test/bench/sync-limits.bench.ts, not asserted here.
    // The run alone: the report calls of the metrics refresh that follows it are counted in test/metrics.test.ts.
    const run = await syncOnce(t, id, { reactions: false });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(run.kind).toBe('incremental');
    expect((await stats(realm)).requests_total - before).toBeLessThanOrEqual(5);
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

    // updated_since in the past: one customer changed in QuickBooks and synced again is newer than the rest.
    const [changed] = (await qboCall(t, sandbox.url, realm, id, 'GET', 'query', undefined, { query: 'SELECT * FROM Customer MAXRESULTS 1' })).QueryResponse.Customer as Json[];
    await qboCall(t, sandbox.url, realm, id, 'POST', 'customer', { Id: changed!.Id, SyncToken: changed!.SyncToken, sparse: true, Notes: 'changed for updated_since' });
    expect((await syncOnce(t, id)).status).toBe('succeeded');
    // Stored times have microseconds, the API speaks milliseconds: pin the changed one to a millisecond so the
    // boundary below is exact.
    await t.deps.sql`update records set updated_at = date_trunc('milliseconds', updated_at) where connection_id = ${id} and type = 'Customer' and external_id = ${String(changed!.Id)}`;
    const times = await t.deps.sql<{ external_id: string; updated_at: Date }[]>`select external_id, updated_at from records where connection_id = ${id} and type = 'Customer'`;
    const changedAt = times.find((row) => row.external_id === String(changed!.Id))!.updated_at.getTime();
    const othersLatest = Math.max(...times.filter((row) => row.external_id !== String(changed!.Id)).map((row) => row.updated_at.getTime()));
    expect(changedAt - othersLatest).toBeGreaterThanOrEqual(2);
    const since = async (instant: string) => {
      const response = await t.request(`/v1/connections/${id}/records/Customer?limit=1000&updated_since=${encodeURIComponent(instant)}`, { token: tenant.secretKey });
      expect(response.status, instant).toBe(200);
      return ((await response.json()) as { data: { id: string }[] }).data.map((record) => record.id).sort();
    };
    const everyId = times.map((row) => row.external_id).sort();
    const othersEarliest = Math.min(...times.filter((row) => row.external_id !== String(changed!.Id)).map((row) => row.updated_at.getTime()));
    expect(await since(new Date(othersEarliest - 3_600_000).toISOString())).toEqual(everyId);
    expect(await since(new Date(othersEarliest).toISOString())).toEqual(everyId);
    expect(await since(new Date(Math.floor((othersLatest + changedAt) / 2) + 1).toISOString())).toEqual([String(changed!.Id)]);
    // The boundary is inclusive ("at or after"), also when the instant is written with another offset.
    expect(await since(new Date(changedAt).toISOString())).toEqual([String(changed!.Id)]);
    expect(await since(withOffset(new Date(changedAt), 2))).toEqual([String(changed!.Id)]);
    expect(await since(new Date(changedAt + 1).toISOString())).toEqual([]);

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

  test('what the sandbox sends, CloudEvents and legacy alike, signed as Intuit signs, reaches the route and syncs the company', async () => {
    // Every test file runs its own sandbox, whose realm ids follow from seed and creation order: the same ids in
    // every file. A seed of its own keeps this company's id, and so the route's answer, to this test.
    const { realm, id } = await connected({ seed: `webhook-route-${randomUUID()}` });
    expect((await syncOnce(t, id)).status).toBe('succeeded');
    // A receiver standing in for our public URL: it hands each delivery, bytes and header unchanged, to the BFF.
    const answers: { body: string; status: number; json: unknown }[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = { 'intuit-signature': String(request.headers['intuit-signature'] ?? ''), 'content-type': String(request.headers['content-type'] ?? '') };
        const answer = await t.request('/v1/webhooks/qbo', { method: 'POST', body, headers });
        answers.push({ body, status: answer.status, json: await answer.json() });
        response.statusCode = answer.status;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/qbo`;
    const queued = () => t.deps.sql<{ id: string; trigger: string; kind: string }[]>`select id, trigger, kind from sync_runs where connection_id = ${id} and status = 'queued'`;
    try {
      for (const format of ['cloudevents', 'legacy'] as const) {
        await sandbox.control('PUT', '/qbo/settings', { webhook_url: url, webhook_verifier: 'test-verifier', webhook_format: format, webhook_batch_ms: 5 });
        answers.length = 0;
        await sandbox.control('POST', `/qbo/companies/${realm}/mutations`, { update: 1, entities: ['Vendor'] });
        await sandbox.control('POST', '/qbo/webhooks/flush');
        expect(answers, format).toHaveLength(1);
        const sent = JSON.parse(answers[0]!.body) as unknown;
        expect(format === 'cloudevents' ? Array.isArray(sent) : Array.isArray((sent as { eventNotifications?: unknown }).eventNotifications), `${format} body`).toBe(true);
        expect(answers[0], format).toMatchObject({ status: 200, json: { queued: 1 } });
        const runs = await queued();
        expect(runs.map(({ trigger, kind }) => ({ trigger, kind })), format).toEqual([{ trigger: 'webhook', kind: 'incremental' }]);
        expect((await resumeRun(t, runs[0]!.id)).status, format).toBe('succeeded');
      }
    } finally {
      await sandbox.control('PUT', '/qbo/settings', { webhook_url: null, webhook_verifier: null, webhook_format: 'cloudevents', webhook_batch_ms: 250 });
      server.close();
    }
    await expectMirrorEqualsSandbox(realm, id);
  });
});
