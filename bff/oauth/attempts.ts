import { randomBytes } from 'node:crypto';
import type { OAuthResultMessage } from '../../shared/api/oauth.ts';
import type { Sql } from '../db/client.ts';

/** How long a start URL and its consent round trip may take. */
export const ATTEMPT_TTL_MS = 10 * 60_000;

export interface AttemptRow {
  id: string;
  tenant_id: string;
  organization_id: string;
  user_id: string;
  user_role: string;
  provider: string;
  connection_id: string | null;
  mode: 'popup' | 'redirect';
  return_url: string | null;
  opener_origin: string | null;
  expires_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  outcome: OAuthResultMessage | null;
  /** Redirect mode: the opaque id the return URL carries (null on attempts made before it existed). */
  result_id: string | null;
}

export async function createAttempt(
  sql: Sql,
  input: Omit<AttemptRow, 'id' | 'started_at' | 'completed_at' | 'outcome' | 'result_id'>,
): Promise<AttemptRow> {
  const [row] = await sql<AttemptRow[]>`
    insert into oauth_attempts (id, result_id, tenant_id, organization_id, user_id, user_role, provider, connection_id, mode, return_url, opener_origin, expires_at)
    values (${randomBytes(24).toString('base64url')}, ${randomBytes(24).toString('base64url')}, ${input.tenant_id}, ${input.organization_id}, ${input.user_id}, ${input.user_role},
            ${input.provider}, ${input.connection_id}, ${input.mode}, ${input.return_url}, ${input.opener_origin}, ${input.expires_at})
    returning *`;
  return row!;
}

/** Opens the start URL once: a second open, or one after expiry, gets nothing. */
export async function startAttempt(sql: Sql, id: string, now: Date): Promise<AttemptRow | undefined> {
  const [row] = await sql<AttemptRow[]>`
    update oauth_attempts set started_at = ${now}
    where id = ${id} and started_at is null and expires_at > ${now}
    returning *`;
  return row;
}

export async function findAttempt(sql: Sql, id: string): Promise<AttemptRow | undefined> {
  const [row] = await sql<AttemptRow[]>`select * from oauth_attempts where id = ${id}`;
  return row;
}

/**
 * Claims the callback: exactly one caller wins (and exchanges the code); a replayed or concurrent callback
 * gets false and shows the recorded outcome instead, so a working connection is never burnt or overwritten.
 */
export async function claimCompletion(sql: Sql, id: string, now: Date): Promise<boolean> {
  const rows = await sql`
    update oauth_attempts set completed_at = ${now}
    where id = ${id} and completed_at is null and started_at is not null and expires_at > ${now}
    returning id`;
  return rows.length === 1;
}

/** What a callback that lost the claim finds: the winner's outcome, or why there is none. */
export type SettledAttempt =
  | { kind: 'settled'; outcome: OAuthResultMessage }
  /** Nobody claimed it and nobody can: it expired before its callback came. */
  | { kind: 'expired' }
  /** Claimed, but no outcome recorded in time (the winner is slow, or its process died mid-way). */
  | { kind: 'pending' };

/**
 * Waits for the outcome of an attempt whose completion another request claimed. A double load or a link
 * prefetch arrives while the first load is still exchanging the code; answering before it finishes would show
 * "failed" for a connection that is being made. Polls rather than holding a row lock: the winner talks to
 * QuickBooks for seconds, and a transaction held that long would pin a pooled connection (and PGlite has one).
 */
export async function waitForOutcome(
  sql: Sql,
  id: string,
  { timeoutMs = 30_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<SettledAttempt> {
  const deadline = Date.now() + timeoutMs;
  let delay = intervalMs;
  for (;;) {
    const row = await findAttempt(sql, id);
    if (row?.outcome) return { kind: 'settled', outcome: row.outcome };
    // Our claim failed, so if nobody holds the claim now, nobody ever can: the attempt expired unused.
    if (!row || row.completed_at === null) return { kind: 'expired' };
    if (Date.now() >= deadline) return { kind: 'pending' };
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 500);
  }
}

export async function recordOutcome(sql: Sql, id: string, outcome: OAuthResultMessage): Promise<void> {
  await sql`update oauth_attempts set outcome = ${sql.json(outcome as never)} where id = ${id}`;
}

/** How long after the callback a redirect-mode result can be read: the trip back to the host page takes seconds. */
export const RESULT_TTL_MS = 10 * 60_000;

/**
 * The outcome a redirect-mode return URL names, for the user it belongs to: the same tenant, organization and
 * user as the session asking, recorded, and recent. Anything else (a made-up id, another user's, an old one)
 * is undefined, so a crafted link can make a component show nothing.
 */
export async function findResult(
  sql: Sql,
  scope: { tenantId: string; organizationId: string; userId: string },
  resultId: string,
  now: Date,
): Promise<OAuthResultMessage | undefined> {
  const [row] = await sql<{ outcome: OAuthResultMessage }[]>`
    select outcome from oauth_attempts
    where result_id = ${resultId} and tenant_id = ${scope.tenantId} and organization_id = ${scope.organizationId}
      and user_id = ${scope.userId} and outcome is not null and completed_at > ${new Date(now.getTime() - RESULT_TTL_MS)}`;
  return row?.outcome;
}
