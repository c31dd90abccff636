import { describe, expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';
import { raceTest } from '../../test/support/database.ts';
import { newId } from '../db/ids.ts';
import { storeImportPage, tombstoneRecords, upsertRecords } from './store.ts';

const t = testApp();

async function connection() {
  const tenant = await t.createTenant();
  await t.session(tenant, 'org');
  const id = newId('con');
  await t.deps.sql`insert into connections (id, tenant_id, organization_id, provider, external_id, status) values (${id}, ${tenant.id}, 'org', 'qbo', ${id}, 'connected')`;
  return id;
}

const vendor = (id: number, name: string, extra: Record<string, unknown> = {}) => ({
  Id: String(id),
  SyncToken: '0',
  DisplayName: name,
  Active: true,
  MetaData: { CreateTime: '2024-01-02T10:00:00-08:00', LastUpdatedTime: '2024-03-04T10:00:00-08:00' },
  ...extra,
});

test('upserts a page, extracts query columns, and re-reading an unchanged page changes nothing', async () => {
  const id = await connection();
  const page = [vendor(1, 'Acme'), vendor(2, 'Beta', { Active: false }), vendor(2, 'Beta', { Active: false })];
  expect(await upsertRecords(t.deps.sql, id, 'Vendor', page)).toBe(2);
  const rows = await t.deps.sql<{ external_id: string; name: string; active: boolean; provider_updated_at: Date; change_seq: string }[]>`
    select external_id, name, active, provider_updated_at, change_seq from records where connection_id = ${id} order by external_id`;
  expect(rows.map((row) => [row.external_id, row.name, row.active])).toEqual([['1', 'Acme', true], ['2', 'Beta', false]]);
  expect(rows[0]!.provider_updated_at.toISOString()).toBe('2024-03-04T18:00:00.000Z');

  expect(await upsertRecords(t.deps.sql, id, 'Vendor', page)).toBe(0);
  expect(await upsertRecords(t.deps.sql, id, 'Vendor', [vendor(1, 'Acme Ltd'), vendor(2, 'Beta', { Active: false })])).toBe(1);
  const after = await t.deps.sql<{ external_id: string; change_seq: string }[]>`
    select external_id, change_seq from records where connection_id = ${id} order by external_id`;
  expect(BigInt(after[0]!.change_seq)).toBeGreaterThan(BigInt(rows[0]!.change_seq));
  expect(after[1]!.change_seq).toBe(rows[1]!.change_seq);
});

test('deletions become tombstones that keep the data; a reappearing record is alive again', async () => {
  const id = await connection();
  await upsertRecords(t.deps.sql, id, 'Invoice', [{ Id: '9', DocNumber: '1001', TxnDate: '2024-05-01', MetaData: { LastUpdatedTime: '2024-05-01T00:00:00Z' } }]);
  const stub = { Id: '9', status: 'Deleted', MetaData: { LastUpdatedTime: '2024-06-01T00:00:00Z' } };
  expect(await tombstoneRecords(t.deps.sql, id, 'Invoice', [stub])).toBe(1);
  expect(await tombstoneRecords(t.deps.sql, id, 'Invoice', [stub])).toBe(0);
  const [row] = await t.deps.sql<{ deleted_at: Date; name: string; txn_date: Date }[]>`select deleted_at, name, txn_date from records where connection_id = ${id}`;
  expect(row!.deleted_at.toISOString()).toBe('2024-06-01T00:00:00.000Z');
  expect(row!.name).toBe('1001');
  // Never seen before its deletion: still recorded, as a tombstone.
  expect(await tombstoneRecords(t.deps.sql, id, 'Bill', [{ Id: '77', status: 'Deleted', MetaData: { LastUpdatedTime: '2024-06-01T00:00:00Z' } }])).toBe(1);
});

/**
 * Migration 026: records keep their foreign key's meaning, checked once per statement instead of once per row
 * (an import page inserts a thousand). Each way a record is written must meet the check.
 */
describe('a record belongs to an existing connection', () => {
  const page = (records: Record<string, unknown>[]) => JSON.stringify({ QueryResponse: { Vendor: records } });
  const fkViolation = { code: '23503' };

  test('no record is stored for a connection that does not exist, by any of the statements that store them', async () => {
    const missing = newId('con');
    await expect(upsertRecords(t.deps.sql, missing, 'Vendor', [vendor(1, 'Acme')])).rejects.toMatchObject(fkViolation);
    await expect(t.deps.sql.begin((tx) => storeImportPage(tx, missing, 'Vendor', page([vendor(1, 'Acme')]), true))).rejects.toMatchObject(fkViolation);
    await expect(tombstoneRecords(t.deps.sql, missing, 'Vendor', [{ Id: '1', MetaData: { LastUpdatedTime: '2024-06-01T00:00:00Z' } }])).rejects.toMatchObject(fkViolation);
    // A page naming an existing and a missing connection in one statement fails whole.
    const id = await connection();
    await expect(t.deps.sql`
      insert into records (connection_id, type, external_id, data) values (${id}, 'Vendor', '1', '{}'), (${missing}, 'Vendor', '1', '{}')`).rejects.toMatchObject(fkViolation);
    const [left] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from records where connection_id in (${id}, ${missing})`;
    expect(left!.n).toBe(0);
  });

  test("a record cannot move to another connection", async () => {
    const [id, other] = [await connection(), await connection()];
    await upsertRecords(t.deps.sql, id, 'Vendor', [vendor(1, 'Acme')]);
    await expect(t.deps.sql`update records set connection_id = ${other} where connection_id = ${id}`).rejects.toMatchObject(fkViolation);
    await t.deps.sql`update records set connection_id = ${id}, name = 'same connection' where connection_id = ${id}`;
  });

  test("deleting a connection deletes its records, and only its records", async () => {
    const [id, other] = [await connection(), await connection()];
    await t.deps.sql.begin((tx) => storeImportPage(tx, id, 'Vendor', page([vendor(1, 'Acme'), vendor(2, 'Beta')]), true));
    await upsertRecords(t.deps.sql, other, 'Vendor', [vendor(1, 'Acme')]);
    await t.deps.sql`delete from connections where id = ${id}`;
    const rows = await t.deps.sql<{ connection_id: string }[]>`select connection_id from records where connection_id in (${id}, ${other})`;
    expect(rows).toEqual([{ connection_id: other }]);
  });

  raceTest('a connection deleted while a page is being stored: the delete waits for the page, then deletes it too', async () => {
    const id = await connection();
    let stored!: () => void;
    const pageIn = new Promise<void>((resolve) => (stored = resolve));
    let commit!: () => void;
    const release = new Promise<void>((resolve) => (commit = resolve));
    const importing = t.deps.sql.begin(async (tx) => {
      await storeImportPage(tx, id, 'Vendor', page([vendor(1, 'Acme'), vendor(2, 'Beta')]), true);
      stored();
      await release;
    });
    await pageIn;
    let deleted = false;
    const deleting = t.deps.sql`delete from connections where id = ${id}`.then(() => (deleted = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deleted, 'the delete waits for the transaction holding the page').toBe(false);
    commit();
    await importing;
    await deleting;
    const [left] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from records where connection_id = ${id}`;
    expect(left!.n).toBe(0);
  });
});
