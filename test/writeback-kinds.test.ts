import { describe, expect, test } from 'vitest';
import { qboApiFor } from '../bff/connections/provider.ts';
import type { ConnectionRow } from '../bff/connections/store.ts';
import { jobHistory } from '../bff/jobs/queue.ts';
import { runDueJobs } from '../bff/jobs/run-job.ts';
import { documentPushJob } from '../bff/writeback/job.ts';
import { tableResolver, type MappingTables } from '../bff/writeback/mapping-lookup.ts';
import { DOCUMENT_PUSH_JOB } from '../bff/writeback/store.ts';
import type { Document } from '../shared/api/documents.ts';
import { testApp } from './support/app.ts';
import { raceTest } from './support/database.ts';
import { claimDocument, pushDueDocuments, pushEnvFor } from '../bff/writeback/job.ts';
import { pushDocument } from '../bff/writeback/push.ts';
import { getSettings } from '../bff/organizations/store.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { syncOnce } from './support/sync.ts';
import { sampleDocument, writebackCompany } from './support/writeback.ts';

const sandbox = await startSandbox();
const mappings = new Map<string, MappingTables>();
const t = testApp({ ...sandboxDeps(sandbox.url), writebackMappings: tableResolver((id) => mappings.get(id)) });

async function quickbooks(connectionId: string, type: string, id: string): Promise<Record<string, any> | null> {
  const [row] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${connectionId}`;
  try {
    return (await qboApiFor(t.deps, row!).get<Record<string, any>>(`${type.toLowerCase()}/${id}`))[type];
  } catch {
    return null;
  }
}

async function eventsOf(connectionId: string, type: string) {
  return t.deps.sql<{ data: Record<string, any> }[]>`select data from events where connection_id = ${connectionId} and type = ${type} order by created_at`;
}

describe('write-back: the outbox API', () => {
  test('Idempotency-Key: the same key and body answer the same forever; another body with the key is 409; bad input is a 400 naming the field', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const body = sampleDocument('invoice', 1, 'idem');
    const first = await c.submit(body, 'key-1');
    expect(first.status).toBe(201);
    const firstBody = (await first.json()) as Document;
    await c.push();
    const again = await c.submit(body, 'key-1');
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(firstBody);
    const other = await c.submit({ ...body, version: 2 }, 'key-1');
    expect(other.status).toBe(409);
    expect(((await other.json()) as any).error.message).toMatch(/Idempotency-Key/);
    // A key is per connection: the same key and body for another company of the tenant is that company's request.
    const elsewhere = await writebackCompany(t, sandbox, mappings, { tenant: c.tenant });
    const there = await elsewhere.submit(body, 'key-1');
    expect(there.status).toBe(201);
    expect(((await there.json()) as Document).connection_id).toBe(elsewhere.id);
    expect(((await (await elsewhere.submit(body, 'key-1')).json()) as Document).connection_id).toBe(elsewhere.id);
    const bad = await c.submit({ ...body, host_id: 'inv-bad', data: { ...body.data, lines: [{ amount: 'ten' }] } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.message).toMatch(/data\.lines\.0\.amount/);
    const badKind = await c.submit({ ...body, kind: 'receipt' });
    expect(badKind.status).toBe(400);
    expect(((await badKind.json()) as any).error.message).toMatch(/kind/);
    const list = await t.request(`/v1/connections/${c.id}/documents?status=pushed`, { token: c.tenant.secretKey });
    expect(((await list.json()) as any).data.map((doc: Document) => doc.id)).toEqual([firstBody.id]);
    const badFilter = await t.request(`/v1/connections/${c.id}/documents?status=done`, { token: c.tenant.secretKey });
    expect(badFilter.status).toBe(400);
    const second = (await (await c.submit(sampleDocument('bill', 2, 'idem'))).json()) as Document;
    const page = (await (await t.request(`/v1/connections/${c.id}/documents?limit=1`, { token: c.tenant.secretKey })).json()) as any;
    expect(page.data.map((doc: Document) => doc.id)).toEqual([second.id]);
    const rest = (await (await t.request(`/v1/connections/${c.id}/documents?limit=1&cursor=${page.next_cursor}`, { token: c.tenant.secretKey })).json()) as any;
    expect([rest.data.map((doc: Document) => doc.id), rest.next_cursor]).toEqual([[firstBody.id], null]);
    expect((await t.request(`/v1/connections/${c.id}/documents?cursor=${Buffer.from('abc').toString('base64url')}`, { token: c.tenant.secretKey })).status).toBe(400);
  });

  test('a read-only organization cannot push: submits and push-now are refused, and queued documents are not sent', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const queued = (await (await c.submit(sampleDocument('bill', 1, 'ro'))).json()) as Document;
    expect((await c.settings({ read_only: true })).status).toBe(200);
    const refused = await c.submit(sampleDocument('bill', 2, 'ro'));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.message).toMatch(/read-only/);
    expect((await t.request(`/v1/connections/${c.id}/documents/push`, { method: 'POST', token: c.tenant.secretKey })).status).toBe(403);
    expect(await c.push()).toMatchObject({ pushed: 0, skipped: 'organization is read-only' });
    expect((await c.get(queued.id)).status).toBe('queued');
  });

  test('an unmapped tax rate is needs_mapping naming the rate; nothing is sent; mapping it and "push now" pushes it', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const body = sampleDocument('bill', 1, 'tax');
    (body.data.lines as any[])[0].tax_rate_id = 'vat-5-unmapped';
    const doc = (await (await c.submit(body)).json()) as Document;
    // The company's row in <client-sync-status> counts it without opening details: waiting, then needing attention.
    const session = await t.session(c.tenant, c.org, { id: 'ada', role: 'admin' });
    const rowCounts = async () =>
      ((await (await t.request('/v1/widget/sync-status', { token: session, headers: { origin: c.tenant.origin } })).json()) as { data: { sync: { documents: unknown } }[] }).data[0]!.sync.documents;
    expect(await rowCounts()).toEqual({ waiting: 1, attention: 0 });
    const before = (await sandbox.control('GET', `/qbo/companies/${c.realm}/stats`)).requests_admitted;
    await c.push();
    const waiting = await c.get(doc.id);
    expect(waiting.status).toBe('needs_mapping');
    expect(await rowCounts()).toEqual({ waiting: 0, attention: 1 });
    expect(waiting.missing).toEqual([expect.objectContaining({ what: 'tax_rate', host_id: 'vat-5-unmapped', use: 'purchase' })]);
    expect(waiting.missing![0]!.message).toContain('vat-5-unmapped');
    expect((await sandbox.control('GET', `/qbo/companies/${c.realm}/stats`)).requests_admitted).toBe(before);
    expect((await eventsOf(c.id, 'document.needs_mapping')).map((event) => event.data.missing[0].host_id)).toEqual(['vat-5-unmapped']);
    c.tables.taxCodes!.purchase!['vat-5-unmapped'] = c.refs.purchaseTaxCode;
    expect((await t.request(`/v1/connections/${c.id}/documents/${doc.id}/push`, { method: 'POST', token: c.tenant.secretKey })).status).toBe(202);
    await c.push();
    const pushed = await c.get(doc.id);
    expect(pushed.status).toMatch(/^pushed/);
    expect(await rowCounts()).toEqual({ waiting: 0, attention: 0 });
    const bill = await quickbooks(c.id, 'Bill', pushed.quickbooks_id!);
    expect(bill!.Line[0].AccountBasedExpenseLineDetail.TaxCodeRef.value).toBe(c.refs.purchaseTaxCode.value);
  });

  test('an unlinked customer and an unmapped staff member are named; a customer document pushed first links and releases them', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const time = sampleDocument('time_activity', 1, 'map');
    Object.assign(time.data, { staff_id: 'staff-new', customer_id: 'client-new' });
    const doc = (await (await c.submit(time)).json()) as Document;
    await c.push();
    const waiting = await c.get(doc.id);
    expect(waiting.status).toBe('needs_mapping');
    expect(waiting.missing!.map((entry) => `${entry.what}:${entry.host_id}`).sort()).toEqual(['customer:client-new', 'staff:staff-new']);
    c.tables.employees!['staff-new'] = c.refs.employee;
    await c.submit({ kind: 'customer', host_id: 'client-new', version: 1, data: { name: `WB New Client ${doc.id}` } });
    await c.push();
    const pushed = await c.get(doc.id);
    expect(pushed.status).toBe('pushed');
    const activity = await quickbooks(c.id, 'TimeActivity', pushed.quickbooks_id!);
    expect(activity).toMatchObject({ NameOf: 'Employee', EmployeeRef: { value: c.refs.employee.value }, Hours: 2, Minutes: 15, BillableStatus: 'NotBillable' });
    const [link] = await t.deps.sql`select provider_id from party_links where connection_id = ${c.id} and kind = 'customers' and host_id = 'client-new' and removed_at is null`;
    expect(activity!.CustomerRef.value).toBe(link!.provider_id);
  });

  test('a customer whose name QuickBooks already has is linked, not created twice; one linked to another of your records is refused', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const [free] = await t.deps.sql<{ external_id: string; data: Record<string, any> }[]>`
      select external_id, data from records r where connection_id = ${c.id} and type = 'Customer' and deleted_at is null and coalesce(active, true) and not coalesce((data->>'Job')::boolean, false)
        and not exists (select 1 from party_links l where l.connection_id = r.connection_id and l.kind = 'customers' and l.provider_id = r.external_id)
      order by external_id::int limit 1`;
    const doc = (await (await c.submit({ kind: 'customer', host_id: 'dup-1', version: 1, data: { name: free!.data.DisplayName } })).json()) as Document;
    const linked = await quickbooks(c.id, 'Customer', c.refs.customers[0]!);
    const taken = (await (await c.submit({ kind: 'customer', host_id: 'dup-2', version: 1, data: { name: linked!.DisplayName } })).json()) as Document;
    const before = (await sandbox.control('GET', `/qbo/companies/${c.realm}/stats`)).entity_counts.Customer;
    await c.push();
    expect(await c.get(doc.id)).toMatchObject({ status: 'pushed', quickbooks_id: free!.external_id });
    expect((await eventsOf(c.id, 'document.pushed')).at(-1)!.data.how).toBe('linked_existing');
    const [link] = await t.deps.sql`select provider_id, method from party_links where connection_id = ${c.id} and kind = 'customers' and host_id = 'dup-1' and removed_at is null`;
    expect(link).toMatchObject({ provider_id: free!.external_id, method: 'confirmed' });
    const refused = await c.get(taken.id);
    expect(refused.status).toBe('rejected');
    expect(refused.fault!.message).toContain('linked to your record cust-0');
    expect((await sandbox.control('GET', `/qbo/companies/${c.realm}/stats`)).entity_counts.Customer).toBe(before);
  });
  test('an impossible calendar date (2026-02-30) is a 400 naming the field; nothing is stored', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const body = sampleDocument('bill', 1, 'day');
    const bad = await c.submit({ ...body, data: { ...body.data, date: '2026-02-30' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.message).toMatch(/data\.date/);
    const badDue = await c.submit({ ...body, data: { ...body.data, due_date: '2026-13-01' } });
    expect(badDue.status).toBe(400);
    expect(((await badDue.json()) as any).error.message).toMatch(/data\.due_date/);
    const badTime = sampleDocument('time_activity', 1, 'day');
    const refused = await c.submit({ ...badTime, data: { ...badTime.data, date: '2025-02-29' } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).error.message).toMatch(/data\.date/);
    const list = (await (await t.request(`/v1/connections/${c.id}/documents`, { token: c.tenant.secretKey })).json()) as any;
    expect(list.data).toEqual([]);
    expect((await c.submit({ ...body, data: { ...body.data, date: '2028-02-29' } })).status).toBe(201);
  });
});

describe('write-back: revisions, cancellations, deletions', () => {
  test('a revision after a concurrent edit in QuickBooks (5010) is re-read once and applied', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const body = sampleDocument('bill', 1, 'rev');
    const doc = (await (await c.submit(body)).json()) as Document;
    await c.push();
    const first = await c.get(doc.id);
    // The concurrent edit is to a field the host's bill does not have (a revision replaces only ours), so it stays.
    await sandbox.control('POST', `/qbo/companies/${c.realm}/entities/bill/${first.quickbooks_id}`, { changes: { VendorAddr: { Line1: 'PO Box 7' } } });
    const revised = { ...body, version: 2, data: { ...body.data, lines: [{ description: 'Revised', amount: 75, category_id: 'office' }], totals: { total: 75 } } };
    expect((await c.submit(revised)).status).toBe(200);
    await c.push();
    const after = await c.get(doc.id);
    expect(after).toMatchObject({ status: 'pushed', pushed_version: 2, quickbooks_id: first.quickbooks_id });
    const bill = await quickbooks(c.id, 'Bill', first.quickbooks_id!);
    expect(bill).toMatchObject({ TotalAmt: 75, VendorAddr: { Line1: 'PO Box 7' } });
    expect(bill!.PrivateNote).toContain(`[ledgerlink ${doc.id} v2]`);
  });

  test('a remote delete followed by a revision re-creates the record once and records the new id', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const body = sampleDocument('purchase_order', 1, 'del');
    const doc = (await (await c.submit(body)).json()) as Document;
    await c.push();
    const first = await c.get(doc.id);
    await sandbox.control('DELETE', `/qbo/companies/${c.realm}/entities/purchaseorder/${first.quickbooks_id}`);
    expect((await c.submit({ ...body, version: 2, data: { ...body.data, memo: 'second' } })).status).toBe(200);
    await c.push();
    const after = await c.get(doc.id);
    expect(after.status).toBe('pushed');
    expect(after.quickbooks_id).not.toBe(first.quickbooks_id);
    expect(await quickbooks(c.id, 'PurchaseOrder', after.quickbooks_id!)).toMatchObject({ PrivateNote: `second\n[ledgerlink ${doc.id} v2]` });
    const [row] = await t.deps.sql<{ generation: number }[]>`select generation from documents where id = ${doc.id}`;
    expect(row!.generation).toBe(1);
    // Pushing again (or a retry) changes nothing more.
    await t.request(`/v1/connections/${c.id}/documents/push`, { method: 'POST', token: c.tenant.secretKey });
    await c.push();
    expect((await c.get(doc.id)).quickbooks_id).toBe(after.quickbooks_id);
  });

  test('cancellations: an invoice is voided, a bill deleted, a vendor made inactive, an unsent document withdrawn', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const invoice = (await (await c.submit(sampleDocument('invoice', 1, 'cx'))).json()) as Document;
    const bill = (await (await c.submit(sampleDocument('bill', 1, 'cx'))).json()) as Document;
    const vendor = (await (await c.submit(sampleDocument('vendor', 1, `cx-${invoice.id}`))).json()) as Document;
    await c.push();
    const pushedInvoice = await c.get(invoice.id);
    const pushedBill = await c.get(bill.id);
    const pushedVendor = await c.get(vendor.id);
    for (const doc of [invoice, bill, vendor]) expect((await t.request(`/v1/connections/${c.id}/documents/${doc.id}/cancel`, { method: 'POST', token: c.tenant.secretKey })).status).toBe(202);
    await c.push();
    expect((await c.get(invoice.id)).status).toBe('cancelled');
    expect(await quickbooks(c.id, 'Invoice', pushedInvoice.quickbooks_id!)).toMatchObject({ TotalAmt: 0 });
    expect(await quickbooks(c.id, 'Bill', pushedBill.quickbooks_id!)).toBeNull();
    expect(await quickbooks(c.id, 'Vendor', pushedVendor.quickbooks_id!)).toMatchObject({ Active: false });
    const actions = (await eventsOf(c.id, 'document.cancelled')).map((event) => `${event.data.kind}:${event.data.action}`).sort();
    expect(actions).toEqual(['bill:deleted', 'invoice:voided', 'vendor:deactivated']);
    // Never sent: withdrawn at once, no job needed.
    await c.settings({ writeback_schedule: 'hourly' });
    const later = (await (await c.submit(sampleDocument('bill', 2, 'cx'))).json()) as Document;
    const withdrawn = await t.request(`/v1/connections/${c.id}/documents/${later.id}/cancel`, { method: 'POST', token: c.tenant.secretKey });
    expect(((await withdrawn.json()) as Document).status).toBe('cancelled');
  });

  test('cancelling a customer or vendor that was linked to a same-name QuickBooks record only removes our link; it is never made inactive', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const [free] = await t.deps.sql<{ external_id: string; data: Record<string, any> }[]>`
      select external_id, data from records r where connection_id = ${c.id} and type = 'Vendor' and deleted_at is null and coalesce(active, true)
        and not exists (select 1 from party_links l where l.connection_id = r.connection_id and l.kind = 'suppliers' and l.provider_id = r.external_id)
      order by external_id::int limit 1`;
    const doc = (await (await c.submit({ kind: 'vendor', host_id: 'theirs-1', version: 1, data: { name: free!.data.DisplayName } })).json()) as Document;
    await c.push();
    expect(await c.get(doc.id)).toMatchObject({ status: 'pushed', quickbooks_id: free!.external_id });
    expect((await t.request(`/v1/connections/${c.id}/documents/${doc.id}/cancel`, { method: 'POST', token: c.tenant.secretKey })).status).toBe(202);
    await c.push();
    expect((await c.get(doc.id)).status).toBe('cancelled');
    expect(await quickbooks(c.id, 'Vendor', free!.external_id)).toMatchObject({ Active: true });
    const [event] = (await eventsOf(c.id, 'document.cancelled')).filter((e) => e.data.document_id === doc.id);
    expect(event!.data.action).toBe('unlinked');
    expect(event!.data.message).toMatch(/link/);
    const links = await t.deps.sql`select 1 from party_links where connection_id = ${c.id} and kind = 'suppliers' and host_id = 'theirs-1' and removed_at is null`;
    expect(links.length).toBe(0);
  });

  test('a revision or a cancel that arrives while a push is in progress is applied after it; push now queues a pushed document that is behind', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const body = sampleDocument('bill', 1, 'inflight');
    const doc = (await (await c.submit(body)).json()) as Document;
    const [connection] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${c.id}`;
    const settings = await getSettings(t.deps.sql, connection!.tenant_id, connection!.organization_id);
    const inFlight = async (id: string, meanwhile: () => Promise<unknown>) => {
      const env = await pushEnvFor(t.deps, connection!, settings, 'worker-inflight');
      const claimed = await claimDocument(t.deps.sql, c.id, 'worker-inflight', t.deps.now(), id);
      expect(claimed!.status).toBe('pushing');
      await meanwhile();
      return pushDocument(env, claimed!);
    };
    // A revision while version 1 is being created.
    await inFlight(doc.id, async () => expect((await c.submit({ ...body, version: 2, data: { ...body.data, memo: 'second' } })).status).toBe(200));
    const between = await c.get(doc.id);
    expect(between).toMatchObject({ status: 'queued', version: 2, pushed_version: 1 });
    await c.push();
    const after = await c.get(doc.id);
    expect(after).toMatchObject({ status: 'pushed', version: 2, pushed_version: 2 });
    expect((await quickbooks(c.id, 'Bill', after.quickbooks_id!))!.PrivateNote).toBe(`second\n[ledgerlink ${doc.id} v2]`);
    // A cancel while it is being created.
    const other = (await (await c.submit(sampleDocument('bill', 2, 'inflight'))).json()) as Document;
    await inFlight(other.id, async () => expect((await t.request(`/v1/connections/${c.id}/documents/${other.id}/cancel`, { method: 'POST', token: c.tenant.secretKey })).status).toBe(202));
    await c.push();
    const cancelled = await c.get(other.id);
    expect(cancelled.status).toBe('cancelled');
    expect(await quickbooks(c.id, 'Bill', cancelled.quickbooks_id!)).toBeNull();
    // A document left pushed but behind (as the old code left it): push now makes it due and it is applied.
    const stale = (await (await c.submit(sampleDocument('bill', 3, 'inflight'))).json()) as Document;
    await c.push();
    await t.deps.sql`update documents set version = 2, data = ${t.deps.sql.json({ ...sampleDocument('bill', 3, 'inflight').data, memo: 'late' } as never)} where id = ${stale.id}`;
    expect((await t.request(`/v1/connections/${c.id}/documents/${stale.id}/push`, { method: 'POST', token: c.tenant.secretKey })).status).toBe(202);
    await c.push();
    const caught = await c.get(stale.id);
    expect(caught).toMatchObject({ status: 'pushed', pushed_version: 2 });
    expect((await quickbooks(c.id, 'Bill', caught.quickbooks_id!))!.PrivateNote).toBe(`late\n[ledgerlink ${stale.id} v2]`);
  });

  test('a revision or a cancel while a create is uncertain (answer lost, then 5xx) finds the record the earlier version made: no second record', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const [connection] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${c.id}`;
    const settings = await getSettings(t.deps.sql, connection!.tenant_id, connection!.organization_id);
    /** Pushes one document once: its create is committed but the answer lost, and the search after it fails with a 503. */
    const uncertain = async (id: string) => {
      await sandbox.control('POST', `/qbo/companies/${c.realm}/faults`, { kinds: ['lost', '503'] });
      const env = await pushEnvFor(t.deps, connection!, settings, 'worker-uncertain');
      const claimed = await claimDocument(t.deps.sql, c.id, 'worker-uncertain', t.deps.now(), id);
      await pushDocument(env, claimed!);
      expect(await c.get(id)).toMatchObject({ status: 'failed_retrying', quickbooks_id: null });
    };
    const marked = async (type: string, id: string) => {
      const page = await qboApiFor(t.deps, connection!).query<Record<string, any>>(`SELECT * FROM ${type} STARTPOSITION 1 MAXRESULTS 1000`);
      return ((page[type] as Record<string, any>[]) ?? []).filter((entity) => String(entity.PrivateNote ?? '').includes(`[ledgerlink ${id} `));
    };
    const body = sampleDocument('bill', 1, 'doubt');
    const doc = (await (await c.submit(body)).json()) as Document;
    await uncertain(doc.id);
    expect(await marked('Bill', doc.id)).toHaveLength(1);
    const revised = { ...body, version: 2, data: { ...body.data, date: '2026-11-20', doc_number: 'DOUBT-2', memo: 'second' } };
    expect((await c.submit(revised)).status).toBe(200);
    await t.request(`/v1/connections/${c.id}/documents/${doc.id}/push`, { method: 'POST', token: c.tenant.secretKey });
    await c.push();
    const after = await c.get(doc.id);
    expect(after).toMatchObject({ status: 'pushed', pushed_version: 2 });
    const bills = await marked('Bill', doc.id);
    expect(bills.map((bill) => bill.Id)).toEqual([after.quickbooks_id]);
    expect(bills[0]).toMatchObject({ TxnDate: '2026-11-20', DocNumber: 'DOUBT-2', PrivateNote: `second\n[ledgerlink ${doc.id} v2]` });
    // A cancel of a revised document whose create is in doubt deletes the record rather than reporting it withdrawn.
    const other = sampleDocument('bill', 2, 'doubt');
    const second = (await (await c.submit(other)).json()) as Document;
    await uncertain(second.id);
    expect((await c.submit({ ...other, version: 2, data: { ...other.data, date: '2026-11-21' } })).status).toBe(200);
    expect((await t.request(`/v1/connections/${c.id}/documents/${second.id}/cancel`, { method: 'POST', token: c.tenant.secretKey })).status).toBe(202);
    await c.push();
    expect((await c.get(second.id)).status).toBe('cancelled');
    expect(await marked('Bill', second.id)).toEqual([]);
    const [event] = (await eventsOf(c.id, 'document.cancelled')).filter((e) => e.data.document_id === second.id);
    expect(event!.data.action).toBe('deleted');
  });

  test('pushed invoices are read-only unless the organization allows revisions', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const body = sampleDocument('invoice', 1, 'rd');
    await c.submit(body);
    await c.push();
    const refused = await c.submit({ ...body, version: 2 });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as any).error.message).toMatch(/does not allow revisions/);
    await c.settings({ allow_invoice_revisions: true });
    expect((await c.submit({ ...body, version: 2, data: { ...body.data, memo: 'revised' } })).status).toBe(200);
    await c.push();
    const [doc] = ((await (await t.request(`/v1/connections/${c.id}/documents?kind=invoice`, { token: c.tenant.secretKey })).json()) as any).data as Document[];
    expect(doc).toMatchObject({ status: 'pushed', pushed_version: 2 });
  });

  test('a total QuickBooks computes differently is pushed_with_variance with both amounts', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const body = sampleDocument('invoice', 1, 'var');
    Object.assign(body.data, { lines: [{ quantity: 2, unit_price: 50, amount: 100, category_id: 'consulting', tax_rate_id: 'vat-20' }], totals: { total: 100, tax: 0 } });
    const doc = (await (await c.submit(body)).json()) as Document;
    await c.push();
    const pushed = await c.get(doc.id);
    expect(pushed.status).toBe('pushed_with_variance');
    expect(pushed.variance).toMatchObject({ host_total: 100, host_tax: 0 });
    expect(pushed.variance!.quickbooks_total).toBeGreaterThan(100);
  });

  test('a permanent fault is rejected with the exact QuickBooks fault and words to act on; the job queue runs pushes', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const body = sampleDocument('invoice', 1, 'bad');
    const mismatched = { ...body.data, lines: [{ quantity: 3, unit_price: 10, amount: 31, category_id: 'consulting' }], totals: { total: 31 } };
    // A line QuickBooks would refuse (6070) is refused at submit, naming our field...
    const refused = await c.submit({ ...body, data: mismatched });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).error.message).toMatch(/data\.lines\.0\.amount.*quantity × unit price/);
    // ...so QuickBooks' own refusal is seen with one stored before that check.
    const doc = (await (await c.submit(body)).json()) as Document;
    await t.deps.sql`update documents set data = ${t.deps.sql.json(mismatched as never)} where id = ${doc.id}`;
    const [job] = await jobHistory(t.deps.sql, DOCUMENT_PUSH_JOB, c.id);
    await runDueJobs(t.deps, [documentPushJob], { ids: [job!.id] });
    const rejected = await c.get(doc.id);
    expect(rejected.status).toBe('rejected');
    expect(rejected.fault).toMatchObject({ quickbooks_code: '6070', action: 'fix_record' });
    expect(rejected.fault!.message).toMatch(/QuickBooks refused the invoice/);
    expect((await eventsOf(c.id, 'document.rejected')).length).toBe(1);
  });

  test('payments made in QuickBooks against a pushed invoice are imported by sync and reported (document.paid) when the organization imports payments', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const doc = (await (await c.submit(sampleDocument('invoice', 1, 'paid'))).json()) as Document;
    await c.push();
    const invoice = await c.get(doc.id);
    const [row] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${c.id}`;
    const pay = (amount: number) =>
      qboApiFor(t.deps, row!).post('payment', { CustomerRef: { value: c.refs.customers[1]! }, TotalAmt: amount, TxnDate: '2026-11-20', Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoice.quickbooks_id, TxnType: 'Invoice' }] }] });
    await pay(40);
    await syncOnce(t, c.id);
    expect((await c.get(doc.id)).payments).toBeNull();
    await c.settings({ import_payments: true });
    await pay(10);
    await syncOnce(t, c.id);
    expect((await c.get(doc.id)).payments).toMatchObject({ paid: 50, balance: 50, full: false, payments: [{ amount: 40 }, { amount: 10, date: '2026-11-20' }] });
    await pay(50);
    await syncOnce(t, c.id);
    expect((await c.get(doc.id)).payments).toMatchObject({ paid: 100, balance: 0, full: true });
    expect((await eventsOf(c.id, 'document.paid')).map((event) => event.data.payments.paid)).toEqual([50, 100]);
  }, 180_000);

  raceTest('two replicas pushing one connection at once claim each document once (SKIP LOCKED): one record per document', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const docs = await Promise.all(Array.from({ length: 40 }, (_, n) => c.submit(sampleDocument(n % 2 ? 'bill' : 'invoice', n, 'race')).then(async (response) => ((await response.json()) as Document).id)));
    await Promise.all([pushDueDocuments(t.deps, c.id, 'replica-a'), pushDueDocuments(t.deps, c.id, 'replica-b')]);
    const rows = await t.deps.sql<{ status: string; provider_id: string }[]>`select status, provider_id from documents where id in ${t.deps.sql(docs)}`;
    expect(rows.every((row) => row.status === 'pushed')).toBe(true);
    expect(new Set(rows.map((row) => row.provider_id)).size).toBe(40);
    const pushedEvents = await t.deps.sql`select data->>'document_id' as id from events where connection_id = ${c.id} and type = 'document.pushed'`;
    expect(pushedEvents.length).toBe(40);
  }, 120_000);
});
