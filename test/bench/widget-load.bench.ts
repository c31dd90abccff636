// Issue 11, load: the widget read routes against a bare Hono + postgres.js handler doing the same read (one row by
// primary key, or an organization's rows), side by side in one run, with 1,000 organisations and 10,000 connections in the database; and
// another tenant's reads while one session storms a route. Both servers run in their own processes; this
// process drives them over loopback with a bounded keep-alive HTTP loop (counts and durations fixed below).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { createTenant } from '../../bff/tenants/store.ts';
import { describe, load as loadWith, send, type LoadSpec, type Result, type Target } from './http-load.ts';
import { benchDatabase, freePort, repoRoot, report, verdict } from './support.ts';

const TENANTS = 100;
const ORGS_PER_TENANT = 10;
const CONNECTIONS_PER_ORG = 10;
/** WIDGET_LOAD_SMOKE=1: one-second phases, to try the bench itself (its numbers mean nothing then). */
const smoke = process.env.WIDGET_LOAD_SMOKE === '1';
/** WIDGET_LOAD_ONLY=byId: that phase alone, once (with BENCH_PROFILE_DIR, a profile of just that route). */
const only = process.env.WIDGET_LOAD_ONLY;
const WARMUP_MS = smoke ? 500 : 3_000;
const MEASURE_MS = smoke ? 1_000 : 10_000;
const CONCURRENCY = 16;
const STORM_CONCURRENCY = 50;
const BYSTANDER_CONCURRENCY = 8;
const TARGET_RATIO = 0.75;
const TARGET_P99_MS = 50;
const TARGET_STORM_P99_MS = 100;

const checks: [string, boolean][] = [];
/** Ends a WIDGET_LOAD_ONLY run early, through the cleanup. */
class Stop extends Error {}
const db = await benchDatabase('ll_bench_widget_load');
const children: ChildProcess[] = [];

interface Org {
  tenant: number;
  id: string;
  origin: string;
  connections: string[];
  /** The address its user's requests come from (X-Forwarded-For, the BFF trusts loopback as its proxy). */
  address: string;
  token?: string;
}

