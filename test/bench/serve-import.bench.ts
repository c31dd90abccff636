// Issue 13 (5): the serving process as operators run it (`npm run serve`: the compiled dist/bff/main.js under plain
// Node, its own sync worker) importing a 1,000,000-entity company with the provider's limits lifted: the peak RSS
// of that process. The sandbox runs in a third process, the database in Postgres (or the bench's PGlite).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, connectCompany, remoteApp } from './sync-harness.ts';
import { benchDatabase, freePort, repoRoot, report, sandboxProcess, verdict } from './support.ts';

const size1m = { vendors: 40000, customers: 80000, items: 10000, invoices: 300000, bills: 200000, purchase_orders: 100000, payments: 150000, journal_entries: 70000, time_activities: 50000 };
const TARGET_MB = 250;
const checks: [string, boolean][] = [];

// Always rebuilt: a stale bundle would measure old code.
const build = spawnSync(process.execPath, [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'bff/vite.config.ts', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0 || !existsSync(join(repoRoot, 'dist/bff/main.js'))) throw new Error('building dist/bff/main.js failed');

/** The kernel's high-water mark of a process's resident memory (Linux). */
const peakRssMb = (pid: number) => {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
};

const sandbox = await sandboxProcess();
const db = await benchDatabase('ll_bench_serve_import');
const dataDir = mkdtempSync(join(tmpdir(), 'll-bench-serve-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// SERVE_IMPORT_NODE_FLAGS: Node flags for the server alone when profiling it (`--heap-prof`, `--trace-gc`, `--require …`).
const serverFlags = (process.env.SERVE_IMPORT_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const server = spawn(process.execPath, [...serverFlags, 'dist/bff/main.js'], {
  cwd: repoRoot,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port),
    DATABASE_URL: db.url,
    LEDGERLINK_DATA_DIR: dataDir,
    LEDGERLINK_PUBLIC_URL: base,
    LEDGERLINK_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
    LEDGERLINK_ADMIN_TOKEN: ADMIN,
    LEDGERLINK_LOG_LEVEL: 'warn',
    LEDGERLINK_SANDBOX_URL: sandbox.url,
    QBO_CLIENT_ID: 'ledgerlink-dev',
    QBO_CLIENT_SECRET: 'ledgerlink-dev-secret',
    // Limits lifted as in sync-ingest.bench.ts: 6 calls in flight, no per-minute cap that binds.
    QBO_RATE_LIMIT_PER_MINUTE: '100000',
    QBO_MAX_CONCURRENT: '6',
  },
});
try {
  for (const started = Date.now(); ; ) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    if (await fetch(`${base}/readyz`).then((response) => response.ok, () => false)) break;
    if (Date.now() - started > 60_000) throw new Error('the server was not ready after 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const atStart = peakRssMb(server.pid!);
  await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: 1_000_000, max_concurrent: 100, latency_ms: 0 });
  // Connecting queues the first import; the server's own worker runs it.
  const { id } = await connectCompany(remoteApp(base, ADMIN), sandbox, size1m);
  type Run = { status: string; records_done: number; started_at: Date | null; finished_at: Date | null };
  let run: Run | undefined;
  for (const started = Date.now(); ; ) {
    [run] = await db.sql<Run[]>`select status, records_done, started_at, finished_at from sync_runs where connection_id = ${id} and kind = 'initial' order by queued_at desc limit 1`;
    if (run && (run.status === 'succeeded' || run.status === 'failed')) break;
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode} during the import`);
    if (Date.now() - started > 3_600_000) throw new Error('the import did not finish within an hour');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const peak = peakRssMb(server.pid!);
  const seconds = (run!.finished_at!.getTime() - run!.started_at!.getTime()) / 1000;
  const [stored] = await db.sql<{ n: number }[]>`select count(*)::int as n from records where connection_id = ${id} and deleted_at is null`;
  console.log(`\nnpm run serve (node dist/bff/main.js) importing 1,000,000 entities, limits lifted (${db.kind})`);
  report([
    ['status', run!.status],
    ['records received / stored', `${run!.records_done} / ${stored!.n}`],
    ['time', `${seconds.toFixed(1)} s (${Math.round(run!.records_done / seconds)} records/s)`],
    ['RSS when ready (high-water mark)', `${atStart.toFixed(0)} MB`],
    ['peak RSS of the serving process', `${peak.toFixed(0)} MB`],
  ]);
  checks.push(['1M import finished', run!.status === 'succeeded' && run!.records_done >= 1_000_000], [`peak RSS of the serving process ≤ ${TARGET_MB} MB`, peak <= TARGET_MB]);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => (server.exitCode !== null ? resolve(null) : server.once('exit', resolve)));
  await db.drop();
  sandbox.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log('');
process.exit(verdict(checks) ? 0 : 1);
