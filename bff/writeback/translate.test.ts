import { expect, test } from 'vitest';
import { tableLookup } from './mapping-lookup.ts';
import { requestIdFor, retryDelayMs } from './push.ts';
import { hostFieldFor, outgoingFault } from './outgoing.ts';
import { SubmitDocumentBody } from '../../shared/api/documents.ts';
import { markedText, markedVersion, translateDocument } from './translate.ts';

const links = { suppliers: new Map([['s1', '56']]), customers: new Map([['c1', '7']]) };
const lookup = tableLookup({
  products: { p1: { value: '11' } },
  categories: { purchase: { office: { account: { value: '80' } } }, sales: { consulting: { item: { value: '12' } } } },
  taxCodes: { purchase: { std: { value: '3' } } },
});

test('the requestid is stable per (connection, document, version, generation, operation), hex, at most 50 characters', () => {
  const id = requestIdFor('con_1', 'doc_1', 1, 0, 'create');
  expect(id).toMatch(/^[0-9a-f]{40}$/);
  expect(requestIdFor('con_1', 'doc_1', 1, 0, 'create')).toBe(id);
  for (const other of [requestIdFor('con_2', 'doc_1', 1, 0, 'create'), requestIdFor('con_1', 'doc_1', 2, 0, 'create'), requestIdFor('con_1', 'doc_1', 1, 1, 'create'), requestIdFor('con_1', 'doc_1', 1, 0, 'update:3')]) {
    expect(other).not.toBe(id);
  }
});

test('the marker names the document and version and is found again after the host memo', () => {
  const text = markedText('doc_ab12', 3, 'Deliver to dock 4');
  expect(text).toBe('Deliver to dock 4\n[ledgerlink doc_ab12 v3]');
  expect(markedVersion('doc_ab12', text)).toBe(3);
  expect(markedVersion('doc_ab1', text)).toBeNull();
  expect(markedVersion('doc_ab12', 'edited in QuickBooks')).toBeNull();
});

test('a bill: products become item lines, categories account lines, tax rates tax codes; the vendor through its link', () => {
  const result = translateDocument(
    {
      id: 'doc_1',
      kind: 'bill',
      version: 1,
      data: { supplier_id: 's1', date: '2026-11-02', lines: [{ amount: 20, quantity: 2, unit_price: 10, product_id: 'p1', tax_rate_id: 'std' }, { amount: 5, category_id: 'office' }], totals: { total: 25 } },
    },
    lookup,
    links,
  );
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  expect(result.body).toMatchObject({
    VendorRef: { value: '56' },
    TxnDate: '2026-11-02',
    Line: [
      { DetailType: 'ItemBasedExpenseLineDetail', Amount: 20, ItemBasedExpenseLineDetail: { ItemRef: { value: '11' }, Qty: 2, UnitPrice: 10, TaxCodeRef: { value: '3' } } },
      { DetailType: 'AccountBasedExpenseLineDetail', Amount: 5, AccountBasedExpenseLineDetail: { AccountRef: { value: '80' } } },
    ],
  });
});

test('everything missing is named at once, and nothing is translated', () => {
  const result = translateDocument(
    { id: 'doc_2', kind: 'invoice', version: 1, data: { customer_id: 'c9', date: '2026-11-02', lines: [{ amount: 5, category_id: 'travel', tax_rate_id: 'vat-5' }, { amount: 1 }], totals: { total: 6 } } },
    lookup,
    links,
  );
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.missing.map((entry) => `${entry.what}:${entry.host_id}:${entry.use}`)).toEqual(['customer:c9:null', 'tax_rate:vat-5:sales', 'category:travel:sales', 'default:null:sales']);
});

test('retries back off from about a second to five minutes, and wait at least as long as a throttle asks', () => {
  expect(retryDelayMs(1)).toBeGreaterThanOrEqual(800);
  expect(retryDelayMs(1)).toBeLessThanOrEqual(1200);
  expect(retryDelayMs(30)).toBeLessThanOrEqual(360_000);
  expect(retryDelayMs(1, 30)).toBe(30_000);
});

