import { expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';
import { newId } from '../db/ids.ts';
import { holdsReferenceTo, propagateRenames, referenceName, renameReferences } from './reference-names.ts';
import { tombstoneRecords, upsertRecords } from './store.ts';

const t = testApp();

async function connection() {
  const tenant = await t.createTenant();
  await t.session(tenant, 'org');
  const id = newId('con');
  await t.deps.sql`insert into connections (id, tenant_id, organization_id, provider, external_id, status) values (${id}, ${tenant.id}, 'org', 'qbo', ${id}, 'connected')`;
  return id;
}

const ref = (value: string, name?: string) => (name === undefined ? { value } : { value, name });

test('rewrites every reference to the renamed record, and only those', () => {
  const bill = {
    VendorRef: { value: '86', name: 'Riverbend IT' },
    APAccountRef: { value: '86', name: 'Accounts Payable' },
    Line: [{ AccountBasedExpenseLineDetail: { AccountRef: { value: '7', name: 'Rent' }, CustomerRef: { value: '86', name: 'A customer' } } }],
  };
  expect(renameReferences(bill, 'Bill', 'Vendor', '86', 'Riverbend IT (deleted)')).toBe(true);
  expect(bill.VendorRef.name).toBe('Riverbend IT (deleted)');
  expect(bill.APAccountRef.name).toBe('Accounts Payable');
  expect(bill.Line[0]!.AccountBasedExpenseLineDetail.CustomerRef.name).toBe('A customer');
  expect(renameReferences(bill, 'Bill', 'Vendor', '86', 'Riverbend IT (deleted)')).toBe(false);
  const purchase = { EntityRef: { value: '5', type: 'Customer', name: 'Old' } };
  expect(renameReferences(purchase, 'Purchase', 'Customer', '5', 'New')).toBe(true);
  const project = { ParentRef: { value: '3', name: 'Parent' } };
  expect(renameReferences(project, 'Customer', 'Customer', '3', 'Parent Inc')).toBe(true);
});

test('reference names prefer the fully qualified name', () => {
  expect(referenceName({ FullyQualifiedName: 'Acme:Project', DisplayName: 'Project' })).toBe('Acme:Project');
  expect(referenceName({ DisplayName: 'Acme' })).toBe('Acme');
  expect(referenceName({ Name: 'Rent' })).toBe('Rent');
});

test('a reference at any depth is renamed, and one without a name gets none', () => {
  const billPayment = { CheckPayment: { BankAccountRef: { value: '1', name: 'Checking' } }, APAccountRef: { value: '2', name: 'Accounts Payable' } };
  expect(renameReferences(billPayment, 'BillPayment', 'Account', '1', 'Checking Renamed')).toBe(true);
  expect(billPayment.CheckPayment.BankAccountRef).toEqual({ value: '1', name: 'Checking Renamed' });
  const payment: Record<string, unknown> = { DepositToAccountRef: { value: '4' } };
  expect(renameReferences(payment, 'Payment', 'Account', '4', 'Undeposited Funds (deleted)')).toBe(false);
  expect(payment).toEqual({ DepositToAccountRef: { value: '4' } });
});

test('renames of several records of several types rewrite every referrer once, through the index, and nothing else', async () => {
  const id = await connection();
  const other = await connection();
  const store = (connectionId: string, type: string, records: Record<string, unknown>[]) => upsertRecords(t.deps.sql, connectionId, type, records.map((record) => ({ SyncToken: '0', ...record })));
  await store(id, 'Vendor', [{ Id: '5', DisplayName: 'Acme' }, { Id: '6', DisplayName: 'Beta' }]);
  await store(id, 'Customer', [
    { Id: '5', DisplayName: 'Five', FullyQualifiedName: 'Five' },
    { Id: '7', DisplayName: 'Parent', FullyQualifiedName: 'Parent' },
    { Id: '8', DisplayName: 'Proj', FullyQualifiedName: 'Parent:Proj', ParentRef: ref('7', 'Parent') },
  ]);
  await store(id, 'Bill', [
    // Renamed vendor, a line naming the renamed parent's project, and an item whose Id is the vendor's.
    { Id: '100', VendorRef: ref('5', 'Acme'), Line: [{ AccountBasedExpenseLineDetail: { CustomerRef: ref('8', 'Parent:Proj'), AccountRef: ref('5', 'Rent') } }] },
    { Id: '101', VendorRef: ref('6', 'Beta'), Line: [{ ItemBasedExpenseLineDetail: { ItemRef: ref('6', 'Six'), CustomerRef: ref('7', 'Parent') } }] },
    { Id: '102', VendorRef: ref('5', 'Acme') },
    { Id: '103', VendorRef: ref('5') },
  ]);
  await tombstoneRecords(t.deps.sql, id, 'Bill', [{ Id: '102', status: 'Deleted' }]);
  // Same Ids, other keys and types: customer 5 and item 5 are not vendor 5.
  await store(id, 'Invoice', [{ Id: '200', CustomerRef: ref('5', 'Five'), Line: [{ SalesItemLineDetail: { ItemRef: ref('5', 'Widget') } }] }]);
  await store(id, 'Purchase', [
    { Id: '300', EntityRef: { ...ref('5', 'Acme'), type: 'Vendor' }, AccountRef: ref('5', 'Bank') },
    { Id: '301', EntityRef: { ...ref('5', 'Five'), type: 'Customer' } },
  ]);
  await store(other, 'Bill', [{ Id: '100', VendorRef: ref('5', 'Acme') }]);
  const seqs = async () => new Map((await t.deps.sql<{ key: string; change_seq: string }[]>`select connection_id || type || external_id as key, change_seq from records where connection_id in (${id}, ${other})`).map((row) => [row.key, row.change_seq]));
  const before = await seqs();

  const rewritten = await t.deps.sql.begin((tx) =>
    propagateRenames(tx, id, [
      { type: 'Vendor', id: '5', name: 'Acme (deleted)' },
      { type: 'Vendor', id: '6', name: 'Beta (deleted)' },
      { type: 'Customer', id: '7', name: 'Parent (deleted)' },
    ]),
  );
  const data = async (connectionId: string, type: string, externalId: string) =>
    (await t.deps.sql<{ data: any }[]>`select data from records where connection_id = ${connectionId} and type = ${type} and external_id = ${externalId}`)[0]!.data;
  // The project twice (its full name, then its ParentRef), bills 100 and 101, purchase 300.
  expect(rewritten).toBe(5);
  const project = await data(id, 'Customer', '8');
  expect([project.FullyQualifiedName, project.ParentRef.name]).toEqual(['Parent (deleted):Proj', 'Parent (deleted)']);
  const bill = await data(id, 'Bill', '100');
  expect(bill.VendorRef.name).toBe('Acme (deleted)');
  expect(bill.Line[0].AccountBasedExpenseLineDetail).toEqual({ CustomerRef: ref('8', 'Parent (deleted):Proj'), AccountRef: ref('5', 'Rent') });
  const second = await data(id, 'Bill', '101');
  expect([second.VendorRef.name, second.Line[0].ItemBasedExpenseLineDetail.ItemRef.name, second.Line[0].ItemBasedExpenseLineDetail.CustomerRef.name]).toEqual(['Beta (deleted)', 'Six', 'Parent (deleted)']);
  const purchase = await data(id, 'Purchase', '300');
  expect([purchase.EntityRef.name, purchase.AccountRef.name]).toEqual(['Acme (deleted)', 'Bank']);

  const after = await seqs();
  const moved = [...after].filter(([key, seq]) => before.get(key) !== seq).map(([key]) => key.slice(id.length)).sort();
  expect(moved).toEqual(['Bill100', 'Bill101', 'Customer8', 'Purchase300']);
  expect((await data(id, 'Bill', '102')).VendorRef.name).toBe('Acme'); // tombstoned: left as deleted
  expect((await data(id, 'Bill', '103')).VendorRef).toEqual(ref('5')); // QuickBooks sent no name there
  expect((await data(other, 'Bill', '100')).VendorRef.name).toBe('Acme'); // another company's vendor 5
});

test('the referrer lookup is answered from the records_references index (the expression matches migration 021)', async () => {
  const plan = await t.deps.sql.begin(async (tx) => {
    await tx`set local enable_seqscan = off`;
    return tx<{ 'QUERY PLAN': string }[]>`explain select external_id from records where ${holdsReferenceTo(tx, 'con_x', ['5', '6'])} and deleted_at is null and (type || '') = 'Customer'`;
  });
  expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('records_references');
});
