import type { Deps } from '../context.ts';
import type { Queryable } from '../db/client.ts';
import { open, seal } from '../crypto/vault.ts';
import type { AccessTokens } from '../providers/qbo/api-client.ts';
import { QboGrantError, TokenDeadlineError, type QboOAuth, type QboTokenSet } from '../providers/qbo/oauth-client.ts';
import { markNeedsReconnect } from './lifecycle.ts';

/** Refresh when less than this is left, so no call leaves with a token that expires in flight. */
const REFRESH_AHEAD_MS = 5 * 60_000;
/** How long a replica may hold the refresh lease before others assume it died and take over. */
const LEASE_MS = 30_000;
const WAIT_STEP_MS = 40;
/** How long one read of the stored token serves further calls of the same client (see `current`). */
const REUSE_READ_MS = 1_000;

export class NeedsReconnectError extends Error {
  constructor(readonly connectionId: string, reason: string) {
    super(reason);
    this.name = 'NeedsReconnectError';
  }
}

interface TokenRow {
  access_token: string;
  refresh_token: string;
  access_expires_at: Date;
  version: number;
  refresh_lease_until: Date | null;
  status: string;
}

/** Stores a fresh token set (connect, reconnect): sealed, with a new version so waiting refreshers notice. */
export async function storeTokens(sql: Queryable, deps: Pick<Deps, 'keys' | 'now'>, connectionId: string, tokens: QboTokenSet): Promise<void> {
  const now = deps.now().getTime();
  const access = seal(tokens.access_token, deps.keys.encryption, deps.keys.encryptionKeyId);
  const refresh = seal(tokens.refresh_token, deps.keys.encryption, deps.keys.encryptionKeyId);
  const accessExpires = new Date(now + tokens.expires_in * 1000);
  const refreshExpires = tokens.x_refresh_token_expires_in ? new Date(now + tokens.x_refresh_token_expires_in * 1000) : null;
  await sql`
    insert into connection_tokens (connection_id, access_token, refresh_token, access_expires_at, refresh_expires_at, refreshed_at)
    values (${connectionId}, ${access}, ${refresh}, ${accessExpires}, ${refreshExpires}, ${new Date(now)})
    on conflict (connection_id) do update set
      access_token = excluded.access_token, refresh_token = excluded.refresh_token,
      access_expires_at = excluded.access_expires_at, refresh_expires_at = excluded.refresh_expires_at,
      version = connection_tokens.version + 1, refresh_lease_until = null, refreshed_at = excluded.refreshed_at`;
}

/**
 * Access tokens for one connection, refreshed exactly once per expiry across every replica.
 *
 * The winner of a compare-and-swap on (version, lease) calls Intuit with no transaction open (PGlite runs
 * one transaction at a time, and a provider call can take seconds), then commits the rotated refresh token
 * together with the new access token before anyone uses it. Losers wait for the version to move.
 * An error answer never overwrites stored tokens; `invalid_grant` marks the connection needs_reconnect. A token
 * endpoint that outlives our deadline fails the caller as transient and keeps the lease until its answer lands.
 * A lease whose holder died (a replica killed mid-refresh) lapses after LEASE_MS and the next caller takes over.
 */
