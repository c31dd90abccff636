import { describe, expect, it } from 'vitest';
import { Company } from '../../demo/sandbox/qbo/company.ts';
import type { EntityName } from '../../demo/sandbox/qbo/entity-kinds.ts';
import { createTaxCode } from '../../demo/sandbox/qbo/api/tax-service.ts';
import { generateCompanyInfo, generatePreferences } from '../../demo/sandbox/qbo/generator/company-info.ts';
import type { CountryCode } from '../../demo/sandbox/qbo/regions.ts';
import { mappingContext, mappingProblems, planMappings, type CompanyLists, type HostStaff, type HostTaxRate, type MappingContext, type TargetRef } from './index.ts';

const NOW = Date.UTC(2026, 10, 1);

/** The lists a sync mirrors, read straight from an in-process sandbox company (inactive records included). */
export function sandboxLists(company: Company): CompanyLists {
  const all = (type: EntityName) => {
    const records = [];
    for (let index = 0; index < company.countOf(type); index++) {
      const record = company.get(type, company.idOf(type, index));
      if (record) records.push(record);
    }
    for (const [id, entry] of company.overlayOf(type)) if (company.indexOf(type, id) < 0 && entry.entity) records.push(company.get(type, id)!);
    return records;
  };
  return {
    companyInfo: generateCompanyInfo(company),
    preferences: generatePreferences(company),
    taxCodes: all('TaxCode'),
    taxRates: all('TaxRate'),
    taxAgencies: all('TaxAgency'),
    items: all('Item'),
    accounts: all('Account'),
    employees: all('Employee'),
    classes: all('Class'),
    departments: all('Department'),
  };
}

function companyIn(country: CountryCode, extra: { automated_sales_tax?: boolean } = {}) {
  return new Company({ realmId: `9${country}`, spec: { country, seed: `mapping-${country}`, size: 'small', plan: 'Plus', ...extra }, nowMs: NOW });
}

const rate = (id: string, name: string, value: number, applies_to: HostTaxRate['applies_to'] = ['sales', 'purchases'], region?: string): HostTaxRate => ({ id, name, rate: value, applies_to, ...(region ? { region } : {}) });

