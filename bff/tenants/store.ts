import type { Queryable, Sql } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import { mintSecretKey, parseSecretKey, secretMatches } from '../auth/secret-key.ts';
import { forgetStandings } from '../auth/session-revocation.ts';

export interface TenantRow {
  id: string;
  name: string;
  allowed_origins: string[];
  created_at: Date;
}

export interface NewSecretKey {
  key_id: string;
  secret_key: string;
}

export async function createTenant(sql: Sql, input: { name: string; allowed_origins: string[] }): Promise<TenantRow & NewSecretKey> {
  return sql.begin(async (tx) => {
    const [tenant] = await tx<TenantRow[]>`
      insert into tenants (id, name, allowed_origins)
      values (${newId('ten')}, ${input.name}, ${input.allowed_origins})
      returning id, name, allowed_origins, created_at`;
    const key = await insertKey(tx, tenant!.id);
    return { ...tenant!, ...key };
  });
}

export async function findTenant(sql: Sql, id: string): Promise<TenantRow | undefined> {
  const [tenant] = await sql<TenantRow[]>`select id, name, allowed_origins, created_at from tenants where id = ${id}`;
  return tenant;
}

export async function listTenants(sql: Sql): Promise<TenantRow[]> {
  return sql<TenantRow[]>`select id, name, allowed_origins, created_at from tenants order by created_at, id`;
}

export async function updateTenant(sql: Sql, id: string, change: { name?: string; allowed_origins?: string[] }): Promise<TenantRow | undefined> {
  const [tenant] = await sql<TenantRow[]>`
    update tenants set
      name = coalesce(${change.name ?? null}, name),
      allowed_origins = coalesce(${change.allowed_origins ?? null}::text[], allowed_origins)
    where id = ${id}
    returning id, name, allowed_origins, created_at`;
  return tenant;
}

/** A new key beside the existing ones: rotate by creating, deploying, then revoking the old one. */
export async function createSecretKey(sql: Sql, tenantId: string): Promise<NewSecretKey> {
  return insertKey(sql, tenantId);
}

/** Revoking a key also ends the widget sessions minted with it (see auth/session-revocation.ts). */
export async function revokeSecretKey(sql: Sql, tenantId: string, keyId: string): Promise<boolean> {
  const rows = await sql`
    update tenant_secret_keys set revoked_at = now()
    where tenant_id = ${tenantId} and id = ${keyId} and revoked_at is null
    returning id`;
  forgetStandings(sql);
  return rows.length === 1;
}

export async function listSecretKeys(sql: Sql, tenantId: string) {
  return sql<{ id: string; created_at: Date; revoked_at: Date | null }[]>`
    select id, created_at, revoked_at from tenant_secret_keys where tenant_id = ${tenantId} order by created_at`;
}

/** The tenant a presented secret key belongs to, or undefined when it is unknown, wrong or revoked. */
export async function tenantForSecretKey(sql: Sql, presented: string): Promise<string | undefined> {
  return (await secretKeyOwner(sql, presented))?.tenantId;
}

/** The tenant and key id of a presented secret key, or undefined when it is unknown, wrong or revoked. */
export async function secretKeyOwner(sql: Sql, presented: string): Promise<{ tenantId: string; keyId: string } | undefined> {
  const parsed = parseSecretKey(presented);
  if (!parsed) return undefined;
  const [row] = await sql<{ tenant_id: string; secret_hash: string }[]>`
    select tenant_id, secret_hash from tenant_secret_keys where id = ${parsed.keyId} and revoked_at is null`;
  return row && secretMatches(parsed.secret, row.secret_hash) ? { tenantId: row.tenant_id, keyId: parsed.keyId } : undefined;
}

async function insertKey(sql: Queryable, tenantId: string): Promise<NewSecretKey> {
  const keyId = newId('key');
  const { secretKey, secretHash } = mintSecretKey(keyId);
  await sql`insert into tenant_secret_keys (id, tenant_id, secret_hash) values (${keyId}, ${tenantId}, ${secretHash})`;
  return { key_id: keyId, secret_key: secretKey };
}
