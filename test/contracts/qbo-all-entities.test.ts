import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonPaths } from './key-paths.ts';
import { AU_REALM, CA_REALM, connected, UK_REALM, US_REALM, type Connected } from './sandbox-client.ts';
import { qboSchema } from './xsd-schema.ts';

type Json = Record<string, unknown>;

const NAME_LISTS = ['Account', 'Term', 'PaymentMethod', 'Class', 'Department', 'Item', 'Employee', 'Vendor', 'Customer'];
const TYPES = [
  'Account', 'TaxAgency', 'TaxRate', 'TaxCode', 'Term', 'PaymentMethod', 'Class', 'Department', 'Item', 'Employee', 'Vendor',
  'Customer', 'Invoice', 'Bill', 'PurchaseOrder', 'Payment', 'BillPayment', 'JournalEntry', 'Purchase', 'Deposit', 'CreditMemo',
  'VendorCredit', 'TimeActivity', 'CompanyInfo', 'Preferences',
];
/** One demo company per region the product offers (QBO-FACTS "Regions and plans"). */
const REGIONS: [string, string][] = [['US', US_REALM], ['CA', CA_REALM], ['UK', UK_REALM], ['AU', AU_REALM]];
/** Kestrel Freight (UK) is on Essentials: no purchase orders, classes or locations there. */
const NOT_ON_PLAN: Record<string, string[]> = { UK: ['PurchaseOrder', 'Class', 'Department'] };

/** No generated transaction carries a custom field: give one invoice a string custom field, as QuickBooks stores it. */
async function withCustomField(client: Connected, realm: string): Promise<void> {
  const page = await client.get(realm, `query?query=${encodeURIComponent('SELECT * FROM Invoice MAXRESULTS 1')}`);
  const invoice = (page.body as { QueryResponse: { Invoice: Json[] } }).QueryResponse.Invoice[0]!;
  const saved = await client.post(realm, 'invoice', { Id: invoice['Id'], SyncToken: invoice['SyncToken'], sparse: true, CustomField: [{ DefinitionId: '1', Name: 'Crew', Type: 'StringType', StringValue: 'North' }] });
  if (saved.status !== 200) throw new Error(`custom field: ${saved.status} ${JSON.stringify(saved.body)}`);
}

/**
 * Every entity of every type from one demo company per region, checked against Finance.xsd: element names,
 * value types, lists as arrays, required elements, lines and their detail, TxnTaxDetail, LinkedTxn, CustomField.
 */
describe('every entity type the sandbox serves fits Finance.xsd, in every region', () => {
  const clients: Connected[] = [];
  const entities = new Map<string, Json[]>();
  beforeAll(async () => {
    for (const [region, realm] of REGIONS) {
      const client = await connected(realm);
      clients.push(client);
      if (region === 'US') await withCustomField(client, realm);
      for (const type of TYPES) {
        const where = NAME_LISTS.includes(type) ? ' WHERE Active IN (true, false)' : '';
        const page = await client.get(realm, `query?query=${encodeURIComponent(`SELECT * FROM ${type}${where} MAXRESULTS 1000`)}`);
        if (page.status !== 200) throw new Error(`${region} ${type}: ${page.status} ${page.text}`);
        entities.set(`${region} ${type}`, ((page.body as { QueryResponse: Record<string, Json[]> }).QueryResponse[type] ?? []) as Json[]);
      }
    }
  });
  afterAll(async () => {
    for (const client of clients) await client.sandbox.close();
  });

  for (const [region] of REGIONS) {
    for (const type of TYPES) {
      if (NOT_ON_PLAN[region]?.includes(type)) continue;
      it(`${region} ${type}`, () => {
        const list = entities.get(`${region} ${type}`) ?? [];
        expect(list.length, `${region} has ${type}s to check`).toBeGreaterThan(0);
        const problems = new Set(list.flatMap((entity) => qboSchema().violations(entity, type)));
        expect([...problems]).toEqual([]);
      });
    }
  }

  it('the entities checked carry every kind of line detail, tax detail, linked transaction and custom field', () => {
    const paths = new Set<string>();
    for (const [key, list] of entities) for (const entity of list) for (const path of jsonPaths(entity)) paths.add(`${key.split(' ')[1]}.${path}`);
    const wanted = [
      'Invoice.Line.SalesItemLineDetail.TaxCodeRef', 'Invoice.Line.SubTotalLineDetail', 'Invoice.TxnTaxDetail.TotalTax', 'Invoice.LinkedTxn.TxnId', 'Invoice.CustomField.StringValue', 'Preferences.VendorAndPurchasesPrefs.POCustomField.CustomField.BooleanValue',
      'Bill.Line.AccountBasedExpenseLineDetail.AccountRef', 'Bill.Line.ItemBasedExpenseLineDetail.ItemRef', 'Bill.TxnTaxDetail.TaxLine.TaxLineDetail.TaxRateRef', 'Bill.LinkedTxn.TxnType',
      'Purchase.TxnTaxDetail.TaxLine.TaxLineDetail.NetAmountTaxable', 'CreditMemo.TxnTaxDetail.TxnTaxCodeRef',
      'Payment.Line.LinkedTxn.TxnId', 'BillPayment.Line.LinkedTxn.TxnId', 'JournalEntry.Line.JournalEntryLineDetail.PostingType', 'Deposit.Line.DepositLineDetail.AccountRef',
      'PurchaseOrder.Line.ItemBasedExpenseLineDetail.ItemRef', 'Purchase.Line.AccountBasedExpenseLineDetail.AccountRef', 'CreditMemo.Line.SalesItemLineDetail.ItemRef',
    ];
    expect(wanted.filter((path) => !paths.has(path))).toEqual([]);
  });
});
