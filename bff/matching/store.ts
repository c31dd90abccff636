import type { HostRecord, Link, PartyKind } from '../../shared/api/matching.ts';
import type { MappingKind } from '../../shared/mapping/types.ts';
import type { Queryable, Sql } from '../db/client.ts';
import { initialiseBaselines } from './field-sync.ts';
import { releaseWaitingDocuments } from '../writeback/store.ts';

/** Bulk upsert of the host's records; `replace` removes those not sent (a full snapshot). */
export async function putHostRecords(sql: Sql, scope: { tenantId: string; organizationId: string }, kind: PartyKind | MappingKind, records: { id: string }[], replace: boolean) {
  const unique = [...new Map(records.map((record) => [record.id, record])).values()];
  return sql.begin(async (tx) => {
    const upserted = unique.length === 0 ? [] : await tx<{ host_id: string }[]>`
      insert into host_records (tenant_id, organization_id, kind, host_id, data)
      select ${scope.tenantId}, ${scope.organizationId}, ${kind}, e->>'id', e from jsonb_array_elements(${tx.json(unique as never)}::jsonb) e
      on conflict (tenant_id, organization_id, kind, host_id) do update set data = excluded.data, updated_at = now()
      where host_records.data is distinct from excluded.data
      returning host_id`;
    const removed = replace
      ? await tx`
          delete from host_records where tenant_id = ${scope.tenantId} and organization_id = ${scope.organizationId} and kind = ${kind}
            and not (host_id = any(${unique.map((record) => record.id)}))
          returning 1`
      : [];
    return { upserted: upserted.length, removed: removed.length, received: records.length, changed: upserted.map((row) => row.host_id) };
  });
}

export async function hostRecords(sql: Sql, scope: { tenantId: string; organizationId: string }, kind: PartyKind): Promise<HostRecord[]> {
  const rows = await sql<{ data: HostRecord }[]>`
    select data from host_records where tenant_id = ${scope.tenantId} and organization_id = ${scope.organizationId} and kind = ${kind} order by host_id`;
  return rows.map((row) => row.data);
}

interface LinkRow {
  host_id: string;
  provider_id: string;
  method: Link['method'];
  linked_by: string;
  linked_at: Date;
}

export const presentLink = (row: LinkRow): Link => ({
  host_id: row.host_id,
  provider_id: row.provider_id,
  method: row.method,
  linked_by: row.linked_by,
  linked_at: row.linked_at.toISOString(),
});

export async function activeLinks(sql: Queryable, connectionId: string, kind: PartyKind): Promise<Link[]> {
  const rows = await sql<LinkRow[]>`
    select host_id, provider_id, method, linked_by, linked_at from party_links
    where connection_id = ${connectionId} and kind = ${kind} and removed_at is null order by linked_at, id`;
  return rows.map(presentLink);
}

export class LinkConflictError extends Error {
  override name = 'LinkConflictError';
}

/**
 * Creates links in one transaction. Each host record and each provider record has at most one active link
 * (partial unique indexes), so a pair that collides with an existing link fails the whole request, naming it.
 */
export async function createLinks(
  tx: Queryable,
  connectionId: string,
  kind: PartyKind,
  links: { host_id: string; provider_id: string; method: Link['method'] }[],
  by: string,
): Promise<Link[]> {
  const taken = await tx<{ host_id: string; provider_id: string }[]>`
    select host_id, provider_id from party_links
    where connection_id = ${connectionId} and kind = ${kind} and removed_at is null
      and (host_id = any(${links.map((link) => link.host_id)}) or provider_id = any(${links.map((link) => link.provider_id)}))`;
  const first = taken[0];
  if (first) throw new LinkConflictError(`Already linked: your record ${first.host_id} ↔ QuickBooks record ${first.provider_id}. Unlink it first.`);
  const seenHost = new Set<string>();
  const seenProvider = new Set<string>();
  for (const link of links) {
    if (seenHost.has(link.host_id) || seenProvider.has(link.provider_id)) throw new LinkConflictError(`A record appears twice in this request (${link.host_id} ↔ ${link.provider_id})`);
    seenHost.add(link.host_id);
    seenProvider.add(link.provider_id);
  }
  const rows = await tx<LinkRow[]>`
    insert into party_links (connection_id, kind, host_id, provider_id, method, linked_by)
    select ${connectionId}, ${kind}, l->>'host_id', l->>'provider_id', l->>'method', ${by}
    from jsonb_array_elements(${tx.json(links as never)}::jsonb) l
    returning host_id, provider_id, method, linked_by, linked_at`;
  const [connection] = await tx<{ id: string; tenant_id: string; organization_id: string }[]>`select id, tenant_id, organization_id from connections where id = ${connectionId}`;
  if (connection) await initialiseBaselines(tx, connection, kind, rows.map((row) => row.host_id));
  // Documents held waiting for these links are pushed again (a push that links a party releases them itself).
  if (by !== 'write-back') await releaseWaitingDocuments(tx, connectionId, [kind === 'suppliers' ? 'supplier' : 'customer'], rows.map((row) => row.host_id));
  return rows.map(presentLink);
}

export async function removeLink(tx: Queryable, connectionId: string, kind: PartyKind, hostId: string, by: string): Promise<Link | undefined> {
  const [row] = await tx<LinkRow[]>`
    update party_links set removed_at = now(), removed_by = ${by}
    where connection_id = ${connectionId} and kind = ${kind} and host_id = ${hostId} and removed_at is null
    returning host_id, provider_id, method, linked_by, linked_at`;
  return row ? presentLink(row) : undefined;
}
