import type { Deps } from '../context.ts';
import { connectionTokens, NeedsReconnectError } from './tokens.ts';

/** Refresh tokens untouched for this long: far inside QuickBooks' 100-day rolling window. */
export const KEEP_ALIVE_AFTER_MS = 24 * 3600_000;

/**
 * QuickBooks refresh tokens lapse after 100 days unused, and a connection whose company rarely changes may
 * not be synced for that long (a host can pause schedules). Once a day each idle connection's token is
 * refreshed, exactly once across replicas (the same compare-and-swap as every refresh), so it never lapses.
 * Returns how many were refreshed.
 */
export async function keepConnectionsAlive(deps: Deps, batch = 100): Promise<number> {
  if (!deps.qbo) return 0;
  const idle = await deps.sql<{ id: string }[]>`
    select c.id from connections c join connection_tokens t on t.connection_id = c.id
    where c.provider = 'qbo' and c.status = 'connected' and t.refreshed_at < ${new Date(deps.now().getTime() - KEEP_ALIVE_AFTER_MS)}
    order by t.refreshed_at limit ${batch}`;
  let refreshed = 0;
  for (const { id } of idle) {
    try {
      await connectionTokens(deps, deps.qbo, id).refresh();
      refreshed += 1;
    } catch (error) {
      // invalid_grant already marked the connection needs_reconnect; other failures are retried next hour.
      if (!(error instanceof NeedsReconnectError)) deps.logger.warn('keep-alive refresh failed', { connection_id: id, error: (error as Error).message });
    }
  }
  return refreshed;
}
