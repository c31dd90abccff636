// Issue 13: many companies at once. 20 companies of 50,000 entities, connected one after another, all import
// at the same time on one BFF process (one worker, one pool) and one Postgres, each inside its own budget
// (500 calls a minute, 10 in flight) with the sandbox at ~300 ms a page. Printed: the aggregate records/s
// against the raw COPY ceiling of this Postgres, each company's time ÷ its own bound, and fairness (the
// slowest company against the median).
import { SyncWorker } from '../../bff/sync/worker.ts';
import type { RunRow } from '../../bff/sync/runs.ts';
import { rawCopyCeiling, schemaInsertCeiling } from './copy-ceiling.ts';
import { benchApp, connectCompany, importBound, LATENCY_300MS, mirrorEquals, realmStats, type RealmStats } from './sync-harness.ts';
import { benchDatabase, report, sandboxProcess, verdict } from './support.ts';

const COMPANIES = Number(process.env.BENCH_COMPANIES ?? 20);
const size = { invoices: 30_000, customers: 5_000, vendors: 3_000, bills: 7_000, payments: 5_000 };
const limits = { perMinute: 500, concurrent: 10 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const checks: [string, boolean][] = [];
const sandbox = await sandboxProcess();
const db = await benchDatabase('ll_bench_sync_many');
let worker: SyncWorker | undefined;
try {
  const app = benchApp(db.sql, sandbox.url);
  await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: limits.perMinute, max_concurrent: limits.concurrent, ...LATENCY_300MS, fault_rate: 0 });
  const companies: { realm: string; id: string; before: RealmStats }[] = [];
  // Connected in a row; each connection queues its import, which waits for the worker below.
  for (let i = 0; i < COMPANIES; i++) {
    const { realm, id } = await connectCompany(app, sandbox, size);
    companies.push({ realm, id, before: await realmStats(sandbox, realm) });
  }
  const config = app.deps.config;
  // The worker as bff/server.ts builds it, with the server's defaults.
  worker = new SyncWorker(app.deps, { concurrency: config.LEDGERLINK_SYNC_CONCURRENCY, leaseMs: config.LEDGERLINK_SYNC_LEASE_SECONDS * 1000, limits });
  const started = performance.now();
  worker.start();
  await worker.tick();
  const ids = companies.map((company) => company.id);
  let runs: RunRow[] = [];
  for (;;) {
    runs = await db.sql<RunRow[]>`select * from sync_runs where connection_id in ${db.sql(ids)} and kind = 'initial'`;
    if (runs.length === COMPANIES && runs.every((run) => run.status === 'succeeded' || run.status === 'failed')) break;
    if (performance.now() - started > 20 * 60_000) throw new Error('imports did not finish within 20 minutes');
    await sleep(250);
  }
  await worker.stop();
  worker = undefined;
  const after = await Promise.all(companies.map((company) => realmStats(sandbox, company.realm)));
  await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: 1_000_000, max_concurrent: 100, latency_ms: 0, latency_per_entity_ms: 0, latency_jitter_ms: 0 });

  const byConnection = new Map(runs.map((run) => [run.connection_id, run]));
  const rows = companies.map((company, index) => {
    const run = byConnection.get(company.id)!;
    const seconds = (run.finished_at!.getTime() - run.started_at!.getTime()) / 1000;
    const bound = importBound(company.before, after[index]!, limits);
    return { run, seconds, bound, ratio: seconds / bound.tBound, stats: after[index]! };
  });
  const first = Math.min(...runs.map((run) => run.started_at!.getTime()));
  const last = Math.max(...runs.map((run) => run.finished_at!.getTime()));
  const wall = (last - first) / 1000;
  const records = runs.reduce((sum, run) => sum + run.records_done, 0);
  const aggregate = records / wall;
  const times = rows.map((row) => row.seconds).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const slowest = times[times.length - 1]!;
  const startSpread = (Math.max(...runs.map((run) => run.started_at!.getTime())) - first) / 1000;

  let equal = true;
  for (const company of companies) equal = (await mirrorEquals(app, sandbox.url, company.realm, company.id)) && equal;
  const sample = (await db.sql<{ data: Record<string, unknown> }[]>`select data from records where connection_id = ${ids[0]!} and type = 'Invoice' limit 1000`).map((row) => row.data);
  const ceiling = await rawCopyCeiling(db.sql, sample);
  const schemaCeiling = await schemaInsertCeiling(db.sql, sample);

  console.log(`\n${COMPANIES} companies × 50,000 entities importing at once, one BFF process (${db.kind})`);
  report([
    ['runs succeeded', `${runs.filter((run) => run.status === 'succeeded').length} / ${COMPANIES}`],
    ['worker runs at once / pool connections', `${config.LEDGERLINK_SYNC_CONCURRENCY} / ${(db.sql as unknown as { options: { max: number } }).options.max}`],
    ['last run started after the first', `${startSpread.toFixed(1)} s`],
    ['records / wall time', `${records} / ${wall.toFixed(1)} s`],
    ['aggregate records/s', Math.round(aggregate)],
    ['raw COPY ceiling (records/s, this mix)', Math.round(ceiling)],
    ['aggregate ÷ raw COPY ceiling', (aggregate / ceiling).toFixed(2)],
    ['our schema\'s ceiling, for reference (the same records, one INSERT … SELECT into a table shaped like records)', `${Math.round(schemaCeiling)} records/s (aggregate ÷ it ${(aggregate / schemaCeiling).toFixed(2)})`],
    ['per company: time ÷ its T_bound (min / median / max)', `${Math.min(...rows.map((r) => r.ratio)).toFixed(1)} / ${rows.map((r) => r.ratio).sort((a, b) => a - b)[Math.floor(rows.length / 2)]!.toFixed(1)} / ${Math.max(...rows.map((r) => r.ratio)).toFixed(1)}`],
    ['per company: time (min / median / max)', `${times[0]!.toFixed(1)} / ${median.toFixed(1)} / ${slowest.toFixed(1)} s`],
    ['per company: T_bound (mean latency applied)', `${rows[0]!.bound.tBound.toFixed(1)} s (${rows[0]!.bound.meanLatencyMs.toFixed(0)} ms)`],
    ['sandbox: max in flight per company (max over companies); refused', `${Math.max(...rows.map((r) => r.stats.max_attempted_in_flight))}; ${rows.reduce((sum, r) => sum + r.stats.requests_refused, 0)}`],
    ['peak RSS (this process)', `${((process.resourceUsage().maxRSS * 1024) / 2 ** 20).toFixed(0)} MB`],
  ]);
  for (const row of rows) console.log(`    ${row.run.connection_id}: ${row.seconds.toFixed(1)} s, ${row.bound.calls} calls, ${row.ratio.toFixed(1)} × T_bound`);
  checks.push(
    ['every import finished', runs.every((run) => run.status === 'succeeded')],
    ['every stored set equals its sandbox company', equal],
    ['each company within its budget: ≤ 10 in flight, ≤ 500 a minute, no 429', rows.every((r) => r.stats.max_attempted_in_flight <= 10 && r.stats.max_attempted_per_minute <= 500 && r.stats.requests_refused === 0)],
    ['all imports ran at once (the last started within 5 s of the first)', startSpread <= 5],
    ['fair: slowest ≤ 1.5 × median', slowest <= 1.5 * median],
    ['aggregate ≥ 0.6 × raw COPY ceiling', aggregate >= 0.6 * ceiling],
  );
} finally {
  await worker?.stop();
  await db.drop();
  sandbox.stop();
}
console.log('');
process.exit(verdict(checks) ? 0 : 1);
