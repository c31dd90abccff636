// Shared pieces of the sync benchmarks (sync-*.bench.ts), each of which runs in its own process against
// the QuickBooks sandbox in another.
import { createHash, randomBytes } from 'node:crypto';
import { createApp } from '../../bff/app.ts';
import { AllowedOrigins } from '../../bff/auth/widget-cors.ts';
import { loadConfig } from '../../bff/config.ts';
import type { Deps } from '../../bff/context.ts';
import { deriveKeys } from '../../bff/crypto/keys.ts';
import type { Sql } from '../../bff/db/client.ts';
import { createLogger } from '../../bff/http/logger.ts';
import { everyRecordOf, qboEntityTypes } from '../../bff/providers/qbo/entities.ts';
import { qboEndpoints } from '../../bff/providers/qbo/endpoints.ts';
import { QboOAuth } from '../../bff/providers/qbo/oauth-client.ts';
import { defaultEngineOptions, executeRun, type EngineOptions } from '../../bff/sync/execute-run.ts';
import { requestSync, type RunRow } from '../../bff/sync/runs.ts';
import { connectThroughPopup } from '../support/connect-flow.ts';
import type { sandboxProcess } from './support.ts';
import { canonicalJson } from '../../bff/records/canonical-json.ts';
import { open } from '../../bff/crypto/vault.ts';
import { BrowserCookies } from '../support/browser-cookies.ts';

export const ENCRYPTION_KEY = randomBytes(32);
export const ADMIN = 'bench-admin-token-0123456789abcdef';

export function benchApp(sql: Sql, sandboxUrl: string) {
  const config = loadConfig({ NODE_ENV: 'test', LEDGERLINK_SANDBOX_URL: sandboxUrl, QBO_CLIENT_ID: 'ledgerlink-dev', QBO_CLIENT_SECRET: 'ledgerlink-dev-secret', LEDGERLINK_DATA_DIR: '/nonexistent' });
  const deps: Deps = { sql, config, keys: deriveKeys(ENCRYPTION_KEY, ADMIN), logger: createLogger((process.env.BENCH_LOG_LEVEL as 'debug' | undefined) ?? 'warn'), now: () => new Date(), origins: new AllowedOrigins(sql, 0), qbo: new QboOAuth(qboEndpoints(config)!), qboLimits: { perMinute: 500, concurrent: 10 } };
  const { app } = createApp(deps);
  return { deps, ...apiClient((path, init) => app.request(path, init), ADMIN) };
}

/** The same client for a BFF running in another process (a spawned `npm run serve`), over HTTP. */
export function remoteApp(baseUrl: string, adminToken: string) {
  return apiClient((path, init) => fetch(baseUrl + path, { ...init, redirect: 'manual' }), adminToken);
}

/** Requests as one browser (connecting is bound to the browser that opened the start link), tenants and sessions. */
function apiClient(send: (path: string, init: RequestInit) => Response | Promise<Response>, adminToken: string) {
  const browser = new BrowserCookies();
  const request = async (path: string, init: RequestInit & { json?: unknown; token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    const cookie = browser.for(path);
    if (cookie && !headers.has('cookie')) headers.set('cookie', cookie);
    const { json, token: _, ...rest } = init;
    const response = await send(path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : init.body });
    browser.remember(response);
    return response;
  };
  return {
    request,
    async tenant() {
      const origin = 'https://bench.example';
      const answer = (await (await request('/v1/admin/tenants', { method: 'POST', token: adminToken, json: { name: 'bench', allowed_origins: [origin] } })).json()) as { id: string; secret_key: string };
      return { id: answer.id, secretKey: answer.secret_key, origin };
    },
    async session(tenant: { secretKey: string }, organizationId: string, user: { id?: string; role?: string } = {}) {
      const answer = await request('/v1/sessions', { method: 'POST', token: tenant.secretKey, json: { organization_id: organizationId, user: { id: user.id ?? 'bench', role: user.role ?? 'admin' } } });
      return ((await answer.json()) as { token: string }).token;
    },
  };
}

export type BenchApp = ReturnType<typeof benchApp>;

export async function connectCompany(app: Pick<BenchApp, 'request' | 'tenant' | 'session'>, sandbox: Awaited<ReturnType<typeof sandboxProcess>>, size: Record<string, number>) {
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { country: 'US', plan: 'Advanced', seed: 7, size });
  // The sandbox serialises the company's entities ahead (its control call `warm`), so building and stringifying
  // pages, which at QuickBooks is Intuit's CPU, does not take our two cores from the BFF and Postgres during the
  // import. Each answer is still held for the latency model's time; any change to the company drops the cache
  // (stats' json_cache says whether it held). Before connecting: a served BFF's worker starts the import at once,
  // and the sandbox answers nothing while it warms.
  await sandbox.control('POST', `/qbo/companies/${realm}/warm`);
  const tenant = await app.tenant();
  const { result } = await connectThroughPopup(app as never, { control: sandbox.control } as never, tenant as never, 'org', realm);
  if (result.outcome !== 'connected') throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return { realm, id: result.connection!.id };
}

