// What QuickBooks ends up holding matches the host's document: revisions replace what the host removed, time entries
// carry no marker a person sees, names QuickBooks would refuse are held naming the field, a refused void says why,
// and a reconnect resumes what the outage held back.
import { describe, expect, test } from 'vitest';
import { qboApiFor } from '../bff/connections/provider.ts';
import type { ConnectionRow } from '../bff/connections/store.ts';
import { getSettings } from '../bff/organizations/store.ts';
import { claimDocument, pushEnvFor } from '../bff/writeback/job.ts';
import { tableResolver, type MappingTables } from '../bff/writeback/mapping-lookup.ts';
import { pushDocument } from '../bff/writeback/push.ts';
import type { Document } from '../shared/api/documents.ts';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { sampleDocument, writebackCompany } from './support/writeback.ts';

const sandbox = await startSandbox();
const mappings = new Map<string, MappingTables>();
const t = testApp({ ...sandboxDeps(sandbox.url), writebackMappings: tableResolver((id) => mappings.get(id)) });

async function api(connectionId: string) {
  const [row] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${connectionId}`;
  return qboApiFor(t.deps, row!);
}

/** One push attempt of one document, as a worker makes it (no waiting for its retry). */
async function pushOnce(connectionId: string, documentId: string) {
  const [connection] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${connectionId}`;
  const settings = await getSettings(t.deps.sql, connection!.tenant_id, connection!.organization_id);
  const env = await pushEnvFor(t.deps, connection!, settings, 'worker-once');
  const claimed = await claimDocument(t.deps.sql, connectionId, 'worker-once', t.deps.now(), documentId);
  return pushDocument(env, claimed!);
}

async function quickbooks(connectionId: string, type: string, id: string): Promise<Record<string, any> | null> {
  try {
    return (await (await api(connectionId)).get<Record<string, any>>(`${type.toLowerCase()}/${id}`))[type];
  } catch {
    return null;
  }
}

describe('write-back: a reconnect resumes', () => {
  test('documents held by an AuthenticationFault are pushed after the company is reconnected, without "push now"', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const doc = (await (await c.submit(sampleDocument('bill', 1, 'reauth'))).json()) as Document;
    await sandbox.control('POST', `/qbo/companies/${c.realm}/disconnect`);
    await c.push();
    const held = await c.get(doc.id);
    expect(held).toMatchObject({ status: 'failed_retrying', quickbooks_id: null });
    expect(held.fault).toMatchObject({ category: 'needs_reconnect', action: 'reconnect' });
    const queuedMeanwhile = (await (await c.submit(sampleDocument('invoice', 2, 'reauth'))).json()) as Document;

    const again = await connectThroughPopup(t, sandbox, c.tenant, c.org, c.realm, { connectionId: c.id });
    expect(again.result).toMatchObject({ outcome: 'connected', connection: { id: c.id, status: 'connected' } });
    expect(await c.get(doc.id)).toMatchObject({ status: 'queued', fault: null });
    const [job] = await t.deps.sql<{ due_at: Date }[]>`select due_at from jobs where kind = 'document-push' and dedupe_key = ${c.id} and status = 'queued'`;
    expect(job!.due_at.getTime()).toBeLessThanOrEqual(Date.now());
    await c.push();
    const pushed = await c.get(doc.id);
    expect(pushed.status).toBe('pushed');
    expect(await quickbooks(c.id, 'Bill', pushed.quickbooks_id!)).toMatchObject({ Id: pushed.quickbooks_id });
    expect((await c.get(queuedMeanwhile.id)).status).toBe('pushed');
  });
});

