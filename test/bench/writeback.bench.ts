// Issue 15: 1,000 documents of mixed kinds pushed to a company at QuickBooks' real limits (500 calls per rolling
// minute, 10 in flight) with ~300 ms per write (sandbox latency model), against the bound the company's budget sets
// for the calls made, from the latency the sandbox really applied (importBound in sync-harness.ts):
// T_bound = the rolling-minute bound = max(calls × latency ÷ 10, 60 s × ⌊(calls − 1) ÷ 500⌋ + the last minute's
// calls at 10 in flight). One create per document (a vendor's or customer's duplicate-name check is QuickBooks' own:
// its create is refused with 6240 when the name is taken). Target ≤ 1.10 × T_bound, one record per document.
// Our side's own pace is printed too (time to the first 500 calls, CPU and database queries per push): with
// BENCH_WRITEBACK_LATENCY_MS=0 the first 500 calls show what our side sustains with QuickBooks answering at once.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createLinks } from '../../bff/matching/store.ts';
import { pushDueDocuments } from '../../bff/writeback/job.ts';
import { tableResolver, type MappingTables } from '../../bff/writeback/mapping-lookup.ts';
import { submitDocument } from '../../bff/writeback/store.ts';
import { getSettings } from '../../bff/organizations/store.ts';
import type { ConnectionRow } from '../../bff/connections/store.ts';
import { connect } from '../../bff/db/client.ts';
import { ProviderBudget } from '../../bff/sync/budget.ts';
import { benchApp, connectCompany, importBound, realmStats, runSync } from './sync-harness.ts';
import { benchDatabase, report, sandboxProcess, verdict } from './support.ts';

