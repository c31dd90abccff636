import { createHash } from 'node:crypto';
import { open } from '../../bff/crypto/vault.ts';
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
  const owner = `test-${Math.random().toString(36).slice(2)}`;
  const [run] = await t.deps.sql<RunRow[]>`
    update sync_runs set status = 'running', lease_owner = ${owner}, lease_until = now() + interval '1 minute',
      started_at = coalesce(started_at, now()), attempts = attempts + 1, due_at = now()
    where id = ${runId} returning *`;
  await executeRun(t.deps, run!, { ...defaultEngineOptions, leaseMs: 60_000, ...options, owner }, new AbortController().signal);
  if (options.reactions !== false) await runReactions(t, connectionId);
  const [finished] = await t.deps.sql<RunRow[]>`select * from sync_runs where id = ${runId}`;
  return finished!;
}

/** Runs the connection's due reaction jobs (those a run queued, keyed by connection), as the worker would. */
export async function runReactions(t: TestApp, connectionId: string) {
  const due = await t.deps.sql<{ id: string }[]>`select id::text from jobs where dedupe_key = ${connectionId} and status = 'queued'`;
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
  const [tokens] = await t.deps.sql<{ access_token: string }[]>`select access_token from connection_tokens where connection_id = ${connectionId}`;
  const token = open(tokens!.access_token, new Map([[t.deps.keys.encryptionKeyId, t.deps.keys.encryption]]));
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
