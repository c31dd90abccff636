// Sync engine benchmarks (issue 5), each against the QuickBooks sandbox in its own process:
//  1. a 200,000-entity company imported at QuickBooks' real limits, against the rate-limit bound;
//  2. incremental sync after 100 changes and 10 deletions: provider calls and time;
//  3. 1,000,000 entities with limits lifted: records/s into Postgres and this process's peak RSS;
//  4. kill -9 of the worker process at 5 random moments of an import: the final mirror still equals the sandbox.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createApp } from '../../bff/app.ts';
import { AllowedOrigins } from '../../bff/auth/widget-cors.ts';
import { loadConfig } from '../../bff/config.ts';
import type { Deps } from '../../bff/context.ts';
import { deriveKeys } from '../../bff/crypto/keys.ts';
import type { Sql } from '../../bff/db/client.ts';
import { createLogger } from '../../bff/http/logger.ts';
import { qboEntityTypes } from '../../bff/providers/qbo/entities.ts';
import { qboEndpoints } from '../../bff/providers/qbo/endpoints.ts';
import { QboOAuth } from '../../bff/providers/qbo/oauth-client.ts';
import { defaultEngineOptions, executeRun, type EngineOptions } from '../../bff/sync/execute-run.ts';
import { requestSync, type RunRow } from '../../bff/sync/runs.ts';
import { connectThroughPopup } from '../support/connect-flow.ts';
import { benchDatabase, freePort, repoRoot, report, sandboxProcess, verdict } from './support.ts';
import { contentHash } from '../support/sync.ts';
import { open } from '../../bff/crypto/vault.ts';

const ENCRYPTION_KEY = randomBytes(32);
const ADMIN = 'bench-admin-token-0123456789abcdef';

