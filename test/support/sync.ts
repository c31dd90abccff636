import { createHash } from 'node:crypto';
import { expect, vi } from 'vitest';
import { open } from '../../bff/crypto/vault.ts';
import { qboEntityTypes } from '../../bff/providers/qbo/entities.ts';
import { canonicalJson } from '../../bff/records/canonical-json.ts';
import { jobHandlers } from '../../bff/jobs/handlers.ts';
import { runDueJobs } from '../../bff/jobs/run-job.ts';
import { defaultEngineOptions, executeRun, type EngineOptions } from '../../bff/sync/execute-run.ts';
import { requestSync, type RunRow } from '../../bff/sync/runs.ts';
import type { testApp } from './app.ts';

type TestApp = ReturnType<typeof testApp>;

/**
 * Runs one sync of one connection through the real engine, claimed for this test alone (other test files
 * share the database and their runs must not be touched), then, as the worker's next tick would, the
 * reaction jobs its commit queued for the connection (`reactions: false` leaves them queued).
 * Claiming itself is tested in claiming.test.ts and jobs.test.ts.
 */
export async function syncOnce(t: TestApp, connectionId: string, options: Partial<EngineOptions> & { full?: boolean; reactions?: boolean } = {}): Promise<RunRow> {
  const { runId } = await requestSync(t.deps.sql, connectionId, { trigger: 'manual', full: options.full ?? false });
  const finished = await resumeRun(t, runId, options);
  if (options.reactions !== false) await runReactions(t, connectionId);
  const [after] = await t.deps.sql<RunRow[]>`select * from sync_runs where id = ${runId}`;
  return after ?? finished;
}

/**
 * Runs the connection's due reaction jobs (those a run queued, keyed by connection), as the worker would; `kinds`
 * narrows them (a test about one reaction need not wait on the others, e.g. the metrics refresh).
 */
export async function runReactions(t: TestApp, connectionId: string, kinds?: readonly string[]) {
  const only = kinds ? t.deps.sql`and kind in ${t.deps.sql(kinds as string[])}` : t.deps.sql``;
  const due = await t.deps.sql<{ id: string }[]>`select id::text from jobs where dedupe_key = ${connectionId} and status = 'queued' ${only}`;
  return due.length === 0 ? [] : runDueJobs(t.deps, jobHandlers, { ids: due.map((row) => row.id) });
}

/** JSON with sorted keys, so Postgres' jsonb key order and the provider's compare equal. */
export const canonical = canonicalJson;

export function contentHash(records: Record<string, unknown>[]): string {
  const lines = records.map((record) => `${String(record.Id)}:${canonical(record)}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** What we stored for a type: live records only. */
export async function storedSnapshot(t: TestApp, connectionId: string, type: string) {
  const rows = await t.deps.sql<{ data: Record<string, unknown> }[]>`
    select data from records where connection_id = ${connectionId} and type = ${type} and deleted_at is null`;
  const records = rows.map((row) => row.data);
  return { count: records.length, hash: contentHash(records) };
}

/**
 * What the sandbox holds for a type, read straight from its query API with the connection's access token
 * (plain fetch, none of our client code), inactive name-list records included.
 */
export async function providerSnapshot(t: TestApp, sandboxUrl: string, realmId: string, connectionId: string, type: string) {
  const token = await accessToken(t, connectionId);
  const nameList = ['Account', 'Class', 'Department', 'Customer', 'Vendor', 'Employee', 'Item', 'Term', 'PaymentMethod'].includes(type);
  const records: Record<string, unknown>[] = [];
  for (let position = 1; ; position += 1000) {
    const query = `SELECT * FROM ${type}${nameList ? ' WHERE Active IN (true, false)' : ''} ORDERBY Id STARTPOSITION ${position} MAXRESULTS 1000`;
    const response = await fetch(`${sandboxUrl}/qbo/v3/company/${realmId}/query?minorversion=75&query=${encodeURIComponent(query)}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`snapshot ${type}: ${response.status} ${await response.text()}`);
    const page = ((await response.json()) as { QueryResponse: Record<string, Record<string, unknown>[]> }).QueryResponse[type] ?? [];
    records.push(...page);
    if (page.length < 1000) break;
  }
  return { count: records.length, hash: contentHash(records) };
}

