import type { ConnectionSync } from '../../shared/api/sync.ts';
import type { ConnectionRow } from '../connections/store.ts';
import type { Sql } from '../db/client.ts';
import { loadProgress, presentRun, type RunRow } from './runs.ts';

/** While a run is active the widget polls quickly; otherwise slowly (a scheduled run may start). */
export const POLL_ACTIVE_MS = 1_500;
export const POLL_IDLE_MS = 30_000;

/** Sync state of connections: current and last run (with progress), last success, health, staleness. */
export async function syncStatus(sql: Sql, connections: ConnectionRow[], now: Date): Promise<Map<string, ConnectionSync>> {
  const ids = connections.map((connection) => connection.id);
  const runs = ids.length === 0 ? [] : await sql<RunRow[]>`
    select distinct on (connection_id, (status in ('queued', 'running'))) * from sync_runs
    where connection_id in ${sql(ids)}
    order by connection_id, (status in ('queued', 'running')), queued_at desc`;
  const result = new Map<string, ConnectionSync>();
  for (const connection of connections) {
    const mine = runs.filter((run) => run.connection_id === connection.id);
    const current = mine.find((run) => run.status === 'queued' || run.status === 'running') ?? null;
    const last = mine.find((run) => run.status === 'succeeded' || run.status === 'failed') ?? null;
    const staleAfterMs = 26 * 3600_000; // the default schedule promises daily
    result.set(connection.id, {
      connection_id: connection.id,
      current_run: current ? presentRun(current, await loadProgress(sql, current.id), now) : null,
      last_run: last ? presentRun(last, [], now) : null,
      last_successful_sync_at: connection.last_successful_sync_at?.toISOString() ?? null,
      next_scheduled_at: connection.next_sync_at?.toISOString() ?? null,
      health: connection.health,
      stale:
        connection.status === 'connected' &&
        connection.last_successful_sync_at !== null &&
        now.getTime() - connection.last_successful_sync_at.getTime() > staleAfterMs,
      visibility: { mode: connection.visibility_mode, user_ids: connection.visible_user_ids },
    });
  }
  return result;
}