function benchApp(sql: Sql, sandboxUrl: string) {
  const config = loadConfig({ NODE_ENV: 'test', LEDGERLINK_SANDBOX_URL: sandboxUrl, QBO_CLIENT_ID: 'ledgerlink-dev', QBO_CLIENT_SECRET: 'ledgerlink-dev-secret', LEDGERLINK_DATA_DIR: '/nonexistent' });
  const deps: Deps = { sql, config, keys: deriveKeys(ENCRYPTION_KEY, ADMIN), logger: createLogger('warn'), now: () => new Date(), origins: new AllowedOrigins(sql, 0), qbo: new QboOAuth(qboEndpoints(config)!) };
  const { app } = createApp(deps);
  const request = (path: string, init: RequestInit & { json?: unknown; token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    return app.request(path, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
  };
  return {
    deps,
    request,
    async tenant() {
      const origin = 'https://bench.example';
      const answer = (await (await request('/v1/admin/tenants', { method: 'POST', token: ADMIN, json: { name: 'bench', allowed_origins: [origin] } })).json()) as { id: string; secret_key: string };
      return { id: answer.id, secretKey: answer.secret_key, origin };
    },
    async session(tenant: { secretKey: string }, organizationId: string, user: { id?: string; role?: string } = {}) {
      const answer = await request('/v1/sessions', { method: 'POST', token: tenant.secretKey, json: { organization_id: organizationId, user: { id: user.id ?? 'bench', role: user.role ?? 'admin' } } });
      return ((await answer.json()) as { token: string }).token;
    },
  };
}

type BenchApp = ReturnType<typeof benchApp>;

async function connectCompany(app: BenchApp, sandbox: Awaited<ReturnType<typeof sandboxProcess>>, size: Record<string, number>) {
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { country: 'US', plan: 'Advanced', seed: 7, size });
  const tenant = await app.tenant();
  const { result } = await connectThroughPopup(app as never, { control: sandbox.control } as never, tenant as never, 'org', realm);
  if (result.outcome !== 'connected') throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return { realm, id: result.connection!.id };
}

async function runSync(app: BenchApp, connectionId: string, options: Partial<EngineOptions> = {}): Promise<RunRow> {
  const { runId } = await requestSync(app.deps.sql, connectionId, { trigger: 'manual' });
  const [run] = await app.deps.sql<RunRow[]>`
    update sync_runs set status = 'running', lease_owner = 'bench', lease_until = now() + interval '10 minutes', started_at = now(), attempts = attempts + 1
    where id = ${runId} returning *`;
  await executeRun(app.deps, run!, { ...defaultEngineOptions, leaseMs: 600_000, ...options, owner: 'bench' }, new AbortController().signal);
  const [done] = await app.deps.sql<RunRow[]>`select * from sync_runs where id = ${runId}`;
  return done!;
}

/** Counts and content hash per type: ours (live records) against the sandbox's, read with plain fetch. */
async function mirrorEquals(app: BenchApp, sandboxUrl: string, realm: string, connectionId: string): Promise<boolean> {
  const [tokens] = await app.deps.sql<{ access_token: string }[]>`select access_token from connection_tokens where connection_id = ${connectionId}`;
  const token = open(tokens!.access_token, new Map([[app.deps.keys.encryptionKeyId, app.deps.keys.encryption]]));
  let equal = true;
  for (const type of qboEntityTypes) {
    const rows = await app.deps.sql<{ data: Record<string, unknown> }[]>`select data from records where connection_id = ${connectionId} and type = ${type} and deleted_at is null`;
    const ours = contentHash(rows.map((row) => row.data));
    const theirs: Record<string, unknown>[] = [];
    const nameList = ['Account', 'Class', 'Department', 'Customer', 'Vendor', 'Employee', 'Item', 'Term', 'PaymentMethod'].includes(type);
    for (let position = 1; ; position += 1000) {
      const query = `SELECT * FROM ${type}${nameList ? ' WHERE Active IN (true, false)' : ''} ORDERBY Id STARTPOSITION ${position} MAXRESULTS 1000`;
      const response = await fetch(`${sandboxUrl}/qbo/v3/company/${realm}/query?minorversion=75&query=${encodeURIComponent(query)}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
      const page = ((await response.json()) as { QueryResponse: Record<string, Record<string, unknown>[]> }).QueryResponse[type] ?? [];
      theirs.push(...page);
      if (page.length < 1000) break;
    }
    if (rows.length !== theirs.length || ours !== contentHash(theirs)) {
      console.log(`  mismatch in ${type}: ours ${rows.length}, sandbox ${theirs.length}`);
      equal = false;
    }
  }
  return equal;
}

const size200k = { vendors: 8000, customers: 16000, items: 2000, invoices: 60000, bills: 40000, purchase_orders: 20000, payments: 30000, journal_entries: 14000, time_activities: 10000 };
const size1m = { vendors: 40000, customers: 80000, items: 10000, invoices: 300000, bills: 200000, purchase_orders: 100000, payments: 150000, journal_entries: 70000, time_activities: 50000 };

const checks: [string, boolean][] = [];
const sandbox = await sandboxProcess();
try {
  // 1 + 2: real limits, 200k.
  {
    const db = await benchDatabase('ll_bench_sync_a');
    const app = benchApp(db.sql, sandbox.url);
    await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: 500, max_concurrent: 10, report_limit_per_minute: 200, latency_ms: 0, fault_rate: 0 });
    const { realm, id } = await connectCompany(app, sandbox, size200k);
    const entities = (await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).entity_counts as Record<string, number>;
    const before = (await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).requests_total as number;
    const started = performance.now();
    const run = await runSync(app, id);
    const seconds = (performance.now() - started) / 1000;
    const calls = (await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).requests_total - before;
    const pages = qboEntityTypes.reduce((sum, type) => sum + Math.max(1, Math.ceil((entities[type] ?? 0) / 1000)), 0);
    const bound = (pages / 500) * 60;
    const equal = await mirrorEquals(app, sandbox.url, realm, id);
    console.log(`\n200,000-entity import at QuickBooks' limits (${db.kind})`);
    report([
      ['status', run.status],
      ['records', run.records_done],
      ['pages (bound basis)', pages],
      ['provider calls', calls],
      ['rate-limit bound', `${bound.toFixed(1)} s`],
      ['import time', `${seconds.toFixed(1)} s (${(seconds / bound).toFixed(2)} × bound)`],
      ['records/s', Math.round(run.records_done / seconds)],
    ]);
    checks.push(['import finished', run.status === 'succeeded'], ['import ≤ 1.15 × rate-limit bound', seconds <= 1.15 * bound], ['stored set equals the sandbox (counts + hash per type)', equal]);

    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    await sandbox.control('POST', `/qbo/companies/${realm}/mutations`, { update: 90, create: 10, delete: 10 });
    const callsBefore = (await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).requests_total as number;
    const incStarted = performance.now();
    const incremental = await runSync(app, id);
    const incSeconds = (performance.now() - incStarted) / 1000;
    const incCalls = (await sandbox.control('GET', `/qbo/companies/${realm}/stats`)).requests_total - callsBefore;
    const incEqual = await mirrorEquals(app, sandbox.url, realm, id);
    console.log('\nIncremental after 100 changes and 10 deletions');
    report([['status', incremental.status], ['provider calls', incCalls], ['time', `${incSeconds.toFixed(2)} s`]]);
    checks.push(['incremental ≤ 5 provider calls', incCalls <= 5], ['incremental < 2 s', incSeconds < 2], ['stored set equals the sandbox after incremental', incEqual]);
    await db.drop();
  }

  // 3: limits lifted, 1M.
  {
    const db = await benchDatabase('ll_bench_sync_b');
    const app = benchApp(db.sql, sandbox.url);
    await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: 1_000_000, max_concurrent: 100, latency_ms: 0 });
    const { realm, id } = await connectCompany(app, sandbox, size1m);
    const limits = { perMinute: 1_000_000, concurrent: 16 };
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = performance.now();
    const run = await runSync(app, id, { limits, typeConcurrency: 8 });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const peakMb = Math.max(peak, process.resourceUsage().maxRSS * 1024) / 2 ** 20;
    console.log(`\n1,000,000-entity import, limits lifted (${db.kind})`);
    report([['status', run.status], ['records', run.records_done], ['time', `${seconds.toFixed(1)} s`], ['records/s', Math.round(run.records_done / seconds)], ['peak RSS (this process)', `${peakMb.toFixed(0)} MB`]]);
    checks.push(['ingest ≥ 20,000 records/s', run.records_done / seconds >= 20_000], ['peak RSS ≤ 300 MB', peakMb <= 300], ['1M import finished', run.status === 'succeeded' && run.records_done >= 1_000_000]);
    void realm;
    await db.drop();
  }

  // 4: kill -9 the worker process at 5 random moments.
  {
    const db = await benchDatabase('ll_bench_sync_c');
    const app = benchApp(db.sql, sandbox.url);
    await sandbox.control('PUT', '/qbo/settings', { rate_limit_per_minute: 1_000_000, max_concurrent: 100, latency_ms: 2 });
    const { realm, id } = await connectCompany(app, sandbox, { vendors: 3000, customers: 5000, invoices: 30000, bills: 20000, payments: 10000 });
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
      QBO_MAX_CONCURRENT: '16',
      LEDGERLINK_LOG_LEVEL: 'error',
    };
    const started = performance.now();
    let kills = 0;
    for (;;) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bff/main.ts'], { cwd: repoRoot, env: { ...env, PORT: String(await freePort()) }, stdio: 'ignore' });
      const killAfter = kills < 5 ? 1500 + Math.random() * 4000 : Infinity;
      const outcome = await new Promise<'killed' | 'done'>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve('killed');
        }, killAfter);
        const poll = setInterval(async () => {
          const [run] = await db.sql<{ status: string }[]>`select status from sync_runs where connection_id = ${id} order by queued_at desc limit 1`;
          if (run?.status === 'succeeded' || run?.status === 'failed') {
            clearInterval(poll);
            clearTimeout(timer);
            child.kill('SIGKILL');
            resolve('done');
          }
        }, 200);
        child.once('exit', () => clearInterval(poll));
      });
      if (outcome === 'done') break;
      kills += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const [final] = await db.sql<{ status: string; attempts: number }[]>`select status, attempts from sync_runs where connection_id = ${id} order by queued_at desc limit 1`;
    const equal = await mirrorEquals(app, sandbox.url, realm, id);
    const [dupes] = await db.sql<{ n: number }[]>`select count(*)::int as n from (select external_id from records where connection_id = ${id} group by type, external_id having count(*) > 1) d`;
    console.log('\nkill -9 of the worker at random moments');
    report([['kills', kills], ['final status', final?.status ?? '?'], ['claims of the run', final?.attempts ?? 0], ['time', `${((performance.now() - started) / 1000).toFixed(1)} s`]]);
    checks.push(['survives 5 kill -9', kills === 5 && final?.status === 'succeeded'], ['after kills: stored set equals the sandbox, no duplicates', equal && dupes!.n === 0]);
    await db.drop();
  }
} finally {
  sandbox.stop();
}

console.log('');
if (!verdict(checks)) process.exit(1);
process.exit(0);
