import type { Queryable, Tx } from '../db/client.ts';
import { joinRecords, RECORD_SEPARATOR, splitQueryPage, type PageRecords } from './query-page.ts';

export type ProviderRecord = Record<string, unknown> & { Id?: unknown };

/**
 * Upserts provider records (a CDC batch, a re-read): the same single statement as a query page, so there is
 * one definition of how a record is stored. Returns how many rows were inserted or changed.
 */
export async function upsertRecords(sql: Queryable, connectionId: string, type: string, page: ProviderRecord[]): Promise<number> {
  const { changed } = await upsertPageRecords(sql, connectionId, type, joinRecords(page));
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

/** What storing a query page did: records in the page, rows inserted or changed, and the page's last Id. */
export interface StoredPage {
  received: number;
  changed: number;
  lastId: string | null;
}

/**
 * The stored row of a provider record `e` (jsonb): the raw JSON plus the columns we query by. Both statements
 * that write pages select exactly this, so a record is stored the same whichever of them stores it (and the
 * benches' schema ceiling measures it).
 */
export const storedColumns = (sql: Queryable, connectionId: string, type: string) => sql`
  ${connectionId}, ${type}, e->>'Id', e,
  coalesce(e->>'DisplayName', e->>'Name', e->>'FullyQualifiedName', e->>'DocNumber'),
  case when e ? 'Active' then (e->>'Active')::boolean end,
  case when e->>'TxnDate' ~ '^\\d{4}-\\d{2}-\\d{2}' then (left(e->>'TxnDate', 10))::date end,
  (e->'MetaData'->>'LastUpdatedTime')::timestamptz`;

/**
 * The page's records from position `skip` + 1 on, as rows (`e` the record's jsonb, `n` its position), each parsed
 * once from its own text (PageRecords says why not from the whole answer). OFFSET 0 keeps the subquery whole, so
 * each record is parsed once, not once for every column that reads it. Records without an Id are left out.
 */
const pageRows = (sql: Queryable, records: PageRecords, skip: number) => sql`
  (select r::jsonb as e, n from string_to_table(${sql.typed(records.joined as never, TEXT_OID)}::text, ${RECORD_SEPARATOR}::text) with ordinality as p(r, n) where n > ${skip} offset 0) as page
  where e ? 'Id'`;

/** Postgres' `text`: the page's bytes go as text (postgres.js would send a Buffer as bytea, in hex), made a string as the statement is written. */
const TEXT_OID = 25;

/**
 * Upserts a query answer's page straight from its JSON text (`{"QueryResponse":{"<Type>":[…]}}`): Postgres
 * parses each record once, and extracts the columns we query by, so the import never parses and re-serialises
 * megabytes in Node. Records without an Id are skipped; a duplicated Id keeps the last one. A record whose JSON is
 * unchanged is not touched, so its change_seq (the hosts' cursor) only moves on real changes and overlapping
 * re-reads cost nothing. `lastId` is the page's last record's Id as the provider sent it: in an `ORDERBY Id` page,
 * where the next keyset page starts. `skip`: the page's first records that another page stores (an import plan
 * page starts with the previous range's last record); they count in `received`.
 */
export async function upsertQueryPage(sql: Queryable, connectionId: string, type: string, answer: string | Uint8Array, skip = 0): Promise<StoredPage> {
  return upsertPageRecords(sql, connectionId, type, splitQueryPage(answer, type), skip);
}

/** upsertQueryPage for a page already split into its records. */
export async function upsertPageRecords(sql: Queryable, connectionId: string, type: string, records: PageRecords, skip = 0): Promise<StoredPage> {
  const stored = { received: records.received, changed: 0, lastId: records.lastId };
  if (records.received <= skip) return stored;
  const result = await sql`
    insert into records (connection_id, type, external_id, data, name, active, txn_date, provider_updated_at)
    select ${storedColumns(sql, connectionId, type)}
    from (select distinct on (e->>'Id') e from ${pageRows(sql, records, skip)} order by e->>'Id', n desc) as latest
    on conflict (connection_id, type, external_id) do update set
      data = excluded.data, name = excluded.name, active = excluded.active, txn_date = excluded.txn_date,
      provider_updated_at = excluded.provider_updated_at, deleted_at = null,
      updated_at = now(), change_seq = nextval('record_change_seq')
    where records.data is distinct from excluded.data or records.deleted_at is not null`;
  // The command's row count: rows inserted, and rows updated (a conflict the WHERE turned down is neither).
  return { ...stored, changed: result.count };
}

/**
 * Stores one page of an import inside the caller's transaction (which commits it with its checkpoint).
 * With `expectNew` (a first import's pages are new records) it tries a plain INSERT, which skips ON CONFLICT's
 * speculative insertion and the per-page de-duplication sort: for vendor-sized records the statement runs in about
 * half the time (EXPLAIN ANALYZE) and the server spends about a quarter less CPU per record; for transactions
 * (1.5 KB and more) parsing and storing the jsonb dominates and the gain is small. A record that is already stored, an Id twice in the page, or
 * another writer storing the same record meanwhile makes that INSERT fail on the primary key; it is rolled back
 * to a savepoint and the page goes through upsertPageRecords, so the rows stored are the same either way and a
 * page stored twice stores no record twice. `skip` as in upsertQueryPage. `allNew` is the hint for the next page: every record of this one was
 * new (or, through the upsert, new or changed), so a re-read of stored records stops trying the INSERT after its
 * first page. `via` says which statement stored the page.
 *
 * The page is the provider's JSON text, each record's parsed once in Postgres: COPY would need each record's
 * columns computed here (parsing and re-serialising every record in Node, which cost more than the upsert it
 * replaces) and PGlite's socket server does not take COPY FROM STDIN.
 */
export async function storeImportPage(tx: Tx, connectionId: string, type: string, page: string | PageRecords, expectNew: boolean, skip = 0): Promise<StoredPage & { allNew: boolean; via: 'insert' | 'upsert' }> {
  const records = typeof page === 'string' ? splitQueryPage(page, type) : page;
  if (expectNew) {
    try {
      const stored = await tx.savepoint((sp) => insertNewPage(sp, connectionId, type, records, skip));
      return { ...stored, allNew: true, via: 'insert' };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  const stored = await upsertPageRecords(tx, connectionId, type, records, skip);
  return { ...stored, allNew: stored.changed === Math.max(0, stored.received - skip), via: 'upsert' };
}

/** The page's records as new rows: fails with a unique violation if any is stored already or appears twice. */
async function insertNewPage(sql: Queryable, connectionId: string, type: string, records: PageRecords, skip: number): Promise<StoredPage> {
  const stored = { received: records.received, changed: 0, lastId: records.lastId };
  if (records.received <= skip) return stored;
  const result = await sql`
    insert into records (connection_id, type, external_id, data, name, active, txn_date, provider_updated_at)
    select ${storedColumns(sql, connectionId, type)} from ${pageRows(sql, records, skip)}`;
  return { ...stored, changed: result.count };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && error.name === 'PostgresError' && (error as Error & { code?: unknown }).code === '23505';
}
