import { afterEach, describe, expect, it } from 'vitest';
import { harness, q, UK, US, type Harness } from '../../testing.ts';

type Json = Record<string, unknown>;
let h: Harness;
afterEach(() => h?.sandbox.close());

async function setup(settings: Json = {}) {
  h = harness();
  if (Object.keys(settings).length > 0) await h.control('PUT', '/qbo/settings', settings);
  const { access_token: token } = await h.connect(US);
  const call = async (path: string, json?: unknown) => {
    const response = await h.api(token, US, path, json === undefined ? {} : { json });
    const text = await response.text();
    return { status: response.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as Json & { Fault?: { Error: { code: string; Detail: string }[] } } };
  };
  const first = async (type: string, where = '') => ((await call(q(`SELECT * FROM ${type} ${where} MAXRESULTS 1`))).body['QueryResponse'] as Json)[type] as Json[];
  return { token, call, first };
}

const code = (body: { Fault?: { Error: { code: string }[] } }) => body.Fault?.Error[0]?.code;

describe('Accounting API: access and limits', () => {
  it('refuses a token for another company with 403', async () => {
    const { token } = await setup();
    expect((await h.api(token, UK, 'preferences')).status).toBe(403);
  });

  it('throttles past the per-minute limit with the XML body and resets after a minute', async () => {
    const { call } = await setup({ rate_limit_per_minute: 3 });
    for (let n = 0; n < 3; n++) expect((await call('preferences')).status).toBe(200);
    const throttled = await call('preferences');
    expect(throttled.status).toBe(429);
    expect(String(throttled.body)).toContain('ThrottleExceeded');
    await h.control('POST', '/clock', { advance_seconds: 61 });
    expect((await call('preferences')).status).toBe(200);
    const stats = (await (await h.control('GET', `/qbo/companies/${US}/stats`)).json()) as Json;
    expect(stats).toMatchObject({ throttled: 1, max_requests_per_minute_observed: 3 });
  });

  it('throttles more than max_concurrent requests in flight for one app and realm', async () => {
    const { call } = await setup({ max_concurrent: 2, latency_ms: 50 });
    const results = await Promise.all(Array.from({ length: 4 }, () => call('preferences')));
    expect(results.map((result) => result.status).sort()).toEqual([200, 200, 429, 429]);
    const stats = (await (await h.control('GET', `/qbo/companies/${US}/stats`)).json()) as Json;
    expect(stats['max_concurrent_observed']).toBe(2);
  });

  it('limits reports separately', async () => {
    const { call } = await setup({ report_limit_per_minute: 1 });
    expect((await call('reports/ProfitAndLoss')).status).toBe(200);
    expect((await call('reports/BalanceSheet')).status).toBe(429);
    expect((await call('preferences')).status).toBe(200);
  });

  it('injects configured faults', async () => {
    const { call } = await setup({ fault_rate: 1, fault_kinds: ['503'] });
    expect((await call('preferences')).status).toBe(503);
    await h.control('PUT', '/qbo/settings', { fault_kinds: ['500'] });
    const failed = await call('preferences');
    expect([failed.status, code(failed.body)]).toEqual([500, '10000']);
    await h.control('PUT', '/qbo/settings', { fault_kinds: ['timeout'], timeout_ms: 30 });
    expect((await call('preferences')).status).toBe(504);
    await h.control('PUT', '/qbo/settings', { fault_kinds: ['slow'], slow_ms: 30 });
    const started = Date.now();
    expect((await call('preferences')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});

describe('Accounting API: reads, queries and writes', () => {
  it('accepts entity names in any case and hides inactive names unless asked', async () => {
    const { call } = await setup();
    const lower = await call(q('select count(*) from vendor'));
    const all = await call(q('select count(*) from Vendor where Active in (true, false)'));
    const total = (r: { body: Json }) => (r.body['QueryResponse'] as Json)['totalCount'] as number;
    expect(total(lower)).toBeLessThan(total(all));
    const empty = await call(q("SELECT * FROM Vendor WHERE DisplayName = 'No Such Vendor'"));
    expect(empty.body['QueryResponse']).toEqual({});
  });

  it('reads by id and answers 610 for a missing one', async () => {
    const { call, first } = await setup();
    const vendor = (await first('Vendor'))[0] as Json;
    expect(((await call(`vendor/${String(vendor['Id'])}`)).body['Vendor'] as Json)['Id']).toBe(vendor['Id']);
    expect(code((await call('vendor/99999999')).body)).toBe('610');
  });

  it('requires fields (2020), checks references (2500) and inactive references (610)', async () => {
    const { call, first } = await setup();
    expect(code((await call('invoice', { Line: [] })).body)).toBe('2020');
    const missingRef = await call('bill', { VendorRef: { value: '99999999' }, Line: [{ Amount: 10, DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: { value: '1' } } }] });
    expect(code(missingRef.body)).toBe('2500');
    const inactive = (await first('Vendor', 'WHERE Active = false'))[0] as Json;
    const inactiveRef = await call('bill', { VendorRef: { value: inactive['Id'] }, Line: [{ Amount: 10, DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: { value: '1' } } }] });
    expect(code(inactiveRef.body)).toBe('610');
  });

  it('keeps display names unique across vendors, customers and employees (6240)', async () => {
    const { call, first } = await setup();
    const employee = (await first('Employee'))[0] as Json;
    expect(code((await call('customer', { DisplayName: employee['DisplayName'] })).body)).toBe('6240');
    expect((await call('customer', { DisplayName: 'Brand New Customer' })).status).toBe(200);
    expect(code((await call('vendor', { DisplayName: 'brand new customer' })).body)).toBe('6240');
  });

  it('updates sparsely and fully with SyncToken, also as POST ?operation=update (5010 when stale)', async () => {
    const { call, first } = await setup();
    const vendor = (await first('Vendor'))[0] as Json;
    const sparse = await call('vendor?operation=update', { Id: vendor['Id'], SyncToken: vendor['SyncToken'], sparse: true, AcctNum: 'A-1' });
    expect(sparse.body['Vendor']).toMatchObject({ SyncToken: '1', AcctNum: 'A-1', DisplayName: vendor['DisplayName'] });
    const full = await call('vendor', { Id: vendor['Id'], SyncToken: '1', DisplayName: 'Renamed Vendor' });
    expect(full.body['Vendor']).toMatchObject({ SyncToken: '2', DisplayName: 'Renamed Vendor' });
    expect((full.body['Vendor'] as Json)['AcctNum']).toBeUndefined();
    expect(code((await call('vendor', { Id: vendor['Id'], SyncToken: '1', sparse: true, AcctNum: 'x' })).body)).toBe('5010');
  });

  it('"deletes" name-list entries by deactivation and refuses operation=delete on them', async () => {
    const { call, first } = await setup();
    const customer = (await first('Customer'))[0] as Json;
    expect(code((await call('customer?operation=delete', { Id: customer['Id'], SyncToken: customer['SyncToken'] })).body)).toBe('500');
    const deactivated = await call('customer', { Id: customer['Id'], SyncToken: customer['SyncToken'], sparse: true, Active: false });
    expect(deactivated.body['Customer']).toMatchObject({ Active: false, DisplayName: `${String(customer['DisplayName'])} (deleted)` });
    const reactivated = await call('customer', { Id: customer['Id'], SyncToken: '1', sparse: true, Active: true });
    expect((reactivated.body['Customer'] as Json)['DisplayName']).toBe(customer['DisplayName']);
  });

  it('voids invoices, refuses to void bills, deletes bills', async () => {
    const { call, first } = await setup();
    const invoice = (await first('Invoice', 'WHERE Balance > 0'))[0] as Json;
    const voided = await call('invoice?operation=void', { Id: invoice['Id'], SyncToken: invoice['SyncToken'] });
    expect(voided.body['Invoice']).toMatchObject({ TotalAmt: 0, Balance: 0, PrivateNote: 'Voided' });
    const bill = (await first('Bill'))[0] as Json;
    expect(code((await call('bill?operation=void', { Id: bill['Id'], SyncToken: bill['SyncToken'] })).body)).toBe('500');
    const deleted = await call('bill?operation=delete', { Id: bill['Id'], SyncToken: bill['SyncToken'] });
    expect(deleted.body['Bill']).toEqual({ domain: 'QBO', status: 'Deleted', Id: bill['Id'] });
    expect(code((await call(`bill/${String(bill['Id'])}`)).body)).toBe('610');
  });

  it('replays the first response for a repeated requestid', async () => {
    const { call } = await setup();
    const first = await call('vendor?requestid=7b0c6b1e-1', { DisplayName: 'Idempotent Supplies LLC' });
    const again = await call('vendor?requestid=7b0c6b1e-1', { DisplayName: 'Idempotent Supplies LLC' });
    expect(again).toEqual(first);
    const count = await call(q("SELECT COUNT(*) FROM Vendor WHERE DisplayName = 'Idempotent Supplies LLC'"));
    expect((count.body['QueryResponse'] as Json)['totalCount']).toBe(1);
  });

  it('forgets a requestid after request_id_window_seconds: the same id then writes again', async () => {
    const { call } = await setup({ request_id_window_seconds: 60 });
    const first = await call('vendor?requestid=window-1', { DisplayName: 'Window Supplies LLC' });
    await h.control('POST', '/clock', { advance_seconds: 30 });
    expect(await call('vendor?requestid=window-1', { DisplayName: 'Window Supplies LLC' })).toEqual(first);
    await h.control('POST', '/clock', { advance_seconds: 31 });
    // Replayed no longer: the write runs again, and QuickBooks' unique names refuse the second vendor.
    expect(code((await call('vendor?requestid=window-1', { DisplayName: 'Window Supplies LLC' })).body)).toBe('6240');
  });

  it('a lost answer (fault "lost") commits the write and answers 504; the requestid then replays the saved record', async () => {
    const { call } = await setup();
    await h.control('POST', `/qbo/companies/${US}/faults`, { kinds: ['lost'] });
    const lost = await call('vendor?requestid=lost-1', { DisplayName: 'Lost Answer Supplies' });
    expect(lost.status).toBe(504);
    const replay = await call('vendor?requestid=lost-1', { DisplayName: 'Lost Answer Supplies' });
    expect(replay.status).toBe(200);
    const count = await call(q("SELECT COUNT(*) FROM Vendor WHERE DisplayName = 'Lost Answer Supplies'"));
    expect((count.body['QueryResponse'] as Json)['totalCount']).toBe(1);
  });

  it('the control API edits a record as a person in QuickBooks would (the SyncToken moves on) and deletes one', async () => {
    const { call, first } = await setup();
    const bill = (await first('Bill'))[0] as Json;
    const edited = await h.control('POST', `/qbo/companies/${US}/entities/bill/${String(bill['Id'])}`, { changes: { PrivateNote: 'edited in QuickBooks' } });
    expect(edited.status).toBe(200);
    const stale = await call('bill?operation=update', { Id: bill['Id'], SyncToken: bill['SyncToken'], sparse: true, VendorRef: bill['VendorRef'], PrivateNote: 'ours' });
    expect(code(stale.body)).toBe('5010');
    expect((await h.control('DELETE', `/qbo/companies/${US}/entities/bill/${String(bill['Id'])}`)).status).toBe(200);
    expect(code((await call(`bill/${String(bill['Id'])}`)).body)).toBe('610');
    expect((await h.control('POST', `/qbo/companies/${US}/entities/bill/999999999`, { changes: {} })).status).toBe(404);
  });

  it('settles an invoice when a payment links to it, and reopens it when the payment is deleted', async () => {
    const { call, first } = await setup();
    const invoice = (await first('Invoice', 'WHERE Balance > 0'))[0] as Json;
    const payment = await call('payment', { CustomerRef: invoice['CustomerRef'], TotalAmt: invoice['Balance'], Line: [{ Amount: invoice['Balance'], LinkedTxn: [{ TxnId: invoice['Id'], TxnType: 'Invoice' }] }] });
    expect(payment.status).toBe(200);
    const paid = (await call(`invoice/${String(invoice['Id'])}`)).body['Invoice'] as Json;
    expect(paid['Balance']).toBe(0);
    const created = payment.body['Payment'] as Json;
    await call('payment?operation=delete', { Id: created['Id'], SyncToken: created['SyncToken'] });
    expect(((await call(`invoice/${String(invoice['Id'])}`)).body['Invoice'] as Json)['Balance']).toBe(invoice['Balance']);
  });

  it('refuses unbalanced journal entries', async () => {
    const { call } = await setup();
    const unbalanced = await call('journalentry', { Line: [{ Amount: 10, DetailType: 'JournalEntryLineDetail', JournalEntryLineDetail: { PostingType: 'Debit', AccountRef: { value: '1' } } }] });
    expect(code(unbalanced.body)).toBe('6000');
  });

  it('limits CDC to 30 days back and to the types QuickBooks supports', async () => {
    const { call } = await setup();
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    expect((await call(`cdc?entities=Vendor&changedSince=${old}`)).status).toBe(400);
    expect((await call(`cdc?entities=TaxCode&changedSince=${new Date().toISOString()}`)).status).toBe(400);
    const recent = await call(`cdc?entities=Vendor,Invoice&changedSince=${new Date(Date.now() - 29 * 86_400_000).toISOString()}`);
    expect(recent.status).toBe(200);
  });

  it('creates tax codes only through taxservice/taxcode', async () => {
    h = harness();
    const { access_token: token } = await h.connect(UK);
    expect((await h.api(token, UK, 'taxcode', { json: { Name: 'x' } })).status).toBe(400);
    const agencies = (await (await h.api(token, UK, q('SELECT * FROM TaxAgency'))).json()) as { QueryResponse: { TaxAgency: Json[] } };
    const created = await h.api(token, UK, 'taxservice/taxcode', { json: { TaxCode: 'Reduced Plus', TaxRateDetails: [{ TaxRateName: 'Reduced Plus', RateValue: 7.5, TaxAgencyId: agencies.QueryResponse.TaxAgency[0]?.['Id'], TaxApplicableOn: 'Sales' }] } });
    const body = (await created.json()) as Json;
    expect(body).toMatchObject({ TaxCode: 'Reduced Plus', TaxCodeId: expect.any(String) });
    const code = (await (await h.api(token, UK, `taxcode/${String(body['TaxCodeId'])}`)).json()) as { TaxCode: Json };
    expect(code.TaxCode['Name']).toBe('Reduced Plus');
  });

  it('computes UK VAT per line code', async () => {
    h = harness();
    const { access_token: token } = await h.connect(UK);
    const codes = (await (await h.api(token, UK, q("SELECT * FROM TaxCode WHERE Name = '20.0% S'"))).json()) as { QueryResponse: { TaxCode: Json[] } };
    const customers = (await (await h.api(token, UK, q('SELECT * FROM Customer MAXRESULTS 1'))).json()) as { QueryResponse: { Customer: Json[] } };
    const items = (await (await h.api(token, UK, q('SELECT * FROM Item MAXRESULTS 1'))).json()) as { QueryResponse: { Item: Json[] } };
    const created = await h.api(token, UK, 'invoice', {
      json: {
        CustomerRef: { value: customers.QueryResponse.Customer[0]?.['Id'] },
        Line: [{ Amount: 100, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: items.QueryResponse.Item[0]?.['Id'] }, TaxCodeRef: { value: codes.QueryResponse.TaxCode[0]?.['Id'] } } }],
      },
    });
    const invoice = ((await created.json()) as { Invoice: Json }).Invoice;
    expect(invoice).toMatchObject({ TotalAmt: 120, Balance: 120, TxnTaxDetail: { TotalTax: 20 } });
  });
});