describe('write-back: a cancellation QuickBooks refuses', () => {
  test('an invoice with a payment applied is not voided: the document says so and what to do; once the payment is gone, the retry voids it', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const doc = (await (await c.submit(sampleDocument('invoice', 1, 'paidvoid'))).json()) as Document;
    await c.push();
    const pushed = await c.get(doc.id);
    const qbo = await api(c.id);
    const { Payment } = await qbo.post<{ Payment: Record<string, any> }>('payment', {
      CustomerRef: { value: c.refs.customers[1]! },
      TotalAmt: 40,
      TxnDate: '2026-11-20',
      Line: [{ Amount: 40, LinkedTxn: [{ TxnId: pushed.quickbooks_id, TxnType: 'Invoice' }] }],
    });
    expect((await t.request(`/v1/connections/${c.id}/documents/${doc.id}/cancel`, { method: 'POST', token: c.tenant.secretKey })).status).toBe(202);
    await c.push();
    const refused = await c.get(doc.id);
    expect(refused.status).toBe('rejected');
    expect(refused.fault).toMatchObject({ action: 'fix_record', quickbooks_code: '6000' });
    expect(refused.fault!.message).toContain(`payments are applied to it (payment ${Payment.Id} of 40.00)`);
    expect(refused.fault!.message).toMatch(/Delete those payments in QuickBooks.*then retry the cancellation/);
    expect(await quickbooks(c.id, 'Invoice', pushed.quickbooks_id!)).toMatchObject({ TotalAmt: 100, Balance: 60 });
    const [event] = await t.deps.sql<{ data: Record<string, any> }[]>`
      select data from events where connection_id = ${c.id} and type = 'document.rejected' and data->>'document_id' = ${doc.id}`;
    expect(event!.data).toMatchObject({ operation: 'cancel', fault: { message: refused.fault!.message } });

    await qbo.post('payment', { Id: Payment.Id, SyncToken: Payment.SyncToken }, { operation: 'delete' });
    expect((await t.request(`/v1/connections/${c.id}/documents/${doc.id}/push`, { method: 'POST', token: c.tenant.secretKey })).status).toBe(202);
    await c.push();
    const retried = await c.get(doc.id);
    expect([retried.status, retried.fault]).toEqual(['cancelled', null]);
    expect(await quickbooks(c.id, 'Invoice', pushed.quickbooks_id!)).toMatchObject({ TotalAmt: 0 });
  });
});

describe('write-back: a revision makes QuickBooks equal the new version', () => {
  test('a bill revised without its memo, due date and third line has none of them in QuickBooks; a field QuickBooks keeps that we never write stays', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const line = (n: number) => ({ description: `Paper ${n}`, amount: 10 * n, category_id: 'office' });
    const v1 = { kind: 'bill', host_id: 'bill-rev-full', version: 1, data: { supplier_id: 'supp-0', date: '2026-11-03', due_date: '2026-12-03', memo: 'Deliver to dock 4', lines: [line(1), line(2), line(3)], totals: { total: 60 } } };
    const doc = (await (await c.submit(v1)).json()) as Document;
    await c.push();
    const first = await c.get(doc.id);
    expect(await quickbooks(c.id, 'Bill', first.quickbooks_id!)).toMatchObject({ DueDate: '2026-12-03', TotalAmt: 60, PrivateNote: `Deliver to dock 4\n[ledgerlink ${doc.id} v1]` });
    // A bookkeeper adds the vendor's remittance address in QuickBooks: not a field the host's bill has.
    await sandbox.control('POST', `/qbo/companies/${c.realm}/entities/bill/${first.quickbooks_id}`, { changes: { VendorAddr: { Line1: 'PO Box 12' } } });
    const { due_date: _due, memo: _memo, ...rest } = v1.data;
    expect((await c.submit({ ...v1, version: 2, data: { ...rest, lines: [line(1), line(2)], totals: { total: 30 } } })).status).toBe(200);
    await c.push();
    expect(await c.get(doc.id)).toMatchObject({ status: 'pushed', pushed_version: 2, quickbooks_id: first.quickbooks_id });
    const bill = (await quickbooks(c.id, 'Bill', first.quickbooks_id!))!;
    expect(bill.PrivateNote).toBe(`[ledgerlink ${doc.id} v2]`);
    expect(bill.DueDate).toBeUndefined();
    expect((bill.Line as Record<string, any>[]).filter((each) => each.DetailType !== 'SubTotalLineDetail').map((each) => each.Description)).toEqual(['Paper 1', 'Paper 2']);
    expect(bill.TotalAmt).toBe(30);
    expect(bill.VendorAddr).toMatchObject({ Line1: 'PO Box 12' });
  });

  test('a vendor revised without its second address line and email loses both in QuickBooks; notes added there stay', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const name = `WB Revised Vendor ${c.id}`;
    const v1 = { kind: 'vendor', host_id: 'vendor-rev-full', version: 1, data: { name, email: 'ap@example.com', address_line1: '1 High St', address_line2: 'Unit 4', city: 'Leeds' } };
    const doc = (await (await c.submit(v1)).json()) as Document;
    await c.push();
    const first = await c.get(doc.id);
    await sandbox.control('POST', `/qbo/companies/${c.realm}/entities/vendor/${first.quickbooks_id}`, { changes: { Notes: 'Pays on the 15th' } });
    expect((await c.submit({ ...v1, version: 2, data: { name, address_line1: '1 High St', city: 'York' } })).status).toBe(200);
    await c.push();
    expect((await c.get(doc.id)).status).toBe('pushed');
    const vendor = (await quickbooks(c.id, 'Vendor', first.quickbooks_id!))!;
    expect(vendor.BillAddr).toMatchObject({ Line1: '1 High St', City: 'York' });
    expect(vendor.BillAddr.Line2).toBeUndefined();
    expect(vendor.PrimaryEmailAddr).toBeUndefined();
    expect(vendor.Notes).toBe('Pays on the 15th');
  });
});

