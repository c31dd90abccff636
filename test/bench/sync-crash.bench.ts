// Issue 5: kill -9 of the worker process at 5 random moments of an import; each restart resumes from the
// last committed page. The final mirror must equal the sandbox's.
// Issue 10: "no record twice" is the records table's primary key, so it proves nothing. What the checkpoints
// must guarantee is checked instead: every kill landed mid-import (some pages committed, not all); the records
// counted equal the sum of the types' totals (a page committed twice would count twice); and the queries the
// sandbox answered but we never committed, the pages fetched again after a kill, never exceed what a worker
// can have between fetch and commit (one page per type paged at once) at each kill, and are nothing at all
// without a kill.
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
/** Pages a worker can hold fetched but not committed: one per type it pages at once (the server's default). */
const inFlightBound = defaultEngineOptions.pagesInFlight;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  const app = benchApp(db.sql, sandbox.url);
  await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: 1_000_000, max_concurrent: 100, latency_ms: 5 });
  const { realm, id } = await connectCompany(app, sandbox, { vendors: 10000, customers: 20000, invoices: 80000, bills: 60000, payments: 40000, purchase_orders: 20000 });
  const queries = async () => ((await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).requests_by_kind.query ?? 0) as number;
  const latestRun = async () => (await db.sql<{ id: string; status: string; records_done: number }[]>`select id, status, records_done from sync_runs where connection_id = ${id} order by queued_at desc limit 1`)[0];
  /**
   * Queries whose answers committed: a COUNT per type with a progress row, and per type the pages its records
   * fill (every page but a range's last holds exactly a page size) plus, once finished, the short last page.
   */
  const committedQueries = async (runId: string) => {
    const rows = await db.sql<{ total: number; done: number; finished: boolean }[]>`select total, done, finished from sync_progress where run_id = ${runId}`;
    return rows.reduce((sum, row) => sum + 1 + (row.finished ? Math.floor(row.total / QBO_PAGE_SIZE) + 1 : row.done / QBO_PAGE_SIZE), 0);
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
  // An import ends by re-reading every party once (balances as new as the transactions): whole pages of
  // Customer, Vendor and Account, the last one short.
  const [partyPages] = await db.sql<{ n: number }[]>`
    select coalesce(sum(1 + floor(n / ${QBO_PAGE_SIZE})), 0)::int as n from (
      select count(*) as n from records where connection_id = ${id} and type in ('Customer', 'Vendor', 'Account') group by type) parties`;
  const wasted = issued - (await committedQueries(final.id)) - partyPages!.n;
  // What an import with no kill asks: a COUNT per type, then its pages, the last one short (maybe empty).
  const [typePages] = await db.sql<{ n: number }[]>`select coalesce(sum(2 + floor(total / ${QBO_PAGE_SIZE})), 0)::int as n from sync_progress where run_id = ${final.id}`;
  const needed = { n: typePages!.n + partyPages!.n };
  const inFlightAtKills = kills.reduce((sum, kill) => sum + kill.uncommitted, 0);
  const equal = await mirrorEquals(app, sandbox.url, realm, id);
  console.log(`\nkill -9 of the worker at random moments (${db.kind})`);
  report([
    ['kills: records done at each', kills.map((kill) => kill.done).join(', ')],
    ['kills: run status at each', kills.map((kill) => kill.status).join(', ')],
    ['pages fetched, never committed, per kill', `${kills.map((kill) => kill.uncommitted).join(', ')} (bound ${inFlightBound} each)`],
    ['queries: issued / needed without kills / in flight at the kills', `${issued} / ${needed!.n} / ${inFlightAtKills}`],
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
