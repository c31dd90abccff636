// Vendors and customers: what is ours (created by a push, even one whose answer was lost) against what was already
// in QuickBooks and only linked. Ours is made inactive on cancel, reactivated when a revision finds it deleted
// there; theirs is only ever changed in the fields the host sends.
import { describe, expect, test } from 'vitest';
import { qboApiFor } from '../bff/connections/provider.ts';
import type { ConnectionRow } from '../bff/connections/store.ts';
import { getSettings } from '../bff/organizations/store.ts';
import { claimDocument, pushEnvFor } from '../bff/writeback/job.ts';
import { tableResolver, type MappingTables } from '../bff/writeback/mapping-lookup.ts';
import { pushDocument } from '../bff/writeback/push.ts';
import type { Document } from '../shared/api/documents.ts';
import { testApp } from './support/app.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { writebackCompany } from './support/writeback.ts';

const sandbox = await startSandbox();
// 'slow' with no wait lets the duplicate-name check before a create through, so the faults after it hit the create.
await sandbox.control('PUT', '/qbo/settings', { slow_ms: 0 });
const mappings = new Map<string, MappingTables>();
const t = testApp({ ...sandboxDeps(sandbox.url), writebackMappings: tableResolver((id) => mappings.get(id)) });

async function api(connectionId: string) {
  const [row] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${connectionId}`;
  return qboApiFor(t.deps, row!);
}

async function quickbooks(connectionId: string, type: string, id: string): Promise<Record<string, any>> {
  return (await (await api(connectionId)).get<Record<string, any>>(`${type.toLowerCase()}/${id}`))[type];
}

/** One push attempt of one document, as a worker makes it (no waiting for its retry). */
async function pushOnce(connectionId: string, documentId: string) {
  const [connection] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${connectionId}`;
  const settings = await getSettings(t.deps.sql, connection!.tenant_id, connection!.organization_id);
  const env = await pushEnvFor(t.deps, connection!, settings, 'worker-once');
  const claimed = await claimDocument(t.deps.sql, connectionId, 'worker-once', t.deps.now(), documentId);
  return pushDocument(env, claimed!);
}

const pushedHow = async (connectionId: string, documentId: string) =>
  (await t.deps.sql<{ data: Record<string, any> }[]>`
    select data from events where connection_id = ${connectionId} and type = 'document.pushed' and data->>'document_id' = ${documentId} order by created_at`).map((event) => event.data['how']);

const cancel = (c: { id: string; tenant: { secretKey: string } }, doc: string) => t.request(`/v1/connections/${c.id}/documents/${doc}/cancel`, { method: 'POST', token: c.tenant.secretKey });

/** A vendor or customer already in QuickBooks (not linked to any host record), with an address and a phone. */
async function theirs(c: { id: string }, type: 'Vendor' | 'Customer') {
  const kind = type === 'Vendor' ? 'suppliers' : 'customers';
  const name = `WB Theirs ${type} ${c.id}`;
  const created = (await (await api(c.id)).post<Record<string, any>>(type.toLowerCase(), {
    DisplayName: name,
    PrimaryPhone: { FreeFormNumber: '0161 496 0000' },
    BillAddr: { Line1: '9 Mill Lane', City: 'Bury', PostalCode: 'BL9 0AA' },
  }))[type];
  const linked = await t.deps.sql`select 1 from party_links where connection_id = ${c.id} and kind = ${kind} and provider_id = ${String(created.Id)}`;
  expect(linked.length).toBe(0);
  return { id: String(created.Id), name };
}

