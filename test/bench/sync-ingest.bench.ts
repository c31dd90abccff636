// Issue 5: 1,000,000 entities imported with the provider's limits lifted: records/s into Postgres against the raw
// COPY ceiling of the same Postgres measured in the same run (issue 13), and the peak RSS of this process (the BFF
// side, under tsx; the compiled serving process is measured by serve-import.bench.ts). The sandbox runs in its own
// process.
import { rawCopyCeiling, schemaInsertCeiling } from './copy-ceiling.ts';
import { benchApp, connectCompany, mirrorEquals, providerRecords, runSync } from './sync-harness.ts';
import { benchDatabase, report, sandboxProcess, verdict } from './support.ts';

const size1m = { vendors: 40000, customers: 80000, items: 10000, invoices: 300000, bills: 200000, purchase_orders: 100000, payments: 150000, journal_entries: 70000, time_activities: 50000 };
const TARGET_RATIO = 0.8;

const checks: [string, boolean][] = [];

/** About 200,000 records shaped like the import: each type's first 1,000 stored records, repeated by its share. */
async function importMix(connectionId: string): Promise<Record<string, unknown>[]> {
  const counts = await db.sql<{ type: string; n: number }[]>`select type, count(*)::int as n from records where connection_id = ${connectionId} group by type`;
  const total = counts.reduce((sum, { n }) => sum + n, 0);
  const mix: Record<string, unknown>[] = [];
  for (const { type, n } of counts) {
    const sample = (await db.sql<{ data: Record<string, unknown> }[]>`select data from records where connection_id = ${connectionId} and type = ${type} limit 1000`).map((row) => row.data);
    for (let copies = Math.round(((n / total) * 200_000) / sample.length); copies > 0; copies--) mix.push(...sample);
  }
  return mix;
}
const sandbox = await sandboxProcess();
const db = await benchDatabase('ll_bench_sync_ingest');
try {
  const app = benchApp(db.sql, sandbox.url);
  await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: 1_000_000, max_concurrent: 100, latency_ms: 0 });
  const { id, realm } = await connectCompany(app, sandbox, size1m);
  const run = await runSync(app, id, { limits: { perMinute: 1_000_000, concurrent: 6 }, pagesInFlight: 12 });
  const seconds = (run.finished_at!.getTime() - run.started_at!.getTime()) / 1000;
  const peakMb = (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
  const rate = run.records_done / seconds;
  // Records/s counts rows received; only a stored set equal to the sandbox's makes that rate mean anything.
  const [stored] = await app.deps.sql<{ n: number }[]>`select count(*)::int as n from records where connection_id = ${id} and deleted_at is null`;
  const equal = await mirrorEquals(app, sandbox.url, realm, id);
  // The ceiling: the same vendors' JSON as the sandbox serves it, COPY'd raw (Postgres only). Most of the 1M are
  // transactions, two to three times a vendor's size and Postgres' parsing work, so the ceiling of the import's own
  // mix (up to 1,000 stored records of each type, repeated in proportion to its count) is printed beside it.
  const ceiling = db.kind === 'postgres' ? await rawCopyCeiling(db.sql, await providerRecords(app, sandbox.url, realm, id, 'Vendor')) : undefined;
  const mix = db.kind === 'postgres' ? await importMix(id) : [];
  const mixCeiling = db.kind === 'postgres' ? await rawCopyCeiling(db.sql, mix) : undefined;
  const schemaCeiling = db.kind === 'postgres' ? await schemaInsertCeiling(db.sql, mix) : undefined;
  console.log(`\n1,000,000-entity import, limits lifted (${db.kind})`);
  report([
    ['status', run.status],
    ['records received', run.records_done],
    ['records stored', stored!.n],
    ['time', `${seconds.toFixed(1)} s`],
    ['records/s', Math.round(rate)],
    ['raw COPY ceiling (vendor JSON, unlogged jsonb + primary key)', ceiling === undefined ? 'not measurable on PGlite (no COPY FROM STDIN)' : `${Math.round(ceiling)} records/s`],
    ['ratio to the ceiling', ceiling === undefined ? 'n/a' : `${(rate / ceiling).toFixed(2)} ×`],
    ['raw COPY ceiling of the import\'s own mix of types (for reference)', mixCeiling === undefined ? 'n/a' : `${Math.round(mixCeiling)} records/s (ratio ${(rate / mixCeiling).toFixed(2)} ×)`],
    ['our schema\'s ceiling for that mix (one INSERT … SELECT into a table shaped like records; for reference)', schemaCeiling === undefined ? 'n/a' : `${Math.round(schemaCeiling)} records/s (ratio ${(rate / schemaCeiling).toFixed(2)} ×)`],
    ['peak RSS (this process, tsx)', `${peakMb.toFixed(0)} MB`],
  ]);
  checks.push(
    ['1M import finished', run.status === 'succeeded' && run.records_done >= 1_000_000],
    ['stored set equals the sandbox (counts + hash per type)', equal],
    [`ingest ≥ ${TARGET_RATIO} × the raw COPY ceiling`, ceiling !== undefined && rate >= TARGET_RATIO * ceiling],
  );
} finally {
  await db.drop();
  sandbox.stop();
}
console.log('');
process.exit(verdict(checks) ? 0 : 1);
