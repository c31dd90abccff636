import type { Connection } from '../../shared/api/connections.ts';

/**
 * Why a connection is in its state, in words a bookkeeper understands. The BFF sends either a sentence (shown
 * as is) or a machine reason such as `refresh_token_expired` (translated here; unknown ones get the generic line).
 */
const knownReasons: Record<string, string> = {
  refresh_token_expired: 'QuickBooks access expired because it was not renewed in time. Reconnect to resume syncing.',
  token_expired: 'QuickBooks access expired. Reconnect to resume syncing.',
  invalid_grant: 'QuickBooks no longer accepts our access. Reconnect to resume syncing.',
  token_revoked: 'Access was removed in QuickBooks, for example by disconnecting the app there. Reconnect to resume syncing.',
  revoked: 'Access was removed in QuickBooks, for example by disconnecting the app there. Reconnect to resume syncing.',
  disconnected_in_quickbooks: 'The app was disconnected inside QuickBooks. Connect again to resume syncing.',
  user_disconnected: 'Someone in your organization disconnected QuickBooks. Connect again to resume syncing.',
};

const genericReasons: Record<Connection['status'], string> = {
  connected: '',
  needs_reconnect: 'QuickBooks asked for the connection to be confirmed again. Reconnect to resume syncing.',
  disconnected: 'Syncing is off. Data already imported is kept.',
  error: 'The last attempt to reach QuickBooks failed. Check the connection to try again.',
};

export function statusReason(connection: Pick<Connection, 'status' | 'status_reason'>): string {
  const reason = connection.status_reason?.trim();
  if (reason) {
    const known = knownReasons[reason.toLowerCase()];
    if (known) return known;
    // A bare identifier we do not know means nothing to a person; anything with a space is already a sentence.
    if (!/^[a-z0-9_.:-]+$/i.test(reason)) return reason;
  }
  return genericReasons[connection.status];
}

/** The badge text for each status. */
export const statusLabels: Record<Connection['status'], string> = {
  connected: 'Connected',
  needs_reconnect: 'Reconnect needed',
  disconnected: 'Disconnected',
  error: 'Connection problem',
};