describe('write-back: vendors and customers we created against ones we only linked', () => {
  test('a vendor whose create answer was lost is found by its name and recorded as ours: cancel makes it inactive, as without the fault', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const doc = (await (await c.submit({ kind: 'vendor', host_id: 'lost-v', version: 1, data: { name: `WB Lost Vendor ${c.id}` } })).json()) as Document;
    await sandbox.control('POST', `/qbo/companies/${c.realm}/faults`, { kinds: ['slow', 'lost', '503'] });
    await pushOnce(c.id, doc.id);
    expect(await c.get(doc.id)).toMatchObject({ status: 'failed_retrying', quickbooks_id: null });
    await t.request(`/v1/connections/${c.id}/documents/${doc.id}/push`, { method: 'POST', token: c.tenant.secretKey });
    await c.push();
    const pushed = await c.get(doc.id);
    expect(pushed.status).toBe('pushed');
    expect(await pushedHow(c.id, doc.id)).toEqual(['adopted']);
    const [link] = await t.deps.sql`select method from party_links where connection_id = ${c.id} and kind = 'suppliers' and host_id = 'lost-v' and removed_at is null`;
    expect(link!.method).toBe('created');
    expect((await cancel(c, doc.id)).status).toBe(202);
    await c.push();
    expect((await c.get(doc.id)).status).toBe('cancelled');
    expect(await quickbooks(c.id, 'Vendor', pushed.quickbooks_id!)).toMatchObject({ Active: false });
  });

  test('a customer cancelled while its create is in doubt is found and made inactive (ours), not reported withdrawn', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const name = `WB Doubt Customer ${c.id}`;
    const doc = (await (await c.submit({ kind: 'customer', host_id: 'doubt-c', version: 1, data: { name } })).json()) as Document;
    await sandbox.control('POST', `/qbo/companies/${c.realm}/faults`, { kinds: ['slow', 'lost', '503'] });
    await pushOnce(c.id, doc.id);
    expect(await c.get(doc.id)).toMatchObject({ status: 'failed_retrying', quickbooks_id: null });
    expect((await cancel(c, doc.id)).status).toBe(202);
    await c.push();
    expect((await c.get(doc.id)).status).toBe('cancelled');
    const page = await (await api(c.id)).query<Record<string, any>>(`SELECT * FROM Customer WHERE Active IN (true, false) AND DisplayName LIKE 'WB Doubt Customer%'`);
    const mine = (page.Customer as Record<string, any>[]).filter((entity) => String(entity.DisplayName).startsWith(name));
    expect(mine.map((entity) => entity.Active)).toEqual([false]);
  });

  test('revising a linked vendor or customer changes only the fields this version sends; its address and phone in QuickBooks stay', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    for (const [kind, type] of [['vendor', 'Vendor'], ['customer', 'Customer']] as const) {
      const existing = await theirs(c, type);
      const v1 = { kind, host_id: `linked-${kind}`, version: 1, data: { name: existing.name } };
      const doc = (await (await c.submit(v1)).json()) as Document;
      await c.push();
      expect(await c.get(doc.id)).toMatchObject({ status: 'pushed', quickbooks_id: existing.id });
      expect(await pushedHow(c.id, doc.id)).toEqual(['linked_existing']);
      expect((await c.submit({ ...v1, version: 2, data: { name: existing.name, city: 'Leeds', email: 'ap@example.com' } })).status).toBe(200);
      await c.push();
      expect((await c.get(doc.id)).status).toBe('pushed');
      const after = await quickbooks(c.id, type, existing.id);
      expect(after.BillAddr).toMatchObject({ Line1: '9 Mill Lane', City: 'Leeds', PostalCode: 'BL9 0AA' });
      expect(after.PrimaryPhone).toEqual({ FreeFormNumber: '0161 496 0000' });
      expect(after.PrimaryEmailAddr).toEqual({ Address: 'ap@example.com' });
      expect(after.Active).toBe(true);
    }
  });

  test('a revision of our vendor deleted in QuickBooks reactivates it under our name and says so; the next bill for it is pushed', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const name = `WB Deleted Vendor ${c.id}`;
    const v1 = { kind: 'vendor', host_id: 'gone-v', version: 1, data: { name } };
    const doc = (await (await c.submit(v1)).json()) as Document;
    await c.push();
    const pushed = await c.get(doc.id);
    const before = await quickbooks(c.id, 'Vendor', pushed.quickbooks_id!);
    await (await api(c.id)).post('vendor', { Id: before.Id, SyncToken: before.SyncToken, sparse: true, Active: false });
    expect(await quickbooks(c.id, 'Vendor', pushed.quickbooks_id!)).toMatchObject({ Active: false, DisplayName: `${name} (deleted)` });
    expect((await c.submit({ ...v1, version: 2, data: { name, city: 'Hull' } })).status).toBe(200);
    await c.push();
    expect(await c.get(doc.id)).toMatchObject({ status: 'pushed', quickbooks_id: pushed.quickbooks_id });
    expect(await quickbooks(c.id, 'Vendor', pushed.quickbooks_id!)).toMatchObject({ Active: true, DisplayName: name, BillAddr: { City: 'Hull' } });
    expect(await pushedHow(c.id, doc.id)).toEqual(['created', 'reactivated']);
    const bill = (await (await c.submit({ kind: 'bill', host_id: 'gone-bill', version: 1, data: { supplier_id: 'gone-v', date: '2026-11-02', lines: [{ description: 'Ink', amount: 12, category_id: 'office' }], totals: { total: 12 } } })).json()) as Document;
    await c.push();
    expect(await c.get(bill.id)).toMatchObject({ status: 'pushed' });
  });

  test('when QuickBooks won\'t reactivate our deleted vendor (its name was taken since), the revision links or creates once and bills follow it', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const name = `WB Retaken Vendor ${c.id}`;
    const v1 = { kind: 'vendor', host_id: 'retaken-v', version: 1, data: { name } };
    const doc = (await (await c.submit(v1)).json()) as Document;
    await c.push();
    const ours = await quickbooks(c.id, 'Vendor', (await c.get(doc.id)).quickbooks_id!);
    await (await api(c.id)).post('vendor', { Id: ours.Id, SyncToken: ours.SyncToken, sparse: true, Active: false });
    // Someone makes a vendor of that name in QuickBooks: ours can't take its name back.
    const taken = (await (await api(c.id)).post<Record<string, any>>('vendor', { DisplayName: name }))['Vendor'];
    expect((await c.submit({ ...v1, version: 2, data: { name, city: 'Hull' } })).status).toBe(200);
    await c.push();
    expect(await c.get(doc.id)).toMatchObject({ status: 'pushed', quickbooks_id: String(taken.Id) });
    expect(await pushedHow(c.id, doc.id)).toEqual(['created', 'linked_existing']);
    const bill = (await (await c.submit({ kind: 'bill', host_id: 'retaken-bill', version: 1, data: { supplier_id: 'retaken-v', date: '2026-11-02', lines: [{ description: 'Ink', amount: 12, category_id: 'office' }], totals: { total: 12 } } })).json()) as Document;
    await c.push();
    const pushedBill = await c.get(bill.id);
    expect(pushedBill.status).toBe('pushed');
    expect((await quickbooks(c.id, 'Bill', pushedBill.quickbooks_id!)).VendorRef.value).toBe(String(taken.Id));
  });
});
