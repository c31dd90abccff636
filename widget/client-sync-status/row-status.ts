import type { Connection } from '../../shared/api/connections.ts';
import type { ConnectionSync, SyncRun } from '../../shared/api/sync.ts';
import { providerName, syncErrorText, type SyncErrorText } from './sync-error-text.ts';

/** One connection as the sync-status endpoint returns it. */
export interface SyncStatusRow {
  connection: Connection;
  sync: ConnectionSync;
}

export type RowStatusKind = 'queued' | 'running' | 'reconnect' | 'failed' | 'disconnected' | 'stale' | 'synced' | 'never';

/** What a row is doing, decided once so the badge, the filter, the action and the announcements agree. */
export interface RowStatus {
  kind: RowStatusKind;
  /** Badge text: "Synced", "Reconnect needed", … (for failures the error's summary). */
  label: string;
  /** Set for reconnect and failed. */
  error: SyncErrorText | undefined;
  /** The active run, for queued and running. */
  run: SyncRun | undefined;
  /** Which group of the status filter the row is in. */
  group: 'active' | 'attention' | 'ok';
}

/**
 * The row's state. Order matters: a disconnected company shows that before anything else; a connection QuickBooks
 * no longer accepts needs reconnecting even while an old run is listed; an active run outranks a past failure
 * (the retry is under way).
 */
export function rowStatus(row: SyncStatusRow, options: { now?: number; locale?: string | undefined } = {}): RowStatus {
  const status = syncState(row, options);
  // Documents a person must act on (refused, unmapped) put the company under "Needs attention" whatever its sync does.
  return (row.sync.documents?.attention ?? 0) > 0 ? { ...status, group: 'attention' } : status;
}

function syncState(row: SyncStatusRow, options: { now?: number; locale?: string | undefined }): RowStatus {
  const { connection, sync } = row;
  const name = providerName(connection.provider);
  const lastError = sync.last_run?.status === 'failed' ? sync.last_run.error : null;
  if (connection.status === 'disconnected') {
    return { kind: 'disconnected', label: 'Disconnected', error: undefined, run: undefined, group: 'attention' };
  }
  if (connection.status === 'needs_reconnect' || (lastError?.category === 'needs_reconnect' && !sync.current_run)) {
    const error =
      lastError?.category === 'needs_reconnect'
        ? syncErrorText(lastError, connection.provider, options)
        : { summary: `${name} needs you to reconnect`, detail: connection.status_reason ?? undefined, action: 'reconnect' as const };
    return { kind: 'reconnect', label: 'Reconnect needed', error, run: undefined, group: 'attention' };
  }
  if (sync.current_run) {
    const kind = sync.current_run.status === 'queued' ? 'queued' : 'running';
    return { kind, label: kind === 'queued' ? 'Waiting to start' : 'Syncing', error: undefined, run: sync.current_run, group: 'active' };
  }
  if (lastError) {
    const error = syncErrorText(lastError, connection.provider, options);
    return { kind: 'failed', label: error.summary, error, run: undefined, group: 'attention' };
  }
  if (connection.status === 'error') {
    const error = { summary: `Could not reach ${name} last time`, detail: connection.status_reason ?? undefined, action: 'retry' as const };
    return { kind: 'failed', label: error.summary, error, run: undefined, group: 'attention' };
  }
  if (!sync.last_successful_sync_at) return { kind: 'never', label: 'Not synced yet', error: undefined, run: undefined, group: 'ok' };
  if (sync.stale) return { kind: 'stale', label: 'Out of date', error: undefined, run: undefined, group: 'attention' };
  return { kind: 'synced', label: 'Synced', error: undefined, run: undefined, group: 'ok' };
}

/** The company's name as a list shows it: "Yarra Timber (Xero)"; QuickBooks needs no suffix here. */
export function companyLabel(connection: Connection): string {
  const name = connection.company_name || connection.legal_name || `${providerName(connection.provider)} company`;
  return connection.provider === 'xero' ? `${name} (Xero)` : name;
}

/** Health bands: colour and word for a 0–100 score. */
export function healthBand(score: number): { band: 'good' | 'fair' | 'poor'; word: string } {
  if (score >= 80) return { band: 'good', word: 'good' };
  if (score >= 50) return { band: 'fair', word: 'fair' };
  return { band: 'poor', word: 'needs attention' };
}
