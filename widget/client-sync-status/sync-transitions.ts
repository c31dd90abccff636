import type { Connection } from '../../shared/api/connections.ts';
import type { SyncError, SyncRun } from '../../shared/api/sync.ts';
import { runPercent } from './progress-text.ts';
import { companyLabel, rowStatus, type SyncStatusRow } from './row-status.ts';

/** What changed between two observations of the same connections. */
export interface Transitions {
  completed: { connection_id: string; run: SyncRun }[];
  failed: { connection_id: string; run: SyncRun; error: SyncError }[];
  needsReconnect: Connection[];
  /** Sentences for the polite live region, most important first. */
  announcements: string[];
}

/**
 * Compares the previous observation with the next and reports finished runs, connections that turned
 * needs-reconnect and the progress worth announcing (start, every quarter, finish, failure; not every percent).
 *
 * `watched` holds run ids that must be reported when they finish even if no poll ever saw them active (a sync
 * started here that finished before the next poll). `reported` holds run ids already reported; both are updated.
 */
export function observe(
  previous: ReadonlyMap<string, SyncStatusRow>,
  next: readonly SyncStatusRow[],
  watched: Map<string, string>,
  reported: Set<string>,
  options: { now?: number; locale?: string | undefined } = {},
): Transitions {
  const result: Transitions = { completed: [], failed: [], needsReconnect: [], announcements: [] };
  const important: string[] = [];
  const progress: string[] = [];
  for (const row of next) {
    const id = row.connection.id;
    const before = previous.get(id);
    const name = companyLabel(row.connection);
    const current = row.sync.current_run;
    if (current) watched.set(id, current.id);

    // A run seen active (or started here) that is now the last finished run has finished.
    const watchedRun = before?.sync.current_run?.id ?? watched.get(id);
    const last = row.sync.last_run;
    if (watchedRun && current?.id !== watchedRun && last?.id === watchedRun && !reported.has(last.id)) {
      reported.add(last.id);
      watched.delete(id);
      if (last.status === 'succeeded') {
        result.completed.push({ connection_id: id, run: last });
        important.push(`${name}: sync finished.`);
      } else if (last.status === 'failed') {
        const error = last.error ?? { category: 'internal', message: '', action: 'retry', retry_at: null, field: null };
        result.failed.push({ connection_id: id, run: last, error });
        const status = rowStatus(row, options);
        important.push(`${name}: sync failed. ${status.error?.summary ?? ''}.`.replace(/\.\.$/, '.').replace(/ \.$/, ''));
      }
    }

    if (!before) continue;
    const was = rowStatus(before, options).kind;
    const is = rowStatus(row, options).kind;
    if (is === 'reconnect' && was !== 'reconnect') {
      result.needsReconnect.push(row.connection);
      important.push(`${name}: reconnect needed.`);
    }
    const previousRun = before.sync.current_run;
    if (current && previousRun?.id !== current.id) {
      progress.push(current.status === 'queued' ? `${name}: sync queued.` : `${name}: sync started.`);
    } else if (current && previousRun && current.status === 'running') {
      if (previousRun.status === 'queued') progress.push(`${name}: sync started.`);
      const a = runPercent(previousRun);
      const b = runPercent(current);
      if (b !== undefined && Math.floor(b / 25) > Math.floor((a ?? 0) / 25) && b < 100) {
        progress.push(`${name}: ${Math.floor(b / 25) * 25}% synced.`);
      }
    }
  }
  // Many rows changing at once (a scheduled run over hundreds of clients) must not flood a screen reader.
  const all = [...important, ...progress];
  result.announcements = all.length > 3 ? [...all.slice(0, 2), `${all.length - 2} more sync updates.`] : all;
  return result;
}