describe('Accounting API: balances follow the ledger', () => {
  it('raises a vendor balance by a new bill even after the vendor was edited', async () => {
    const { call, first } = await setup();
    const vendor = (await first('Vendor'))[0] as Json;
    await call('vendor', { Id: vendor['Id'], SyncToken: vendor['SyncToken'], sparse: true, AcctNum: 'B-1' });
    const accounts = (await first('Account', "WHERE AccountType = 'Expense'"))[0] as Json;
    const bill = await call('bill', { VendorRef: { value: vendor['Id'] }, Line: [{ Amount: 123.45, DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: { value: accounts['Id'] } } }] });
    expect(bill.status).toBe(200);
    const after = (await call(`vendor/${String(vendor['Id'])}`)).body['Vendor'] as Json;
    expect(Math.round(Number(after['Balance']) * 100)).toBe(Math.round(Number(vendor['Balance']) * 100) + 12345);
  });
});

describe('Accounting API: batch', () => {
  it('runs up to 30 operations, each with its own result or fault', async () => {
    const { call } = await setup();
    const result = await call('batch', {
      BatchItemRequest: [
        { bId: 'b1', operation: 'create', Vendor: { DisplayName: 'Batch Vendor One' } },
        { bId: 'b2', operation: 'create', Vendor: {} },
        { bId: 'b3', Query: 'SELECT COUNT(*) FROM Vendor' },
      ],
    });
    const items = result.body['BatchItemResponse'] as Json[];
    expect(items[0]).toMatchObject({ bId: 'b1', Vendor: { DisplayName: 'Batch Vendor One' } });
    expect(items[1]).toMatchObject({ bId: 'b2', Fault: { Error: [{ code: '2020' }] } });
    expect(items[2]).toMatchObject({ bId: 'b3', QueryResponse: { totalCount: expect.any(Number) } });
    const tooMany = await call('batch', { BatchItemRequest: Array.from({ length: 31 }, (_, n) => ({ bId: String(n), Query: 'SELECT * FROM Term' })) });
    expect(tooMany.status).toBe(400);
  });
});
