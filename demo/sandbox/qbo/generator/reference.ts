import type { Company } from '../company.ts';
import { money, entityHead, currencyRef, type Json } from './common.ts';

export const TERMS = [
  { name: 'Due on receipt', days: 0 },
  { name: 'Net 15', days: 15 },
  { name: 'Net 30', days: 30 },
  { name: 'Net 60', days: 60 },
] as const;

export function paymentMethods(company: Company): { name: string; type: 'CREDIT_CARD' | 'NON_CREDIT_CARD' }[] {
  return [
    { name: 'Cash', type: 'NON_CREDIT_CARD' },
    { name: company.country === 'US' ? 'Check' : 'Cheque', type: 'NON_CREDIT_CARD' },
    { name: 'Visa', type: 'CREDIT_CARD' },
    { name: 'MasterCard', type: 'CREDIT_CARD' },
    { name: company.country === 'US' ? 'Direct Deposit' : 'EFT', type: 'NON_CREDIT_CARD' },
  ];
}

const CLASS_NAMES = ['Residential', 'Commercial', 'Government', 'Maintenance', 'Installation', 'Wholesale', 'Retail', 'Projects'];
const DEPARTMENT_NAMES = ['Head Office', 'North', 'South', 'East', 'West', 'Online', 'Warehouse', 'Depot'];

function listName(names: readonly string[], index: number): string {
  const base = names[index % names.length] ?? 'Other';
  const round = Math.floor(index / names.length);
  return round === 0 ? base : `${base} ${round + 1}`;
}

export function className(index: number): string {
  return listName(CLASS_NAMES, index);
}

export function departmentName(index: number): string {
  return listName(DEPARTMENT_NAMES, index);
}

export function generateAccount(company: Company, index: number): Json {
  const template = company.chart[index];
  if (!template) throw new RangeError(`no account ${index}`);
  const id = company.idOf('Account', index);
  const balance = company.ledger.accountBalanceCents(id, template.classification);
  return Object.assign(entityHead(company, 'Account', index), {
    Name: template.name,
    SubAccount: false,
    FullyQualifiedName: template.name,
    Active: true,
    Classification: template.classification,
    AccountType: template.type,
    AccountSubType: template.subType,
    AcctNum: template.acctNum,
    CurrentBalance: money(balance),
    CurrentBalanceWithSubAccounts: money(balance),
    CurrencyRef: currencyRef(company),
  });
}

export function generateTerm(company: Company, index: number): Json {
  const term = TERMS[index];
  if (!term) throw new RangeError(`no term ${index}`);
  return Object.assign(entityHead(company, 'Term', index), { Name: term.name, Active: true, Type: 'STANDARD', DiscountPercent: 0, DueDays: term.days, DiscountDays: 0 });
}

export function generatePaymentMethod(company: Company, index: number): Json {
  const method = paymentMethods(company)[index];
  if (!method) throw new RangeError(`no payment method ${index}`);
  return Object.assign(entityHead(company, 'PaymentMethod', index), { Name: method.name, Active: true, Type: method.type });
}

export function generateClass(company: Company, index: number): Json {
  const name = className(index);
  return Object.assign(entityHead(company, 'Class', index), { Name: name, SubClass: false, FullyQualifiedName: name, Active: true });
}

export function generateDepartment(company: Company, index: number): Json {
  const name = departmentName(index);
  return Object.assign(entityHead(company, 'Department', index), { Name: name, SubDepartment: false, FullyQualifiedName: name, Active: true });
}

export function generateTaxAgency(company: Company, index: number): Json {
  const agency = company.tax.agencies[index];
  if (!agency) throw new RangeError(`no tax agency ${index}`);
  const entity: Json = Object.assign(entityHead(company, 'TaxAgency', index), {
    DisplayName: agency.name,
    TaxTrackedOnPurchases: !company.tax.pseudoLineCodes,
    TaxTrackedOnSales: true,
  });
  if (agency.registration) entity['TaxRegistrationNumber'] = agency.registration;
  return entity;
}

export function generateTaxRate(company: Company, index: number): Json {
  const rate = company.tax.rates[index];
  if (!rate) throw new RangeError(`no tax rate ${index}`);
  const agencyId = company.idOf('TaxAgency', rate.agency);
  return Object.assign(entityHead(company, 'TaxRate', index), {
    Name: rate.name,
    Description: rate.description,
    Active: true,
    RateValue: rate.rate,
    AgencyRef: { value: String(agencyId) },
    SpecialTaxType: rate.specialTaxType,
    DisplayType: 'ReadOnly',
    EffectiveTaxRate: [{ RateValue: rate.rate, EffectiveDate: '1970-01-01T00:00:00Z' }],
  });
}

function rateDetails(company: Company, rates: number[]): Json {
  return {
    TaxRateDetail: rates.map((rateIndex) => ({
      TaxRateRef: { value: String(company.idOf('TaxRate', rateIndex)), name: company.tax.rates[rateIndex]?.name ?? '' },
      TaxTypeApplicable: 'TaxOnAmount',
      TaxOrder: 0,
    })),
  };
}

export function generateTaxCode(company: Company, index: number): Json {
  const code = company.tax.codes[index];
  if (!code) throw new RangeError(`no tax code ${index}`);
  return Object.assign(entityHead(company, 'TaxCode', index), {
    Name: code.name,
    Description: code.description,
    Active: true,
    Hidden: false,
    Taxable: code.taxable,
    TaxGroup: code.group,
    SalesTaxRateList: rateDetails(company, code.sales),
    PurchaseTaxRateList: rateDetails(company, code.purchase),
  });
}
