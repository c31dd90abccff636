import type { Sql } from '../db/client.ts';

/**
 * How long after a revocation commits (in any replica) every process refuses the sessions it ended: what a
 * process read about a session is used only while a read of `session_revocation_version` that started at
 * most this long ago found the same version. Revoking in this process takes effect at once (its cache is
 * cleared).
 */
export const REVOCATION_BOUND_MS = 1_000;
/** How often a process that serves sessions reads the version (only while requests come). */
const VERSION_POLL_MS = 250;
const MAX_CACHED = 10_000;

export interface SessionOrigin {
  tenantId: string;
  organizationId: string;
  userId: string;
  /** The secret key whose holder minted the session. */
  keyId: string;
  issuedAtMs: number;
}

interface Standing {
  keyLive: boolean;
  /** Tokens issued before this (ms) are ended; the later of the user's org-wide and all-org revocations. */
  revokedBeforeMs: number;
  /** The revocation version in the snapshot it was read from. */
  version: number;
}

/**
 * What one process knows about sessions: standings read from the database, each with the revocation version
 * of its snapshot, and the newest version seen with when a read that saw it started. Reads that start later
 * see every revocation committed before they started, so a standing of that version is current as of then.
 */
class Standings {
  readonly cache = new Map<string, Standing>();
  version = -1;
  confirmedAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly sql: Sql) {}

  usable(standing: Standing | undefined): standing is Standing {
    return standing !== undefined && standing.version === this.version && Date.now() - this.confirmedAt <= REVOCATION_BOUND_MS;
  }

  /** A read that started at `startedAt` saw `version`. */
  learn(version: number, startedAt: number): void {
    if (version > this.version) {
      this.cache.clear();
      this.version = version;
      this.confirmedAt = startedAt;
    } else if (version === this.version) {
      this.confirmedAt = Math.max(this.confirmedAt, startedAt);
    }
  }

  /** Keeps the version fresh while sessions are being checked: one tiny read per process per poll. */
  schedulePoll(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      const startedAt = Date.now();
      this.sql<{ version: string }[]>`select version from session_revocation_version`
        .then(([row]) => row && this.learn(Number(row.version), startedAt))
        // Unreachable: the standings age past the bound and every check reads its own (and fails the same way).
        .catch(() => {})
        .finally(() => (this.#timer = undefined));
    }, VERSION_POLL_MS);
    this.#timer.unref?.();
  }

  forget(): void {
    this.cache.clear();
    this.confirmedAt = -Infinity;
  }
}

const states = new WeakMap<Sql, Standings>();

function standingsOf(sql: Sql): Standings {
  let state = states.get(sql);
  if (!state) states.set(sql, (state = new Standings(sql)));
  return state;
}

/**
 * Whether a correctly signed, unexpired session still stands: the secret key that minted it is not
 * revoked (so revoking a key, or every key of a tenant, ends its sessions) and the host has not ended
 * this user's sessions since it was issued. Effective everywhere within REVOCATION_BOUND_MS of the
 * revocation; a session's first request in a process reads its standing, later ones mostly do not.
 */
export async function sessionStands(sql: Sql, origin: SessionOrigin): Promise<boolean> {
  const state = standingsOf(sql);
  state.schedulePoll();
  const key = standingKey(origin);
  let standing = state.cache.get(key);
  if (!state.usable(standing)) {
    const startedAt = Date.now();
    const [row] = await sql<{ key_live: boolean; revoked_before: Date | null; version: string }[]>`
      select
        exists (select 1 from tenant_secret_keys where id = ${origin.keyId} and tenant_id = ${origin.tenantId} and revoked_at is null) as key_live,
        (select max(revoked_before) from session_revocations
          where tenant_id = ${origin.tenantId} and user_id = ${origin.userId} and organization_id in (${origin.organizationId}, '*')) as revoked_before,
        (select version from session_revocation_version) as version`;
    standing = { keyLive: row!.key_live, revokedBeforeMs: row!.revoked_before?.getTime() ?? 0, version: Number(row!.version) };
    state.learn(standing.version, startedAt);
    if (standing.version === state.version) {
      if (state.cache.size >= MAX_CACHED) state.cache.clear();
      state.cache.set(key, standing);
    }
  }
  return standing.keyLive && origin.issuedAtMs >= standing.revokedBeforeMs;
}

/**
 * Whether a session stands, when this process's standing for it is current (as sessionStands uses it);
 * undefined when it must be read (then call sessionStands). Synchronous: the common case needs no promise.
 */
export function knownSessionStanding(sql: Sql, origin: SessionOrigin): boolean | undefined {
  const state = standingsOf(sql);
  state.schedulePoll();
  const standing = state.cache.get(standingKey(origin));
  if (!state.usable(standing)) return undefined;
  return standing.keyLive && origin.issuedAtMs >= standing.revokedBeforeMs;
}

const standingKeys = new WeakMap<SessionOrigin, string>();

/** The cache key of a session's standing; remembered per origin object (the widget middleware reuses one per session). */
function standingKey(origin: SessionOrigin): string {
  let key = standingKeys.get(origin);
  if (key === undefined) {
    key = `${origin.keyId}\u0000${origin.tenantId}\u0000${origin.organizationId}\u0000${origin.userId}`;
    standingKeys.set(origin, key);
  }
  return key;
}

/**
 * Ends a user's sessions issued until `now` (the clock that stamps tokens), in one organization or
 * (undefined) in all of them.
 */
export async function endUserSessions(sql: Sql, tenantId: string, userId: string, organizationId: string | undefined, now: Date): Promise<Date> {
  const [row] = await sql<{ revoked_before: Date }[]>`
    insert into session_revocations (tenant_id, organization_id, user_id, revoked_before)
    values (${tenantId}, ${organizationId ?? '*'}, ${userId}, ${now})
    on conflict (tenant_id, organization_id, user_id) do update set revoked_before = excluded.revoked_before
    returning revoked_before`;
  forgetStandings(sql);
  return row!.revoked_before;
}

/** After a revocation in this process: nothing cached here may outlive it. */
export function forgetStandings(sql: Sql): void {
  states.get(sql)?.forget();
}
