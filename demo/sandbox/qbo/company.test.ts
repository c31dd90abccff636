import { describe, expect, it } from 'vitest';
import { Company, type Json } from './company.ts';
import { ENTITY_NAMES, type EntityName } from './entity-kinds.ts';
import { generateEntity } from './generator/generate.ts';
import { COUNTRIES } from './regions.ts';

const NOW = Date.UTC(2026, 5, 1);

function make(seed: string, country = COUNTRIES[0]): Company {
  return new Company({ realmId: `1${seed.length}`, spec: { seed, country, size: 'medium', plan: 'Advanced' }, nowMs: NOW });
}

const REF_TYPES: Record<string, EntityName> = {
  VendorRef: 'Vendor', CustomerRef: 'Customer', EmployeeRef: 'Employee', ItemRef: 'Item', AccountRef: 'Account', APAccountRef: 'Account',
  DepositToAccountRef: 'Account', IncomeAccountRef: 'Account', ExpenseAccountRef: 'Account', AssetAccountRef: 'Account', CCAccountRef: 'Account',
  BankAccountRef: 'Account', ClassRef: 'Class', DepartmentRef: 'Department', SalesTermRef: 'Term', TermRef: 'Term', PaymentMethodRef: 'PaymentMethod',
  TxnTaxCodeRef: 'TaxCode', TaxRateRef: 'TaxRate', AgencyRef: 'TaxAgency', ParentRef: 'Customer',
};

function refs(node: unknown, key: string | null, out: [string, string][]): [string, string][] {
  if (Array.isArray(node)) node.forEach((child) => refs(child, key, out));
  else if (typeof node === 'object' && node !== null) {
    if (key?.endsWith('Ref') && 'value' in node) out.push([key, String((node as Json)['value'])]);
    else for (const [k, v] of Object.entries(node)) refs(v, k, out);
  }
  return out;
}

describe('company generator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = make('alpha');
    const b = make('alpha');
    const c = make('beta');
    for (const type of ['Vendor', 'Invoice', 'Bill'] as const) {
      expect(generateEntity(a, type, 17)).toEqual(generateEntity(b, type, 17));
      expect(generateEntity(a, type, 17)).not.toEqual(generateEntity(c, type, 17));
    }
  });

  it('keeps the books balanced and the ledger equal to the entities', () => {
    for (const country of COUNTRIES) expect(make('books', country).ledger.trialBalanceCents()).toBe(0);
  });

  it('gives every Vendor, Customer and Employee a distinct display name', () => {
    const company = make('names');
    const names = new Set<string>();
    let count = 0;
    for (const type of ['Vendor', 'Customer', 'Employee'] as const) {
      for (let i = 0; i < company.countOf(type); i++) {
        names.add(String(generateEntity(company, type, i)['DisplayName']).toLowerCase());
        count++;
      }
    }
    expect(names.size).toBe(count);
  });

  it('only references entities that exist, of the right type', () => {
    const company = make('refs', 'UK');
    for (const type of ENTITY_NAMES) {
      const count = company.countOf(type);
      for (let i = 0; i < count; i += Math.max(1, Math.floor(count / 60))) {
        for (const [key, value] of refs(generateEntity(company, type, i), null, [])) {
          const target = key === 'ParentRef' ? type : REF_TYPES[key];
          if (!target) continue;
          expect(company.get(target, Number(value)), `${type} ${i} ${key}=${value}`).not.toBeNull();
        }
      }
    }
  });

  it('spreads history over years with times that never decrease with the index', () => {
    const company = make('time');
    const count = company.countOf('Invoice');
    let previous = 0;
    for (let i = 0; i < count; i += 7) {
      const { updatedMs } = company.timesOf('Invoice', i);
      expect(updatedMs).toBeGreaterThanOrEqual(previous);
      previous = updatedMs;
    }
    const first = company.timesOf('Invoice', 0).createMs;
    expect((company.timesOf('Invoice', count - 1).createMs - first) / (365 * 86_400_000)).toBeGreaterThan(2.5);
  });

  it('formats phones and addresses by country', () => {
    const uk = generateEntity(make('addr', 'UK'), 'Vendor', 3);
    expect((uk['PrimaryPhone'] as Json)['FreeFormNumber']).toMatch(/^0\d{4} \d{6}$/);
    expect((uk['BillAddr'] as Json)['Country']).toBe('United Kingdom');
    const au = generateEntity(make('addr', 'AU'), 'Customer', 3);
    expect((au['BillAddr'] as Json)['CountrySubDivisionCode']).toMatch(/^(VIC|NSW|QLD|WA|SA|TAS)$/);
  });
});

describe('reference names, as QuickBooks resolves them when it answers', () => {
  it('names a project "Parent:Project" in every reference, edited or not, and follows renames into entities written through the API', async () => {
    const { createEntity, updateEntity } = await import('./api/write.ts');
    const company = make('names');
    company.nowMs = NOW;
    const projectIndex = 9;
    const projectId = company.idOf('Customer', projectIndex);
    const project = company.get('Customer', projectId)!;
    expect(company.refNameOf('Customer', projectId)).toBe(project['FullyQualifiedName']);
    expect(String(project['FullyQualifiedName'])).toBe(`${String(company.get('Customer', company.idOf('Customer', 0))!['DisplayName'])}:${String(project['DisplayName'])}`);
    const invoice = Array.from({ length: company.countOf('Invoice') }, (_, index) => generateEntity(company, 'Invoice', index)).find((one) => (one['CustomerRef'] as Json)['value'] === String(projectId))!;
    expect((invoice['CustomerRef'] as Json)['name']).toBe(project['FullyQualifiedName']);
    // An edit of the project's phone leaves its name in references alone.
    updateEntity(company, 'Customer', { Id: String(projectId), SyncToken: project['SyncToken'], sparse: true, PrimaryPhone: { FreeFormNumber: '555-0100' } }, NOW + 1000);
    expect(company.get('Invoice', Number(invoice['Id']))).toEqual(invoice);
    // A bill written through the API, then its vendor renamed: the bill answers with the new name.
    const source = generateEntity(company, 'Bill', 3);
    const { Id: _id, SyncToken: _token, MetaData: _meta, DocNumber: _doc, Balance: _balance, TotalAmt: _total, LinkedTxn: _linked, ...body } = source;
    const bill = createEntity(company, 'Bill', body, NOW + 2000);
    const vendorId = Number((bill['VendorRef'] as Json)['value']);
    const vendor = company.get('Vendor', vendorId)!;
    updateEntity(company, 'Vendor', { Id: String(vendorId), SyncToken: vendor['SyncToken'], sparse: true, DisplayName: 'Renamed Supplies Ltd' }, NOW + 3000);
    expect((company.get('Bill', Number(bill['Id']))!['VendorRef'] as Json)['name']).toBe('Renamed Supplies Ltd');
    // Renaming the parent renames the (edited) project's full name, and so its references.
    const parentId = company.idOf('Customer', 0);
    const parent = company.get('Customer', parentId)!;
    updateEntity(company, 'Customer', { Id: String(parentId), SyncToken: parent['SyncToken'], sparse: true, DisplayName: 'Renamed Parent Co' }, NOW + 4000);
    expect(company.get('Customer', projectId)!['FullyQualifiedName']).toBe(`Renamed Parent Co:${String(project['DisplayName'])}`);
    expect((company.get('Invoice', Number(invoice['Id']))!['CustomerRef'] as Json)['name']).toBe(`Renamed Parent Co:${String(project['DisplayName'])}`);
  });
});
