import { describe, expect, test } from 'vitest';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { expectMirrorEqualsProvider, qboCall, syncOnce, watchQboCalls } from './support/sync.ts';

/**
 * Issue 13: an incremental sync re-reads only the parties whose derived balances could have moved, in few
 * calls, and every balance a transaction moved still reaches the mirror.
 */
const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));

type Entity = Record<string, any>;

async function connected(size: Record<string, number>, seed: string) {
  const tenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size, seed, country: 'US', plan: 'Plus' });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  return { realm, id: result.connection!.id };
}

const byKind = async (realm: string) => (await sandbox.control<{ requests_by_kind: Record<string, number> }>('GET', `/qbo/companies/${realm}/stats`)).requests_by_kind;
const difference = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).flatMap(([kind, n]) => (n - (before[kind] ?? 0) > 0 ? [[kind, n - (before[kind] ?? 0)]] : [])));
const succeeded = (run: { status: string; error: unknown }) => expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
const writeQbo = async (realm: string, id: string, type: string, body: Entity): Promise<Entity> => (await qboCall(t, sandbox.url, realm, id, 'POST', type.toLowerCase(), body))[type];
const readQbo = async (realm: string, id: string, type: string, externalId: string): Promise<Entity> => (await qboCall(t, sandbox.url, realm, id, 'GET', `${type.toLowerCase()}/${externalId}`))[type];
const stored = async (id: string, type: string, externalId: string): Promise<Entity> =>
  (await t.deps.sql<{ data: Entity }[]>`select data from records where connection_id = ${id} and type = ${type} and external_id = ${externalId}`)[0]!.data;

/** A new open bill for `vendor`, copied from an existing one (lines without their Ids). */
async function newBill(realm: string, id: string, template: Entity, vendor: Entity): Promise<Entity> {
  const { Id: _id, SyncToken: _token, MetaData: _meta, DocNumber: _doc, Balance: _balance, TotalAmt: _total, LinkedTxn: _linked, ...body } = template;
  return writeQbo(realm, id, 'Bill', { ...body, VendorRef: { value: vendor.Id }, Line: template.Line.map(({ Id: _line, LineNum: _num, ...line }: Entity) => line) });
}

