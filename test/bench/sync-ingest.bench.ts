// Issue 5: 1,000,000 entities imported with the provider's limits lifted: records/s into Postgres and the
// peak RSS of this process (the BFF side; the sandbox runs in its own process).
import { benchApp, connectCompany, mirrorEquals, runSync } from './sync-harness.ts';
import { benchDatabase, report, sandboxProcess, verdict } from './support.ts';

const size1m = { vendors: 40000, customers: 80000, items: 10000, invoices: 300000, bills: 200000, purchase_orders: 100000, payments: 150000, journal_entries: 70000, time_activities: 50000 };

const checks: [string, boolean][] = [];
const sandbox = await sandboxProcess();
const db = await benchDatabase('ll_bench_sync_ingest');
try {
  const app = benchApp(db.sql, sandbox.url);
  await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: 1_000_000, max_concurrent: 100, latency_ms: 0 });
  const { id, realm } = await connectCompany(app, sandbox, size1m);
  const run = await runSync(app, id, { limits: { perMinute: 1_000_000, concurrent: 6 }, pagesInFlight: 12 });
  const seconds = (run.finished_at!.getTime() - run.started_at!.getTime()) / 1000;
  const peakMb = (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
  // Records/s counts rows received; only a stored set equal to the sandbox's makes that rate mean anything.
  const [stored] = await app.deps.sql<{ n: number }[]>`select count(*)::int as n from records where connection_id = ${id} and deleted_at is null`;
  const equal = await mirrorEquals(app, sandbox.url, realm, id);
  console.log(`\n1,000,000-entity import, limits lifted (${db.kind})`);
  report([['status', run.status], ['records received', run.records_done], ['records stored', stored!.n], ['time', `${seconds.toFixed(1)} s`], ['records/s', Math.round(run.records_done / seconds)], ['peak RSS (this process)', `${peakMb.toFixed(0)} MB`]]);
  checks.push(['1M import finished', run.status === 'succeeded' && run.records_done >= 1_000_000], ['stored set equals the sandbox (counts + hash per type)', equal], ['ingest ≥ 20,000 records/s', run.records_done / seconds >= 20_000], ['peak RSS ≤ 300 MB', peakMb <= 300]);
} finally {
  await db.drop();
  sandbox.stop();
}
console.log('');
process.exit(verdict(checks) ? 0 : 1);