/** ~300 ms ± 100 ms per write: QuickBooks' creates are slower than its reads (a page is ~300 ms in the import benches). */
const latencyMs = Number(process.env.BENCH_WRITEBACK_LATENCY_MS ?? 300);
const latency = { latency_ms: latencyMs, latency_per_entity_ms: 0, latency_jitter_ms: Math.min(100, latencyMs) };
const budget = { perMinute: 500, concurrent: 10 };
const checks: [string, boolean][] = [];
const sandbox = await sandboxProcess();
const db = await benchDatabase('ll_bench_writeback');
// The app's own pool, counting the queries it sends (database round-trips per push).
let queries = 0;
const sql = connect(db.url, { max: 10, onQuery: () => void queries++ });
// Every QuickBooks call our side makes, seen at fetch: when it started, and how many were in flight at once.
const callStarts: number[] = [];
let inFlight = 0;
let peakInFlight = 0;
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  if (!String(input instanceof Request ? input.url : input).includes('/qbo/v3/')) return realFetch(input, init);
  const from = performance.now();
  callStarts.push(from);
  peakInFlight = Math.max(peakInFlight, ++inFlight);
  try {
    return await realFetch(input, init);
  } finally {
    inFlight--;
    callMs += performance.now() - from;
  }
};
// Time spent waiting for the company's budget (a slot and a place in the minute), summed over calls.
let budgetWaitMs = 0;
let callMs = 0;
const acquire = ProviderBudget.prototype.acquire;
ProviderBudget.prototype.acquire = async function (this: ProviderBudget, signal?: AbortSignal) {
  const from = performance.now();
  try {
    return await acquire.call(this, signal);
  } finally {
    budgetWaitMs += performance.now() - from;
  }
};
try {
  const app = benchApp(sql, sandbox.url);
  await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: 500, max_concurrent: 10, latency_ms: 0, fault_rate: 0 });
  const { realm, id } = await connectCompany(app, sandbox, { vendors: 50, customers: 50, items: 20, employees: 5 });
  await runSync(app, id);
  const rows = (type: string) => sql<{ external_id: string; data: Record<string, any> }[]>`
    select external_id, data from records where connection_id = ${id} and type = ${type} and deleted_at is null and coalesce(active, true) order by external_id::int`;
  const [accounts, items, employees, customers, vendors] = await Promise.all(['Account', 'Item', 'Employee', 'Customer', 'Vendor'].map(rows));
  const expense = { value: accounts!.find((row) => row.data.AccountType === 'Expense')!.external_id };
  const service = { value: items!.find((row) => row.data.Type === 'Service')!.external_id };
  const tables: MappingTables = {
    categories: { purchase: { office: { account: expense } }, sales: { consulting: { item: service } } },
    employees: { 'staff-1': { value: employees![0]!.external_id } },
  };
  app.deps.writebackMappings = tableResolver(() => tables);
  app.deps.qboLimits = budget;
  await sql.begin(async (tx) => {
    await createLinks(tx, id, 'customers', customers!.filter((row) => !row.data.Job).slice(0, 5).map((row, i) => ({ host_id: `cust-${i}`, provider_id: row.external_id, method: 'manual' as const })), 'bench');
    await createLinks(tx, id, 'suppliers', vendors!.slice(0, 5).map((row, i) => ({ host_id: `supp-${i}`, provider_id: row.external_id, method: 'manual' as const })), 'bench');
  });
  const [connection] = await sql<ConnectionRow[]>`select * from connections where id = ${id}`;
  const settings = await getSettings(db.sql, connection!.tenant_id, connection!.organization_id);
  const tag = randomBytes(3).toString('hex');
  const kinds = ['customer', 'vendor', 'invoice', 'bill', 'purchase_order', 'time_activity', 'invoice', 'bill', 'purchase_order', 'time_activity'] as const;
  for (let n = 0; n < 1000; n++) {
    const kind = kinds[n % kinds.length]!;
    const date = `2026-11-${String(1 + (n % 28)).padStart(2, '0')}`;
    const data =
      kind === 'customer' || kind === 'vendor'
        ? { name: `Bench ${kind} ${tag} ${n}` }
        : kind === 'invoice'
          ? { customer_id: `cust-${n % 5}`, date, lines: [{ quantity: 2, unit_price: 50, amount: 100, category_id: 'consulting' }], totals: { total: 100 } }
          : kind === 'time_activity'
            ? { approved: true, staff_id: 'staff-1', customer_id: `cust-${n % 5}`, date, hours: 2, minutes: 0, billable: true }
            : { supplier_id: `supp-${n % 5}`, date, lines: [{ amount: 40, category_id: 'office' }], totals: { total: 40 } };
    await submitDocument(db.sql, connection!, settings, { kind, host_id: `${kind}-${n}`, version: 1, data } as never, new Date());
  }
  // A minute with no calls, so the budget's window starts empty; then latency on, as QuickBooks has.
  await new Promise((resolve) => setTimeout(resolve, 62_000));
  await sandbox.control('PUT', '/qbo/settings', latency);
  const before = await realmStats(sandbox, realm);
  callStarts.length = 0;
  peakInFlight = 0;
  queries = 0;
  budgetWaitMs = 0;
  callMs = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await pushDueDocuments(app.deps, id, 'bench');
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpu);
  const pushQueries = queries;
  const after = await realmStats(sandbox, realm);
  const bound = importBound(before, after, budget);
  const [counts] = await sql<{ pushed: number; other: number; records: number }[]>`
    select count(*) filter (where status = 'pushed')::int as pushed, count(*) filter (where status <> 'pushed')::int as other,
      count(distinct (provider_type, provider_id))::int as records
    from documents where connection_id = ${id}`;
  const entityCounts = (stats: typeof before) => stats['entity_counts'] as Record<string, number>;
  const created = Object.entries(entityCounts(after)).reduce((sum, [type, n]) => sum + n - (entityCounts(before)[type] ?? 0), 0);
  const refused = after.requests_refused - before.requests_refused;
  const first500 = callStarts.length >= 500 ? (callStarts[499]! - started) / 1000 : null;
  const tBound = bound.windowBound;
  console.log(`\n1,000 documents pushed at QuickBooks' limits (${db.kind}, latency ${latency.latency_ms} ± ${latency.latency_jitter_ms} ms, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')})`);
  report([
    ['documents pushed / not', `${counts!.pushed} / ${counts!.other}`],
    ['records created in QuickBooks / duplicates', `${created} / ${created - counts!.records}`],
    ['calls made (sandbox counted / our side sent)', `${bound.calls} / ${callStarts.length}`],
    ['mean latency applied', `${bound.meanLatencyMs.toFixed(0)} ms`],
    ['latency bound: calls × latency ÷ 10', `${bound.latencyBound.toFixed(1)} s`],
    ['T_bound (rolling-minute bound for the calls made)', `${tBound.toFixed(1)} s`],
    ['push time', `${seconds.toFixed(1)} s (${(seconds / tBound).toFixed(2)} × T_bound)`],
    [
      'time to the first 500 calls (least possible)',
      first500 === null ? 'fewer than 500 calls' : `${first500.toFixed(1)} s (${((Math.floor(499 / budget.concurrent) * bound.meanLatencyMs) / 1000).toFixed(1)} s), ${(500 / first500).toFixed(0)} calls/s`,
    ],
    ['peak calls in flight (our side) / sandbox 429s', `${peakInFlight} / ${refused}${refused > 0 ? ` ${JSON.stringify(after['requests_refused_by'])}` : ''}`],
    [
      // The worker runs 20 pushes side by side: the wall time of one push is 20 × push time ÷ documents.
      'one push (mean): waiting for the budget / in the QuickBooks call / the rest (our database work and CPU)',
      (() => {
        const perPush = (budget.concurrent * 2 * seconds * 1000) / 1000;
        const wait = budgetWaitMs / 1000;
        const call = callMs / 1000;
        return `${wait.toFixed(0)} / ${call.toFixed(0)} / ${(perPush - wait - call).toFixed(0)} ms of ${perPush.toFixed(0)} ms`;
      })(),
    ],
    ['CPU per push (this process) / database queries per push', `${((cpuUsed.user + cpuUsed.system) / 1000 / 1000).toFixed(2)} ms / ${(pushQueries / 1000).toFixed(1)}`],
  ]);
  checks.push(
    ['all 1,000 pushed', counts!.pushed === 1000],
    ['exactly 1,000 records created', created === 1000],
    ['no duplicates', created === counts!.records],
    ['push ≤ 1.10 × T_bound', seconds <= 1.1 * tBound],
    ['no 429 earned', refused === 0],
    ['≤ 10 calls in flight', peakInFlight <= budget.concurrent],
  );
} finally {
  globalThis.fetch = realFetch;
  await sql.end();
  await db.drop();
  sandbox.stop();
}
console.log('');
process.exit(verdict(checks) ? 0 : 1);
