import type { Connection } from '../../shared/api/connections.ts';

/**
 * Why a connection is in its state, in words a bookkeeper understands. The BFF writes the reason as a sentence
 * (bff/connections/lifecycle.ts, tokens.ts, providers/qbo/api-client.ts: "QuickBooks no longer accepts this
 * connection. …", "Disconnected by …"), shown as is; a bare machine word, or no reason, gets the status's line.
 */
const genericReasons: Record<Connection['status'], string> = {
  connected: '',
  needs_reconnect: 'QuickBooks asked for the connection to be confirmed again. Reconnect to resume syncing.',
  disconnected: 'Syncing is off. Data already imported is kept.',
  error: 'The last attempt to reach QuickBooks failed. Check the connection to try again.',
};

export function statusReason(connection: Pick<Connection, 'status' | 'status_reason'>): string {
  const reason = connection.status_reason?.trim();
  // A bare identifier means nothing to a person; anything with a space is already a sentence.
  if (reason && !/^[a-z0-9_.:-]+$/i.test(reason)) return reason;
  return genericReasons[connection.status];
}

/** The badge text for each status. */
export const statusLabels: Record<Connection['status'], string> = {
  connected: 'Connected',
  needs_reconnect: 'Reconnect needed',
  disconnected: 'Disconnected',
  error: 'Connection problem',
};
