import type { ConnectionSync, SyncRun } from '../../shared/api/sync.ts';
import type { ConnectionRow } from '../connections/store.ts';
import type { Sql } from '../db/client.ts';
import { qboEntityTypes } from '../providers/qbo/entities.ts';
import { qboBudgetKey } from './provider-caller.ts';
import { loadProgress, presentRun, type ProgressRow, type RunRow } from './runs.ts';

/** While a run is active the widget polls quickly; otherwise slowly (a scheduled run may start). */
export const POLL_ACTIVE_MS = 1_500;
export const POLL_IDLE_MS = 30_000;

/** Sync state of connections: current and last run (with progress), last success, health, staleness, throttling. */
export async function syncStatus(sql: Sql, connections: ConnectionRow[], now: Date): Promise<Map<string, ConnectionSync>> {
  const ids = connections.map((connection) => connection.id);
  const runs = ids.length === 0 ? [] : await sql<RunRow[]>`
    select distinct on (connection_id, (status in ('queued', 'running'))) * from sync_runs
    where connection_id in ${sql(ids)}
    order by connection_id, (status in ('queued', 'running')), queued_at desc`;
  const pauses = await throttledUntil(sql, connections, now);
  const documents = await unfinishedDocuments(sql, ids);
  const result = new Map<string, ConnectionSync>();
  for (const connection of connections) {
    const mine = runs.filter((run) => run.connection_id === connection.id);
    const current = mine.find((run) => run.status === 'queued' || run.status === 'running') ?? null;
    const last = mine.find((run) => run.status === 'succeeded' || run.status === 'failed') ?? null;
    const staleAfterMs = 26 * 3600_000; // the default schedule promises daily
    result.set(connection.id, {
      connection_id: connection.id,
      current_run: current ? presentActiveRun(current, await loadProgress(sql, current.id), now) : null,
      last_run: last ? presentRun(last, [], now) : null,
      last_successful_sync_at: connection.last_successful_sync_at?.toISOString() ?? null,
      next_scheduled_at: connection.next_sync_at?.toISOString() ?? null,
      throttled_until: pauses.get(connection.id)?.toISOString() ?? null,
      health: connection.health,
      stale:
        connection.status === 'connected' &&
        connection.last_successful_sync_at !== null &&
        now.getTime() - connection.last_successful_sync_at.getTime() > staleAfterMs,
      visibility: { mode: connection.visibility_mode, user_ids: connection.visible_user_ids },
      documents: documents.get(connection.id) ?? { waiting: 0, attention: 0 },
    });
  }
  return result;
}

/** Write-back documents not in QuickBooks yet, per connection: the row shows them without opening details. */
async function unfinishedDocuments(sql: Sql, ids: string[]): Promise<Map<string, ConnectionSync['documents']>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ connection_id: string; waiting: number; attention: number }[]>`
    select connection_id,
      count(*) filter (where status in ('queued', 'pushing'))::int as waiting,
      count(*) filter (where status in ('needs_mapping', 'rejected', 'failed_retrying'))::int as attention
    from documents where connection_id in ${sql(ids)} and status in ('queued', 'pushing', 'needs_mapping', 'rejected', 'failed_retrying')
    group by connection_id`;
  return new Map(rows.map(({ connection_id, ...counts }) => [connection_id, counts]));
}

/**
 * An active run with honest totals. A first import counts each record type when it reaches it, so the sum of
 * the types counted so far is not the company's size: 6 of 11 records of the first types read as 54 % of a
 * 30,000-record company. The total (and the ETA built on it) stays null until every type the import reads is
 * counted; `types_counted` of `types_total` says how far counting got.
 */
export function presentActiveRun(run: RunRow, progress: ProgressRow[], now: Date): SyncRun {
  const presented = presentRun(run, progress, now);
  if (run.kind !== 'initial') return presented;
  const typesTotal = qboEntityTypes.length;
  const typesCounted = progress.filter((row) => row.total !== null).length;
  const counted = typesCounted >= typesTotal;
  return {
    ...presented,
    progress: { ...presented.progress, total: counted ? presented.progress.total : null, types_counted: typesCounted, types_total: typesTotal },
    eta_seconds: counted ? presented.eta_seconds : null,
  };
}

/** Companies QuickBooks throttled (a 429's Retry-After, shared by every caller of that company) and until when. */
async function throttledUntil(sql: Sql, connections: ConnectionRow[], now: Date): Promise<Map<string, Date>> {
  const keys = [...new Set(connections.filter((row) => row.provider === 'qbo').map((row) => qboBudgetKey(row.external_id)))];
  if (keys.length === 0) return new Map();
  const rows = await sql<{ budget_key: string; until: Date }[]>`
    select budget_key, until from provider_pauses where budget_key in ${sql(keys)} and until > ${now}`;
  const byKey = new Map(rows.map((row) => [row.budget_key, row.until]));
  const result = new Map<string, Date>();
  for (const connection of connections) {
    const until = connection.provider === 'qbo' ? byKey.get(qboBudgetKey(connection.external_id)) : undefined;
    if (until) result.set(connection.id, until);
  }
  return result;
}
