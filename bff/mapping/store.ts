import type { MappingKind, Problem } from '../../shared/mapping/types.ts';
import type { Queryable } from '../db/client.ts';
import type { MissingMapping } from '../../shared/api/documents.ts';
import { releaseWaitingDocuments } from '../writeback/store.ts';

export type StoredKind = MappingKind | 'defaults';

/** The thing a document's missing entry names, per mapping kind (documents.ts MissingMapping.what). */
const missingWhat: Record<MappingKind, MissingMapping['what']> = {
  'tax-rates': 'tax_rate',
  'billable-categories': 'category',
  staff: 'staff',
  products: 'product',
  classes: 'class',
  locations: 'location',
};
const missingKinds = ['default', 'tax_rate', 'category', 'product', 'class', 'location'] as const;

export interface MappingRecord {
  kind: StoredKind;
  host_id: string;
  target_type: string;
  target_id: string;
  target_name: string;
  method: 'auto' | 'confirmed' | 'manual' | 'created';
  status: 'mapped' | 'needs_attention';
  problems: Problem[];
  version: number;
  updated_by: string;
  updated_at: Date;
}

export interface MappingWrite {
  host_id: string;
  /** null unmaps. */
  target: { type: string; id: string; name: string } | null;
  method: MappingRecord['method'];
}

export async function storedMappings(sql: Queryable, connectionId: string, kind?: StoredKind): Promise<MappingRecord[]> {
  return sql<MappingRecord[]>`
    select kind, host_id, target_type, target_id, target_name, method, status, problems, version, updated_by, updated_at
    from mappings where connection_id = ${connectionId} ${kind ? sql`and kind = ${kind}` : sql``}
    order by kind, host_id`;
}

export async function hasTaxMappings(sql: Queryable, connectionId: string): Promise<boolean> {
  const [row] = await sql`select 1 from mappings where connection_id = ${connectionId} and kind in ('tax-rates', 'defaults') limit 1`;
  return row !== undefined;
}

/** Serialises saves of one connection's mappings of a kind until the transaction ends (re-entrant in it). */
export async function lockMappings(tx: Queryable, connectionId: string, kind: StoredKind): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtext(${`mappings:${connectionId}:${kind}`}))`;
}

/**
 * Host records of a kind someone (or the automatic staff match) decided about before: any version, including an
 * unmapping, which leaves no current row. Automatic mapping never overrides such a decision.
 */
export async function decidedHostIds(tx: Queryable, connectionId: string, kind: StoredKind): Promise<Set<string>> {
  const rows = await tx<{ host_id: string }[]>`select distinct host_id from mapping_versions where connection_id = ${connectionId} and kind = ${kind}`;
  return new Set(rows.map((row) => row.host_id));
}

/**
 * Saves mappings as new versions (who, when, what to what); unmapping deletes the current row and keeps the
 * history. A write that changes nothing is skipped. Two saves of one connection's mappings of a kind queue on a
 * transaction lock, so each gets its own version numbers (and never a duplicate-key error).
 */
export async function saveMappings(tx: Queryable, connectionId: string, kind: StoredKind, writes: MappingWrite[], by: string): Promise<{ host_id: string; target: MappingWrite['target']; version: number }[]> {
  const saved: { host_id: string; target: MappingWrite['target']; version: number }[] = [];
  await lockMappings(tx, connectionId, kind);
  for (const write of writes) {
    const [last] = await tx<{ version: number }[]>`
      select coalesce(max(version), 0)::int as version from mapping_versions
      where connection_id = ${connectionId} and kind = ${kind} and host_id = ${write.host_id}`;
    const [current] = await tx<MappingRecord[]>`
      select * from mappings where connection_id = ${connectionId} and kind = ${kind} and host_id = ${write.host_id} for update`;
    if (!write.target && !current) continue;
    if (write.target && current && current.target_type === write.target.type && current.target_id === write.target.id && current.status === 'mapped') continue;
    const version = (last?.version ?? 0) + 1;
    await tx`
      insert into mapping_versions (connection_id, kind, host_id, version, target_type, target_id, target_name, method, changed_by)
      values (${connectionId}, ${kind}, ${write.host_id}, ${version}, ${write.target?.type ?? null}, ${write.target?.id ?? null}, ${write.target?.name ?? null}, ${write.target ? write.method : null}, ${by})`;
    if (write.target) {
      await tx`
        insert into mappings (connection_id, kind, host_id, target_type, target_id, target_name, method, status, problems, version, updated_by)
        values (${connectionId}, ${kind}, ${write.host_id}, ${write.target.type}, ${write.target.id}, ${write.target.name}, ${write.method}, 'mapped', '[]', ${version}, ${by})
        on conflict (connection_id, kind, host_id) do update set target_type = excluded.target_type, target_id = excluded.target_id,
          target_name = excluded.target_name, method = excluded.method, status = 'mapped', problems = '[]', version = excluded.version,
          updated_by = excluded.updated_by, updated_at = now()`;
    } else {
      await tx`delete from mappings where connection_id = ${connectionId} and kind = ${kind} and host_id = ${write.host_id}`;
    }
    saved.push({ host_id: write.host_id, target: write.target, version });
  }
  // Documents held for one of these mappings are pushed again (a default can stand in for anything missing).
  const mapped = saved.filter((entry) => entry.target).map((entry) => entry.host_id);
  if (mapped.length > 0) await releaseWaitingDocuments(tx, connectionId, kind === 'defaults' ? [...missingKinds] : [missingWhat[kind]], kind === 'defaults' ? null : mapped);
  return saved;
}

export interface MappingVersion {
  version: number;
  target: { type: string; id: string; name: string } | null;
  method: MappingRecord['method'] | null;
  changed_by: string;
  changed_at: Date;
}

/** Every version of one host record's mapping, newest first (target null: it was unmapped then). */
export async function mappingHistory(sql: Queryable, connectionId: string, kind: StoredKind, hostId: string): Promise<MappingVersion[]> {
  const rows = await sql<{ version: number; target_type: string | null; target_id: string | null; target_name: string | null; method: MappingRecord['method'] | null; changed_by: string; changed_at: Date }[]>`
    select version, target_type, target_id, target_name, method, changed_by, changed_at from mapping_versions
    where connection_id = ${connectionId} and kind = ${kind} and host_id = ${hostId} order by version desc`;
  return rows.map((row) => ({
    version: row.version,
    target: row.target_type && row.target_id ? { type: row.target_type, id: row.target_id, name: row.target_name ?? '' } : null,
    method: row.method,
    changed_by: row.changed_by,
    changed_at: row.changed_at,
  }));
}