try {
  // ── Seed: 100 tenants × 10 organisations × 10 connections ────────────────────────────────────────────
  const seedStarted = performance.now();
  const tenants: { id: string; secretKey: string; origin: string }[] = [];
  for (let i = 0; i < TENANTS; i++) {
    const origin = `https://host-${i}.example`;
    const created = await createTenant(db.sql, { name: `Bench host ${i}`, allowed_origins: [origin] });
    tenants.push({ id: created.id, secretKey: created.secret_key, origin });
  }
  const orgs: Org[] = [];
  for (let t = 0; t < TENANTS; t++) {
    for (let o = 0; o < ORGS_PER_TENANT; o++) {
      const n = orgs.length;
      orgs.push({
        tenant: t,
        id: `org-${o}`,
        origin: tenants[t]!.origin,
        connections: Array.from({ length: CONNECTIONS_PER_ORG }, () => `con_${randomBytes(10).toString('hex')}`),
        address: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
      });
    }
  }
  await db.sql`insert into organizations ${db.sql(orgs.map((org) => ({ tenant_id: tenants[org.tenant]!.id, id: org.id })))}`;
  const rows = orgs.flatMap((org) =>
    org.connections.map((id, i) => ({
      id,
      tenant_id: tenants[org.tenant]!.id,
      organization_id: org.id,
      provider: 'qbo',
      external_id: `${9_100_000_000 + orgs.indexOf(org) * 100 + i}`,
      company_name: `Company ${id.slice(4, 10)}`,
      legal_name: `Company ${id.slice(4, 10)} LLC`,
      country: 'US',
      plan: 'Plus',
      status: 'connected',
      connected_by: 'bench',
      connected_at: new Date(),
    })),
  );
  for (let i = 0; i < rows.length; i += 1_000) await db.sql`insert into connections ${db.sql(rows.slice(i, i + 1_000))}`;
  await db.sql`analyze`;
  const [counted] = await db.sql<{ orgs: number; connections: number }[]>`
    select (select count(*)::int from organizations) as orgs, (select count(*)::int from connections) as connections`;
  report([
    ['seeded', `${counted!.orgs} organisations, ${counted!.connections} connections, ${TENANTS} tenants in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`],
  ]);

  // ── The two servers ─────────────────────────────────────────────────────────────────────────────────
  const bffPort = await freePort();
  const bff = await server(['bff/main.ts'], {
    NODE_ENV: 'production',
    PORT: String(bffPort),
    DATABASE_URL: db.url,
    LEDGERLINK_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LEDGERLINK_ADMIN_TOKEN: randomBytes(24).toString('hex'),
    LEDGERLINK_WORKER: 'false',
    LEDGERLINK_TRUSTED_PROXIES: '127.0.0.1',
  }, `http://127.0.0.1:${bffPort}/readyz`);
  const barePort = await freePort();
  const bare = await server(['test/bench/bare-handler.ts', db.url, String(barePort)], {}, `http://127.0.0.1:${barePort}/connections/none`);

  // Each organisation's user gets a session from its host's backend, as the components would.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  for (let i = 0; i < orgs.length; i += 50) {
    await Promise.all(
      orgs.slice(i, i + 50).map(async (org, j) => {
        const answer = await send(agent, bffPort, 'POST', '/v1/sessions', {
          authorization: `Bearer ${tenants[org.tenant]!.secretKey}`,
          'content-type': 'application/json',
          'x-forwarded-for': `172.16.0.${(i + j) % 250}`,
        }, JSON.stringify({ organization_id: org.id, user: { id: `user-${org.tenant}-${org.id}`, role: 'admin' } }));
        if (answer.status !== 201) throw new Error(`session: ${answer.status} ${answer.body}`);
        org.token = (JSON.parse(answer.body) as { token: string }).token;
      }),
    );
  }

  // Each user's component reads once, as on page load: a session's first request in a process proves its
  // token's signature and reads its standing, later ones do neither. Done here, the measured phases see the
  // steady state however fast this machine gets through the warm-up.
  for (let i = 0; i < orgs.length; i += 50) {
    await Promise.all(
      orgs.slice(i, i + 50).map(async (org) => {
        const answer = await send(agent, bffPort, 'GET', `/v1/widget/connections/${org.connections[0]}`, { authorization: `Bearer ${org.token}`, origin: org.origin, 'x-forwarded-for': org.address });
        if (answer.status !== 200) throw new Error(`first read: ${answer.status} ${answer.body}`);
      }),
    );
  }

  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
  const widgetHeaders = (org: Org) => ({ authorization: `Bearer ${org.token}`, origin: org.origin, 'x-forwarded-for': org.address });
  const byId = () => {
    const org = pick(orgs);
    return { port: bffPort, path: `/v1/widget/connections/${pick(org.connections)}`, headers: widgetHeaders(org) };
  };
  const list = () => {
    const org = pick(orgs);
    return { port: bffPort, path: '/v1/widget/connections', headers: widgetHeaders(org) };
  };
  const bareById = () => ({ port: barePort, path: `/connections/${pick(pick(orgs).connections)}`, headers: {} });
  const bareList = () => {
    const org = pick(orgs);
    return { port: barePort, path: `/tenants/${tenants[org.tenant]!.id}/organizations/${org.id}/connections`, headers: {} };
  };
  const serverOf = (name: string) => (name.startsWith('bare') ? bare : bff);

  // ── Side by side: bare, BFF, bare, BFF (the better of each pair, so a noisy second hurts neither) ─────────
  console.log(`\nThroughput, ${CONCURRENCY} keep-alive connections, ${MEASURE_MS / 1000} s each after ${WARMUP_MS / 1000} s warm-up`);
  const results: Record<string, Measured[]> = { bare: [], byId: [], bareList: [], list: [] };
  if (only) {
    const phase = { bare: bareById, bareList, list, byId }[only] ?? byId;
    const result = await load(agent, phase, CONCURRENCY, serverOf(only));
    report([[only, `${describe(result)}, ${cpuPerRequest(result)}`]]);
    process.exitCode = 0;
    throw new Stop();
  }
  for (let round = 0; round < 2; round++) {
    results.bare!.push(await load(agent, bareById, CONCURRENCY, bare));
    results.byId!.push(await load(agent, byId, CONCURRENCY, bff));
    results.bareList!.push(await load(agent, bareList, CONCURRENCY, bare));
    results.list!.push(await load(agent, list, CONCURRENCY, bff));
  }
  const best = (name: string) => results[name]!.reduce((a, b) => (b.rps > a.rps ? b : a));
  const bareBest = best('bare');
  const rows2: [string, string][] = [
    ['bare Hono + postgres.js, row by primary key', describe(bareBest)],
    ['BFF GET /v1/widget/connections/{id}', `${describe(best('byId'))}  = ${(best('byId').rps / bareBest.rps).toFixed(2)} × bare`],
    ['bare Hono + postgres.js, an organization\'s 10 rows', describe(best('bareList'))],
    ['BFF GET /v1/widget/connections (10 per org)', `${describe(best('list'))}  = ${(best('list').rps / best('bareList').rps).toFixed(2)} × bare list`],
  ];
  report(rows2);
  // The server process's own CPU time per answered request: on a busy machine the steadier comparison, since
  // a server that waits for a core is slowed without doing more work.
  const cheapest = (name: string) => results[name]!.reduce((a, b) => ((b.cpuUsPerRequest ?? Infinity) < (a.cpuUsPerRequest ?? Infinity) ? b : a));
  if (cheapest('bare').cpuUsPerRequest !== undefined) {
    report([
      ['server CPU per request: bare', cpuPerRequest(cheapest('bare'))],
      ['server CPU per request: GET /v1/widget/connections/{id}', `${cpuPerRequest(cheapest('byId'))}  = ${(cheapest('byId').cpuUsPerRequest! / cheapest('bare').cpuUsPerRequest!).toFixed(2)} × bare`],
      ['server CPU per request: bare list', cpuPerRequest(cheapest('bareList'))],
      ['server CPU per request: GET /v1/widget/connections', `${cpuPerRequest(cheapest('list'))}  = ${(cheapest('list').cpuUsPerRequest! / cheapest('bareList').cpuUsPerRequest!).toFixed(2)} × bare list`],
    ]);
  }
  // Each read route against the bare handler doing the same read: one row by primary key, or an organization's rows.
  const read = best('byId');
  checks.push([`GET /v1/widget/connections/{id} ≥ ${TARGET_RATIO} × bare, p99 < ${TARGET_P99_MS} ms, no errors`, read.rps >= TARGET_RATIO * bareBest.rps && read.p99 < TARGET_P99_MS && read.errors === 0]);
  const listed = best('list');
  checks.push([`GET /v1/widget/connections ≥ ${TARGET_RATIO} × the bare list, p99 < ${TARGET_P99_MS} ms, no errors`, listed.rps >= TARGET_RATIO * best('bareList').rps && listed.p99 < TARGET_P99_MS && listed.errors === 0]);

  // ── Storms: one session hammers a route while another tenant's users read ─────────────────────────────
  const stormer = orgs[0]!;
  const bystanders = orgs.filter((org) => org.tenant !== stormer.tenant);
  const bystanderRead = () => {
    const org = pick(bystanders);
    return { port: bffPort, path: `/v1/widget/connections/${pick(org.connections)}`, headers: widgetHeaders(org) };
  };
  console.log(`\nStorms: one session, ${STORM_CONCURRENCY} connections flat out; another tenant's reads at ${BYSTANDER_CONCURRENCY} connections`);
  const quiet = await load(agent, bystanderRead, BYSTANDER_CONCURRENCY);
  report([['other tenant, no storm', describe(quiet)]]);
  const storms: [string, () => Target][] = [
    ['POST /v1/widget/connections/{id}/check', () => ({ port: bffPort, method: 'POST', path: `/v1/widget/connections/${stormer.connections[0]}/check`, headers: widgetHeaders(stormer) })],
    ['GET /v1/widget/sync-status', () => ({ port: bffPort, path: '/v1/widget/sync-status', headers: widgetHeaders(stormer) })],
  ];
  for (const [name, target] of storms) {
    // The storm comes from a process of its own, so its flood does not slow this process's measuring.
    const [storm, during] = await Promise.all([
      stormProcess({ target: target(), concurrency: STORM_CONCURRENCY, warmupMs: WARMUP_MS, measureMs: MEASURE_MS, refusalsExpected: true }),
      load(agent, bystanderRead, BYSTANDER_CONCURRENCY),
    ]);
    report([
      [`storm ${name}`, `${Math.round(storm.rps)} req/s answered: ${Object.entries(storm.statuses).map(([status, n]) => `${n} × ${status}`).join(', ')}`],
      ['  other tenant meanwhile', describe(during)],
    ]);
    checks.push([`other tenant's p99 < ${TARGET_STORM_P99_MS} ms while one session storms ${name}`, during.p99 < TARGET_STORM_P99_MS && during.errors === 0]);
    checks.push([`the storm of ${name} is refused with 429 once past the session's limit`, (storm.statuses['429'] ?? 0) > 0 && Object.keys(storm.statuses).every((status) => Number(status) < 500 || status === '502')]);
  }
  agent.destroy();
} catch (error) {
  if (!(error instanceof Stop)) throw error;
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  await db.drop();
}
console.log('');
process.exit(only ? 0 : verdict(checks) ? 0 : 1);