/** The stored ids of a type; `live` leaves tombstones out. */
export async function storedIds(t: TestApp, connectionId: string, type: string, live = true): Promise<string[]> {
  const rows = await t.deps.sql<{ external_id: string }[]>`
    select external_id from records where connection_id = ${connectionId} and type = ${type} and (deleted_at is null or not ${live})`;
  return rows.map((row) => row.external_id).sort();
}

/**
 * Stored invoices no payment is applied to: QuickBooks (and the sandbox) refuses to delete or void a paid one, so a
 * test that deletes an invoice in QuickBooks picks from these.
 */
export async function unpaidInvoiceIds(t: TestApp, connectionId: string): Promise<string[]> {
  const rows = await t.deps.sql<{ external_id: string }[]>`
    select external_id from records
    where connection_id = ${connectionId} and type = 'Invoice' and deleted_at is null
      and not exists (select 1 from jsonb_array_elements(coalesce(data -> 'LinkedTxn', '[]'::jsonb)) link where link ->> 'TxnType' = 'Payment')`;
  return rows.map((row) => row.external_id).sort();
}

/**
 * The acceptance check of every sync path: for every synced type, the mirror's live ids and content hash
 * equal what the sandbox holds. Reports every type that differs, not just the first.
 */
export async function expectMirrorEqualsProvider(t: TestApp, sandboxUrl: string, realmId: string, connectionId: string, types: readonly string[] = qboEntityTypes) {
  const differing: Record<string, unknown> = {};
  for (const type of types) {
    const [stored, provider] = [await storedSnapshot(t, connectionId, type), await providerSnapshot(t, sandboxUrl, realmId, connectionId, type)];
    if (stored.count !== provider.count || stored.hash !== provider.hash) differing[type] = { stored: stored.count, provider: provider.count };
  }
  expect(differing, 'types whose mirror differs from QuickBooks').toEqual({});
}

async function accessToken(t: TestApp, connectionId: string): Promise<string> {
  const [tokens] = await t.deps.sql<{ access_token: string }[]>`select access_token from connection_tokens where connection_id = ${connectionId}`;
  return open(tokens!.access_token, t.deps.keys.keyring);
}

/** Plain fetch, as it was before any test wrapped it: what tests use to talk to the sandbox from inside a hook. */
const realFetch = globalThis.fetch;

/**
 * Calls the sandbox's Accounting API as the connection (plain fetch, none of our client code): how a test
 * plays the bookkeeper editing the company, e.g. deleting one exact invoice.
 */