describe('write-back: time entries carry no marker', () => {
  const timeEntries = async (connectionId: string, since: string) => {
    const page = await (await api(connectionId)).query<Record<string, any>>(`SELECT * FROM TimeActivity WHERE MetaData.CreateTime >= '${since}' STARTPOSITION 1 MAXRESULTS 1000`);
    return (page.TimeActivity as Record<string, any>[] | undefined) ?? [];
  };

  test('the Description is exactly the host\'s; after lost answers the entry is found by what it holds: one record per entry, identical entries each get their own', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const since = new Date(Date.now() - 60_000).toISOString();
    const entry = (n: number, extra: Record<string, unknown> = {}) => {
      const body = sampleDocument('time_activity', n, 'nomark');
      Object.assign(body.data, { description: 'Site visit', ...extra });
      return body;
    };
    const clean = (await (await c.submit(entry(1))).json()) as Document;
    await c.push();
    const pushed = await c.get(clean.id);
    expect((await quickbooks(c.id, 'TimeActivity', pushed.quickbooks_id!))!.Description).toBe('Site visit');

    // A create whose answer is lost after QuickBooks saved it, past the requestid window: adopted, not repeated.
    await sandbox.control('PUT', '/qbo/settings', { request_id_window_seconds: 0 });
    try {
      const lost = (await (await c.submit(entry(2))).json()) as Document;
      await sandbox.control('POST', `/qbo/companies/${c.realm}/faults`, { kinds: ['lost'] });
      await c.push();
      const adopted = await c.get(lost.id);
      expect(adopted.status).toBe('pushed');
      const held = (await quickbooks(c.id, 'TimeActivity', adopted.quickbooks_id!))!;
      expect(held.Description).toBe('Site visit');
      expect((await timeEntries(c.id, since)).filter((each) => each.TxnDate === held.TxnDate && each.Hours === held.Hours).map((each) => each.Id)).toEqual([adopted.quickbooks_id]);

      // Revised while its create is in doubt (answer lost, then the search fails): the record the first version
      // made is found by what that create sent, and updated; no second record.
      const doubt = entry(3);
      const doubted = (await (await c.submit(doubt)).json()) as Document;
      await sandbox.control('POST', `/qbo/companies/${c.realm}/faults`, { kinds: ['lost', '503'] });
      await pushOnce(c.id, doubted.id);
      expect(await c.get(doubted.id)).toMatchObject({ status: 'failed_retrying', quickbooks_id: null });
      expect((await c.submit({ ...doubt, version: 2, data: { ...doubt.data, hours: 7, description: 'Site visit and report' } })).status).toBe(200);
      await t.request(`/v1/connections/${c.id}/documents/${doubted.id}/push`, { method: 'POST', token: c.tenant.secretKey });
      await c.push();
      const revised = await c.get(doubted.id);
      expect(revised).toMatchObject({ status: 'pushed', pushed_version: 2 });
      const mine = (await timeEntries(c.id, since)).filter((each) => each.TxnDate === (doubt.data.date as string));
      expect(mine.map((each) => [each.Id, each.Hours, each.Description])).toEqual([[revised.quickbooks_id, 7, 'Site visit and report']]);

      // Two entries holding exactly the same, both answers lost: two records, one each.
      const twinA = (await (await c.submit({ ...entry(5), host_id: 'twin-a' })).json()) as Document;
      const twinB = (await (await c.submit({ ...entry(5), host_id: 'twin-b' })).json()) as Document;
      await sandbox.control('POST', `/qbo/companies/${c.realm}/faults`, { kinds: ['lost', 'lost'] });
      await c.push();
      const [a, b] = [await c.get(twinA.id), await c.get(twinB.id)];
      expect([a.status, b.status]).toEqual(['pushed', 'pushed']);
      expect(a.quickbooks_id).not.toBe(b.quickbooks_id);
      const twins = (await timeEntries(c.id, since)).filter((each) => each.TxnDate === (entry(5).data.date as string));
      expect(twins.map((each) => each.Id).sort()).toEqual([a.quickbooks_id, b.quickbooks_id].sort());
    } finally {
      await sandbox.control('PUT', '/qbo/settings', { request_id_window_seconds: 86_400, fault_rate: 0 });
    }
  });
});

