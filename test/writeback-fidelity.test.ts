// What QuickBooks ends up holding matches the host's document: revisions replace what the host removed, time entries
// carry no marker a person sees, names QuickBooks would refuse are held naming the field, a refused void says why,
// and a reconnect resumes what the outage held back.
import { describe, expect, test } from 'vitest';
import { qboApiFor } from '../bff/connections/provider.ts';
import type { ConnectionRow } from '../bff/connections/store.ts';
import { tableResolver, type MappingTables } from '../bff/writeback/mapping-lookup.ts';
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
