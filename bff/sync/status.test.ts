import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { testDatabase } from '../../test/support/database.ts';
import type { ConnectionRow } from '../connections/store.ts';
import { qboEntityTypes } from '../providers/qbo/entities.ts';
import { syncStatus } from './status.ts';

const sql = testDatabase();

/** A tenant, organization and one QuickBooks connection of its own (files share the database). */
async function connection(): Promise<ConnectionRow> {
  const suffix = randomBytes(6).toString('hex');
  await sql`insert into tenants (id, name) values (${`ten_${suffix}`}, 'status test')`;
  await sql`insert into organizations (tenant_id, id) values (${`ten_${suffix}`}, 'org')`;
  const [row] = await sql<ConnectionRow[]>`
    insert into connections (id, tenant_id, organization_id, provider, external_id, status)
    values (${`con_${randomBytes(10).toString('hex')}`}, ${`ten_${suffix}`}, 'org', 'qbo', ${`realm-${suffix}`}, 'connected') returning *`;
  return row!;
}

async function run(connectionId: string, fields: { kind?: string; status?: string; records_done?: number; error?: unknown } = {}): Promise<string> {
  const id = `run_${randomBytes(10).toString('hex')}`;
  await sql`
    insert into sync_runs (id, connection_id, kind, trigger, status, started_at, records_done, error)
    values (${id}, ${connectionId}, ${fields.kind ?? 'initial'}, 'connect', ${fields.status ?? 'running'}, now() - interval '20 seconds',
      ${fields.records_done ?? 0}, ${fields.error === undefined ? null : sql.json(fields.error as never)})`;
  return id;
}

describe('sync status', () => {
  test('a first import has no total (nor ETA) until every record type is counted; then the whole company', async () => {
    const row = await connection();
    const runId = await run(row.id, { records_done: 6 });
    // Two small types counted and read: 6 of their 11 records. The company has thousands more not yet counted.
    await sql`insert into sync_progress (run_id, type, total, done) values (${runId}, 'Account', 5, 5), (${runId}, 'Class', 6, 1)`;
    let current = (await syncStatus(sql, [row], new Date())).get(row.id)!.current_run!;
    expect(current.progress.total).toBeNull();
    expect(current.eta_seconds).toBeNull();
    expect(current.progress.types_counted).toBe(2);
    expect(current.progress.types_total).toBe(qboEntityTypes.length);

    for (const type of qboEntityTypes.filter((type) => type !== 'Account' && type !== 'Class')) {
      await sql`insert into sync_progress (run_id, type, total, done) values (${runId}, ${type}, 1000, 0)`;
    }
    current = (await syncStatus(sql, [row], new Date())).get(row.id)!.current_run!;
    expect(current.progress.types_counted).toBe(qboEntityTypes.length);
    expect(current.progress.total).toBe(11 + 1000 * (qboEntityTypes.length - 2));
  });

  test('a company QuickBooks throttled says until when; a pause that ended says nothing', async () => {
    const row = await connection();
    expect((await syncStatus(sql, [row], new Date())).get(row.id)!.throttled_until).toBeNull();
    const until = new Date(Date.now() + 45_000);
    await sql`insert into provider_pauses (budget_key, until) values (${`qbo:${row.external_id}`}, ${until})`;
    expect((await syncStatus(sql, [row], new Date())).get(row.id)!.throttled_until).toBe(until.toISOString());
    expect((await syncStatus(sql, [row], new Date(Date.now() + 60_000))).get(row.id)!.throttled_until).toBeNull();
  });
});
