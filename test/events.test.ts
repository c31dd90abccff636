import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import type { z } from 'zod';
import { open } from '../bff/crypto/vault.ts';
import { pruneEvents, recordEvent } from '../bff/events/record.ts';
import { deliverDueWebhooks } from '../bff/webhooks/deliver.ts';
import { pushDueDocuments } from '../bff/writeback/job.ts';
import { tableLookup } from '../bff/writeback/mapping-lookup.ts';
import { webhookEventData, webhookEventTypes, type WebhookEvent, type WebhookEventType } from '../shared/api/webhooks.ts';
import { lineTaxCode } from './support/tax-codes.ts';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { syncOnce } from './support/sync.ts';

const sandbox = await startSandbox();
const t = testApp({
  ...sandboxDeps(sandbox.url),
  // Write-back maps sales lines to the company's first service item; everything else stays unmapped.
  writebackMappings: async (sql, connectionId) => {
    const [item] = await sql<{ external_id: string }[]>`
      select external_id from records where connection_id = ${connectionId} and type = 'Item' and data->>'Type' = 'Service' and coalesce(active, true) order by external_id::int limit 1`;
    const salesTaxCode = await lineTaxCode(sql as never, connectionId, 'sales');
    return tableLookup({ defaults: { ...(item ? { salesItem: { value: item.external_id } } : {}), ...(salesTaxCode ? { salesTaxCode } : {}) } });
  },
});

