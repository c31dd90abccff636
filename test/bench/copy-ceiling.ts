import type { Sql } from '../../bff/db/client.ts';
import { storedColumns } from '../../bff/records/store.ts';

/** Records the ceiling copies at least, so a run lasts long enough to time (the set is repeated under new keys). */
const CEILING_RECORDS = 200_000;

/**
 * The raw COPY ceiling: records/s that this Postgres takes when nothing but COPY stands between it and the
 * provider's JSON. The same records go over one connection with COPY FROM STDIN into an unlogged jsonb table
 * keyed by a primary key: no transaction per page, no checkpoint, no columns extracted, no WAL. The COPY text is
 * prepared before the clock starts, so what is timed is the database's intake, not our formatting. The import
 * bench compares its rate with this, measured in the same run on the same machine.
 *
 * Postgres only: PGlite's socket server does not take COPY FROM STDIN (the stream never completes).
 */
export async function rawCopyCeiling(sql: Sql, records: readonly Record<string, unknown>[]): Promise<number> {
  if (records.length === 0) throw new Error('rawCopyCeiling needs records');
  const table = `copy_ceiling_${process.pid}`;
  const rounds = Math.ceil(CEILING_RECORDS / records.length);
  const json = records.map((record) => copyText(JSON.stringify(record)));
  const ids = records.map((record) => copyText(String(record.Id ?? '')));
  const chunks = copyChunks(rounds, json.length, (round, index) => `${round}-${index}-${ids[index]}\t${json[index]}\n`);
  await sql.unsafe(`drop table if exists ${table}`);
  await sql.unsafe(`create unlogged table ${table} (id text primary key, data jsonb not null)`);
  try {
    const started = performance.now();
    await copyIn(sql, `copy ${table} (id, data) from stdin`, chunks);
    const seconds = (performance.now() - started) / 1000;
    const [copied] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`);
    if (copied!.n !== rounds * records.length) throw new Error(`COPY stored ${copied!.n} of ${rounds * records.length} rows`);
    return (rounds * records.length) / seconds;
  } finally {
    await sql.unsafe(`drop table if exists ${table}`);
  }
}

/**
 * Our own schema's ceiling, for reference beside the raw COPY one: the same records stored as the import stores them
 * (a logged table shaped like `records`, with its indexes, the GIN reference index included, and the columns
 * store.ts extracts, by its own storedColumns), in one INSERT … SELECT from their JSON text, loaded into a staging
 * table before the clock starts. Each copy of a record gets its own Id. What remains between the import and this is
 * the pipeline (pages, transactions, round trips, our own CPU); what lies between this and the raw COPY ceiling is
 * what the schema costs (WAL, indexes, columns).
 */
export async function schemaInsertCeiling(sql: Sql, records: readonly Record<string, unknown>[]): Promise<number> {
  if (records.length === 0) throw new Error('schemaInsertCeiling needs records');
  const staging = `schema_ceiling_text_${process.pid}`;
  const table = `schema_ceiling_${process.pid}`;
  const rounds = Math.ceil(CEILING_RECORDS / records.length);
  // Each record's JSON without its Id, once; each copy then starts with its own Id.
  const rests = records.map(({ Id: _id, ...rest }) => copyText(JSON.stringify(rest).slice(1)));
  const ids = records.map((record) => String(record.Id ?? ''));
  const chunks = copyChunks(rounds, records.length, (round, index) => `{"Id":${copyText(JSON.stringify(`${round}-${index}-${ids[index]}`))}${rests[index] === '}' ? '' : ','}${rests[index]}\n`);
  await sql.unsafe(`drop table if exists ${staging}, ${table}`);
  await sql.unsafe(`create unlogged table ${staging} (t text)`);
  await sql.unsafe(`create table ${table} (like records including all)`);
  try {
    await copyIn(sql, `copy ${staging} (t) from stdin`, chunks);
    const started = performance.now();
    const result = await sql`
      insert into ${sql(table)} (connection_id, type, external_id, data, name, active, txn_date, provider_updated_at)
      select ${storedColumns(sql, 'ceiling', 'Record')} from (select t::jsonb as e from ${sql(staging)} offset 0) as page`;
    const seconds = (performance.now() - started) / 1000;
    if (result.count !== rounds * records.length) throw new Error(`the insert stored ${result.count} of ${rounds * records.length} rows`);
    return (rounds * records.length) / seconds;
  } finally {
    await sql.unsafe(`drop table if exists ${staging}, ${table}`);
  }
}

/** COPY text for `rounds` passes over `count` records, in writes of about 1 MB, as a client streaming pages would send them. */
function copyChunks(rounds: number, count: number, line: (round: number, index: number) => string): string[] {
  const chunks: string[] = [];
  let chunk = '';
  for (let round = 0; round < rounds; round++) {
    for (let index = 0; index < count; index++) {
      chunk += line(round, index);
      if (chunk.length >= 1 << 20) {
        chunks.push(chunk);
        chunk = '';
      }
    }
  }
  if (chunk) chunks.push(chunk);
  return chunks;
}

/** Streams `chunks` into a COPY … FROM STDIN, waiting for the socket to drain when it asks to. */
async function copyIn(sql: Sql, statement: string, chunks: readonly string[]): Promise<void> {
  const stream = await sql.unsafe(statement).writable();
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    let at = 0;
    const write = () => {
      while (at < chunks.length) {
        if (!stream.write(chunks[at++]!)) return void stream.once('drain', write);
      }
      stream.end(() => resolve());
    };
    write();
  });
}

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
