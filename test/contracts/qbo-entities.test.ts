import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedXml, jsonPaths } from './key-paths.ts';
import { connected, UK_REALM, US_REALM, CA_REALM, type Connected } from './sandbox-client.ts';
import { qboSchema } from './xsd-schema.ts';

type Json = Record<string, unknown>;

/** Key paths without the trailing `value` of a reference, so `<TaxCodeRef>NON</TaxCodeRef>` and {value:"NON"} agree. */
function normalised(paths: Set<string>): Set<string> {
  return new Set([...paths].map((path) => path.replace(/\.value$/, '')));
}

const ENTITIES: { type: string; captured: string }[] = [
  { type: 'Vendor', captured: 'vendor.xml' },
  { type: 'Customer', captured: 'customer.xml' },
  { type: 'Invoice', captured: 'fetch_invoice_by_id.xml' },
  { type: 'Bill', captured: 'bill_create_response.xml' },
  { type: 'PurchaseOrder', captured: 'purchase_order.xml' },
  { type: 'TaxCode', captured: 'tax_code.xml' },
  { type: 'TaxRate', captured: 'tax_rate.xml' },
];

describe('sandbox entities against Finance.xsd and captured QuickBooks XML', () => {
  const clients = new Map<string, Connected>();
  const samples = new Map<string, Json[]>();
  /** The same entities by company: `${realm} ${type}`. */
  const byRealm = new Map<string, Json[]>();

  beforeAll(async () => {
    for (const realm of [US_REALM, UK_REALM, CA_REALM]) {
      const client = await connected(realm);
      clients.set(realm, client);
      for (const { type } of ENTITIES) {
        const page = await client.get(realm, `query?query=${encodeURIComponent(`SELECT * FROM ${type} MAXRESULTS 50`)}`);
        const list = ((page.body as { QueryResponse: Record<string, Json[]> }).QueryResponse[type] ?? []) as Json[];
        samples.set(type, [...(samples.get(type) ?? []), ...list]);
        byRealm.set(`${realm} ${type}`, list);
      }
    }
  });
  afterAll(async () => {
    for (const client of clients.values()) await client.sandbox.close();
  });

  for (const { type, captured } of ENTITIES) {
    it(`${type}: every key the sandbox emits is an element or attribute Finance.xsd allows`, () => {
      const list = samples.get(type) ?? [];
      expect(list.length).toBeGreaterThan(0);
      const problems = new Set(list.flatMap((entity) => qboSchema().violations(entity, type)));
      expect([...problems]).toEqual([]);
    });

    it(`${type}: the captured XML's element paths map onto the sandbox JSON's key paths`, () => {
      const xml = capturedXml(captured);
      const root = (xml['IntuitResponse'] as Json | undefined)?.[type] ?? xml[type];
      const capturedPaths = normalised(jsonPaths(root));
      const sandboxPaths = normalised(new Set((samples.get(type) ?? []).flatMap((entity) => [...jsonPaths(entity)])));
      // Where both sides have a field, they nest it the same way: a leaf in one is a leaf in the other.
      const leaf = (paths: Set<string>, path: string) => ![...paths].some((other) => other.startsWith(`${path}.`));
      const shared = [...capturedPaths].filter((path) => sandboxPaths.has(path));
      const mismatched = shared.filter((path) => leaf(capturedPaths, path) !== leaf(sandboxPaths, path) && !path.endsWith('Ref'));
      expect(mismatched).toEqual([]);
      // Every top-level field the capture and the sandbox share is nested identically below it.
      const sharedTop = new Set(shared.map((path) => path.split('.')[0]));
      // Lines, tax detail, linked transactions and custom fields are compared too. Left out: optional address and
      // date parts, a line detail kind the sandbox never writes on this type (its POs are item-based only), and the
      // optional per-line billable customer, class and tax-inclusive amount, which the capture's data happens to use.
      const unwrittenDetail = (path: string) => /^Line\.\w+LineDetail/.test(path) && !sandboxPaths.has(path.split('.').slice(0, 2).join('.'));
      const missing = [...capturedPaths].filter((path) => sharedTop.has(path.split('.')[0]) && !sandboxPaths.has(path) && !/\.(Lat|Long|Id|Line[2-5]|Country|EndDate)$/.test(path)
        && !unwrittenDetail(path) && !/^Line\.ItemBasedExpenseLineDetail\.(ClassRef|CustomerRef)(\.name)?$|\.TaxInclusiveAmt$/.test(path));
      expect(missing).toEqual([]);
      // And the capture's core fields are there at all.
      expect(shared.length).toBeGreaterThanOrEqual(Math.min(8, capturedPaths.size / 3));
    });
  }

  it('Invoice and Bill lines nest their detail like QuickBooks (DetailType + detail object, refs as {value,name})', () => {
    const invoice = (samples.get('Invoice') ?? [])[0] as Json;
    const line = (invoice['Line'] as Json[])[0] as Json;
    expect(line['DetailType']).toBe('SalesItemLineDetail');
    expect(Object.keys(line['SalesItemLineDetail'] as Json)).toEqual(expect.arrayContaining(['ItemRef', 'UnitPrice', 'Qty', 'TaxCodeRef']));
    const captured = capturedXml('fetch_invoice_by_id.xml');
    const capturedLine = ((captured['IntuitResponse'] as Json)['Invoice'] as Json)['Line'] as Json[];
    const capturedSales = capturedLine.find((entry) => entry['DetailType'] === 'SalesItemLineDetail') as Json;
    const known = [...Object.keys(capturedSales), 'Description', 'Id', 'LineNum'];
    expect(Object.keys(line).filter((key) => !known.includes(key))).toEqual([]);
    const bill = (samples.get('Bill') ?? []).find((entry) => (entry['Line'] as Json[]).some((l) => l['DetailType'] === 'AccountBasedExpenseLineDetail')) as Json;
    expect(qboSchema().violations(bill, 'Bill')).toEqual([]);
  });

  it('US codes lines TAX/NON, other regions name a real TaxCode with purchase rates', () => {
    /** Every TaxCodeRef value on the lines of a company's invoices and bills. */
    const lineCodes = (realm: string) => new Set([`${realm} Invoice`, `${realm} Bill`].flatMap((key) => byRealm.get(key) ?? []).flatMap((document) =>
      (document['Line'] as Json[]).flatMap((line) => {
        const detail = line[String(line['DetailType'])] as Json | undefined;
        return detail?.['TaxCodeRef'] ? [String((detail['TaxCodeRef'] as Json)['value'])] : [];
      })));
    expect([...lineCodes(US_REALM)].sort()).toEqual(['NON', 'TAX']);
    for (const realm of [UK_REALM, CA_REALM]) {
      const codes = byRealm.get(`${realm} TaxCode`) ?? [];
      const used = lineCodes(realm);
      expect(used.size, realm).toBeGreaterThan(0);
      expect([...used].filter((value) => !codes.some((code) => code['Id'] === value)), `${realm}: line codes that are no TaxCode`).toEqual([]);
      expect(codes.filter((code) => used.has(String(code['Id']))).some((code) => ((code['PurchaseTaxRateList'] as Json)['TaxRateDetail'] as unknown[]).length > 0), realm).toBe(true);
    }
    expect((byRealm.get(`${US_REALM} TaxCode`) ?? []).every((code) => ((code['PurchaseTaxRateList'] as Json | undefined)?.['TaxRateDetail'] as unknown[] | undefined ?? []).length === 0)).toBe(true);
  });
});