describe('incremental sync after 100 changes and 10 deletions', () => {
  test('parties spread over several pages: four provider calls (CDC, one batch, one query, the settling CDC), and the mirror equals QuickBooks', async () => {
    // More customers and vendors than one page holds, so re-reading them all would cost pages, not one batch.
    const { realm, id } = await connected({ vendors: 1200, customers: 2100, items: 40, invoices: 500, bills: 400, payments: 150, purchases: 150, time_activities: 60 }, 'incremental-calls');
    succeeded(await syncOnce(t, id, { reactions: false }));
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    const { changes } = await sandbox.control<{ changes: { entity: string; id: string; operation: string }[] }>('POST', `/qbo/companies/${realm}/mutations`, { update: 90, create: 10, delete: 10 });
    // The mutations leave transaction versions the mirror never sees (edited twice, or created then edited or
    // deleted): the case that used to re-read every customer and vendor.
    const touched = new Map<string, number>();
    for (const change of changes) touched.set(`${change.entity}:${change.id}`, (touched.get(`${change.entity}:${change.id}`) ?? 0) + 1);
    expect([...touched].some(([key, n]) => n > 1 && /^(Invoice|Bill|Payment|Purchase):/.test(key))).toBe(true);
    expect(changes.filter((change) => change.operation === 'Delete')).toHaveLength(10);

    const before = await byKind(realm);
    const watch = watchQboCalls();
    try {
      succeeded(await syncOnce(t, id, { reactions: false }));
    } finally {
      watch.restore();
    }
    // CDC for every covered type; time activities (not in CDC, one page) listed by one query while one batch
    // re-reads the moved customers and vendors by Id and the chart of accounts; then CDC once more to settle.
    expect(difference(await byKind(realm), before)).toEqual({ cdc: 2, batch: 1, query: 1 });
    expect(watch.seen.filter((call) => /^SELECT \* FROM (Customer|Vendor)\b/.test(call.statement)).every((call) => / WHERE Id IN \(/.test(call.statement))).toBe(true);
    await expectMirrorEqualsProvider(t, sandbox.url, realm, id);
  });
});

describe('derived balances', () => {
  test('a new bill, edited before the sync, refreshes its vendor; a bill moved twice refreshes the vendors it left and joined', async () => {
    const { realm, id } = await connected({ vendors: 80, customers: 10, bills: 40 }, 'incremental-balances');
    succeeded(await syncOnce(t, id, { reactions: false }));
    const bills = (await qboCall(t, sandbox.url, realm, id, 'GET', 'query', undefined, { query: 'SELECT * FROM Bill MAXRESULTS 1000' })).QueryResponse.Bill as Entity[];
    const vendors = (await qboCall(t, sandbox.url, realm, id, 'GET', 'query', undefined, { query: 'SELECT * FROM Vendor MAXRESULTS 1000' })).QueryResponse.Vendor as Entity[];
    const open = bills.filter((bill) => bill.Balance > 0 && (bill.LinkedTxn ?? []).length === 0);
    const moved = open[0]!;
    const billed = new Set(bills.map((bill) => bill.VendorRef.value));
    // Vendors no bill names yet: their balance moves only through what happens here.
    const [fresh, second, third] = vendors.filter((vendor) => !billed.has(vendor.Id) && vendor.Id !== moved.VendorRef.value);
    expect(third).toBeDefined();
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });

    // A new bill, then edited: the mirror never sees its first version (SyncToken 0).
    const created = await newBill(realm, id, moved, fresh!);
    await writeQbo(realm, id, 'Bill', { Id: created.Id, SyncToken: created.SyncToken, sparse: true, VendorRef: created.VendorRef, PrivateNote: 'edited' });
    // An open bill moved to one vendor, then on to another: the middle version is never seen either.
    const left = moved.VendorRef.value as string;
    const once = await writeQbo(realm, id, 'Bill', { Id: moved.Id, SyncToken: moved.SyncToken, sparse: true, VendorRef: { value: second!.Id } });
    await writeQbo(realm, id, 'Bill', { Id: moved.Id, SyncToken: once.SyncToken, sparse: true, VendorRef: { value: third!.Id } });
    const balanceBefore = Number((await stored(id, 'Vendor', fresh!.Id)).Balance ?? 0);

    succeeded(await syncOnce(t, id, { reactions: false }));
    for (const vendor of [fresh!.Id, third!.Id, left, second!.Id]) {
      expect(Number((await stored(id, 'Vendor', vendor)).Balance ?? 0), `vendor ${vendor}`).toBe(Number((await readQbo(realm, id, 'Vendor', vendor)).Balance ?? 0));
    }
    // The new bill moved its vendor's balance, which the vendor's own record never announced.
    expect(Number((await stored(id, 'Vendor', fresh!.Id)).Balance)).not.toBe(balanceBefore);
    await expectMirrorEqualsProvider(t, sandbox.url, realm, id);
  });

  test('a bill created after CDC answered, before its vendor is re-read, is settled in that run; moving it later refreshes both vendors', async () => {
    const { realm, id } = await connected({ vendors: 80, customers: 10, bills: 40 }, 'incremental-settle');
    succeeded(await syncOnce(t, id, { reactions: false }));
    const bills = (await qboCall(t, sandbox.url, realm, id, 'GET', 'query', undefined, { query: 'SELECT * FROM Bill MAXRESULTS 1000' })).QueryResponse.Bill as Entity[];
    const vendors = (await qboCall(t, sandbox.url, realm, id, 'GET', 'query', undefined, { query: 'SELECT * FROM Vendor MAXRESULTS 1000' })).QueryResponse.Vendor as Entity[];
    const template = bills.find((bill) => bill.Balance > 0 && (bill.LinkedTxn ?? []).length === 0)!;
    const billed = new Set(bills.map((bill) => bill.VendorRef.value));
    const quiet = vendors.find((vendor) => !billed.has(vendor.Id))!;
    const vendor = vendors.find((candidate) => candidate.Id === template.VendorRef.value)!;
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    // An edited bill: the run re-reads its vendor.
    await writeQbo(realm, id, 'Bill', { Id: template.Id, SyncToken: template.SyncToken, sparse: true, VendorRef: template.VendorRef, PrivateNote: 'edited' });
    // Once CDC has answered and before the vendor is re-read, a new bill for that vendor: the re-read Balance
    // counts a bill this run's CDC answer never held.
    let created: Entity | undefined;
    const watch = watchQboCalls(async ({ path }) => {
      if (created || path !== 'cdc') return;
      created = await newBill(realm, id, template, vendor);
    });
    try {
      succeeded(await syncOnce(t, id, { reactions: false }));
    } finally {
      watch.restore();
    }
    expect(created).toBeDefined();
    // The settling CDC found it: stored in the same run.
    expect((await stored(id, 'Bill', created!.Id)).SyncToken).toBe(created!.SyncToken);
    await expectMirrorEqualsProvider(t, sandbox.url, realm, id);
    // Moved to another vendor, then edited: the next run sees only the last version, yet the vendor the bill
    // left is re-read because the mirror holds the version that named it.
    await sandbox.control('POST', '/clock', { advance_seconds: 600 });
    const moved = await writeQbo(realm, id, 'Bill', { Id: created!.Id, SyncToken: created!.SyncToken, sparse: true, VendorRef: { value: quiet.Id } });
    await writeQbo(realm, id, 'Bill', { Id: moved.Id, SyncToken: moved.SyncToken, sparse: true, VendorRef: moved.VendorRef, PrivateNote: 'moved' });
    succeeded(await syncOnce(t, id, { reactions: false }));
    for (const party of [vendor.Id, quiet.Id]) {
      expect(Number((await stored(id, 'Vendor', party)).Balance ?? 0), `vendor ${party}`).toBe(Number((await readQbo(realm, id, 'Vendor', party)).Balance ?? 0));
    }
    await expectMirrorEqualsProvider(t, sandbox.url, realm, id);
  });
});
