import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { MappingTables, QboRef } from '../../bff/writeback/mapping-lookup.ts';
import { createLinks } from '../../bff/matching/store.ts';
import { pushDueDocuments } from '../../bff/writeback/job.ts';
import type { Document } from '../../shared/api/documents.ts';
import type { testApp, TestTenant } from './app.ts';
import { connectThroughPopup } from './connect-flow.ts';
import { uniqueCompany } from './realms.ts';
import type { RunningSandbox } from './sandbox.ts';
import { syncOnce } from './sync.ts';

type TestApp = ReturnType<typeof testApp>;

/** QuickBooks references of a synced sandbox company that documents can be mapped to. */
export interface CompanyRefs {
  expenseAccount: QboRef;
  salesItem: QboRef;
  serviceItem: QboRef;
  salesTaxCode: QboRef;
  purchaseTaxCode: QboRef;
  /** Codes with a non-zero rate, for host rates such as 20 % VAT. */
  standardSalesTaxCode: QboRef;
  standardPurchaseTaxCode: QboRef;
  employee: QboRef;
  customers: string[];
  vendors: string[];
}

async function refsOf(t: TestApp, connectionId: string): Promise<CompanyRefs> {
  const rows = (type: string) =>
    t.deps.sql<{ external_id: string; data: Record<string, any> }[]>`
      select external_id, data from records where connection_id = ${connectionId} and type = ${type} and deleted_at is null and coalesce(active, true) order by external_id::int`;
  const [accounts, items, codes, employees, customers, vendors, rates] = await Promise.all(['Account', 'Item', 'TaxCode', 'Employee', 'Customer', 'Vendor', 'TaxRate'].map(rows));
  const expense = accounts!.find((row) => row.data.AccountType === 'Expense');
  const service = items!.find((row) => row.data.Type === 'Service');
  // Zero-rated codes where the company has them, so the host's totals (no tax) stay QuickBooks' totals.
  const rateOf = new Map(rates!.map((row) => [row.external_id, Number(row.data.RateValue ?? 0)]));
  const details = (row: { data: Record<string, any> }, list: string): { TaxRateRef: { value: string } }[] => row.data[list]?.TaxRateDetail ?? [];
  const codeFor = (list: string) => {
    const usable = codes!.filter((row) => details(row, list).length > 0);
    return usable.find((row) => details(row, list).every((detail) => rateOf.get(String(detail.TaxRateRef.value)) === 0)) ?? usable[0];
  };
  const taxed = (list: string) => codes!.find((row) => details(row, list).some((detail) => (rateOf.get(String(detail.TaxRateRef.value)) ?? 0) > 0)) ?? codeFor(list);
  const sales = codeFor('SalesTaxRateList');
  const purchase = codeFor('PurchaseTaxRateList');
  const standardSales = taxed('SalesTaxRateList');
  const standardPurchase = taxed('PurchaseTaxRateList');
  for (const [name, found] of Object.entries({ expense, service, sales, purchase, employee: employees![0] })) expect(found, name).toBeTruthy();
  return {
    expenseAccount: { value: expense!.external_id },
    salesItem: { value: service!.external_id },
    serviceItem: { value: service!.external_id },
    salesTaxCode: { value: sales!.external_id },
    purchaseTaxCode: { value: purchase!.external_id },
    standardSalesTaxCode: { value: standardSales!.external_id },
    standardPurchaseTaxCode: { value: standardPurchase!.external_id },
    employee: { value: employees![0]!.external_id },
    customers: customers!.filter((row) => !row.data.Job).slice(0, 5).map((row) => row.external_id),
    vendors: vendors!.slice(0, 5).map((row) => row.external_id),
  };
}

/**
 * A connected, synced sandbox company (GB, Plus: purchase orders and real tax codes) ready for write-back:
 * five host customers and suppliers linked, mappings configured in `mappings` under the connection id.
 */