export async function runSync(app: BenchApp, connectionId: string, options: Partial<EngineOptions> = {}): Promise<RunRow> {
  const { runId } = await requestSync(app.deps.sql, connectionId, { trigger: 'manual' });
  const [run] = await app.deps.sql<RunRow[]>`
    update sync_runs set status = 'running', lease_owner = 'bench', lease_until = now() + interval '10 minutes', started_at = now(), attempts = attempts + 1
    where id = ${runId} returning *`;
  await executeRun(app.deps, run!, { ...defaultEngineOptions, leaseMs: 600_000, ...options, owner: 'bench' }, new AbortController().signal);
  const [done] = await app.deps.sql<RunRow[]>`select * from sync_runs where id = ${runId}`;
  return done!;
}

/** Every record of a type as the sandbox serves it, paged with plain fetch and the connection's own access token. */
export async function providerRecords(app: BenchApp, sandboxUrl: string, realm: string, connectionId: string, type: string): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  for await (const page of providerPages(app, sandboxUrl, realm, connectionId, type)) records.push(...page);
  return records;
}

/** providerRecords a page at a time. */
async function* providerPages(app: BenchApp, sandboxUrl: string, realm: string, connectionId: string, type: string): AsyncGenerator<Record<string, unknown>[]> {
  const [tokens] = await app.deps.sql<{ access_token: string }[]>`select access_token from connection_tokens where connection_id = ${connectionId}`;
  const token = open(tokens!.access_token, app.deps.keys.keyring);
  for (let position = 1; ; position += 1000) {
    const query = `SELECT * FROM ${type}${everyRecordOf(type)} ORDERBY Id STARTPOSITION ${position} MAXRESULTS 1000`;
    const url = `${sandboxUrl}/qbo/v3/company/${realm}/query?minorversion=75&query=${encodeURIComponent(query)}`;
    const init = { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } };
    // The socket may have idled past the server's keep-alive while we read our side: one retry.
    const response = await fetch(url, init).catch(() => fetch(url, init));
    const page = ((await response.json()) as { QueryResponse: Record<string, Record<string, unknown>[]> }).QueryResponse[type] ?? [];
    yield page;
    if (page.length < 1000) return;
  }
}

/**
 * A set of records as a count and an order-free hash: the sum of each record's hash (its Id and canonical JSON),
 * mod 2^128. Records are added as they are read, so a million of them are compared without holding them all
 * (the bench process ran out of heap holding both sides of 800,000 invoices).
 */
class RecordSetHash {
  count = 0;
  #sum = 0n;

  add(record: Record<string, unknown>): void {
    const digest = createHash('sha256').update(`${String(record['Id'])}:${canonicalJson(record)}`).digest();
    this.#sum = (this.#sum + digest.readBigUInt64BE(0) * 2n ** 64n + digest.readBigUInt64BE(8)) % 2n ** 128n;
    this.count++;
  }

  equals(other: RecordSetHash): boolean {
    return this.count === other.count && this.#sum === other.#sum;
  }
}

/** Counts and content hash per type: ours (live records) against the sandbox's, read with plain fetch. */
export async function mirrorEquals(app: BenchApp, sandboxUrl: string, realm: string, connectionId: string): Promise<boolean> {
  let equal = true;
  for (const type of qboEntityTypes) {
    const ours = new RecordSetHash();
    const stored = app.deps.sql<{ data: Record<string, unknown> }[]>`select data from records where connection_id = ${connectionId} and type = ${type} and deleted_at is null`;
    for await (const rows of stored.cursor(1000)) for (const row of rows) ours.add(row.data);
    const theirs = new RecordSetHash();
    for await (const page of providerPages(app, sandboxUrl, realm, connectionId, type)) for (const record of page) theirs.add(record);
    if (!ours.equals(theirs)) {
      console.log(`  mismatch in ${type}: ours ${ours.count}, sandbox ${theirs.count}`);
      equal = false;
    }
  }
  return equal;
}


/**
 * QuickBooks' pace as the benches model it: ~300 ms for a full page (250 ms + 0.05 ms per entity), ±50 ms.
 * Every import bench sets this; the bound is then taken from the latency the sandbox reports it applied.
 */
export const LATENCY_300MS = { latency_ms: 250, latency_per_entity_ms: 0.05, latency_jitter_ms: 50 };

/** What the sandbox counted for one realm (GET /_sandbox/qbo/companies/{realm}/stats), the fields the bound needs. */
export interface RealmStats {
  requests_total: number;
  requests_refused: number;
  max_attempted_in_flight: number;
  max_attempted_per_minute: number;
  latency_applied_ms_total: number;
  latency_applied_calls: number;
  service_ms_total: number;
  service_calls: number;
  [key: string]: unknown;
}