describe('write-back: what QuickBooks would refuse is never sent', () => {
  test('a vendor name with a colon and a customer email QuickBooks can\'t read are rejected naming the field; nothing reaches QuickBooks; a new version goes', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const vendor = (await (await c.submit({ kind: 'vendor', host_id: 'colon-1', version: 1, data: { name: `Acme: Holdings ${c.id}` } })).json()) as Document;
    const customer = (await (await c.submit({ kind: 'customer', host_id: 'email-1', version: 1, data: { name: `Email Client ${c.id}`, email: 'accounts at example' } })).json()) as Document;
    const before = (await sandbox.control('GET', `/qbo/companies/${c.realm}/stats`)).requests_admitted;
    await c.push();
    const colon = await c.get(vendor.id);
    expect(colon).toMatchObject({ status: 'rejected', quickbooks_id: null, fault: { field: 'data.name', quickbooks_field: 'DisplayName', quickbooks_code: null, action: 'fix_record' } });
    expect(colon.fault!.message).toMatch(/data\.name: .*colon/);
    const email = await c.get(customer.id);
    expect(email).toMatchObject({ status: 'rejected', fault: { field: 'data.email', quickbooks_field: 'PrimaryEmailAddr.Address', quickbooks_code: null } });
    expect((await sandbox.control('GET', `/qbo/companies/${c.realm}/stats`)).requests_admitted).toBe(before);
    const events = await t.deps.sql<{ data: Record<string, any> }[]>`select data from events where connection_id = ${c.id} and type = 'document.rejected'`;
    expect(events.map((event) => event.data.fault.field).sort()).toEqual(['data.email', 'data.name']);
    expect((await c.submit({ kind: 'vendor', host_id: 'colon-1', version: 2, data: { name: `Acme - Holdings ${c.id}` } })).status).toBe(200);
    await c.push();
    expect((await c.get(vendor.id)).status).toBe('pushed');
  });
});

describe('write-back: a retry after a refusal is a new request', () => {
  test('a bill QuickBooks refused for a mapping that points at a deleted account is pushed once the mapping is fixed (not a replay of the refusal)', async () => {
    const c = await writebackCompany(t, sandbox, mappings);
    const [broken] = await t.deps.sql<{ external_id: string }[]>`
      select external_id from records where connection_id = ${c.id} and type = 'Account' and data->>'AccountType' = 'Expense' and external_id <> ${c.refs.expenseAccount.value} order by external_id::int limit 1`;
    await sandbox.control('DELETE', `/qbo/companies/${c.realm}/entities/account/${broken!.external_id}`);
    c.tables.categories!.purchase!['office'] = { account: { value: broken!.external_id } };
    const doc = (await (await c.submit(sampleDocument('bill', 1, 'replay'))).json()) as Document;
    await c.push();
    const refused = await c.get(doc.id);
    expect(refused.status).toBe('rejected');
    expect(refused.fault!.quickbooks_code).toMatch(/^(610|2500)$/);
    c.tables.categories!.purchase!['office'] = { account: c.refs.expenseAccount };
    expect((await t.request(`/v1/connections/${c.id}/documents/${doc.id}/push`, { method: 'POST', token: c.tenant.secretKey })).status).toBe(202);
    await c.push();
    const pushed = await c.get(doc.id);
    expect(pushed.status).toBe('pushed');
    const bill = await quickbooks(c.id, 'Bill', pushed.quickbooks_id!);
    expect(bill!.Line[0].AccountBasedExpenseLineDetail.AccountRef.value).toBe(c.refs.expenseAccount.value);
  });
});
