import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connected, UK_REALM, US_REALM, type Connected } from './sandbox-client.ts';
import { qboSchema } from './xsd-schema.ts';

const TYPES = [
  'Account', 'TaxAgency', 'TaxRate', 'TaxCode', 'Term', 'PaymentMethod', 'Class', 'Department', 'Item', 'Employee', 'Vendor',
  'Customer', 'Invoice', 'Bill', 'PurchaseOrder', 'Payment', 'BillPayment', 'JournalEntry', 'Purchase', 'Deposit', 'CreditMemo',
  'VendorCredit', 'TimeActivity', 'CompanyInfo', 'Preferences',
];

describe('every entity type the sandbox serves fits Finance.xsd', () => {
  const clients: [string, Connected][] = [];
  beforeAll(async () => {
    for (const realm of [US_REALM, UK_REALM]) clients.push([realm, await connected(realm)]);
  });
  afterAll(async () => {
    for (const [, client] of clients) await client.sandbox.close();
  });

  for (const type of TYPES) {
    it(type, async () => {
      for (const [realm, client] of clients) {
        const page = await client.get(realm, `query?query=${encodeURIComponent(`SELECT * FROM ${type} WHERE Active IN (true, false) MAXRESULTS 100`.replace(/ WHERE Active IN \(true, false\)/, ['Account', 'Term', 'PaymentMethod', 'Class', 'Department', 'Item', 'Employee', 'Vendor', 'Customer'].includes(type) ? ' WHERE Active IN (true, false)' : ''))}`);
        expect(page.status).toBe(200);
        const list = (page.body as { QueryResponse: Record<string, unknown[]> }).QueryResponse[type] ?? [];
        const problems = new Set(list.flatMap((entity) => qboSchema().violations(entity, type)));
        expect([...problems]).toEqual([]);
      }
    });
  }
});
