import type { Sql } from '../db/client.ts';

/**
 * How long one process trusts what it read about a session's key and user. Revoking in this process takes
 * effect at once (its cache is cleared); other replicas see it within this time.
 */
export const SESSION_CHECK_TTL_MS = 2_000;
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
  readAt: number;
}

const caches = new WeakMap<Sql, Map<string, Standing>>();

function cacheOf(sql: Sql): Map<string, Standing> {
  let cache = caches.get(sql);
  if (!cache) caches.set(sql, (cache = new Map()));
  return cache;
}

/**
 * Whether a correctly signed, unexpired session still stands: the secret key that minted it is not
 * revoked (so revoking a key, or every key of a tenant, ends its sessions) and the host has not ended
 * this user's sessions since it was issued.
 */
export async function sessionStands(sql: Sql, origin: SessionOrigin): Promise<boolean> {
  const cache = cacheOf(sql);
  const key = [origin.keyId, origin.tenantId, origin.organizationId, origin.userId].join('\u0000');
  let standing = cache.get(key);
  if (!standing || Date.now() - standing.readAt > SESSION_CHECK_TTL_MS) {
    const [row] = await sql<{ key_live: boolean; revoked_before: Date | null }[]>`
      select
        exists (select 1 from tenant_secret_keys where id = ${origin.keyId} and tenant_id = ${origin.tenantId} and revoked_at is null) as key_live,
        (select max(revoked_before) from session_revocations
          where tenant_id = ${origin.tenantId} and user_id = ${origin.userId} and organization_id in (${origin.organizationId}, '*')) as revoked_before`;
    standing = { keyLive: row!.key_live, revokedBeforeMs: row!.revoked_before?.getTime() ?? 0, readAt: Date.now() };
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, standing);
  }
  return standing.keyLive && origin.issuedAtMs >= standing.revokedBeforeMs;
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
  caches.get(sql)?.clear();
}