/** Suggested QuickBooks tax code name per host rate (null: nothing suggested, with the reason the row carries). */
const EXPECTED: { company: string; make: () => Company; rates: [HostTaxRate, string | null, RegExp?][] }[] = [
  {
    company: 'US, automated sales tax',
    make: () => companyIn('US'),
    rates: [
      [rate('us1', 'CA sales tax', 8.25, ['sales']), 'TAX', /QuickBooks computes the tax/],
      [rate('us2', 'Odd county rate', 9.375, ['sales']), 'TAX'],
      [rate('us3', 'Non-taxable', 0, ['sales']), 'NON'],
      [rate('us4', 'Use tax on purchases', 6, ['purchases']), 'NON', /no sales tax/],
      // Another country's rate is not this company's to suggest; a state is the company's own (QuickBooks computes it).
      [rate('us5', 'Ontario HST', 13, ['sales'], 'CA-ON'), null, /Canada: not for this company's region \(United States\)/],
      [rate('us6', 'Texas sales tax', 8.25, ['sales'], 'TX'), 'TAX'],
    ],
  },
  {
    company: 'US, manual sales tax',
    make: () => companyIn('US', { automated_sales_tax: false }),
    rates: [
      [rate('um1', 'Santa Clara County', 8.25, ['sales']), 'Santa Clara County'],
      [rate('um2', 'California state', 6, ['sales']), 'California'],
      [rate('um3', 'Resale exempt', 0, ['sales']), 'NON'],
      [rate('um4', 'Odd county rate', 9.375, ['sales']), null, /9\.375% on sales/],
      // "Santa Clara County" holds the California rate: a Texas rate at 8.25% is not given it, a California one is.
      [rate('um5', 'Sales tax', 8.25, ['sales'], 'TX'), null, /tax code in Texas charges 8\.25%/],
      [rate('um6', 'Local rate', 8.25, ['sales'], 'CA'), 'Santa Clara County', /California/],
      [rate('um7', 'State rate', 6, ['sales'], 'US-TX'), null, /in Texas/],
      [rate('um8', 'State rate', 6, ['sales'], 'California'), 'California'],
      [rate('um9', 'Standard', 8.25, ['sales'], 'GB'), null, /United Kingdom: not for this company's region/],
    ],
  },
  {
    company: 'UK',
    make: () => companyIn('UK'),
    rates: [
      [rate('uk1', '20% VAT', 20), '20.0% S'],
      [rate('uk2', 'Reduced rate VAT', 5), '5.0% R'],
      [rate('uk3', 'Zero rated', 0), '0.0% Z', /zero-rated/],
      [rate('uk4', 'Exempt', 0), 'Exempt', /exempt/],
      [rate('uk5', 'No VAT', 0), 'No VAT'],
      [rate('uk6', '0%', 0), null, /pick one/],
      // No Create is offered for reverse charge (QuickBooks sets those codes up itself): the way out is its VAT settings.
      [rate('uk7', 'Reverse charge (construction)', 20), null, /; turn on reverse charge in QuickBooks' VAT settings and sync, or pick another\.$/],
      [rate('uk8', 'Odd rate', 9.375), null, /9\.375%/],
      [rate('uk9', 'Standard', 20, ['sales', 'purchases'], 'DE'), null, /Germany: not for this company's region \(United Kingdom\)/],
      [rate('uk10', 'Standard', 20, ['sales', 'purchases'], 'Germany'), null, /Germany/],
      [rate('uk11', 'Standard', 20, ['sales', 'purchases'], 'United Kingdom'), '20.0% S'],
      [rate('uk12', 'Standard', 20, ['sales', 'purchases'], 'UK'), '20.0% S'],
      [rate('uk13', 'Standard', 20, ['sales', 'purchases'], 'CA'), null, /Canada/],
    ],
  },
  {
    company: 'Canada (Ontario HST, British Columbia GST + PST)',
    make: () => companyIn('CA'),
    rates: [
      [rate('ca1', 'HST', 13, ['sales', 'purchases'], 'ON'), 'HST ON', /Ontario/],
      [rate('ca2', 'GST + PST', 12, ['sales'], 'British Columbia'), 'GST/PST BC', /combined/],
      [rate('ca3', 'GST', 5, ['sales', 'purchases'], 'AB'), 'GST'],
      [rate('ca4', 'Zero-rated', 0), 'Zero-rated'],
      [rate('ca5', 'Exempt', 0), 'Exempt'],
      [rate('ca6', 'HST', 15, ['sales'], 'NS'), null, /15%/],
      [rate('ca7', 'HST', 13, ['sales', 'purchases'], 'US'), null, /United States: not for this company's region/],
      [rate('ca8', 'HST', 13, ['sales', 'purchases'], 'CA-ON'), 'HST ON', /Ontario/],
    ],
  },
  {
    company: 'Australia',
    make: () => companyIn('AU'),
    rates: [
      [rate('au1', 'GST', 10), 'GST'],
      [rate('au2', 'GST free', 0), 'GST free'],
      [rate('au3', 'Input taxed', 0), 'Input taxed'],
      [rate('au4', 'BAS excluded', 0), 'Out of scope'],
    ],
  },
];

function nameOfTarget(context: MappingContext, target: TargetRef): string {
  if (target.id === 'TAX' || target.id === 'NON') return target.id;
  return String(context.lists.taxCodes.find((code) => code['Id'] === target.id)?.['Name']);
}

describe('tax-rate suggestions per region', () => {
  for (const { company: label, make, rates } of EXPECTED) {
    it(`${label}: every host rate gets the expected code, with reasons`, () => {
      const context = mappingContext(sandboxLists(make()));
      const plan = planMappings(context, 'tax-rates', rates.map(([host]) => host), new Map());
      const got = plan.rows.map((row) => [row.host.name, row.suggestion ? nameOfTarget(context, row.suggestion.target) : null]);
      expect(got).toEqual(rates.map(([host, expected]) => [host.name, expected]));
      rates.forEach(([, expected, words], index) => {
        const row = plan.rows[index]!;
        const said = [...(row.suggestion?.reasons ?? []), ...row.problems.map((problem) => problem.message)].join(' | ');
        if (words) expect(said).toMatch(words);
        if (expected === null) expect(row.problems.length).toBe(1);
        // Every suggestion is itself a valid choice: accepting all suggestions never saves an invalid mapping.
        if (row.suggestion) expect(row.choices).toContain(row.suggestion.target.id);
      });
    });
  }

  it('detects each tax mode from CompanyInfo and Preferences', () => {
    expect(mappingContext(sandboxLists(companyIn('US'))).mode).toMatchObject({ country: 'US', kind: 'automated', has_agencies: false });
    expect(mappingContext(sandboxLists(companyIn('US', { automated_sales_tax: false }))).mode).toMatchObject({ kind: 'manual', has_agencies: true });
    expect(mappingContext(sandboxLists(companyIn('UK'))).mode).toMatchObject({ country: 'GB', kind: 'per_line', has_agencies: true });
  });
});

describe('tax-rate validation names every problem', () => {
  const uk = mappingContext(sandboxLists(companyIn('UK')));
  const code = (name: string) => ({ type: 'TaxCode' as const, id: String(uk.lists.taxCodes.find((entry) => entry['Name'] === name)!['Id']) });

  it('refuses a rate that differs, pseudo codes outside the US, and unmapped rows', () => {
    expect(mappingProblems(uk, 'tax-rates', rate('x', 'Odd', 9.375), code('20.0% S')).map((p) => p.code)).toEqual(['rate_differs', 'rate_differs']);
    expect(mappingProblems(uk, 'tax-rates', rate('x', 'Odd', 9.375), code('20.0% S'))[0]!.message).toMatch(/9\.375%.*20%/);
    expect(mappingProblems(uk, 'tax-rates', rate('x', 'VAT', 20), { type: 'TaxCode', id: 'TAX' })[0]!.code).toBe('not_allowed');
    expect(mappingProblems(uk, 'tax-rates', rate('x', 'VAT', 20), null)[0]!.code).toBe('unmapped');
    expect(mappingProblems(uk, 'tax-rates', rate('x', 'VAT', 20), code('20.0% S'))).toEqual([]);
  });

  it('refuses a sales-only code for purchases, and inactive codes', () => {
    const company = companyIn('UK');
    const agency = company.idOf('TaxAgency', 0);
    company.nowMs = NOW;
    // A code with sales rates only, made as a user would through taxservice/taxcode.
    createTaxCode(company, { TaxCode: 'Sales only 20', TaxRateDetails: [{ TaxRateName: 'Sales only 20', RateValue: 20, TaxAgencyId: String(agency), TaxApplicableOn: 'Sales' }] }, NOW);
    const context = mappingContext(sandboxLists(company));
    const salesOnly = { type: 'TaxCode' as const, id: String(context.lists.taxCodes.find((entry) => entry['Name'] === 'Sales only 20')!['Id']) };
    const problems = mappingProblems(context, 'tax-rates', rate('x', 'VAT', 20, ['sales', 'purchases']), salesOnly);
    expect(problems).toEqual([{ code: 'wrong_use', message: expect.stringMatching(/no purchase rates.*bills/) }]);
    expect(mappingProblems(context, 'tax-rates', rate('x', 'VAT', 20, ['sales']), salesOnly)).toEqual([]);
    const inactive = context.lists.taxCodes.map((entry) => (entry['Name'] === '20.0% S' ? { ...entry, Active: false } : entry));
    const after = mappingContext({ ...context.lists, taxCodes: inactive });
    expect(mappingProblems(after, 'tax-rates', rate('x', 'VAT', 20), code('20.0% S'))[0]).toMatchObject({ code: 'inactive', message: expect.stringContaining('20.0% S') });
  });

  it('US automated sales tax allows only TAX/NON, and TAX only for a taxed rate', () => {
    const us = mappingContext(sandboxLists(companyIn('US')));
    const realCode = String(us.lists.taxCodes[0]!['Id']);
    expect(mappingProblems(us, 'tax-rates', rate('x', 'Sales tax', 8.25, ['sales']), { type: 'TaxCode', id: realCode })[0]!.message).toMatch(/automated sales tax/);
    expect(mappingProblems(us, 'tax-rates', rate('x', 'Sales tax', 8.25, ['sales']), { type: 'TaxCode', id: 'NON' })[0]!.code).toBe('rate_differs');
    expect(mappingProblems(us, 'tax-rates', rate('x', 'Sales tax', 8.25, ['sales']), { type: 'TaxCode', id: 'TAX' })).toEqual([]);
  });
});

describe('staff and categories', () => {
  const company = companyIn('US');
  const lists = sandboxLists(company);
  const context = mappingContext(lists);
  const employees = lists.employees.filter((employee) => employee['Active'] !== false);
  const [first, second, third] = employees as Record<string, any>[];

  it('maps staff automatically only when name and email both agree', () => {
    const staff: HostStaff[] = [
      { id: 's1', name: first!['DisplayName'], email: first!['PrimaryEmailAddr']?.['Address'] },
      { id: 's2', name: second!['DisplayName'], email: 'someone.else@another.example' },
      { id: 's3', name: third!['DisplayName'].toUpperCase() + 'x', email: third!['PrimaryEmailAddr']?.['Address'] },
    ];
    const plan = planMappings(context, 'staff', staff, new Map());
    expect(first!['PrimaryEmailAddr']?.['Address']).toBeTruthy();
    expect(plan.rows[0]!.suggestion).toMatchObject({ target: { id: first!['Id'] }, confidence: 'auto' });
    expect(plan.rows[1]!.suggestion).toMatchObject({ target: { id: second!['Id'] }, confidence: 'suggested', reasons: ['same name', 'different email'] });
    expect(plan.rows[2]!.suggestion?.confidence ?? 'suggested').toBe('suggested');
    expect(plan.rows.every((row) => row.status === 'unmapped')).toBe(true);
  });

  it('a second person with the name and email of an employee someone already has is told who has it (stored or suggested)', () => {
    const same = { name: first!['DisplayName'] as string, email: first!['PrimaryEmailAddr']?.['Address'] as string };
    const held = planMappings(context, 'staff', [{ id: 's1', ...same }, { id: 's2', ...same }], new Map([['s1', { type: 'Employee', id: String(first!['Id']) }]]));
    expect(held.rows[1]!.suggestion).toBeNull();
    expect(held.rows[1]!.problems).toEqual([{ code: 'already_mapped', message: expect.stringContaining(`is already mapped to ${same.name}'s employee record`) }]);
    expect(held.rows[1]!.problems[0]!.message).toMatch(/same name and email/);
    const suggested = planMappings(context, 'staff', [{ id: 's1', ...same }, { id: 's2', ...same }], new Map());
    expect(suggested.rows[0]!.suggestion).toMatchObject({ confidence: 'auto' });
    expect(suggested.rows[1]!.problems[0]).toMatchObject({ code: 'already_mapped' });
  });

  it('suggests the service a category code names, and flags an account whose type changed', () => {
    // A service whose name no other item has (the sandbox, unlike QuickBooks, repeats some names: see below).
    const named = (item: Record<string, unknown>) => lists.items.filter((other) => other['Active'] !== false && other['Name'] === item['Name']).length;
    const service = lists.items.find((item) => item['Type'] === 'Service' && item['Active'] !== false && named(item) === 1)!;
    const plan = planMappings(context, 'billable-categories', [{ id: 'c1', name: 'Whatever we call it', code: String(service['Name']) }], new Map());
    expect(plan.rows[0]!.suggestion).toMatchObject({ target: { type: 'Item', id: service['Id'] }, reasons: [expect.stringMatching(/code .* is its name/)] });
    const income = lists.accounts.find((account) => account['Classification'] === 'Revenue')!;
    const changed = mappingContext({ ...lists, accounts: lists.accounts.map((account) => (account === income ? { ...account, AccountType: 'Bank', Classification: 'Asset' } : account)) });
    const host = { id: 'c2', name: 'Consulting' };
    expect(mappingProblems(context, 'billable-categories', host, { type: 'Account', id: String(income['Id']) })).toEqual([]);
    expect(mappingProblems(changed, 'billable-categories', host, { type: 'Account', id: String(income['Id']) })[0]).toMatchObject({ code: 'wrong_type', message: expect.stringContaining('Bank') });
  });
});

describe('problem words', () => {
  const lists = sandboxLists(companyIn('US'));
  const context = mappingContext(lists);

  it('choose "a" or "an" by the word: "not an item", "an Accounts Receivable account", "not a tax code"', () => {
    expect(mappingProblems(context, 'staff', { id: 's', name: 'Ada' }, { type: 'Item', id: '1' })[0]!.message).toBe('Staff map to QuickBooks employees, not an item.');
    expect(mappingProblems(context, 'tax-rates', rate('x', 'VAT', 20), { type: 'Item', id: '1' })[0]!.message).toBe('A tax rate maps to a QuickBooks tax code, not an item.');
    expect(mappingProblems(context, 'billable-categories', { id: 'c', name: 'Design' }, { type: 'TaxCode', id: '1' } as unknown as TargetRef)[0]!.message).toBe('A category maps to a QuickBooks product, service or account, not a tax code.');
    const receivable = lists.accounts.find((account) => account['AccountType'] === 'Accounts Receivable')!;
    expect(mappingProblems(context, 'billable-categories', { id: 'c', name: 'Design' }, { type: 'Account', id: String(receivable['Id']) })[0]!.message).toBe(`"${String(receivable['Name'])}" is now an Accounts Receivable account; billable lines need an income or expense account.`);
  });

  it('an account is judged by its AccountType as well as its Classification (QuickBooks derives one from the other)', () => {
    const income = lists.accounts.find((account) => account['AccountType'] === 'Income')!;
    const inconsistent = mappingContext({ ...lists, accounts: lists.accounts.map((account) => (account === income ? { ...account, AccountType: 'Bank' } : account)) });
    expect(mappingProblems(inconsistent, 'billable-categories', { id: 'c', name: 'Design' }, { type: 'Account', id: String(income['Id']) })[0]).toMatchObject({ code: 'wrong_type', message: expect.stringContaining('a Bank account') });
  });

  it('US automated sales tax: "Taxable" is refused for a purchases-only rate, for the reason the suggestion gives', () => {
    const useTax = rate('u', 'Use tax', 6, ['purchases']);
    expect(mappingProblems(context, 'tax-rates', useTax, { type: 'TaxCode', id: 'TAX' })).toEqual([{ code: 'not_allowed', message: '"Use tax" applies to purchases only, and US purchases carry no sales tax: map it to Non-taxable.' }]);
    expect(mappingProblems(context, 'tax-rates', useTax, { type: 'TaxCode', id: 'NON' })).toEqual([]);
    expect(planMappings(context, 'tax-rates', [useTax], new Map()).rows[0]!.suggestion!.reasons).toContain('US purchases carry no sales tax');
  });
});

describe('tax-rate validation checks what a rate means, not only its percentage', () => {
  const messages = (context: MappingContext, host: HostTaxRate, target: TargetRef) => mappingProblems(context, 'tax-rates', host, target).map((problem) => `${problem.code}: ${problem.message}`);
  const codeIn = (context: MappingContext, name: string): TargetRef => ({ type: 'TaxCode', id: String(context.lists.taxCodes.find((entry) => entry['Name'] === name)!['Id']) });

  it('exempt, zero-rated and outside the scope are different codes even at 0%; a plain 0% may take any of them', () => {
    const uk = mappingContext(sandboxLists(companyIn('UK')));
    expect(messages(uk, rate('x', 'Exempt', 0), codeIn(uk, '0.0% Z'))).toEqual(['meaning_differs: "Exempt" is exempt, but "0.0% Z" is zero-rated: they are different lines on a tax return.']);
    expect(messages(uk, rate('x', 'Zero rated', 0), codeIn(uk, 'Exempt'))).toEqual(['meaning_differs: "Zero rated" is zero-rated, but "Exempt" is exempt: they are different lines on a tax return.']);
    expect(messages(uk, rate('x', 'Zero rated', 0), codeIn(uk, 'No VAT'))[0]).toMatch(/^meaning_differs: .*outside the scope of tax/);
    for (const name of ['0.0% Z', 'Exempt', 'No VAT']) expect(messages(uk, rate('x', '0%', 0), codeIn(uk, name))).toEqual([]);
    expect(messages(uk, rate('x', 'Zero-rated exports', 0), codeIn(uk, '0.0% Z'))).toEqual([]);
  });

  it('reverse charge is never an ordinary code, and matches its code at the gross rate or at 0%', () => {
    const base = sandboxLists(companyIn('UK'));
    const agency = { value: String(base.taxAgencies[0]!['Id']) };
    const rc = (id: string, value: number) => ({ Id: id, Name: `${value}% RC`, RateValue: value, AgencyRef: agency, SpecialTaxType: 'REVERSE_CHARGE', Active: true });
    const lists: CompanyLists = {
      ...base,
      taxRates: [...base.taxRates, rc('901', 20), rc('902', -20)],
      taxCodes: [...base.taxCodes, { Id: '900', Name: '20.0% RC CIS', Active: true, PurchaseTaxRateList: { TaxRateDetail: [{ TaxRateRef: { value: '901' } }, { TaxRateRef: { value: '902' } }] } }],
    };
    const uk = mappingContext(lists);
    const rcCode = { type: 'TaxCode' as const, id: '900' };
    expect(messages(uk, rate('x', 'Reverse charge (construction)', 20, ['purchases']), rcCode)).toEqual([]);
    expect(messages(uk, rate('x', 'Reverse charge (construction)', 0, ['purchases']), rcCode)).toEqual([]);
    expect(messages(uk, rate('x', 'Reverse charge (construction)', 5, ['purchases']), rcCode)[0]).toMatch(/^rate_differs: /);
    expect(messages(uk, rate('x', '20% VAT', 20, ['purchases']), rcCode)).toEqual(['rate_differs: "20% VAT" is 20%, but "20.0% RC CIS" charges 0% on purchases.', 'meaning_differs: "20% VAT" is an ordinary rate, but "20.0% RC CIS" is reverse charge: the buyer would account for tax the seller charged.']);
    // A 0% rate lands on the code's net 0% but the code is not a 0% code.
    expect(messages(uk, rate('x', '0%', 0, ['purchases']), rcCode)).toEqual(['meaning_differs: "0%" is an ordinary rate, but "20.0% RC CIS" is reverse charge: the buyer would account for tax the seller charged.']);
    // The same +20/-20 code without the reverse-charge flag (an EC acquisitions code) is still no 0% code.
    const plainRates = lists.taxRates.map((entry) => (String(entry['Id']).startsWith('90') ? { ...entry, SpecialTaxType: 'NONE', Name: 'ECG' } : entry));
    const ecg = mappingContext({ ...lists, taxRates: plainRates, taxCodes: lists.taxCodes.map((entry) => (entry['Id'] === '900' ? { ...entry, Name: '20.0% ECG' } : entry)) });
    expect(messages(ecg, rate('x', '0%', 0, ['purchases']), rcCode)).toEqual(['meaning_differs: "0%" is 0%, but "20.0% ECG" books 20% on purchases and takes it back: it is not a 0% code.']);
    expect(messages(uk, rate('x', 'Reverse charge', 20, ['purchases']), codeIn(uk, '20.0% S'))).toEqual(['meaning_differs: "Reverse charge" is reverse charge, but "20.0% S" is an ordinary code: the buyer accounts for the tax only with a reverse-charge code.']);
  });

  it('a code is reverse charge by how QuickBooks builds it, not by its name: one ordinary 20% rate called "RC" is an ordinary code', () => {
    const base = sandboxLists(companyIn('UK'));
    const agency = { value: String(base.taxAgencies[0]!['Id']) };
    const lists: CompanyLists = {
      ...base,
      taxRates: [...base.taxRates, { Id: '911', Name: 'Reverse charge', RateValue: 20, AgencyRef: agency, SpecialTaxType: 'NONE', Active: true }, { Id: '912', Name: 'Exempt sales', RateValue: 20, AgencyRef: agency, SpecialTaxType: 'NONE', Active: true }],
      taxCodes: [
        ...base.taxCodes,
        { Id: '910', Name: 'Reverse charge', Active: true, PurchaseTaxRateList: { TaxRateDetail: [{ TaxRateRef: { value: '911' } }] } },
        { Id: '913', Name: 'Exempt sales', Active: true, SalesTaxRateList: { TaxRateDetail: [{ TaxRateRef: { value: '912' } }] } },
      ],
    };
    const uk = mappingContext(lists);
    const fake = { type: 'TaxCode' as const, id: '910' };
    expect(messages(uk, rate('x', 'Reverse charge', 20, ['purchases']), fake)).toEqual(['meaning_differs: "Reverse charge" is reverse charge, but "Reverse charge" is an ordinary code: the buyer accounts for the tax only with a reverse-charge code.']);
    // An ordinary 20% rate may use it: it charges 20% like "20.0% S".
    expect(messages(uk, rate('x', '20% purchases', 20, ['purchases']), fake)).toEqual([]);
    // A code called "Exempt" that charges 20% is not an exempt code.
    expect(messages(uk, rate('x', 'Exempt', 0, ['sales']), { type: 'TaxCode', id: '913' })[0]).toMatch(/^rate_differs: /);
    expect(messages(uk, rate('x', 'Standard', 20, ['sales']), { type: 'TaxCode', id: '913' })).toEqual([]);
    // The UK sandbox has the real thing, as UK companies do: +20% / -20% reverse-charge rates on purchases.
    expect(messages(uk, rate('x', 'Reverse charge (construction)', 20, ['purchases']), codeIn(uk, '20.0% RC CIS'))).toEqual([]);
  });

  it('a combined Canadian GST + PST rate needs a combined code of its province', () => {
    const company = companyIn('CA');
    createTaxCode(company, { TaxCode: 'Flat 12', TaxRateDetails: [{ TaxRateName: 'Flat 12', RateValue: 12, TaxAgencyId: String(company.idOf('TaxAgency', 0)), TaxApplicableOn: 'Sales' }] }, NOW);
    const ca = mappingContext(sandboxLists(company));
    const combined = rate('x', 'GST + PST', 12, ['sales'], 'BC');
    expect(messages(ca, combined, codeIn(ca, 'GST/PST BC'))).toEqual([]);
    expect(messages(ca, combined, codeIn(ca, 'Flat 12'))).toEqual(['meaning_differs: "GST + PST" combines GST and PST, but "Flat 12" holds one rate on sales: each tax goes to its own agency, so pick a code combining them.']);
    expect(messages(ca, rate('x', 'GST', 12, ['sales']), codeIn(ca, 'GST/PST BC'))).toEqual(['meaning_differs: "GST" is GST alone, but "GST/PST BC" combines 2 rates on sales.']);
    expect(messages(ca, rate('x', 'GST + PST', 12, ['sales'], 'Manitoba'), codeIn(ca, 'GST/PST BC'))).toEqual(['other_region: "GST + PST" is for Manitoba, but "GST/PST BC" is for British Columbia.']);
    expect(messages(ca, rate('x', 'HST', 13, ['sales', 'purchases'], 'ON'), codeIn(ca, 'HST ON'))).toEqual([]);
    expect(messages(ca, rate('x', 'HST', 13, ['sales'], 'US'), codeIn(ca, 'HST ON'))[0]).toMatch(/^other_region: "HST" is for United States/);
  });
});

describe('records of one name are ambiguous: never suggested, never auto-mapped', () => {
  const base = sandboxLists(companyIn('US'));
  const income = String(base.accounts.find((account) => account['AccountType'] === 'Income')!['Id']);

  it('two services called "Design" under different parents, or an item and an account of one name, are named, not guessed', () => {
    const service = (id: string, parent: string) => ({ Id: id, Name: 'Design', FullyQualifiedName: `${parent}:Design`, Type: 'Service', Active: true, IncomeAccountRef: { value: income } });
    const lists: CompanyLists = { ...base, items: [...base.items, service('9001', 'Studio'), service('9002', 'Print')], accounts: [...base.accounts, { Id: '9003', Name: 'Retainers', FullyQualifiedName: 'Retainers', AccountType: 'Income', Classification: 'Revenue', Active: true }] };
    lists.items.push({ Id: '9004', Name: 'Retainers', FullyQualifiedName: 'Retainers', Type: 'Service', Active: true });
    const plan = planMappings(mappingContext(lists), 'billable-categories', [{ id: 'c1', name: 'Design' }, { id: 'c2', name: 'Whatever', code: 'design' }, { id: 'c3', name: 'Retainers' }], new Map());
    for (const row of plan.rows.slice(0, 2)) {
      expect(row.suggestion).toBe(null);
      expect(row.problems).toEqual([{ code: 'ambiguous', message: expect.stringContaining('"Studio:Design" (Service, id 9001), "Print:Design" (Service, id 9002); pick one') }]);
    }
    expect(plan.rows[2]!.suggestion).toBe(null);
    expect(plan.rows[2]!.problems[0]!.message).toMatch(/"Retainers" \(Service, id 9004\), "Retainers" \(Income account, id 9003\)/);
  });

  it('two employees of one name: only an email that is one of theirs picks one; otherwise no suggestion and both are named', () => {
    const person = (id: string, email: string) => ({ Id: id, DisplayName: 'Jo Smith', GivenName: 'Jo', FamilyName: 'Smith', PrimaryEmailAddr: { Address: email }, Active: true });
    const context = mappingContext({ ...base, employees: [...base.employees, person('9101', 'jo@studio.example'), person('9102', 'jo.smith@print.example')] });
    const plan = planMappings(context, 'staff', [{ id: 's1', name: 'Jo Smith', email: 'jo@elsewhere.example' }, { id: 's2', name: 'Jo Smith', email: 'jo.smith@print.example' }], new Map());
    expect(plan.rows[0]!.suggestion).toBe(null);
    expect(plan.rows[0]!.problems).toEqual([{ code: 'ambiguous', message: '2 QuickBooks employees are called Jo Smith: "Jo Smith" (jo@studio.example, id 9101), "Jo Smith" (jo.smith@print.example, id 9102); pick the right one.' }]);
    expect(plan.rows[1]!.suggestion).toMatchObject({ target: { id: '9102' }, confidence: 'auto' });
  });
});
