import type { SyncError, SyncRun } from '../../shared/api/sync.ts';
import type { Queryable, Sql } from '../db/client.ts';
import { newId } from '../db/ids.ts';

export interface RunRow {
  id: string;
  connection_id: string;
  kind: 'initial' | 'incremental';
  trigger: 'connect' | 'schedule' | 'manual' | 'webhook';
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  full_refresh: boolean;
  queued_at: Date;
  due_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  lease_owner: string | null;
  lease_until: Date | null;
  attempts: number;
  watermark: Date | null;
  error: SyncError | null;
  records_done: number;
  records_total: number | null;
}

export interface ProgressRow {
  run_id: string;
  type: string;
  total: number | null;
  done: number;
  next_position: number;
  finished: boolean;
}

/**
 * Asks for a sync. At most one run per connection is queued or running (a partial unique index), so a
 * second request coalesces with the first instead of stacking; an earlier due time wins.
 */
export async function requestSync(
  sql: Queryable,
  connectionId: string,
  options: { trigger: RunRow['trigger']; full?: boolean; dueAt?: Date },
): Promise<{ runId: string; coalesced: boolean }> {
  const [connection] = await sql<{ initial_import_done: boolean }[]>`select initial_import_done from connections where id = ${connectionId}`;
  const kind = !connection?.initial_import_done || options.full ? 'initial' : 'incremental';
  const dueAt = options.dueAt ?? null;
  const [inserted] = await sql<{ id: string }[]>`
    insert into sync_runs (id, connection_id, kind, trigger, status, full_refresh, due_at)
    values (${newId('run')}, ${connectionId}, ${kind}, ${options.trigger}, 'queued', ${options.full ?? false}, coalesce(${dueAt}::timestamptz, now()))
    on conflict (connection_id) where status in ('queued', 'running') do nothing
    returning id`;
  if (inserted) return { runId: inserted.id, coalesced: false };
  // Coalesce: a manual request pulls a later (back-off, debounce) queued run forward.
  const [active] = await sql<{ id: string }[]>`
    update sync_runs set due_at = least(due_at, coalesce(${dueAt}::timestamptz, now()))
    where connection_id = ${connectionId} and status in ('queued', 'running')
    returning id`;
  if (active) return { runId: active.id, coalesced: true };
  return requestSync(sql, connectionId, options); // the active run finished in between: try again
}

/**
 * Claims up to `limit` runs that are due, or whose holder stopped heartbeating, for `owner`.
 * SKIP LOCKED lets every replica claim at once without waiting on each other or taking the same run.
 */
export async function claimRuns(sql: Sql, owner: string, limit: number, leaseMs: number): Promise<RunRow[]> {
  if (limit <= 0) return [];
  return sql<RunRow[]>`
    update sync_runs set status = 'running', lease_owner = ${owner},
      lease_until = clock_timestamp() + make_interval(secs => ${leaseMs / 1000}),
      started_at = coalesce(started_at, clock_timestamp()), attempts = attempts + 1
    where id in (
      select r.id from sync_runs r join connections c on c.id = r.connection_id
      where c.status = 'connected'
        and ((r.status = 'queued' and r.due_at <= clock_timestamp()) or (r.status = 'running' and r.lease_until < clock_timestamp()))
      order by r.due_at
      limit ${limit}
      for update of r skip locked)
    returning *`;
}

/** Extends the lease; false when it was lost (another worker took over), and the caller must stop. */
export async function heartbeat(sql: Sql, runId: string, owner: string, leaseMs: number): Promise<boolean> {
  const rows = await sql`
    update sync_runs set lease_until = clock_timestamp() + make_interval(secs => ${leaseMs / 1000})
    where id = ${runId} and lease_owner = ${owner} and status = 'running'
    returning id`;
  return rows.length === 1;
}

export async function loadProgress(sql: Queryable, runId: string): Promise<ProgressRow[]> {
  return sql<ProgressRow[]>`select * from sync_progress where run_id = ${runId} order by type`;
}

export function presentRun(run: RunRow, progress: ProgressRow[], now: Date): SyncRun {
  const entities = progress.map((row) => ({ type: row.type, total: row.total, done: row.done }));
  const totalKnown = progress.length > 0 && progress.every((row) => row.total !== null);
  const total = run.kind === 'initial' ? (totalKnown ? progress.reduce((sum, row) => sum + (row.total ?? 0), 0) : null) : null;
  const done = run.records_done;
  const elapsed = run.started_at && run.status === 'running' ? (now.getTime() - run.started_at.getTime()) / 1000 : 0;
  const rate = elapsed > 2 && done > 0 ? done / elapsed : null;
  const eta = rate && total !== null ? Math.max(0, Math.round((total - done) / rate)) : null;
  return {
    id: run.id,
    connection_id: run.connection_id,
    kind: run.kind,
    trigger: run.trigger,
    status: run.status,
    progress: { total, done, entities },
    records_per_second: rate === null ? null : Math.round(rate),
    eta_seconds: eta,
    queued_at: run.queued_at.toISOString(),
    started_at: run.started_at?.toISOString() ?? null,
    finished_at: run.finished_at?.toISOString() ?? null,
    error: run.error,
  };
}
