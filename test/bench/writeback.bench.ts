// Issue 15: 1,000 documents of mixed kinds pushed to a company at QuickBooks' real limits (500 calls/min, 10 in
// flight) with sandbox latency on, against the bound the company's budget sets for the calls they need:
// T = max(calls × latency ÷ in-flight, 60 s × (calls − 500) ÷ 500), calls = one create per document (a vendor's
// or customer's duplicate-name check is QuickBooks' own: its create is refused with 6240 when the name is taken).
// Target ≤ 1.10 × T, one record per document.
import { randomBytes } from 'node:crypto';
import { createLinks } from '../../bff/matching/store.ts';
import { pushDueDocuments } from '../../bff/writeback/job.ts';
import { tableResolver, type MappingTables } from '../../bff/writeback/mapping-lookup.ts';
import { submitDocument } from '../../bff/writeback/store.ts';
import { getSettings } from '../../bff/organizations/store.ts';
import type { ConnectionRow } from '../../bff/connections/store.ts';
import { benchApp, connectCompany, runSync } from './sync-harness.ts';
import { benchDatabase, report, sandboxProcess, verdict } from './support.ts';

const latencyMs = 50;
const budget = { perMinute: 500, concurrent: 10 };
const checks: [string, boolean][] = [];
const sandbox = await sandboxProcess();
const db = await benchDatabase('ll_bench_writeback');
try {
  const app = benchApp(db.sql, sandbox.url);
  await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: 500, max_concurrent: 10, latency_ms: 0, fault_rate: 0 });
  const { realm, id } = await connectCompany(app, sandbox, { vendors: 50, customers: 50, items: 20, employees: 5 });
  await runSync(app, id);
  const rows = (type: string) => db.sql<{ external_id: string; data: Record<string, any> }[]>`
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
  await db.sql.begin(async (tx) => {
    await createLinks(tx, id, 'customers', customers!.filter((row) => !row.data.Job).slice(0, 5).map((row, i) => ({ host_id: `cust-${i}`, provider_id: row.external_id, method: 'manual' as const })), 'bench');
    await createLinks(tx, id, 'suppliers', vendors!.slice(0, 5).map((row, i) => ({ host_id: `supp-${i}`, provider_id: row.external_id, method: 'manual' as const })), 'bench');
  });
  const [connection] = await db.sql<ConnectionRow[]>`select * from connections where id = ${id}`;
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
  await sandbox.control('PUT', '/qbo/settings', { latency_ms: latencyMs });
  const stats = () => sandbox.control('GET', `/qbo/companies/${realm}/stats`);
  const before = await stats();
  const started = performance.now();
  await pushDueDocuments(app.deps, id, 'bench');
  const seconds = (performance.now() - started) / 1000;
  const after = await stats();
  const calls = after.requests_total - before.requests_total;
  const needed = 1000;
  const bound = Math.max((needed * latencyMs) / 1000 / budget.concurrent, (60 * (needed - budget.perMinute)) / budget.perMinute);
  const [counts] = await db.sql<{ pushed: number; other: number }[]>`
    select count(*) filter (where status = 'pushed')::int as pushed, count(*) filter (where status <> 'pushed')::int as other from documents where connection_id = ${id}`;
  const created = Object.entries(after.entity_counts as Record<string, number>).reduce((sum, [type, n]) => sum + n - ((before.entity_counts as Record<string, number>)[type] ?? 0), 0);
  console.log(`\n1,000 documents pushed at QuickBooks' limits (${db.kind}, latency ${latencyMs} ms)`);
  report([
    ['documents pushed / not', `${counts!.pushed} / ${counts!.other}`],
    ['records created in QuickBooks', created],
    ['calls needed (bound basis) / made', `${needed} / ${calls}`],
    ['budget bound', `${bound.toFixed(1)} s`],
    ['push time', `${seconds.toFixed(1)} s (${(seconds / bound).toFixed(2)} × bound)`],
    ['sandbox: refused (429) / max attempted in flight / per minute', `${after.requests_refused - before.requests_refused} / ${after.max_attempted_in_flight} / ${after.max_attempted_per_minute}`],
  ]);
  checks.push(
    ['all 1,000 pushed', counts!.pushed === 1000],
    ['exactly 1,000 records created', created === 1000],
    ['push ≤ 1.10 × budget bound', seconds <= 1.1 * bound],
    ['no 429 earned', after.requests_refused === before.requests_refused],
  );
} finally {
  await db.drop();
  sandbox.stop();
}
console.log('');
process.exit(verdict(checks) ? 0 : 1);
