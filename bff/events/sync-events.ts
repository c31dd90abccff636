import type { SyncError } from '../../shared/api/sync.ts';
import type { WebhookEventData } from '../../shared/api/webhooks.ts';
import type { Queryable, Tx } from '../db/client.ts';
import type { RunRow } from '../sync/runs.ts';
import { recordEvent } from './record.ts';

interface Owner {
  tenant_id: string;
  organization_id: string;
  id: string;
}

function facts(run: RunRow) {
  return { run_id: run.id, kind: run.kind, trigger: run.trigger, full_refresh: run.full_refresh, started_at: (run.started_at ?? run.queued_at).toISOString() };
}

/**
 * `sync.started`, once per run: the first attempt to get here marks the run, so a run taken over after a
 * crash, or re-queued after a rate limit, does not announce itself again. False when it had been announced.
 */
export async function recordSyncStarted(tx: Tx, connection: Owner, run: RunRow): Promise<boolean> {
  const [fresh] = await tx`
    update sync_runs set started_event_id = 'pending' where id = ${run.id} and started_event_id is null returning id`;
  if (!fresh) return false;
  const data: WebhookEventData<'sync.started'> = { ...facts(run), queued_at: run.queued_at.toISOString() };
  const eventId = await recordEvent(tx, { tenantId: connection.tenant_id, organizationId: connection.organization_id, connectionId: connection.id, type: 'sync.started', data });
  await tx`update sync_runs set started_event_id = ${eventId} where id = ${run.id}`;
  return true;
}

/** Mirrored records the run created, changed or deleted, per type (`updated_at` moves only on a real change). */
async function changedCounts(sql: Queryable, connectionId: string, since: Date): Promise<Record<string, number>> {
  const rows = await sql<{ type: string; count: number }[]>`
    select type, count(*)::int as count from records
    where connection_id = ${connectionId} and updated_at >= ${since} group by type order by type`;
  return Object.fromEntries(rows.map((row) => [row.type, row.count]));
}

export type SyncRunSummary = WebhookEventData<'sync.completed'>;

/**
 * What a finished run did, read before the transaction that finishes it: counting a large import's records
 * takes a moment, and a transaction holds PGlite for everyone. The run is ours (we hold its lease), so
 * nothing it counts moves in between.
 */
export async function summariseRun(sql: Queryable, connectionId: string, run: RunRow, finishedAt: Date): Promise<SyncRunSummary> {
  const [progress] = await sql<{ records_done: number; attempts: number }[]>`select records_done, attempts from sync_runs where id = ${run.id}`;
  const started = run.started_at ?? run.queued_at;
  return {
    ...facts(run),
    finished_at: finishedAt.toISOString(),
    duration_ms: Math.max(0, finishedAt.getTime() - started.getTime()),
    attempts: progress?.attempts ?? run.attempts,
    records_read: progress?.records_done ?? run.records_done,
    counts: await changedCounts(sql, connectionId, started),
  };
}

/** `sync.completed`, in the transaction that marks the run succeeded. */
export async function recordSyncCompleted(tx: Tx, connection: Owner, summary: SyncRunSummary): Promise<void> {
  const data: WebhookEventData<'sync.completed'> = summary;
  await recordEvent(tx, { tenantId: connection.tenant_id, organizationId: connection.organization_id, connectionId: connection.id, type: 'sync.completed', data });
}

/** `sync.failed`, in the transaction that marks the run failed for good (never for a re-queued attempt). */
export async function recordSyncFailed(tx: Tx, connection: Owner, summary: SyncRunSummary, error: SyncError): Promise<void> {
  const data: WebhookEventData<'sync.failed'> = { ...summary, error };
  await recordEvent(tx, { tenantId: connection.tenant_id, organizationId: connection.organization_id, connectionId: connection.id, type: 'sync.failed', data });
}
