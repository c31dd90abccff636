import { mirrorListTypes, type DeletedListRecord, type ImportNewResult, type ListMirrorStatus, type ListRecord, type MirrorList, type UpdateExistingResult } from '../../shared/api/lists.ts';
import type { Queryable, Sql } from '../db/client.ts';

interface RecordRow {
  external_id: string;
  data: Record<string, unknown>;
  name: string | null;
  active: boolean | null;
  change_seq: string;
  updated_at: Date;
}

const refValue = (ref: unknown): string | null => {
  const value = (ref as { value?: unknown } | undefined)?.value;
  return value === undefined || value === null ? null : String(value);
};

function present(type: string, row: RecordRow): ListRecord {
  return {
    id: row.external_id,
    type,
    name: row.name,
    active: row.active !== false,
    parent_id: refValue(row.data['ParentRef']),
    is_project: type === 'Customer' && (row.data['Job'] === true || row.data['IsProject'] === true),
    change_seq: String(row.change_seq),
    updated_at: row.updated_at.toISOString(),
    data: row.data,
  };
}

/** Parents before their children (QuickBooks' Level: 0 for top-level), so a host can build the tree in order. */
const byLevel = (sql: Queryable) => sql`case when jsonb_typeof(r.data -> 'Level') = 'number' then (r.data ->> 'Level')::int else 0 end`;

/**
 * Live records of the list the host has not taken yet, marked taken at their change_seq in the caller's
 * transaction. The insert's `on conflict do nothing` decides who gets a record when two calls race: each
 * record is handed over exactly once.
 */
export async function importNew(tx: Queryable, connectionId: string, list: MirrorList, limit: number): Promise<ImportNewResult> {
  const type = mirrorListTypes[list];
  const rows = await tx<RecordRow[]>`
    select r.external_id, r.data, r.name, r.active, r.change_seq, r.updated_at
    from records r
    where r.connection_id = ${connectionId} and r.type = ${type} and r.deleted_at is null and coalesce(r.active, true)
      and not exists (select 1 from list_mirrors m where m.connection_id = r.connection_id and m.type = r.type and m.external_id = r.external_id)
    order by ${byLevel(tx)}, r.change_seq
    limit ${limit + 1}`;
  const page = rows.slice(0, limit);
  if (page.length === 0) return { list, records: [], count: 0, has_more: false };
  const taken = await tx<{ external_id: string }[]>`
    insert into list_mirrors (connection_id, type, external_id, mirrored_seq)
    select ${connectionId}, ${type}, v.id, v.seq::bigint
    from jsonb_to_recordset(${tx.json(page.map((row) => ({ id: row.external_id, seq: String(row.change_seq) })) as never)}) as v(id text, seq text)
    on conflict do nothing
    returning external_id`;
  const mine = new Set(taken.map((row) => row.external_id));
  const records = page.filter((row) => mine.has(row.external_id)).map((row) => present(type, row));
  return { list, records, count: records.length, has_more: rows.length > limit };
}

interface MirrorRow extends Partial<RecordRow> {
  mirror_id: string;
  mirrored_seq: string;
  flagged_deleted_at: Date | null;
  present_id: string | null;
  deleted_at: Date | null;
}

const isDead = (row: MirrorRow) => row.present_id === null || row.deleted_at !== null || row.active === false;

/**
 * Mirrored records that changed since the host took them (as they are now), and mirrored records now inactive or
 * gone, each flagged once. Rows are locked, so two racing calls never hand over the same change.
 */