interface Measured extends Result {
  /** The measured server's CPU time (user + system) per answered request, where /proc tells it. */
  cpuUsPerRequest?: number;
}

async function load(agent: Agent, next: () => Target, concurrency: number, server?: ChildProcess): Promise<Measured> {
  let before: number | undefined;
  const snapshot = setTimeout(() => (before = cpuMicros(server)), WARMUP_MS);
  const result: Measured = await loadWith(agent, next, { concurrency, warmupMs: WARMUP_MS, measureMs: MEASURE_MS });
  clearTimeout(snapshot);
  const after = cpuMicros(server);
  const answered = result.rps * (MEASURE_MS / 1000);
  if (before !== undefined && after !== undefined && answered > 0) result.cpuUsPerRequest = (after - before) / answered;
  return result;
}

function cpuPerRequest(result: Measured): string {
  return result.cpuUsPerRequest === undefined ? 'server CPU not measurable here' : `${Math.round(result.cpuUsPerRequest)} µs server CPU per request`;
}

/** utime + stime of a child process in microseconds, from /proc (Linux); undefined elsewhere. */
function cpuMicros(child: ChildProcess | undefined): number | undefined {
  if (!child?.pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, utime 14 and stime 15 (1-based), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

function stormProcess(spec: LoadSpec): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/http-load.ts', JSON.stringify(spec)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Result) : reject(new Error(`storm process exited with ${code}`))));
  });
}

async function server(args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  // BENCH_PROFILE_DIR: the servers write V8 CPU profiles there (to see where a request's time goes).
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${args[0]} exited with ${child.exitCode}`);
    try {
      const answer = await fetch(readyUrl);
      if (answer.status < 500) break;
    } catch {
      if (i > 600) throw new Error(`${args[0]} did not start`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}