export async function qboCall<T = any>(t: TestApp, sandboxUrl: string, realmId: string, connectionId: string, method: 'GET' | 'POST', path: string, body?: unknown, query: Record<string, string> = {}): Promise<T> {
  const url = new URL(`${sandboxUrl}/qbo/v3/company/${realmId}/${path}`);
  url.searchParams.set('minorversion', '75');
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const response = await realFetch(url, {
    method,
    headers: { authorization: `Bearer ${await accessToken(t, connectionId)}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Deletes one transaction in QuickBooks, as a user would (read for its SyncToken, then delete). */
export async function deleteInQbo(t: TestApp, sandboxUrl: string, realmId: string, connectionId: string, type: string, id: string): Promise<void> {
  const read = await qboCall<Record<string, { SyncToken: string }>>(t, sandboxUrl, realmId, connectionId, 'GET', `${type.toLowerCase()}/${id}`);
  await qboCall(t, sandboxUrl, realmId, connectionId, 'POST', type.toLowerCase(), { Id: id, SyncToken: read[type]!.SyncToken }, { operation: 'delete' });
}

export interface SeenQuery {
  statement: string;
  /** The answer's records of the queried type (empty for COUNT and CDC). */
  records: Record<string, unknown>[];
}

/**
 * Watches every Accounting API query and CDC call the engine makes (global fetch is what our client uses);
 * a /batch call counts as its queries, in order. `after` runs once the provider has answered and before the
 * engine sees the answer (for a batch, once per query in it): a test changes the company there, between two
 * pages. Returns the calls seen and a restore function.
 */
export function watchQboCalls(after?: (call: { path: string; statement: string; records: Record<string, unknown>[] }) => Promise<void> | void) {
  const seen: { path: string; statement: string }[] = [];
  const recordsOf = (statement: string, answer: { QueryResponse?: Record<string, unknown> } | undefined) => {
    const type = /FROM (\w+)/i.exec(statement)?.[1] ?? '';
    const records = answer?.QueryResponse?.[type];
    return Array.isArray(records) ? (records as Record<string, unknown>[]) : [];
  };
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await realFetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const match = /\/v3\/company\/[^/]+\/(query|cdc|batch)$/.exec(url.pathname);
    if (!match || !response.ok) return response;
    if (match[1] === 'batch') {
      const items = ((JSON.parse(String(init?.body ?? '{}')) as { BatchItemRequest?: { bId: string; Query?: string }[] }).BatchItemRequest ?? []).filter((item) => typeof item.Query === 'string');
      if (items.length === 0) return response;
      const text = await response.text();
      const answers = new Map(((JSON.parse(text) as { BatchItemResponse?: { bId: string; QueryResponse?: Record<string, unknown> }[] }).BatchItemResponse ?? []).map((item) => [item.bId, item]));
      for (const item of items) {
        seen.push({ path: 'query', statement: item.Query! });
        await after?.({ path: 'query', statement: item.Query!, records: recordsOf(item.Query!, answers.get(item.bId)) });
      }
      return new Response(text, { status: response.status, headers: response.headers });
    }
    const statement = url.searchParams.get('query') ?? `CDC ${url.searchParams.get('entities')} since ${url.searchParams.get('changedSince')}`;
    seen.push({ path: match[1]!, statement });
    if (!after) return response;
    const text = await response.text();
    await after({ path: match[1]!, statement, records: recordsOf(statement, JSON.parse(text) as { QueryResponse?: Record<string, unknown> }) });
    return new Response(text, { status: response.status, headers: response.headers });
  });
  return { seen, restore: () => spy.mockRestore() };
}

/**
 * Starts a sync and stops it, like a crash or a deploy, once `crashWhen` says so; the run stays `running`
 * with its checkpoints. `resumeRun` then takes it over as another worker would after the lease expired.
 */
export async function crashingSync(t: TestApp, connectionId: string, crashWhen: (statement: string) => boolean, options: Partial<EngineOptions> = {}): Promise<RunRow> {
  const { runId } = await requestSync(t.deps.sql, connectionId, { trigger: 'manual' });
  const stop = new AbortController();
  const watch = watchQboCalls(({ statement }) => {
    if (crashWhen(statement)) stop.abort(new Error('crash'));
  });
  try {
    const run = await claimRun(t, runId);
    await executeRun(t.deps, run, { ...defaultEngineOptions, leaseMs: 60_000, ...options, owner: run.lease_owner! }, stop.signal);
  } finally {
    watch.restore();
  }
  const [left] = await t.deps.sql<RunRow[]>`select * from sync_runs where id = ${runId}`;
  return left!;
}

/** Claims a run for this test (queued, or running with a dead holder) and runs it to the end. */
export async function resumeRun(t: TestApp, runId: string, options: Partial<EngineOptions> = {}): Promise<RunRow> {
  const run = await claimRun(t, runId);
  await executeRun(t.deps, run, { ...defaultEngineOptions, leaseMs: 60_000, ...options, owner: run.lease_owner! }, new AbortController().signal);
  const [finished] = await t.deps.sql<RunRow[]>`select * from sync_runs where id = ${runId}`;
  return finished!;
}

/** Claims a run for this test as a worker would (queued, or running with a dead holder). */
export async function claimRun(t: TestApp, runId: string): Promise<RunRow> {
  const owner = `test-${Math.random().toString(36).slice(2)}`;
  const [run] = await t.deps.sql<RunRow[]>`
    update sync_runs set status = 'running', lease_owner = ${owner}, lease_until = now() + interval '1 minute',
      started_at = coalesce(started_at, now()), attempts = attempts + 1, due_at = now()
    where id = ${runId} returning *`;
  return run!;
}