export async function writebackCompany(t: TestApp, sandbox: RunningSandbox, mappings: Map<string, MappingTables>, options: { tenant?: TestTenant; country?: string } = {}) {
  const tenant = options.tenant ?? (await t.createTenant());
  const org = `org-${randomBytes(3).toString('hex')}`;
  const realm = uniqueCompany(sandbox, { country: options.country ?? 'GB', plan: 'Plus' });
  const { result } = await connectThroughPopup(t, sandbox, tenant, org, realm);
  const id = result.connection!.id;
  await syncOnce(t, id);
  const refs = await refsOf(t, id);
  await t.deps.sql.begin(async (tx) => {
    await createLinks(tx, id, 'customers', refs.customers.map((provider, i) => ({ host_id: `cust-${i}`, provider_id: provider, method: 'manual' as const })), 'test');
    await createLinks(tx, id, 'suppliers', refs.vendors.map((provider, i) => ({ host_id: `supp-${i}`, provider_id: provider, method: 'manual' as const })), 'test');
  });
  const tables: MappingTables = {
    taxCodes: { sales: { 'vat-20': refs.standardSalesTaxCode }, purchase: { 'vat-20': refs.standardPurchaseTaxCode } },
    categories: { purchase: { office: { account: refs.expenseAccount } }, sales: { consulting: { item: refs.serviceItem } } },
    products: { 'prod-1': refs.salesItem },
    employees: { 'staff-1': refs.employee },
    defaults: { expenseAccount: refs.expenseAccount, salesItem: refs.salesItem, serviceItem: refs.serviceItem, salesTaxCode: refs.salesTaxCode, purchaseTaxCode: refs.purchaseTaxCode },
  };
  mappings.set(id, tables);
  const submit = (body: unknown, key?: string) =>
    t.request(`/v1/connections/${id}/documents`, { method: 'POST', token: tenant.secretKey, json: body, headers: key ? { 'idempotency-key': key } : {} });
  const get = async (doc: string) => (await (await t.request(`/v1/connections/${id}/documents/${doc}`, { token: tenant.secretKey })).json()) as Document;
  const push = () => pushDueDocuments(t.deps, id, `test-${randomBytes(3).toString('hex')}`);
  const settings = (json: Record<string, unknown>) => t.request(`/v1/organizations/${org}/settings`, { method: 'PUT', token: tenant.secretKey, json });
  return { tenant, org, realm, id, refs, tables, submit, get, push, settings };
}

/** A host document of each kind, numbered `n`, naming linked parties and mapped categories. */
export function sampleDocument(kind: string, n: number, tag: string): { kind: string; host_id: string; version: number; data: Record<string, unknown> } {
  const date = `2026-11-${String(1 + (n % 28)).padStart(2, '0')}`;
  const host_id = `${kind}-${tag}-${n}`;
  switch (kind) {
    case 'customer':
      return { kind, host_id, version: 1, data: { name: `WB Client ${tag} ${n}`, email: `client${n}@example.com`, city: 'Leeds' } };
    case 'vendor':
      return { kind, host_id, version: 1, data: { name: `WB Supplier ${tag} ${n}`, phone: '0113 496 0000', account_number: `A${n}` } };
    case 'invoice':
      return {
        kind,
        host_id,
        version: 1,
        data: { customer_id: `cust-${n % 5}`, date, lines: [{ description: `Work ${n}`, quantity: 2, unit_price: 50, amount: 100, category_id: 'consulting' }], totals: { total: 100 } },
      };
    case 'bill':
    case 'purchase_order':
      return {
        kind,
        host_id,
        version: 1,
        data: { supplier_id: `supp-${n % 5}`, date, lines: [{ description: `Paper ${n}`, amount: 40 + (n % 7), category_id: 'office' }], totals: { total: 40 + (n % 7) } },
      };
    default:
      return { kind, host_id, version: 1, data: { approved: true, staff_id: 'staff-1', customer_id: `cust-${n % 5}`, category_id: 'consulting', date, hours: 1 + (n % 7), minutes: 15, billable: n % 2 === 0 } };
  }
}
