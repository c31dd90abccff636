import { describe, expect, test } from 'vitest';
import { capturedAsQboJson } from '../../test/contracts/key-paths.ts';
import { testApp } from '../../test/support/app.ts';
import { newId } from '../db/ids.ts';
import { storeImportPage, tombstoneRecords, upsertQueryPage } from './store.ts';

/**
 * An import page is stored by a plain INSERT when its records are new, and by the upsert otherwise. Whichever
 * stores it, the rows must be the ones the upsert (the one definition of a stored record) would leave, a page
 * stored twice stores nothing twice, and a page whose transaction fails leaves nothing, checkpoint included.
 */
const t = testApp();
type Json = Record<string, unknown>;

async function connection(): Promise<string> {
  const tenant = await t.createTenant();
  await t.session(tenant, 'org');
  const id = newId('con');
  await t.deps.sql`insert into connections (id, tenant_id, organization_id, provider, external_id, status) values (${id}, ${tenant.id}, 'org', 'qbo', ${id}, 'connected')`;
  return id;
}

interface Row {
  external_id: string;
  data: Json;
  name: string | null;
  active: boolean | null;
  txn_date: Date | null;
  provider_updated_at: Date | null;
  deleted_at: Date | null;
  change_seq: string;
}

const rows = (connectionId: string, type: string) => t.deps.sql<Row[]>`
  select external_id, data, name, active, txn_date, provider_updated_at, deleted_at, change_seq from records
  where connection_id = ${connectionId} and type = ${type} order by external_id`;
/** What a stored row says, less its place in the change sequence (another connection's rows have other numbers). */
const content = (list: Row[]) => list.map(({ change_seq: _, ...row }) => row);

const page = (type: string, records: Json[]) => JSON.stringify({ QueryResponse: { [type]: records, startPosition: 1, maxResults: records.length }, time: '2026-03-01T10:00:00.000-08:00' });
const store = (connectionId: string, type: string, answer: string, expectNew = true) =>
  t.deps.sql.begin((tx) => storeImportPage(tx, connectionId, type, answer, expectNew));

const CAPTURED: [string, string][] = [
  ['vendors.xml', 'Vendor'], ['customers.xml', 'Customer'], ['invoices.xml', 'Invoice'], ['items.xml', 'Item'], ['accounts.xml', 'Account'],
  ['payments.xml', 'Payment'], ['bill_payments.xml', 'BillPayment'], ['deposits.xml', 'Deposit'], ['tax_codes.xml', 'TaxCode'], ['tax_rates.xml', 'TaxRate'],
];
const captured = (file: string, type: string) => ((capturedAsQboJson(file)['QueryResponse'] as Json)[type] as Json[]);

