import type { Connection } from '../../shared/api/connections.ts';
import type { Health, SyncError } from '../../shared/api/sync.ts';
import type { Sql } from '../db/client.ts';
import { CoalescedReads } from '../db/coalesced-reads.ts';

export interface ConnectionRow {
  id: string;
  tenant_id: string;
  organization_id: string;
  provider: 'qbo' | 'xero';
  external_id: string;
  company_name: string | null;
  legal_name: string | null;
  country: string | null;
  plan: string | null;
  status: Connection['status'];
  status_reason: string | null;
  connected_by: string | null;
  created_at: Date;
  connected_at: Date | null;
  last_refreshed_at: Date | null;
  last_synced_at: Date | null;
  last_checked_at: Date | null;
  watermark: Date | null;
  slow_lists_checked_at: Date | null;
  initial_import_done: boolean;
  last_successful_sync_at: Date | null;
  last_error: SyncError | null;
  next_sync_at: Date | null;
  health: Health | null;
  visibility_mode: 'organization' | 'restricted';
  visible_user_ids: string[];
}

/**
 * Who is looking, for connections restricted to named users. `seesAll` is true for roles that manage
 * connections (they set visibility, so they must see everything).
 */
export interface Viewer {
  userId: string;
  seesAll: boolean;
}

function visibleTo(sql: Sql, viewer: Viewer | undefined) {
  if (!viewer || viewer.seesAll) return sql``;
  return sql`and (visibility_mode = 'organization' or ${viewer.userId} = any(visible_user_ids))`;
}

/** Every read names the tenant: a connection id alone never reaches another tenant's row. */
export async function listConnections(sql: Sql, tenantId: string, organizationId?: string, viewer?: Viewer): Promise<ConnectionRow[]> {
  // The widget's read (one organization, every row, filtered by the caller): one static query, no fragments
  // (each is a query object of its own, built per call).
  if (organizationId !== undefined && (!viewer || viewer.seesAll)) {
    return sql<ConnectionRow[]>`
      select * from connections where tenant_id = ${tenantId} and organization_id = ${organizationId} order by created_at, id`;
  }
  return sql<ConnectionRow[]>`
    select * from connections
    where tenant_id = ${tenantId} ${organizationId === undefined ? sql`` : sql`and organization_id = ${organizationId}`}
      ${visibleTo(sql, viewer)}
    order by created_at, id`;
}

export async function findConnection(
  sql: Sql,
  scope: { tenantId: string; organizationId?: string },
  id: string,
  viewer?: Viewer,
): Promise<ConnectionRow | undefined> {
  if (scope.organizationId !== undefined && (!viewer || viewer.seesAll)) {
    // The widget's read, as listConnections: one static query.
    const [row] = await sql<ConnectionRow[]>`
      select * from connections where id = ${id} and tenant_id = ${scope.tenantId} and organization_id = ${scope.organizationId}`;
    return row;
  }
  const [row] = await sql<ConnectionRow[]>`
    select * from connections
    where id = ${id} and tenant_id = ${scope.tenantId}
      ${scope.organizationId === undefined ? sql`` : sql`and organization_id = ${scope.organizationId}`}
      ${visibleTo(sql, viewer)}`;
  return row;
}

/** The columns a connection's presentation and its visibility need: what the widget's reads select. */
export type PresentedRow = Pick<
  ConnectionRow,
  | 'id'
  | 'organization_id'
  | 'provider'
  | 'external_id'
  | 'company_name'
  | 'legal_name'
  | 'country'
  | 'plan'
  | 'status'
  | 'status_reason'
  | 'connected_by'
  | 'created_at'
  | 'connected_at'
  | 'last_refreshed_at'
  | 'last_synced_at'
  | 'visibility_mode'
  | 'visible_user_ids'
>;

/**
 * One connection of an organization as the widget reads it: only the presented columns (not `select *`'s 26,
 * whose six other timestamps and two jsonb documents the database renders and this process parses into
 * objects nobody reads, on the most frequent read there is). The column list is written out in both
 * statements so each stays one static query. Reads asked for while one is out share the next query
 * (CoalescedReads), so under load each costs a fraction of a round trip; none is cached. The row is read by id
 * and then held to the caller's tenant and organization here.
 */