export async function updateExisting(tx: Queryable, connectionId: string, list: MirrorList, limit: number, now: Date): Promise<UpdateExistingResult> {
  const type = mirrorListTypes[list];
  const rows = await tx<MirrorRow[]>`
    select m.external_id as mirror_id, m.mirrored_seq, m.flagged_deleted_at,
      r.external_id as present_id, r.external_id, r.data, r.name, r.active, r.deleted_at, r.change_seq, r.updated_at
    from list_mirrors m
    left join records r on r.connection_id = m.connection_id and r.type = m.type and r.external_id = m.external_id
    where m.connection_id = ${connectionId} and m.type = ${type}
      and ((r.external_id is not null and r.change_seq > m.mirrored_seq)
        or (m.flagged_deleted_at is null and (r.external_id is null or r.deleted_at is not null or r.active = false)))
    order by ${byLevel(tx)}, r.change_seq nulls first, m.external_id
    limit ${limit + 1}
    for update of m`;
  const page = rows.slice(0, limit);
  const records: ListRecord[] = [];
  const deleted: DeletedListRecord[] = [];
  const updates: { id: string; seq: string; flag: 'set' | 'clear' | 'keep' }[] = [];
  for (const row of page) {
    const seq = row.change_seq === null || row.change_seq === undefined ? String(row.mirrored_seq) : String(row.change_seq);
    if (!isDead(row)) {
      // Live again after a flagged deletion (reactivated): a later deletion is flagged anew.
      records.push(present(type, row as RecordRow));
      updates.push({ id: row.mirror_id, seq, flag: 'clear' });
    } else if (row.flagged_deleted_at === null) {
      deleted.push({
        id: row.mirror_id,
        type,
        name: row.name ?? null,
        reason: row.present_id === null || row.deleted_at !== null ? 'deleted' : 'deactivated',
        data: row.data ?? null,
      });
      updates.push({ id: row.mirror_id, seq, flag: 'set' });
    } else {
      // Changed again while already flagged as deleted: nothing new to say, only catch up.
      updates.push({ id: row.mirror_id, seq, flag: 'keep' });
    }
  }
  if (updates.length > 0) {
    await tx`
      update list_mirrors m set
        mirrored_seq = v.seq::bigint,
        mirrored_at = case when v.flag = 'keep' then m.mirrored_at else ${now}::timestamptz end,
        flagged_deleted_at = case v.flag when 'set' then ${now}::timestamptz when 'clear' then null else m.flagged_deleted_at end
      from jsonb_to_recordset(${tx.json(updates as never)}) as v(id text, seq text, flag text)
      where m.connection_id = ${connectionId} and m.type = ${type} and m.external_id = v.id`;
  }
  return { list, records, count: records.length, deleted, has_more: rows.length > limit };
}

export async function mirrorStatus(sql: Sql, connectionId: string, list: MirrorList): Promise<ListMirrorStatus> {
  const type = mirrorListTypes[list];
  const [mirrored] = await sql<{ mirrored: number; changed: number; dead: number; flagged: number }[]>`
    select count(*)::int as mirrored,
      count(*) filter (where r.external_id is not null and r.deleted_at is null and r.active is not false and r.change_seq > m.mirrored_seq)::int as changed,
      count(*) filter (where m.flagged_deleted_at is null and (r.external_id is null or r.deleted_at is not null or r.active = false))::int as dead,
      count(*) filter (where m.flagged_deleted_at is not null)::int as flagged
    from list_mirrors m
    left join records r on r.connection_id = m.connection_id and r.type = m.type and r.external_id = m.external_id
    where m.connection_id = ${connectionId} and m.type = ${type}`;
  const [fresh] = await sql<{ n: number }[]>`
    select count(*)::int as n from records r
    where r.connection_id = ${connectionId} and r.type = ${type} and r.deleted_at is null and coalesce(r.active, true)
      and not exists (select 1 from list_mirrors m where m.connection_id = r.connection_id and m.type = r.type and m.external_id = r.external_id)`;
  return {
    list,
    mirrored: mirrored!.mirrored,
    not_mirrored: fresh!.n,
    changed_since_mirror: mirrored!.changed,
    deleted_since_mirror: mirrored!.dead,
    flagged_deleted: mirrored!.flagged,
  };
}
