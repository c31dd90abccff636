import { afterEach, describe, expect, it } from 'vitest';
import { harness, q, US, type Harness } from '../../testing.ts';
import { lineAmountCents } from '../../../../shared/money/line-amount.ts';

type Json = Record<string, unknown>;
type Answer = { status: number; body: Json & { Fault?: { Error: { code: string; Detail: string; element?: string }[] } } };
let h: Harness;
afterEach(() => h?.sandbox.close());

async function setup() {
  h = harness();
  const { access_token: token } = await h.connect(US);
  const call = async (path: string, json?: unknown): Promise<Answer> => {
    const response = await h.api(token, US, path, json === undefined ? {} : { json });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const first = async (type: string, where = '') => (((await call(q(`SELECT * FROM ${type} ${where} MAXRESULTS 1`))).body['QueryResponse'] as Json)[type] as Json[])[0] as Json;
  return { call, first };
}

const fault = (answer: Answer) => [answer.status, answer.body.Fault?.Error[0]?.code];
const ref = (entity: Json) => ({ value: String(entity['Id']) });

describe('Accounting API: validation as strict as QuickBooks', () => {
  it('refuses a sparse update that leaves out a field QuickBooks requires on it (2020)', async () => {
    const { call, first } = await setup();
    const account = await first('Account');
    const bill = await first('Bill');
    const purchase = await first('Purchase');
    const sparse = (entity: Json, extra: Json) => ({ Id: entity['Id'], SyncToken: entity['SyncToken'], sparse: true, ...extra });
    const noName = await call('account', sparse(account, { Description: 'Renamed nothing' }));
    expect(fault(noName)).toEqual([400, '2020']);
    expect(noName.body.Fault?.Error[0]?.element).toBe('Name');
    expect(fault(await call('bill', sparse(bill, { PrivateNote: 'note' })))).toEqual([400, '2020']);
    expect(fault(await call('purchase', sparse(purchase, { PrivateNote: 'note', AccountRef: purchase['AccountRef'] })))).toEqual([400, '2020']);
    expect(fault(await call('purchase', sparse(purchase, { PrivateNote: 'note', PaymentType: purchase['PaymentType'] })))).toEqual([400, '2020']);
    // With the required fields the same updates go through.
    expect((await call('account', sparse(account, { Name: account['Name'], Description: 'Kept' }))).status).toBe(200);
    expect((await call('bill', sparse(bill, { VendorRef: bill['VendorRef'], PrivateNote: 'note' }))).status).toBe(200);
    expect((await call('purchase', sparse(purchase, { AccountRef: purchase['AccountRef'], PaymentType: purchase['PaymentType'], PrivateNote: 'note' }))).status).toBe(200);
  });

  it('refuses properties the schema does not know, at any depth (2010)', async () => {
    const { call, first } = await setup();
    const vendor = await call('vendor', { DisplayName: 'Email Typo Supplies', PrimaryEmail: { Address: 'a@example.com' } });
    expect(fault(vendor)).toEqual([400, '2010']);
    expect(vendor.body.Fault?.Error[0]?.Detail).toContain('"PrimaryEmail"');
    const customer = await first('Customer');
    const item = await first('Item', "WHERE Type = 'Service'");
    const line = { Amount: 20, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: ref(item), UnitPrice: 10, Qty: 2, Amount: 20 } };
    const invoice = await call('invoice', { CustomerRef: ref(customer), Line: [line] });
    expect(fault(invoice)).toEqual([400, '2010']);
    expect(invoice.body.Fault?.Error[0]?.Detail).toContain('SalesItemLineDetail');
    // The same invoice without the stray Amount, and a vendor with the real field name, are fine.
    const { Amount: _stray, ...detail } = line.SalesItemLineDetail;
    expect((await call('invoice', { CustomerRef: ref(customer), Line: [{ ...line, SalesItemLineDetail: detail }] })).status).toBe(200);
    expect((await call('vendor', { DisplayName: 'Email Right Supplies', PrimaryEmailAddr: { Address: 'a@example.com' }, BillAddr: { Line1: '1 Main St', City: 'Austin' } })).status).toBe(200);
  });

  it('refuses a line whose Amount is not UnitPrice × Qty rounded to cents (6070)', async () => {
    const { call, first } = await setup();
    const customer = await first('Customer');
    const item = await first('Item', "WHERE Type = 'Service'");
    const invoice = (amount: number, unitPrice: number, qty: number) =>
      call('invoice', { CustomerRef: ref(customer), Line: [{ Amount: amount, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: ref(item), UnitPrice: unitPrice, Qty: qty } }] });
    expect(fault(await invoice(30, 10, 2))).toEqual([400, '6070']);
    // 3 × 3.335 = 10.005 rounds half up to 10.01; 10.00 is refused, 10.01 accepted.
    expect(fault(await invoice(10, 3.335, 3))).toEqual([400, '6070']);
    expect((await invoice(10.01, 3.335, 3)).status).toBe(200);
    expect((await invoice(255.91, 73.1171429, 3.5)).status).toBe(200);
  });

  it('rounds UnitPrice × Qty exactly, half away from zero', () => {
    expect(lineAmountCents(0.1, 3)).toBe(30n);
    expect(lineAmountCents(1.005, 1)).toBe(101n);
    expect(lineAmountCents(-3.335, 3)).toBe(-1001n);
    expect(lineAmountCents('63.5828571', '3.5')).toBe(22254n);
  });

  it('needs a quantity on a line for an inventory item (6520)', async () => {
    const { call, first } = await setup();
    const customer = await first('Customer');
    const income = await first('Account', "WHERE AccountType = 'Income'");
    const cogs = await first('Account', "WHERE AccountType = 'Cost of Goods Sold'");
    const asset = await first('Account', "WHERE AccountType = 'Other Current Asset'");
    const created = await call('item', { Name: 'Stocked Widget', Type: 'Inventory', TrackQtyOnHand: true, QtyOnHand: 10, InvStartDate: '2024-01-01', IncomeAccountRef: ref(income), ExpenseAccountRef: ref(cogs), AssetAccountRef: ref(asset) });
    expect(created.status).toBe(200);
    const widget = created.body['Item'] as Json;
    const line = (detail: Json) => ({ CustomerRef: ref(customer), Line: [{ Amount: 25, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: ref(widget), ...detail } }] });
    const missing = await call('invoice', line({ UnitPrice: 25 }));
    expect(fault(missing)).toEqual([400, '6520']);
    expect(missing.body.Fault?.Error[0]?.Detail).toBe('Quantity required for inventory item');
    expect((await call('invoice', line({ UnitPrice: 25, Qty: 1 }))).status).toBe(200);
  });

  it('refuses strings over their documented length (2050)', async () => {
    const { call, first } = await setup();
    const income = await first('Account', "WHERE AccountType = 'Income'");
    const long = await call('item', { Name: 'x'.repeat(101), Type: 'Service', IncomeAccountRef: ref(income) });
    expect(fault(long)).toEqual([400, '2050']);
    expect(long.body.Fault?.Error[0]).toMatchObject({ element: 'Name', Detail: expect.stringContaining('Max:100 supported. Supplied length:101') });
    expect((await call('item', { Name: 'x'.repeat(100), Type: 'Service', IncomeAccountRef: ref(income) })).status).toBe(200);
    expect(fault(await call('vendor', { DisplayName: 'Long Phone Supplies', PrimaryPhone: { FreeFormNumber: '5'.repeat(31) } }))).toEqual([400, '2050']);
    const bill = await first('Bill');
    expect(fault(await call('bill', { Id: bill['Id'], SyncToken: bill['SyncToken'], sparse: true, VendorRef: bill['VendorRef'], DocNumber: '1'.repeat(22) }))).toEqual([400, '2050']);
  });

  it('refuses a requestid longer than 50 characters (6000), on writes and batches', async () => {
    const { call } = await setup();
    const long = 'r'.repeat(51);
    expect(fault(await call(`vendor?requestid=${long}`, { DisplayName: 'Long Request Supplies' }))).toEqual([400, '6000']);
    expect(fault(await call(`batch?requestid=${long}`, { BatchItemRequest: [{ bId: '1', Query: 'SELECT * FROM Vendor MAXRESULTS 1' }] }))).toEqual([400, '6000']);
    expect((await call(`vendor?requestid=${'r'.repeat(50)}`, { DisplayName: 'Long Request Supplies' })).status).toBe(200);
  });
});
