import type { Deps } from '../context.ts';
import { connectionTokens, NeedsReconnectError } from './tokens.ts';

/** Refresh tokens untouched for this long: far inside QuickBooks' 100-day rolling window. */
export const KEEP_ALIVE_AFTER_MS = 24 * 3600_000;

/**
 * QuickBooks refresh tokens lapse after 100 days unused, and a connection whose company rarely changes may
 * not be synced for that long (a host can pause schedules). Once a day each idle connection's token is
 * refreshed, exactly once across replicas (the same compare-and-swap as every refresh), so it never lapses.
 * A refresh QuickBooks refuses with invalid_grant marks that connection needs_reconnect (and keep-alive leaves
 * it alone from then on); an outage leaves it connected and untouched, so the next pass tries again.
 * Returns how many were refreshed. `only` limits the pass to some connections (tests share one database).
 */
export async function keepConnectionsAlive(deps: Deps, options: { batch?: number; only?: readonly string[] } = {}): Promise<number> {
  if (!deps.qbo) return 0;
  const only = options.only ? deps.sql`and c.id in ${deps.sql(options.only as string[])}` : deps.sql``;
  const idle = await deps.sql<{ id: string }[]>`
    select c.id from connections c join connection_tokens t on t.connection_id = c.id
    where c.provider = 'qbo' and c.status = 'connected' and t.refreshed_at < ${new Date(deps.now().getTime() - KEEP_ALIVE_AFTER_MS)} ${only}
    order by t.refreshed_at limit ${options.batch ?? 100}`;
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
