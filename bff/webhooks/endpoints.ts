import { randomBytes } from 'node:crypto';
import type { WebhookEndpoint } from '../../shared/api/webhooks.ts';
import type { Keys } from '../crypto/keys.ts';
import { open, seal, type Sealed } from '../crypto/vault.ts';
import type { Queryable, Sql } from '../db/client.ts';
import { newId } from '../db/ids.ts';

export interface EndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  events: string[];
  description: string | null;
  secret: Sealed;
  created_at: Date;
  secret_rotated_at: Date | null;
}

/** 256 random bits; the prefix tells a host which of its secrets this is. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function openWebhookSecret(keys: Keys, sealed: Sealed): string {
  return open(sealed, keys.keyring);
}

/**
 * Registers an endpoint unless the tenant already has `maxEndpoints` (undefined then). The tenant's row is
 * locked for the count and the insert, so concurrent registrations cannot slip past the bound together.
 */
export async function createEndpoint(
  sql: Sql,
  keys: Keys,
  tenantId: string,
  input: { url: string; events: string[]; description?: string | undefined },
  maxEndpoints: number,
): Promise<{ endpoint: EndpointRow; secret: string } | undefined> {
  const secret = newWebhookSecret();
  return sql.begin(async (tx) => {
    await tx`select 1 from tenants where id = ${tenantId} for update`;
    const [{ count } = { count: 0 }] = await tx<{ count: number }[]>`select count(*)::int as count from webhook_endpoints where tenant_id = ${tenantId}`;
    if (count >= maxEndpoints) return undefined;
    const [endpoint] = await tx<EndpointRow[]>`
      insert into webhook_endpoints (id, tenant_id, url, events, description, secret)
      values (${newId('whe')}, ${tenantId}, ${input.url}, ${input.events}, ${input.description ?? null}, ${seal(secret, keys.encryption, keys.encryptionKeyId)})
      returning *`;
    return { endpoint: endpoint!, secret };
  });
}

export async function listEndpoints(sql: Queryable, tenantId: string): Promise<EndpointRow[]> {
  return sql<EndpointRow[]>`select * from webhook_endpoints where tenant_id = ${tenantId} order by created_at, id`;
}

export async function findEndpoint(sql: Queryable, tenantId: string, id: string): Promise<EndpointRow | undefined> {
  const [row] = await sql<EndpointRow[]>`select * from webhook_endpoints where tenant_id = ${tenantId} and id = ${id}`;
  return row;
}

/** Removes the endpoint with its delivery history; a request already in flight finishes and is not retried. */
export async function deleteEndpoint(sql: Queryable, tenantId: string, id: string): Promise<boolean> {
  const rows = await sql`delete from webhook_endpoints where tenant_id = ${tenantId} and id = ${id} returning id`;
  return rows.length === 1;
}

/** A new secret, used from the next attempt on; undefined when the endpoint is not the tenant's. */
export async function rotateEndpointSecret(sql: Queryable, keys: Keys, tenantId: string, id: string): Promise<string | undefined> {
  const secret = newWebhookSecret();
  const rows = await sql`
    update webhook_endpoints set secret = ${seal(secret, keys.encryption, keys.encryptionKeyId)}, secret_rotated_at = now()
    where tenant_id = ${tenantId} and id = ${id} returning id`;
  return rows.length === 1 ? secret : undefined;
}

export function presentEndpoint(row: EndpointRow): WebhookEndpoint {
  return { id: row.id, url: row.url, events: row.events, description: row.description, created_at: row.created_at.toISOString() };
}