export const realmStats = (sandbox: Awaited<ReturnType<typeof sandboxProcess>>, realm: string) => sandbox.control<RealmStats>('GET', `/qbo/companies/${realm}/stats`);

/**
 * The least time `calls` provider calls can take within a company's limits, from the latency the sandbox really
 * applied to them (two reads of its stats, before and after), never from the setting:
 * - T_bound = max(calls × mean latency ÷ max in flight, 60 s × (calls − 500) ÷ 500), as issue 13 defines it;
 * - the rolling-minute bound, stricter: call k and call k + 500 can never be in the same minute, and within
 *   one minute's 500 calls at most `concurrent` run at once, so call k (k < 500) starts no sooner than
 *   ⌊k ÷ concurrent⌋ latencies in. N calls span at least 60 s × ⌊(N − 1) ÷ 500⌋ + (⌊((N − 1) mod 500) ÷
 *   concurrent⌋ + 1) × latency. Beyond 500 calls it exceeds the smooth 60 s × (N − 500) ÷ 500 by up to a
 *   minute plus one minute's share of latency, and no client can close that gap.
 */
export function importBound(before: RealmStats, after: RealmStats, limits: { perMinute: number; concurrent: number }) {
  const calls = after.requests_total - before.requests_total;
  const latencyCalls = after.latency_applied_calls - before.latency_applied_calls;
  const meanLatencyMs = latencyCalls === 0 ? 0 : (after.latency_applied_ms_total - before.latency_applied_ms_total) / latencyCalls;
  const serviceCalls = after.service_calls - before.service_calls;
  const meanServiceMs = serviceCalls === 0 ? 0 : (after.service_ms_total - before.service_ms_total) / serviceCalls;
  const latencyBound = (calls * meanLatencyMs) / 1000 / limits.concurrent;
  const smoothRate = (60 * (calls - limits.perMinute)) / limits.perMinute;
  const tBound = Math.max(latencyBound, smoothRate);
  const last = Math.max(0, calls - 1);
  const lastMinuteRounds = Math.floor((last % limits.perMinute) / limits.concurrent) + 1;
  const windowBound = Math.max(latencyBound, 60 * Math.floor(last / limits.perMinute) + (lastMinuteRounds * meanLatencyMs) / 1000);
  return { calls, meanLatencyMs, meanServiceMs, latencyBound, tBound, windowBound };
}

/** One admitted call as the sandbox logs it (GET …/companies/{realm}/calls). */
export interface LoggedCall {
  n: number;
  kind: string;
  admitted_ms: number;
  answered_ms: number;
  entities: number;
  status: number;
  query?: string;
}

export const callLog = async (sandbox: Awaited<ReturnType<typeof sandboxProcess>>, realm: string, after = 0) =>
  (await sandbox.control<{ calls: LoggedCall[] }>('GET', `/qbo/companies/${realm}/calls?after=${after}`)).calls;

/**
 * How full the in-flight budget was while `calls` ran: from the first admission to the last answer (`firstMs`,
 * `lastMs`: ms since the epoch), the time spent at
 * each number in flight, and the slot time left unused (`concurrent` × span − the calls' own time). Divided by
 * `concurrent`, the unused slot time is what the import lost to not keeping the budget full; the rest of an import's
 * time over T_bound is before the first call and after the last answer.
 */
export function budgetUse(calls: LoggedCall[], concurrent: number) {
  if (calls.length === 0) return { firstMs: 0, lastMs: 0, spanMs: 0, busyMs: 0, idleSlotMs: 0, msAt: [] as number[], firstFullMs: 0, lastFullMs: 0 };
  const edges = calls.flatMap((call): [number, number][] => [[call.admitted_ms, 1], [call.answered_ms, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const msAt: number[] = Array.from({ length: concurrent + 1 }, () => 0);
  let inFlight = 0;
  let previous = edges[0]![0];
  let firstFullMs = Number.NaN;
  let lastFullMs = Number.NaN;
  for (const [at, step] of edges) {
    const level = Math.min(inFlight, concurrent);
    msAt[level]! += at - previous;
    if (level === concurrent) lastFullMs = at;
    previous = at;
    inFlight += step;
    if (inFlight >= concurrent && Number.isNaN(firstFullMs)) firstFullMs = at;
  }
  const start = edges[0]![0];
  const spanMs = previous - start;
  const busyMs = calls.reduce((sum, call) => sum + (call.answered_ms - call.admitted_ms), 0);
  return { firstMs: start, lastMs: previous, spanMs, busyMs, idleSlotMs: concurrent * spanMs - busyMs, msAt, firstFullMs: firstFullMs - start, lastFullMs: lastFullMs - start };
}
