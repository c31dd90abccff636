import { qboApiFor } from '../connections/provider.ts';
import type { ConnectionRow } from '../connections/store.ts';
import type { Queryable } from '../db/client.ts';
import { pendingHostEdits, syncSupplierFields } from '../matching/field-sync.ts';
import { ProviderBudget } from '../sync/budget.ts';
import { ProviderCaller, qboBudgetKey } from '../sync/provider-caller.ts';
import { enqueueJob } from './queue.ts';
import { defaultJobRetryDelayMs, type JobHandler } from './run-job.ts';

export const FIELD_SYNC_JOB = 'field-sync';

interface FieldSyncPayload {
  connection_id: string;
  /** Vendors stored (changed) from this time on are the ones to look at. */
  since: string;
}

/** Linked suppliers whose vendor changed in our mirror since `since`. */
function changedLinkedVendors(sql: Queryable, connectionId: string, since: Date) {
  return sql<{ provider_id: string }[]>`
    select l.provider_id from party_links l
    join records r on r.connection_id = l.connection_id and r.type = 'Vendor' and r.external_id = l.provider_id
    where l.connection_id = ${connectionId} and l.kind = 'suppliers' and l.removed_at is null and r.updated_at >= ${since}`;
}

/**
 * Called in the transaction that commits a sync run as succeeded: when the run changed a linked supplier's
 * vendor, or a host edit is still pending (QuickBooks was down, the connection was just reconnected), queue
 * the two-way field sync for the connection. One job per connection at a time; `since` is the
 * run's start (the database's clock, as `records.updated_at` is), and a coalesced request keeps the earlier one.
 */
export async function enqueueFieldSyncAfterRun(tx: Queryable, connectionId: string, runStartedAt: Date): Promise<string | undefined> {
  // A field sync that failed for good (QuickBooks down through every retry) left its vendors unsynced: this
  // one starts where that one did, so their edits are still reported.
  const [lost] = await tx<{ since: string }[]>`
    select f.payload->>'since' as since from jobs f
    where f.kind = ${FIELD_SYNC_JOB} and f.dedupe_key = ${connectionId} and f.status = 'failed'
      and not exists (
        select 1 from jobs s where s.kind = f.kind and s.dedupe_key = f.dedupe_key and s.status = 'succeeded' and s.finished_at > f.finished_at)
    order by f.payload->>'since' limit 1`;
  const since = lost && new Date(lost.since) < runStartedAt ? new Date(lost.since) : runStartedAt;
  if ((await changedLinkedVendors(tx, connectionId, since)).length === 0) {
    // Host edits still waiting (QuickBooks was down when they came, or the connection was just reconnected)
    // are reason enough: this is the sweep that writes them.
    const [connection] = await tx<ConnectionRow[]>`select * from connections where id = ${connectionId}`;
    if (!connection || (await pendingHostEdits(tx, connection)).length === 0) return undefined;
  }
  const payload: FieldSyncPayload = { connection_id: connectionId, since: since.toISOString() };
  return (await enqueueJob(tx, { kind: FIELD_SYNC_JOB, payload: { ...payload }, dedupeKey: connectionId, maxAttempts: 5 })).id;
}

/**
 * Called when a host's edit met a connection QuickBooks could not take it on (down, limiting): the field sync
 * for the connection, due after the first retry delay (`retryAfterSeconds` of a throttle when longer), with the
 * queue's retries and backoff after that. Coalesces with a queued one (one per connection, the earlier due
 * time kept). `since` is no later than the start of a run in progress, so a run that commits later and
 * coalesces into this job loses none of the vendor changes it made.
 */
export async function enqueuePendingFieldSync(sql: Queryable, connectionId: string, now: Date, retryAfterSeconds?: number): Promise<string> {
  const [row] = await sql<{ since: Date }[]>`
    select least(now(), min(started_at)) as since from sync_runs where connection_id = ${connectionId} and status = 'running'`;
  const since = row?.since ?? new Date();
  const dueAt = new Date(now.getTime() + Math.max(defaultJobRetryDelayMs(1), (retryAfterSeconds ?? 0) * 1000));
  const payload: FieldSyncPayload = { connection_id: connectionId, since: new Date(since).toISOString() };
  return (await enqueueJob(sql, { kind: FIELD_SYNC_JOB, payload: { ...payload }, dedupeKey: connectionId, dueAt, maxAttempts: 5 })).id;
}

/**
 * The reaction to synced vendor changes and to host edits QuickBooks could not take: QuickBooks edits of
 * linked suppliers reported to the host (`supplier.updated`), host edits that were waiting written back. Its own retries and outcome; the run that
 * queued it has already succeeded and stays so whatever happens here.
 */
export const fieldSyncJob: JobHandler = {
  kind: FIELD_SYNC_JOB,
  async run(deps, job, signal) {
    const payload = job.payload as unknown as FieldSyncPayload;
    const [connection] = await deps.sql<ConnectionRow[]>`select * from connections where id = ${payload.connection_id}`;
    // A connection that was deleted or lost its grant has nothing to sync with; its next run queues this again.
    if (!connection) return { skipped: 'connection deleted' };
    if (connection.status !== 'connected') return { skipped: `connection ${connection.status}` };
    // Vendors QuickBooks changed since `since`, and every linked supplier with a host edit still pending
    // (whenever it came, whatever queued this job): no host edit waits for its own vendor to change.
    const vendors = (await changedLinkedVendors(deps.sql, connection.id, new Date(payload.since))).map((row) => row.provider_id);
    const changed = [...new Set([...vendors, ...(await pendingHostEdits(deps.sql, connection))])];
    if (changed.length === 0) return { suppliers: 0, pushed: 0, reported: 0, conflicts: 0 };
    const budget = new ProviderBudget(deps.sql, qboBudgetKey(connection.external_id), deps.qboLimits);
    const caller = new ProviderCaller(qboApiFor(deps, connection), budget, undefined, signal);
    const totals = await syncSupplierFields(deps, connection, caller, changed, 'provider');
    return { suppliers: changed.length, ...totals };
  },
};