describe('storeImportPage', () => {
  test.each(CAPTURED)('%s: new records go in by INSERT and are stored exactly as the upsert stores them', async (file, type) => {
    const records = captured(file, type);
    // A record without an Id is skipped by both.
    const answer = page(type, [...records, { Name: 'no id', MetaData: { LastUpdatedTime: '2026-01-01T00:00:00Z' } }]);
    const [byInsert, byUpsert] = [await connection(), await connection()];
    const stored = await store(byInsert, type, answer);
    expect(stored).toEqual({ received: records.length + 1, changed: records.length, lastId: null, allNew: true, via: 'insert' });
    expect(await upsertQueryPage(t.deps.sql, byUpsert, type, answer)).toEqual({ received: records.length + 1, changed: records.length, lastId: null });
    const [inserted, upserted] = [await rows(byInsert, type), await rows(byUpsert, type)];
    expect(inserted).toHaveLength(records.length);
    expect(content(inserted)).toEqual(content(upserted));
  });

  test('a page stored twice: the second time goes through the upsert, stores no record twice and moves no change_seq', async () => {
    const id = await connection();
    const answer = page('Vendor', captured('vendors.xml', 'Vendor'));
    const first = await store(id, 'Vendor', answer);
    expect(first.via).toBe('insert');
    const before = await rows(id, 'Vendor');
    const again = await store(id, 'Vendor', answer);
    expect(again).toMatchObject({ via: 'upsert', changed: 0, allNew: false, received: before.length });
    expect(await rows(id, 'Vendor')).toEqual(before);
  });

  test('a page partly stored (a tombstone, an edited record, an unchanged one) and an Id twice: the upsert result, exactly', async () => {
    const real = captured('vendors.xml', 'Vendor');
    // The capture has two vendors; two more shaped like them make room for every case, and one stays unchanged.
    const vendors = [...real, ...real.map((vendor, index) => ({ ...vendor, Id: `9${index}01`, DisplayName: `Copy ${index}` }))];
    const edited = { ...vendors[1]!, DisplayName: 'Renamed Ltd', SyncToken: '9' };
    const duplicated = { ...vendors[2]!, CompanyName: 'later copy wins' };
    const later = page('Vendor', [...vendors.slice(0, 2), edited, ...vendors.slice(2), duplicated]);
    const [viaStore, viaUpsert] = [await connection(), await connection()];
    for (const id of [viaStore, viaUpsert]) {
      await upsertQueryPage(t.deps.sql, id, 'Vendor', page('Vendor', vendors));
      await tombstoneRecords(t.deps.sql, id, 'Vendor', [{ Id: vendors[0]!['Id'], status: 'Deleted', MetaData: { LastUpdatedTime: '2026-02-01T00:00:00Z' } }]);
    }
    const before = await rows(viaStore, 'Vendor');
    const stored = await store(viaStore, 'Vendor', later);
    expect(stored.via).toBe('upsert');
    await upsertQueryPage(t.deps.sql, viaUpsert, 'Vendor', later);
    const after = await rows(viaStore, 'Vendor');
    expect(content(after)).toEqual(content(await rows(viaUpsert, 'Vendor')));
    expect(after.find((row) => row.external_id === String(vendors[0]!['Id']))!.deleted_at).toBeNull();
    expect(after.find((row) => row.external_id === String(vendors[1]!['Id']))!.name).toBe('Renamed Ltd');
    expect(after.find((row) => row.external_id === String(vendors[2]!['Id']))!.data['CompanyName']).toBe('later copy wins');
    // Only the revived, edited and re-copied records moved in the change sequence.
    const moved = after.filter((row, index) => row.change_seq !== before[index]!.change_seq).map((row) => row.external_id);
    expect(moved.sort()).toEqual([vendors[0]!['Id'], vendors[1]!['Id'], vendors[2]!['Id']].map(String).sort());
    // A page the INSERT could not store says so, so the next page goes straight to the upsert.
    expect(stored.allNew).toBe(false);
  });

  test('skip: the first records are left to the page that owns them, by INSERT and by the upsert alike, and still counted as received', async () => {
    const vendors = captured('vendors.xml', 'Vendor');
    const answer = page('Vendor', vendors);
    const [byInsert, byUpsert] = [await connection(), await connection()];
    const inserted = await t.deps.sql.begin((tx) => storeImportPage(tx, byInsert, 'Vendor', answer, true, 1));
    const upserted = await t.deps.sql.begin((tx) => storeImportPage(tx, byUpsert, 'Vendor', answer, false, 1));
    const lastId = String(vendors[vendors.length - 1]!['Id']);
    expect(inserted).toEqual({ received: vendors.length, changed: vendors.length - 1, lastId, allNew: true, via: 'insert' });
    expect(upserted).toEqual({ received: vendors.length, changed: vendors.length - 1, lastId, allNew: true, via: 'upsert' });
    const rest = vendors.slice(1).map((vendor) => String(vendor['Id'])).sort();
    expect((await rows(byInsert, 'Vendor')).map((row) => row.external_id)).toEqual(rest);
    expect(content(await rows(byInsert, 'Vendor'))).toEqual(content(await rows(byUpsert, 'Vendor')));
  });

  test('expectNew false: straight to the upsert, new records included', async () => {
    const id = await connection();
    const stored = await store(id, 'Customer', page('Customer', captured('customers.xml', 'Customer')), false);
    expect(stored).toMatchObject({ via: 'upsert', allNew: true });
    expect(await rows(id, 'Customer')).toHaveLength(stored.changed);
  });

  test('a page whose transaction fails before commit (a crash between the page and its checkpoint) leaves neither; replayed, each record is stored once', async () => {
    const id = await connection();
    const runId = newId('run');
    await t.deps.sql`insert into sync_runs (id, connection_id, kind, trigger, status) values (${runId}, ${id}, 'initial', 'connect', 'running')`;
    await t.deps.sql`insert into sync_ranges (run_id, type) values (${runId}, 'Vendor')`;
    const vendors = captured('vendors.xml', 'Vendor');
    const crashing = (answer: string) =>
      t.deps.sql
        .begin(async (tx) => {
          const stored = await storeImportPage(tx, id, 'Vendor', answer, true);
          await tx`update sync_ranges set after_id = ${stored.lastId} where run_id = ${runId} and type = 'Vendor'`;
          throw new Error(`crash after a page stored by ${stored.via}`);
        })
        .catch((error: Error) => error.message);
    // New records (the INSERT), then a page half stored already (the upsert, after the INSERT's savepoint rolled back).
    expect(await crashing(page('Vendor', vendors))).toBe('crash after a page stored by insert');
    expect(await rows(id, 'Vendor')).toEqual([]);
    await upsertQueryPage(t.deps.sql, id, 'Vendor', page('Vendor', vendors.slice(0, 1)));
    const half = await rows(id, 'Vendor');
    expect(await crashing(page('Vendor', vendors))).toBe('crash after a page stored by upsert');
    expect(await rows(id, 'Vendor')).toEqual(half);
    const [range] = await t.deps.sql<{ after_id: string | null }[]>`select after_id from sync_ranges where run_id = ${runId}`;
    expect(range!.after_id).toBeNull();
    await store(id, 'Vendor', page('Vendor', vendors));
    await store(id, 'Vendor', page('Vendor', vendors));
    expect((await rows(id, 'Vendor')).map((row) => row.external_id).sort()).toEqual(vendors.map((vendor) => String(vendor['Id'])).sort());
  });
});