export function connectionTokens(deps: Deps, oauth: QboOAuth, connectionId: string): AccessTokens & { refresh(): Promise<string> } {
  const keyring = deps.keys.keyring;

  async function read(): Promise<TokenRow> {
    const [row] = await deps.sql<TokenRow[]>`
      select t.access_token, t.refresh_token, t.access_expires_at, t.version, t.refresh_lease_until, c.status
      from connection_tokens t join connections c on c.id = t.connection_id
      where t.connection_id = ${connectionId}`;
    if (!row) throw new NeedsReconnectError(connectionId, 'This connection has no stored authorization; reconnect it');
    if (row.status !== 'connected') throw new NeedsReconnectError(connectionId, `This connection is ${row.status.replace('_', ' ')}`);
    return row;
  }

  /** A token other than `unlike`, valid for a while yet; refreshes (or waits for another replica's refresh) as needed. */
  async function obtain(unlike?: string): Promise<string> {
    const deadline = Date.now() + LEASE_MS * 2;
    /** The token version whose refresh we saw someone else holding. */
    let waitedOn: number | undefined;
    for (;;) {
      const row = await read();
      const access = open(row.access_token, keyring);
      const fresh = row.access_expires_at.getTime() - deps.now().getTime() > REFRESH_AHEAD_MS;
      if (fresh && access !== unlike) return access;
      // The holder let go without new tokens: its refresh just failed (a lapsed lease, a dead holder, stays set).
      // Trying again at once would only repeat it, once per waiting caller, against a token endpoint in trouble.
      if (row.version === waitedOn && row.refresh_lease_until === null) {
        throw new QboGrantError('transient', 'QuickBooks did not renew the authorization just now; try again in a minute');
      }
      // Once we saw this version's lease held, only a lapsed lease may be taken: a released one means it failed.
      const free = row.version === waitedOn ? deps.sql`refresh_lease_until < ${deps.now()}` : deps.sql`(refresh_lease_until is null or refresh_lease_until < ${deps.now()})`;
      const leased = await deps.sql`
        update connection_tokens set refresh_lease_until = ${new Date(deps.now().getTime() + LEASE_MS)}
        where connection_id = ${connectionId} and version = ${row.version} and ${free}
        returning version`;
      if (leased.length === 1) return refreshWithLease(row);
      waitedOn = row.version;
      if (Date.now() > deadline) throw new QboGrantError('transient', 'Timed out waiting for another server to refresh the QuickBooks token');
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS + Math.random() * WAIT_STEP_MS));
    }
  }

  async function releaseLease(version: number): Promise<void> {
    await deps.sql`update connection_tokens set refresh_lease_until = null where connection_id = ${connectionId} and version = ${version}`;
  }

  /**
   * A failed refresh: stored tokens stay; `invalid_grant` marks the connection needs_reconnect, before the lease
   * is let go, so callers waiting on it read needs_reconnect rather than a passing failure.
   */
  async function refused(version: number, error: unknown): Promise<never> {
    const dead = error instanceof QboGrantError && error.kind === 'invalid_grant';
    if (dead) await markNeedsReconnect(deps, connectionId, 'QuickBooks no longer accepts this connection. It may have been disconnected inside QuickBooks, or unused for 100 days.');
    await releaseLease(version);
    if (dead) throw new NeedsReconnectError(connectionId, error.message);
    throw error;
  }

  /**
   * Commits a refresh's answer unless the tokens moved on since `version` was read (our lease lapsed and another
   * replica refreshed): its tokens are then as good, and overwriting them could bring back a dying refresh token.
   */
  async function commit(version: number, tokens: QboTokenSet): Promise<boolean> {
    const now = deps.now();
    return deps.sql.begin(async (tx) => {
      const [current] = await tx<{ version: number }[]>`select version from connection_tokens where connection_id = ${connectionId} for update`;
      if (current?.version !== version) return false;
      await storeTokens(tx, deps, connectionId, tokens);
      await tx`update connections set last_refreshed_at = ${now} where id = ${connectionId}`;
      return true;
    });
  }

  async function refreshWithLease(row: TokenRow): Promise<string> {
    let tokens: QboTokenSet;
    try {
      tokens = await oauth.refresh(open(row.refresh_token, keyring));
    } catch (error) {
      if (error instanceof TokenDeadlineError) {
        // The caller gives up now (its run is retried later), but Intuit may still answer with a rotated refresh
        // token: the lease stays ours until that answer is committed or refused (or the lease lapses), so no other
        // replica refreshes meanwhile with a value that may be dying.
        error.late.then(
          (late) => commit(row.version, late),
          (failure: unknown) => refused(row.version, failure),
        ).catch((failure: unknown) => {
          if (!(failure instanceof NeedsReconnectError)) deps.logger.warn('late token answer', { connection_id: connectionId, error: (failure as Error).message });
        });
        throw error;
      }
      return refused(row.version, error);
    }
    if (await commit(row.version, tokens)) return tokens.access_token;
    return obtain();
  }

  // The token last read, for a second: calls in a burst (ten in flight, dozens a second) read the row once, not
  // once each between taking a budget slot and sending. A 401 reads again at once (renewAfterRejection); a
  // token is only handed out while it has REFRESH_AHEAD_MS to live, so one a second old is still good.
  let recent: { access: string; until: number } | undefined;
  let reading: Promise<string> | undefined;
  function current(): Promise<string> {
    if (recent && Date.now() < recent.until) return Promise.resolve(recent.access);
    reading ??= obtain()
      .then((access) => {
        recent = { access, until: Date.now() + REUSE_READ_MS };
        return access;
      })
      .finally(() => (reading = undefined));
    return reading;
  }

  return {
    current,
    renewAfterRejection: (rejected) => {
      recent = undefined;
      return obtain(rejected);
    },
    async grantRefused(reason) {
      await markNeedsReconnect(deps, connectionId, reason);
    },
    /** Forces a refresh now (keep-alive); still exactly once across replicas. */
    async refresh() {
      const row = await read();
      return obtain(open(row.access_token, keyring));
    },
  };
}
