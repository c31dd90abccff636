import type { Queryable } from '../db/client.ts';

export type ProviderRecord = Record<string, unknown> & { Id?: unknown };

/**
 * Upserts provider records (a CDC batch, a re-read): the same single statement as a query page, so there is
 * one definition of how a record is stored. Returns how many rows were inserted or changed.
 */
export async function upsertRecords(sql: Queryable, connectionId: string, type: string, page: ProviderRecord[]): Promise<number> {
  if (page.length === 0) return 0;
  const { changed } = await upsertQueryPage(sql, connectionId, type, JSON.stringify({ QueryResponse: { [type]: page } }));
  return changed;
}

/** Deletions become tombstones: the row stays (hosts see `deleted: true`), flagged with the time. */
export async function tombstoneRecords(sql: Queryable, connectionId: string, type: string, stubs: ProviderRecord[]): Promise<number> {
  const records = dedupeById(stubs);
  if (records.length === 0) return 0;
  const rows = await sql`
    insert into records (connection_id, type, external_id, data, provider_updated_at, deleted_at)
    select ${connectionId}, ${type}, e->>'Id', e, (e->'MetaData'->>'LastUpdatedTime')::timestamptz,
           coalesce((e->'MetaData'->>'LastUpdatedTime')::timestamptz, now())
    from jsonb_array_elements(${sql.json(records as never)}::jsonb) as e
    on conflict (connection_id, type, external_id) do update set
      deleted_at = excluded.deleted_at, provider_updated_at = excluded.provider_updated_at,
      updated_at = now(), change_seq = nextval('record_change_seq')
    where records.deleted_at is null
    returning 1`;
  return rows.length;
}

function dedupeById(page: ProviderRecord[]): ProviderRecord[] {
  const byId = new Map<string, ProviderRecord>();
  for (const record of page) {
    if (record.Id === undefined || record.Id === null) continue;
    byId.set(String(record.Id), record);
  }
  return [...byId.values()];
}

/**
 * Upserts a query answer's page straight from its JSON text (`{"QueryResponse":{"<Type>":[…]}}`): Postgres
 * parses it once and extracts the records and the columns we query by, so the import never parses and
 * re-serialises megabytes in Node. Records without an Id are skipped; a duplicated Id keeps the last one.
 * A record whose JSON is unchanged is not touched, so its change_seq (the hosts' cursor) only moves on real
 * changes and overlapping re-reads cost nothing. `lastId` is the page's last record's Id as the provider sent
 * it: in an `ORDERBY Id` page, where the next keyset page starts.
 */
export async function upsertQueryPage(sql: Queryable, connectionId: string, type: string, answer: string): Promise<{ received: number; changed: number; lastId: string | null }> {
  const [row] = await sql<{ received: number; changed: number; lastId: string | null }[]>`
    with page as (
      select coalesce((${answer}::text::jsonb)->'QueryResponse'->(${type}::text), '[]'::jsonb) as items
    ), latest as (
      select distinct on (e.value->>'Id') e.value as e from page, jsonb_array_elements(page.items) with ordinality e(value, n)
      where e.value ? 'Id'
      order by e.value->>'Id', e.n desc
    ), changed as (
      insert into records (connection_id, type, external_id, data, name, active, txn_date, provider_updated_at)
      select ${connectionId}, ${type}, e->>'Id', e,
             coalesce(e->>'DisplayName', e->>'Name', e->>'FullyQualifiedName', e->>'DocNumber'),
             case when e ? 'Active' then (e->>'Active')::boolean end,
             case when e->>'TxnDate' ~ '^\\d{4}-\\d{2}-\\d{2}' then (left(e->>'TxnDate', 10))::date end,
             (e->'MetaData'->>'LastUpdatedTime')::timestamptz
      from latest
      on conflict (connection_id, type, external_id) do update set
        data = excluded.data, name = excluded.name, active = excluded.active, txn_date = excluded.txn_date,
        provider_updated_at = excluded.provider_updated_at, deleted_at = null,
        updated_at = now(), change_seq = nextval('record_change_seq')
      where records.data is distinct from excluded.data or records.deleted_at is not null
      returning 1
    )
    select (select jsonb_array_length(items) from page)::int as received, (select count(*) from changed)::int as changed,
           (select items->-1->>'Id' from page) as "lastId"`;
  return row!;
}
