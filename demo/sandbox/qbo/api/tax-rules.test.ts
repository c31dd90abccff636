import { describe, expect, it } from 'vitest';
import { Company, type Json } from '../company.ts';
import { QboFault } from './faults.ts';
import { setTaxCodeActive } from './tax-rules.ts';
import { createTaxCode } from './tax-service.ts';
import { createEntity } from './write.ts';

const NOW = Date.UTC(2026, 10, 1);
const make = (country: 'US' | 'UK' | 'CA', extra: Json = {}) => {
  const company = new Company({ realmId: `7${country}`, spec: { country, seed: `tax-rules-${country}`, size: 'small', plan: 'Plus', ...extra }, nowMs: NOW });
  company.nowMs = NOW;
  return company;
};
const codeId = (company: Company, name: string) => {
  for (let index = 0; index < company.countOf('TaxCode'); index++) if (company.tax.codes[index]?.name === name) return String(company.idOf('TaxCode', index));
  throw new Error(name);
};
const service = (company: Company) => String(company.idOf('Item', 0));
const refusal = (write: () => unknown) => {
  try {
    write();
  } catch (error) {
    if (error instanceof QboFault) return `${error.errors[0]?.code} ${error.errors[0]?.Detail}`;
    throw error;
  }
  return 'accepted';
};

function invoice(company: Company, taxCode: string | null): Json {
  const detail: Json = { ItemRef: { value: service(company) }, UnitPrice: 100, Qty: 1 };
  if (taxCode !== null) detail['TaxCodeRef'] = { value: taxCode };
  return { CustomerRef: { value: String(company.idOf('Customer', 0)) }, Line: [{ Amount: 100, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: detail }] };
}

function bill(company: Company, taxCode: string): Json {
  return {
    VendorRef: { value: String(company.idOf('Vendor', 0)) },
    Line: [{ Amount: 50, DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: { value: String(company.accountIdWithRole('expense')) }, TaxCodeRef: { value: taxCode } } }],
  };
}

describe('tax rules on writes', () => {
  it('UK and Canada need a tax code on every line (6000), and a code with rates for that side', () => {
    const uk = make('UK');
    expect(refusal(() => createEntity(uk, 'Invoice', invoice(uk, null), NOW))).toMatch(/^6000 Business Validation Error: Make sure all your transactions have a VAT rate/);
    expect(refusal(() => createEntity(uk, 'Invoice', invoice(uk, codeId(uk, '20.0% S')), NOW))).toBe('accepted');
    const agency = String(uk.idOf('TaxAgency', 0));
    const made = createTaxCode(uk, { TaxCode: 'Sales only', TaxRateDetails: [{ TaxRateName: 'Sales only', RateValue: 20, TaxAgencyId: agency, TaxApplicableOn: 'Sales' }] }, NOW);
    expect(refusal(() => createEntity(uk, 'Bill', bill(uk, String(made['TaxCodeId'])), NOW))).toMatch(/^6000 .*"Sales only" has no purchase rates/);
    expect(refusal(() => createEntity(uk, 'Bill', bill(uk, codeId(uk, 'No VAT')), NOW))).toBe('accepted');
    const ca = make('CA');
    expect(refusal(() => createEntity(ca, 'Invoice', invoice(ca, null), NOW))).toMatch(/GST\/HST rate/);
    const combined = createEntity(ca, 'Invoice', invoice(ca, codeId(ca, 'GST/PST BC')), NOW);
    expect((combined['TxnTaxDetail'] as Json)['TotalTax']).toBe(12);
  });

  it('an inactive code is refused on lines once switched off', () => {
    const uk = make('UK');
    setTaxCodeActive(uk, Number(codeId(uk, '5.0% R')), false, NOW);
    expect(refusal(() => createEntity(uk, 'Invoice', invoice(uk, codeId(uk, '5.0% R')), NOW))).toMatch(/^610 /);
    expect(uk.get('TaxCode', Number(codeId(uk, '5.0% R')))?.['Active']).toBe(false);
  });

  it('US lines take only TAX/NON; with manual sales tax the transaction code needs sales rates', () => {
    const us = make('US');
    expect(refusal(() => createEntity(us, 'Invoice', invoice(us, codeId(us, 'California')), NOW))).toMatch(/^6000 .*Only TAX or NON/);
    expect(refusal(() => createEntity(us, 'Invoice', invoice(us, 'TAX'), NOW))).toBe('accepted');
    const manual = make('US', { automated_sales_tax: false });
    const withCode = { ...invoice(manual, 'TAX'), TxnTaxDetail: { TxnTaxCodeRef: { value: codeId(manual, 'California') } } };
    expect(refusal(() => createEntity(manual, 'Invoice', withCode, NOW))).toBe('accepted');
  });
});