/** A real receiver on 127.0.0.1 that keeps every event body it is sent and answers 200. */
async function receiver() {
  const received: WebhookEvent[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookEvent);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

async function quickbooks(realm: string, connectionId: string, method: 'GET' | 'POST', path: string, body?: unknown) {
  const [row] = await t.deps.sql<{ access_token: string }[]>`select access_token from connection_tokens where connection_id = ${connectionId}`;
  const token = open(row!.access_token, new Map([[t.deps.keys.encryptionKeyId, t.deps.keys.encryption]]));
  const response = await fetch(`${sandbox.url}/qbo/v3/company/${realm}/${path}?minorversion=75`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as Record<string, any>;
}

describe('events', () => {
  test('an endpoint subscribed to "*" receives every subscribable type, each with its documented payload', async () => {
    const tenant = await t.createTenant();
    const host = await receiver();
    const created = await t.request('/v1/webhook-endpoints', { method: 'POST', token: tenant.secretKey, json: { url: host.url, events: ['*'] } });
    expect(created.status).toBe(201);
    const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'GB', plan: 'Plus' });
    const post = (path: string, json?: unknown) => t.request(path, { method: 'POST', token: tenant.secretKey, json });

    // connection.connected; sync.started and sync.completed of the first import.
    const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
    const id = result.connection!.id;
    const initial = await syncOnce(t, id);
    expect(initial.status).toBe('succeeded');

    // supplier.imported, customer.imported.
    const [vendor, customer] = await t.deps.sql<{ type: string; external_id: string; data: Record<string, any> }[]>`
      (select type, external_id, data from records where connection_id = ${id} and type = 'Vendor' and coalesce(active, true) order by external_id::int limit 1)
      union all
      (select type, external_id, data from records where connection_id = ${id} and type = 'Customer' and coalesce(active, true) order by external_id::int limit 1)`;
    expect((await post(`/v1/connections/${id}/matching/suppliers/import`, { provider_id: vendor!.external_id })).status).toBe(202);
    expect((await post(`/v1/connections/${id}/matching/customers/import`, { provider_id: customer!.external_id })).status).toBe(202);

    // link.created for a supplier, whose QuickBooks edit then comes back as supplier.updated after an incremental sync.
    const hostSupplier = { id: 'host-1', name: String(vendor!.data.DisplayName), city: vendor!.data.BillAddr?.City ?? 'Leeds', phone: vendor!.data.PrimaryPhone?.FreeFormNumber };
    await t.request('/v1/organizations/org-1/host-records/suppliers', { method: 'PUT', token: tenant.secretKey, json: { records: [hostSupplier] } });
    expect((await post(`/v1/connections/${id}/links`, { kind: 'suppliers', links: [{ host_id: 'host-1', provider_id: vendor!.external_id, method: 'manual' }] })).status).toBe(201);

    // mapping.invalidated: a mapped tax code switched off in QuickBooks is flagged by the incremental sync below.
    await t.request('/v1/organizations/org-1/host-records/tax-rates', { method: 'PUT', token: tenant.secretKey, json: { records: [{ id: 'vat-20', name: '20% VAT', rate: 20, applies_to: ['sales'] }] } });
    const [code] = await t.deps.sql<{ external_id: string }[]>`select external_id from records where connection_id = ${id} and type = 'TaxCode' and data->>'Name' = '20.0% S'`;
    const mapped = await t.request(`/v1/connections/${id}/mappings/tax-rates`, { method: 'PUT', token: tenant.secretKey, json: { mappings: [{ host_id: 'vat-20', target: { type: 'TaxCode', id: code!.external_id } }] } });
    expect(mapped.status).toBe(200);
    await sandbox.control('POST', `/qbo/companies/${realm}/tax-codes/${code!.external_id}/active`, { active: false });
    // document.pushed (a customer, then an invoice naming it), document.needs_mapping (a bill whose category is
    // not mapped), document.rejected (a customer named as a vendor: 6240), document.cancelled (a vendor made
    // inactive); document.paid comes from the incremental sync below, after a payment in QuickBooks.
    await t.request('/v1/organizations/org-1/settings', { method: 'PUT', token: tenant.secretKey, json: { import_payments: true } });
    const submit = async (json: unknown) => ((await (await post(`/v1/connections/${id}/documents`, json)).json()) as { id: string });
    const client = await submit({ kind: 'customer', host_id: 'client-1', version: 1, data: { name: 'Events Client Ltd' } });
    const invoice = await submit({ kind: 'invoice', host_id: 'inv-1', version: 1, data: { customer_id: 'client-1', date: '2026-11-02', lines: [{ amount: 120 }], totals: { total: 120 } } });
    await submit({ kind: 'bill', host_id: 'bill-1', version: 1, data: { supplier_id: 'host-1', date: '2026-11-02', lines: [{ amount: 10, category_id: 'unmapped' }], totals: { total: 10 } } });
    await submit({ kind: 'customer', host_id: 'client-2', version: 1, data: { name: String(vendor!.data.DisplayName) } });
    const leaving = await submit({ kind: 'vendor', host_id: 'vendor-1', version: 1, data: { name: 'Events Vendor Leaving Ltd' } });
    await pushDueDocuments(t.deps, id, 'events-test');
    expect((await post(`/v1/connections/${id}/documents/${leaving.id}/cancel`)).status).toBe(202);
    await pushDueDocuments(t.deps, id, 'events-test');
    const [pushedInvoice] = await t.deps.sql<{ provider_id: string }[]>`select provider_id from documents where id = ${invoice.id}`;
    const [payer] = await t.deps.sql<{ provider_id: string }[]>`select provider_id from documents where id = ${client.id}`;
    await quickbooks(realm, id, 'POST', 'payment', { CustomerRef: { value: payer!.provider_id }, TotalAmt: 20, Line: [{ Amount: 20, LinkedTxn: [{ TxnId: pushedInvoice!.provider_id, TxnType: 'Invoice' }] }] });

    // list.imported now; list.updated after QuickBooks changes some customers.
    expect((await post(`/v1/connections/${id}/lists/customers/import-new?limit=500`)).status).toBe(200);
    const { Vendor: current } = await quickbooks(realm, id, 'GET', `vendor/${vendor!.external_id}`);
    await quickbooks(realm, id, 'POST', 'vendor', { Id: current.Id, SyncToken: current.SyncToken, sparse: true, PrimaryPhone: { FreeFormNumber: '0113 496 0202' } });
    // metric.updated: a metric on total expenses, then an expense booked this month moves it.
    expect((await post(`/v1/connections/${id}/metrics`, { name: 'Expenses', dataset: 'profit_and_loss', line: 'total:expenses', aggregation: 'sum', period: 'month', accounting_method: 'accrual' })).status).toBe(201);
    const accountOf = async (type: string) =>
      (await t.deps.sql<{ external_id: string }[]>`select external_id from records where connection_id = ${id} and type = 'Account' and data->>'AccountType' = ${type} order by external_id::int limit 1`)[0]!.external_id;
    await quickbooks(realm, id, 'POST', 'purchase', {
      PaymentType: 'Cash',
      AccountRef: { value: await accountOf('Bank') },
      Line: [{ Amount: 42.5, DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: { value: await accountOf('Expense') }, TaxCodeRef: await lineTaxCode(t.deps.sql, id, 'purchase') } }],
    });
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    await sandbox.control('POST', `/qbo/companies/${realm}/mutations`, { update: 3, entities: ['Customer'] });
    const incremental = await syncOnce(t, id);
    expect(incremental.status).toBe('succeeded');
    expect((await post(`/v1/connections/${id}/lists/customers/update-existing?limit=500`)).status).toBe(200);

    // link.removed.
    expect((await t.request(`/v1/connections/${id}/links/suppliers/host-1`, { method: 'DELETE', token: tenant.secretKey })).status).toBe(204);

    // The grant dies: the run fails for good (sync.failed) and the connection needs a person (connection.needs_reconnect).
    await sandbox.control('POST', `/qbo/companies/${realm}/disconnect`);
    const failed = await syncOnce(t, id);
    expect(failed.status).toBe('failed');

    // connection.reconnected, connection.disconnected, connection.deleted.
    const again = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm, { connectionId: id });
    expect(again.result.connection).toMatchObject({ id, status: 'connected' });
    expect((await t.request(`/v1/connections/${id}`, { method: 'DELETE', token: tenant.secretKey })).status).toBeLessThan(300);
    expect((await t.request(`/v1/connections/${id}?purge=true`, { method: 'DELETE', token: tenant.secretKey })).status).toBeLessThan(300);

    for (let round = 0; round < 40 && (await deliverDueWebhooks(t.deps, { owner: 'events-test', tenantIds: [tenant.id] })).length > 0; round++);

    // Deliveries go out in parallel: put them back in the order they happened.
    const received = [...host.received].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
    const byType = new Map<string, WebhookEvent[]>();
    for (const event of received) byType.set(event.type, [...(byType.get(event.type) ?? []), event]);
    expect([...byType.keys()].sort()).toEqual([...webhookEventTypes].sort());

    for (const event of host.received) {
      expect(event, event.type).toMatchObject({ tenant_id: tenant.id, organization_id: 'org-1', connection_id: id });
      // Every key documented, and only documented keys: a payload and its documentation cannot drift apart.
      const schema = webhookEventData[event.type as WebhookEventType] as z.ZodObject;
      const parsed = schema.strict().safeParse(event.data);
      expect(parsed.success, `${event.type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }

    // The sync events say which run, how it went, and (on failure) why, in the words the API uses.
    const runs = (type: WebhookEventType) => byType.get(type)!.map((event) => event.data.run_id);
    expect(runs('sync.started')).toEqual([initial.id, incremental.id, failed.id]);
    expect(runs('sync.completed')).toEqual([initial.id, incremental.id]);
    expect(runs('sync.failed')).toEqual([failed.id]);
    const [importDone, incrementalDone] = byType.get('sync.completed')!.map((event) => event.data as Record<string, any>);
    expect(importDone).toMatchObject({ kind: 'initial', trigger: 'connect', attempts: 1, records_read: initial.records_done });
    expect(importDone!.counts.Vendor).toBeGreaterThan(0);
    expect(Object.values(importDone!.counts as Record<string, number>).reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(initial.records_done + 2);
    expect(incrementalDone).toMatchObject({ kind: 'incremental', trigger: 'manual', started_at: incremental.started_at!.toISOString() });
    // The vendor edited in QuickBooks, and the write-back vendor made inactive by its cancellation.
    expect(incrementalDone!.counts).toMatchObject({ Vendor: 2, Customer: expect.any(Number) });
    // The run's own times, not just any non-negative number.
    expect(incrementalDone).toMatchObject({ finished_at: incremental.finished_at!.toISOString(), duration_ms: incremental.finished_at!.getTime() - incremental.started_at!.getTime() });
    expect(byType.get('sync.failed')![0]!.data).toMatchObject({
      run_id: failed.id,
      kind: 'incremental',
      error: { category: 'needs_reconnect', action: 'reconnect', retry_at: null },
    });
    expect(byType.get('supplier.updated')![0]!.data).toMatchObject({ provider_id: vendor!.external_id, changes: { phone: { to: '0113 496 0202' } } });
  });

  test('the OpenAPI document lists every event type under webhooks, with its payload schema', async () => {
    const spec = (await (await t.request('/openapi.json')).json()) as { webhooks?: Record<string, { post: any }> };
    const described = Object.keys(spec.webhooks ?? {}).map((name) => name.replace(/^\//, ''));
    expect(described.sort()).toEqual([...webhookEventTypes].sort());
    const failed = spec.webhooks!['/sync.failed']!.post.requestBody.content['application/json'].schema;
    expect(failed.properties.type).toEqual({ type: 'string', enum: ['sync.failed'] });
    expect(Object.keys(failed.properties.data.properties)).toEqual(expect.arrayContaining(['run_id', 'kind', 'trigger', 'counts', 'duration_ms', 'error']));
  });

  test('sync.failed is sent once, when the last attempt fails; an attempt re-queued for an outage sends nothing', async () => {
    const tenant = await t.createTenant();
    const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'GB', plan: 'Plus' });
    const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
    const id = result.connection!.id;
    const types = async () => (await t.deps.sql<{ type: string; data: any }[]>`select type, data from events where connection_id = ${id} and type like 'sync.%' order by created_at, id`);
    const outage = { maxAttempts: 2, retryPolicy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxThrottleWaitSeconds: 1 } };
    await sandbox.control('PUT', '/qbo/settings', { fault_rate: 1, fault_kinds: ['500'] });
    try {
      const first = await syncOnce(t, id, outage);
      expect(first).toMatchObject({ status: 'queued', attempts: 1, error: { category: 'provider_unavailable', retry_at: expect.any(String) } });
      expect((await types()).map((event) => event.type)).toEqual(['sync.started']);

      const last = await syncOnce(t, id, outage);
      expect(last).toMatchObject({ id: first.id, status: 'failed', attempts: 2 });
      const events = await types();
      expect(events.map((event) => event.type)).toEqual(['sync.started', 'sync.failed']);
      expect(events[1]!.data).toMatchObject({
        run_id: first.id,
        kind: 'initial',
        trigger: 'connect',
        attempts: 2,
        records_read: 0,
        counts: {},
        error: { category: 'provider_unavailable', action: 'retry', retry_at: null },
      });
    } finally {
      await sandbox.control('PUT', '/qbo/settings', { fault_rate: 0 });
    }
  });

  test('events (with their deliveries) are pruned after thirty days, as every sync run now records some', async () => {
    const tenant = await t.createTenant();
    const stale = await recordEvent(t.deps.sql, { tenantId: tenant.id, organizationId: 'org-1', type: 'sync.started' });
    const fresh = await recordEvent(t.deps.sql, { tenantId: tenant.id, organizationId: 'org-1', type: 'sync.started' });
    await t.deps.sql`update events set created_at = now() - interval '31 days' where id = ${stale}`;
    await pruneEvents(t.deps.sql, new Date());
    expect((await t.deps.sql<{ id: string }[]>`select id from events where tenant_id = ${tenant.id}`).map((row) => row.id)).toEqual([fresh]);
  });
});
