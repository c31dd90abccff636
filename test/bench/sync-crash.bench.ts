// Issue 5: kill -9 of the worker process at 5 random moments of an import; each restart resumes from the
// last committed page. The final mirror must equal the sandbox's with no record twice.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, benchApp, connectCompany, ENCRYPTION_KEY, mirrorEquals } from './sync-harness.ts';
import { benchDatabase, freePort, repoRoot, report, sandboxProcess, verdict } from './support.ts';

const checks: [string, boolean][] = [];
const sandbox = await sandboxProcess();
const db = await benchDatabase('ll_bench_sync_crash');
try {
  const app = benchApp(db.sql, sandbox.url);
  await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: 1_000_000, max_concurrent: 100, latency_ms: 5 });
  const { realm, id } = await connectCompany(app, sandbox, { vendors: 10000, customers: 20000, invoices: 80000, bills: 60000, payments: 40000, purchase_orders: 20000 });
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
  const killedAt: number[] = [];
  for (;;) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bff/main.ts'], { cwd: repoRoot, env: { ...env, PORT: String(await freePort()) }, stdio: 'ignore' });
    const [progress] = await db.sql<{ records_done: number }[]>`select records_done from sync_runs where connection_id = ${id} order by queued_at desc limit 1`;
    const killAfter = killedAt.length < 5 ? 2500 + Math.random() * 3000 : Infinity;
    const outcome = await new Promise<'killed' | 'done'>((resolve) => {
      const poll = setInterval(async () => {
        const [run] = await db.sql<{ status: string }[]>`select status from sync_runs where connection_id = ${id} order by queued_at desc limit 1`;
        if (run?.status === 'succeeded' || run?.status === 'failed') {
          clearInterval(poll);
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve('done');
        }
      }, 200);
      // After the fifth kill the worker runs to the end.
      const timer =
        killAfter === Infinity
          ? undefined
          : setTimeout(() => {
              clearInterval(poll);
              child.kill('SIGKILL');
              resolve('killed');
            }, killAfter);
    });
    if (outcome === 'done') break;
    killedAt.push(progress?.records_done ?? 0);
  }
  const [final] = await db.sql<{ status: string; attempts: number; records_done: number }[]>`select status, attempts, records_done from sync_runs where connection_id = ${id} order by queued_at desc limit 1`;
  const equal = await mirrorEquals(app, sandbox.url, realm, id);
  const [dupes] = await db.sql<{ n: number }[]>`select count(*)::int as n from (select 1 from records where connection_id = ${id} group by type, external_id having count(*) > 1) d`;
  console.log(`\nkill -9 of the worker at random moments (${db.kind})`);
  report([['kills (records done at each restart)', `${killedAt.length} (${killedAt.join(', ')})`], ['final status', final?.status ?? '?'], ['claims of the run', final?.attempts ?? 0], ['records counted', final?.records_done ?? 0], ['time', `${((performance.now() - started) / 1000).toFixed(1)} s`]]);
  checks.push(['5 kill -9, then the run succeeds', killedAt.length === 5 && final?.status === 'succeeded'], ['stored set equals the sandbox, no record twice', equal && dupes!.n === 0]);
} finally {
  await db.drop();
  sandbox.stop();
}
console.log('');
process.exit(verdict(checks) ? 0 : 1);