export async function findPresentedConnection(sql: Sql, scope: { tenantId: string; organizationId: string }, id: string): Promise<PresentedRow | undefined> {
  const row = await presentedReads(sql).byId.loadOne(scopedKey(scope.tenantId, scope.organizationId, id));
  // The query matched all three already; checked again here, as every read names the tenant.
  return row && row.tenant_id === scope.tenantId && row.organization_id === scope.organizationId ? row : undefined;
}

/** An organization's connections as the widget lists them (see findPresentedConnection), oldest first. */
export function listPresentedConnections(sql: Sql, tenantId: string, organizationId: string): Promise<PresentedRow[]> {
  return presentedReads(sql).byOrganization.load(scopedKey(tenantId, organizationId));
}

type ScopedRow = PresentedRow & { tenant_id: string };
interface PresentedReads {
  byId: CoalescedReads<ScopedRow>;
  byOrganization: CoalescedReads<ScopedRow>;
}
const presentedReadsBySql = new WeakMap<Sql, PresentedReads>();

/**
 * Tenant, organization (and id) as one key. U+0000 is in none of them: tenant and connection ids are ours,
 * organization ids are HostIds (printable ASCII), and Postgres stores no U+0000 in text.
 */
const scopedKey = (...parts: string[]) => parts.join('\u0000');

/** The keys' parts as columns, for `unnest`: columns(['t\0o\0c'], 3) is [['t'], ['o'], ['c']]. */
function columns(keys: string[], width: number): string[][] {
  const out = Array.from({ length: width }, () => new Array<string>(keys.length));
  for (let k = 0; k < keys.length; k++) {
    const parts = keys[k]!.split('\u0000');
    for (let i = 0; i < width; i++) out[i]![k] = parts[i]!;
  }
  return out;
}

/**
 * The process's coalesced readers of presented rows for that pool (reads asked for meanwhile share a query).
 * Each names the tenant and organization of every key in SQL, one index lookup per key (a lateral join: with
 * many keys, `(tenant_id, organization_id) in (…)` can turn into a scan of the whole table).
 */
function presentedReads(sql: Sql): PresentedReads {
  let reads = presentedReadsBySql.get(sql);
  if (!reads) {
    reads = {
      byId: new CoalescedReads(
        (keys) => {
          const [tenants, organizations, ids] = columns(keys, 3);
          return sql<ScopedRow[]>`
            select c.* from unnest(${tenants!}::text[], ${organizations!}::text[], ${ids!}::text[]) as k(tenant_id, organization_id, id)
            cross join lateral (
              select id, tenant_id, organization_id, provider, external_id, company_name, legal_name, country, plan, status, status_reason,
                connected_by, created_at, connected_at, last_refreshed_at, last_synced_at, visibility_mode, visible_user_ids
              from connections where id = k.id and tenant_id = k.tenant_id and organization_id = k.organization_id offset 0
            ) c`;
        },
        (row) => scopedKey(row.tenant_id, row.organization_id, row.id),
      ),
      byOrganization: new CoalescedReads(
        (keys) => {
          const [tenants, organizations] = columns(keys, 2);
          return sql<ScopedRow[]>`
            select c.* from unnest(${tenants!}::text[], ${organizations!}::text[]) as k(tenant_id, organization_id)
            cross join lateral (
              select id, tenant_id, organization_id, provider, external_id, company_name, legal_name, country, plan, status, status_reason,
                connected_by, created_at, connected_at, last_refreshed_at, last_synced_at, visibility_mode, visible_user_ids
              from connections where tenant_id = k.tenant_id and organization_id = k.organization_id offset 0
            ) c
            order by c.created_at, c.id`;
        },
        (row) => scopedKey(row.tenant_id, row.organization_id),
      ),
    };
    presentedReadsBySql.set(sql, reads);
  }
  return reads;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function presentConnection(row: PresentedRow): Connection {
  return {
    id: row.id,
    organization_id: row.organization_id,
    provider: row.provider,
    external_id: row.external_id,
    company_name: row.company_name,
    legal_name: row.legal_name,
    country: row.country,
    plan: row.plan,
    status: row.status,
    status_reason: row.status_reason,
    connected_by: row.connected_by,
    created_at: row.created_at.toISOString(),
    connected_at: iso(row.connected_at),
    last_refreshed_at: iso(row.last_refreshed_at),
    last_synced_at: iso(row.last_synced_at),
  };
}
