// The raw COPY ceiling: how many records per second this Postgres takes into a table shaped like `records`
// (same columns, keys, index, defaults) through plain COPY, with no provider, no JSON parsing in Node and no
// upsert logic. An ingest bench's records/s means something only beside it. (Issue 13 names this function;
// the page store's own COPY path belongs to another branch, which may bring its own: reconcile to one.)
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sql } from '../../bff/db/client.ts';

/** TSV text of one COPY field: backslash, tab, newline and carriage return escaped. */
const field = (value: string | null) => (value === null ? '\\N' : value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));

/**
 * COPYs `count` records built from `sample` (real provider records; Ids made unique) over `streams` connections
 * at once into a scratch copy of `records`, and drops it. Returns records/s over the wall time of all streams.
 */
export async function rawCopyCeiling(sql: Sql, sample: readonly Record<string, unknown>[], options: { count?: number; streams?: number } = {}): Promise<{ recordsPerSecond: number; seconds: number; count: number; streams: number }> {
  const count = options.count ?? 200_000;
  const streams = options.streams ?? 2;
  if (sample.length === 0) throw new Error('rawCopyCeiling needs at least one sample record');
  const table = `copy_ceiling_${process.pid}`;
  await sql.unsafe(`drop table if exists ${table}`);
  await sql.unsafe(`create table ${table} (like records including defaults including indexes)`);
  // Serialised once per sample record; each row only swaps its Id in, as a page's text arrives already encoded.
  const templates = sample.map((record) => {
    const { Id: _id, ...rest } = record;
    return {
      json: JSON.stringify(rest).slice(1),
      name: field(String(record['DisplayName'] ?? record['Name'] ?? record['DocNumber'] ?? '')),
      active: typeof record['Active'] === 'boolean' ? String(record['Active']) : '\\N',
      txnDate: typeof record['TxnDate'] === 'string' ? record['TxnDate'].slice(0, 10) : '\\N',
      updated: field(String((record['MetaData'] as { LastUpdatedTime?: string } | undefined)?.LastUpdatedTime ?? '')) || '\\N',
    };
  });
  const per = Math.ceil(count / streams);
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: streams }, async (_, stream) => {
        const from = stream * per;
        const to = Math.min(count, from + per);
        function* rows() {
          let batch = '';
          for (let i = from; i < to; i++) {
            const template = templates[i % templates.length]!;
            const id = String(i + 1);
            batch += `ceiling\tInvoice\t${id}\t${field(`{"Id":"${id}",${template.json}`)}\t${template.name}\t${template.active}\t${template.txnDate}\t${template.updated}\n`;
            if (batch.length > 1 << 20) {
              yield batch;
              batch = '';
            }
          }
          if (batch) yield batch;
        }
        const writable = await sql.unsafe(`copy ${table} (connection_id, type, external_id, data, name, active, txn_date, provider_updated_at) from stdin`).writable();
        await pipeline(Readable.from(rows()), writable);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { recordsPerSecond: Math.round(count / seconds), seconds, count, streams };
  } finally {
    await sql.unsafe(`drop table if exists ${table}`);
  }
}