test('what QuickBooks would refuse names the host field: a line\'s description by its index, a name with a colon', () => {
  const fault = outgoingFault('Bill', { Line: [{ Description: 'ok' }, { Description: 'x'.repeat(4001) }] });
  expect(fault).toMatchObject({ field: 'data.lines.1.description', quickbooks_field: 'Line.1.Description', quickbooks_code: null, action: 'fix_record' });
  expect(outgoingFault('Customer', { DisplayName: 'Smith\tJones' })).toMatchObject({ field: 'data.name', quickbooks_field: 'DisplayName' });
  expect(outgoingFault('Vendor', { DisplayName: 'Smith & Jones' })).toBeNull();
});

test('a time entry\'s Description is the host\'s own text, with no marker', () => {
  const result = translateDocument(
    { id: 'doc_t', kind: 'time_activity', version: 3, data: { approved: true, staff_id: 'e1', date: '2026-11-02', hours: 1, minutes: 0, billable: false, description: 'Site visit' } },
    tableLookup({ employees: { e1: { value: '5' } } }),
    links,
  );
  expect(result.ok && result.body['Description']).toBe('Site visit');
});

test('checked before anything is sent: a name or number of spaces only, and a line whose amount is not quantity × unit price, each naming our field', () => {
  const issues = (body: unknown) => {
    const parsed = SubmitDocumentBody.safeParse(body);
    return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };
  expect(issues({ kind: 'vendor', host_id: 'v1', version: 1, data: { name: '   ' } })).toEqual(['data.name: must not be empty or only spaces']);
  expect(issues({ kind: 'customer', host_id: 'c1', version: 1, data: { name: ' Nora ' } })).toEqual([]);
  const bill = (line: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ kind: 'bill', host_id: 'b1', version: 1, data: { supplier_id: 's1', date: '2026-11-02', lines: [line], totals: { total: 10 }, ...extra } });
  const [wrong] = issues(bill({ amount: 10, quantity: 3, unit_price: 3 }));
  expect(wrong).toMatch(/^data\.lines\.0\.amount: must be quantity × unit price \(3 × 3 = 9\.00\), not 10/);
  expect(issues(bill({ amount: 10, quantity: 3, unit_price: 3.333333 }))).toEqual([]);
  // Rounded as QuickBooks rounds, in decimal and half away from zero: binary floats make 1 × 1.005 = 1.00 and
  // -1 × 0.125 = -0.12, amounts QuickBooks refuses (6070), while it wants the ones we once refused.
  expect(issues(bill({ amount: 1.01, quantity: 1, unit_price: 1.005 }))).toEqual([]);
  expect(issues(bill({ amount: -0.13, quantity: -1, unit_price: 0.125 }))).toEqual([]);
  expect(issues(bill({ amount: 1, quantity: 1, unit_price: 1.005 }))[0]).toMatch(/1 × 1\.005 = 1\.01\), not 1;/);
  expect(issues(bill({ amount: -0.12, quantity: -1, unit_price: 0.125 }))[0]).toMatch(/= -0\.13\), not -0\.12;/);
  expect(issues(bill({ amount: 9.001, quantity: 3, unit_price: 3 }))[0]).toMatch(/= 9\.00\), not 9\.001;/);
  expect(issues(bill({ amount: 10 }, { doc_number: '  ' }))).toEqual(['data.doc_number: must not be empty or only spaces']);
});

test('a QuickBooks refusal names our field apart from QuickBooks\' own', () => {
  expect(hostFieldFor('DisplayName')).toBe('data.name');
  expect(hostFieldFor('Line.2.Description')).toBe('data.lines.2.description');
  expect(hostFieldFor('TxnDate')).toBeNull();
  // 6070 (amount ≠ quantity × unit price) names no line: the lines are ours to fix, so the fault names them and no Retry is offered.
  expect(hostFieldFor('Amount')).toBe('data.lines');
  expect(hostFieldFor(null)).toBeNull();
});
