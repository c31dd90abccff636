// Issue 5: kill -9 of the worker process at 5 random moments of an import; each restart resumes from the
// last committed page. The final mirror must equal the sandbox's.
// Issue 10: "no record twice" is the records table's primary key, so it proves nothing. What the checkpoints
// must guarantee is checked instead: every kill landed mid-import (some pages committed, not all); the records
// counted equal the sum of the types' totals (a page committed twice would count twice); and the queries the
// sandbox answered but we never committed, the pages fetched again after a kill, never exceed what a worker
// can have between fetch and commit (its pages in flight) at each kill, and are nothing at all without a kill.
// Issue 13: one type's pages go out in parallel Id ranges; each range counts its committed pages, so the
// accounting stays exact.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QBO_PAGE_SIZE } from '../../bff/providers/qbo/entities.ts';
import { defaultEngineOptions } from '../../bff/sync/execute-run.ts';
import { ADMIN, benchApp, connectCompany, ENCRYPTION_KEY, mirrorEquals } from './sync-harness.ts';
import { benchDatabase, freePort, repoRoot, report, sandboxProcess, verdict } from './support.ts';

const checks: [string, boolean][] = [];
const sandbox = await sandboxProcess();
const db = await benchDatabase('ll_bench_sync_crash');
/** Answers a worker can hold fetched but not committed: its pages in flight (the server's default). */
const inFlightBound = defaultEngineOptions.pagesInFlight;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  const app = benchApp(db.sql, sandbox.url);
  await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: 1_000_000, max_concurrent: 100, latency_ms: 5 });
  const { realm, id } = await connectCompany(app, sandbox, { vendors: 10000, customers: 20000, invoices: 80000, bills: 60000, payments: 40000, purchase_orders: 20000 });
  const queries = async () => ((await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).requests_by_kind.query ?? 0) as number;
  const latestRun = async () => (await db.sql<{ id: string; status: string; records_done: number }[]>`select id, status, records_done from sync_runs where connection_id = ${id} order by queued_at desc limit 1`)[0];
  /**
   * Queries whose answers committed: a COUNT per type with a progress row, and the pages each Id range of a
   * type counts as committed (sync_ranges.pages, written in the commit that stores them; a range's plan page
   * included).
   */
  const committedQueries = async (runId: string) => {
    const [row] = await db.sql<{ n: number }[]>`
      select ((select count(*) from sync_progress where run_id = ${runId}) + coalesce((select sum(pages) from sync_ranges where run_id = ${runId}), 0))::int as n`;
    return row!.n;
  };
  const queriesBefore = await queries();
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    LEDGERLINK_DATA_DIR: mkdtempSync(join(tmpdir(), 'll-kill-')),
    LEDGERLINK_ENCRYPTION_KEY: ENCRYPTION_KEY.toString('base64'),
    LEDGERLINK_ADMIN_TOKEN: ADMIN,
    LEDGERLINK_SANDBOX_URL: sandbox.url,
    QBO_CLIENT_ID: 'ledgerlink-dev',
    QBO_CLIENT_SECRET: 'ledgerlink-dev-secret',
    LEDGERLINK_SYNC_LEASE_SECONDS: '3',
    QBO_RATE_LIMIT_PER_MINUTE: '100000',
    QBO_MAX_CONCURRENT: '8',
    LEDGERLINK_LOG_LEVEL: 'error',
  };
  const started = performance.now();
  const kills: { done: number; status: string; uncommitted: number }[] = [];
  let uncommittedBefore = 0;
  for (;;) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bff/main.ts'], { cwd: repoRoot, env: { ...env, PORT: String(await freePort()) }, stdio: 'ignore' });
    const doneAtStart = (await latestRun())?.records_done ?? 0;
    // Kill once this worker has committed something of its own (a random 2k–20k records), then a random
    // moment later (mid-page, mid-commit, or between pages); after the fifth kill it runs to the end.
    const target = kills.length < 5 ? doneAtStart + 2_000 + Math.random() * 18_000 : Infinity;
    let outcome: 'killed' | 'done' | undefined;
    while (!outcome) {
      await sleep(100);
      const run = await latestRun();
      if (run?.status === 'succeeded' || run?.status === 'failed') {
        child.kill('SIGKILL');
        outcome = 'done';
      }
      else if ((run?.records_done ?? 0) >= target) {
        await sleep(Math.random() * 400);
        child.kill('SIGKILL');
        outcome = 'killed';
      }
    }
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
    if (outcome === 'done') break;
    const run = (await latestRun())!;
    const uncommitted = (await queries()) - queriesBefore - (await committedQueries(run.id));
    kills.push({ done: run.records_done, status: run.status, uncommitted: uncommitted - uncommittedBefore });
    uncommittedBefore = uncommitted;
  }
  const final = (await latestRun())!;
  const [sums] = await db.sql<{ total: number; done: number; types: number; unfinished: number }[]>`
    select coalesce(sum(total), 0)::int as total, coalesce(sum(done), 0)::int as done, count(*)::int as types, count(*) filter (where not finished or done <> total)::int as unfinished
    from sync_progress where run_id = ${final.id}`;
  const [attempts] = await db.sql<{ attempts: number }[]>`select attempts from sync_runs where id = ${final.id}`;
  const issued = (await queries()) - queriesBefore;
  // The import pages the parties last, so a fresh mirror needs no second read of them: every query the run
  // needed is a committed one, and the rest were answered but lost at a kill.
  const wasted = issued - (await committedQueries(final.id));
  const [ranges] = await db.sql<{ n: number; split: number }[]>`
    select count(*)::int as n, count(distinct type) filter (where lower_id <> '')::int as split from sync_ranges where run_id = ${final.id}`;
  const needed = { n: await committedQueries(final.id) };
  const inFlightAtKills = kills.reduce((sum, kill) => sum + kill.uncommitted, 0);
  const equal = await mirrorEquals(app, sandbox.url, realm, id);
  console.log(`\nkill -9 of the worker at random moments (${db.kind})`);
  report([
    ['kills: records done at each', kills.map((kill) => kill.done).join(', ')],
    ['kills: run status at each', kills.map((kill) => kill.status).join(', ')],
    ['pages fetched, never committed, per kill', `${kills.map((kill) => kill.uncommitted).join(', ')} (bound ${inFlightBound} each)`],
    ['queries: issued / needed without kills / in flight at the kills', `${issued} / ${needed!.n} / ${inFlightAtKills}`],
    ['Id ranges (types split into parallel ranges)', `${ranges!.n} (${ranges!.split})`],
    ['queries answered but never committed after the last kill', wasted - uncommittedBefore],
    ['final status', final.status],
    ['claims of the run', attempts?.attempts ?? 0],
    ['records counted / sum of type totals', `${final.records_done} / ${sums!.total} (${sums!.types} types, ${sums!.unfinished} unfinished)`],
    ['time', `${((performance.now() - started) / 1000).toFixed(1)} s`],
  ]);
  checks.push(
    ['5 kill -9, then the run succeeds', kills.length === 5 && final.status === 'succeeded'],
    ['every kill landed mid-import (records committed, not all, run still running)', kills.every((kill) => kill.done > 0 && kill.done < sums!.total && kill.status === 'running')],
    ['records counted equal the sum of totals, per type and in all (no page counted twice)', sums!.unfinished === 0 && final.records_done === sums!.total && sums!.done === sums!.total],
    [`at each kill ≤ ${inFlightBound} pages were between fetch and commit`, kills.every((kill) => kill.uncommitted >= 0 && kill.uncommitted <= inFlightBound)],
    ['queries fetched again = exactly those in flight at the kills (issued − needed)', issued - needed!.n === inFlightAtKills],
    ['no query answered and left uncommitted without a kill', wasted === uncommittedBefore],
    ['stored set equals the sandbox (counts + hash per type)', equal],
  );
} finally {
  await db.drop();
  sandbox.stop();
}
console.log('');
process.exit(verdict(checks) ? 0 : 1);
