import type { Deps } from '../context.ts';
import { open, seal } from './vault.ts';

/** Rows re-sealed per statement: short transactions, as PGlite serialises them. */
const BATCH = 200;

export interface ResealOutcome {
  resealed: number;
  /** Sealed under a key that is no longer configured: they cannot be opened until it is given back. */
  unreadable: number;
}

/**
 * Re-seals stored secrets (provider tokens, webhook signing secrets) under the current encryption key, so a
 * key rotated out can be dropped from LEDGERLINK_PREVIOUS_ENCRYPTION_KEYS. Each row is written only if it
 * still holds what was read (compare-and-swap), so a token refresh racing with it always wins.
 */
export async function resealSecrets(deps: Pick<Deps, 'sql' | 'keys' | 'logger'>): Promise<ResealOutcome> {
  const { sql, keys } = deps;
  const current = `v1.${keys.encryptionKeyId}.%`;
  const outcome: ResealOutcome = { resealed: 0, unreadable: 0 };
  const skipped = { tokens: [] as string[], endpoints: [] as string[] };
  const reseal = (value: string): string | undefined => {
    try {
      return value.startsWith(`v1.${keys.encryptionKeyId}.`) ? value : seal(open(value, keys.keyring), keys.encryption, keys.encryptionKeyId);
    } catch {
      return undefined;
    }
  };

  for (;;) {
    const rows = await sql<{ connection_id: string; access_token: string; refresh_token: string }[]>`
      select connection_id, access_token, refresh_token from connection_tokens
      where (access_token not like ${current} or refresh_token not like ${current}) and connection_id <> all(${skipped.tokens})
      order by connection_id limit ${BATCH}`;
    if (rows.length === 0) break;
    for (const row of rows) {
      const access = reseal(row.access_token);
      const refresh = reseal(row.refresh_token);
      if (!access || !refresh) {
        skipped.tokens.push(row.connection_id);
        continue;
      }
      const moved = await sql`
        update connection_tokens set access_token = ${access}, refresh_token = ${refresh}
        where connection_id = ${row.connection_id} and access_token = ${row.access_token} and refresh_token = ${row.refresh_token}
        returning 1`;
      outcome.resealed += moved.length;
    }
  }

  for (;;) {
    const rows = await sql<{ id: string; secret: string }[]>`
      select id, secret from webhook_endpoints
      where secret not like ${current} and id <> all(${skipped.endpoints})
      order by id limit ${BATCH}`;
    if (rows.length === 0) break;
    for (const row of rows) {
      const secret = reseal(row.secret);
      if (!secret) {
        skipped.endpoints.push(row.id);
        continue;
      }
      const moved = await sql`update webhook_endpoints set secret = ${secret} where id = ${row.id} and secret = ${row.secret} returning 1`;
      outcome.resealed += moved.length;
    }
  }

  outcome.unreadable = skipped.tokens.length + skipped.endpoints.length;
  if (outcome.unreadable > 0) {
    deps.logger.error('stored secrets sealed under an encryption key that is not configured', {
      connections: skipped.tokens.length,
      webhook_endpoints: skipped.endpoints.length,
      hint: 'add the old key to LEDGERLINK_PREVIOUS_ENCRYPTION_KEYS',
    });
  }
  if (outcome.resealed > 0) deps.logger.info('secrets re-sealed under the current encryption key', { resealed: outcome.resealed });
  return outcome;
}
