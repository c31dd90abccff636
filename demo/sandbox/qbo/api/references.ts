import type { Company, Json } from '../company.ts';
import type { EntityName } from '../entity-kinds.ts';
import { faults } from './faults.ts';

const ACCOUNT_REFS = ['AccountRef', 'APAccountRef', 'ARAccountRef', 'DepositToAccountRef', 'IncomeAccountRef', 'ExpenseAccountRef', 'AssetAccountRef', 'CCAccountRef', 'BankAccountRef', 'DiscountAccountRef'];

/** Which entity type each reference field points at. */
export const REF_TARGETS: Record<string, EntityName> = {
  VendorRef: 'Vendor',
  CustomerRef: 'Customer',
  EmployeeRef: 'Employee',
  ItemRef: 'Item',
  ClassRef: 'Class',
  DepartmentRef: 'Department',
  SalesTermRef: 'Term',
  TermRef: 'Term',
  PaymentMethodRef: 'PaymentMethod',
  TaxCodeRef: 'TaxCode',
  TxnTaxCodeRef: 'TaxCode',
  SalesTaxCodeRef: 'TaxCode',
  PurchaseTaxCodeRef: 'TaxCode',
  TaxRateRef: 'TaxRate',
  AgencyRef: 'TaxAgency',
  ...Object.fromEntries(ACCOUNT_REFS.map((name) => [name, 'Account' as EntityName])),
};

function checkRef(company: Company, key: string, target: EntityName, ref: Json): void {
  const value = String(ref['value'] ?? '');
  if (target === 'TaxCode' && key === 'TaxCodeRef' && (value === 'TAX' || value === 'NON')) {
    if (company.tax.pseudoLineCodes) return;
    throw faults.invalidReference(key, value);
  }
  const id = Number(value);
  const entity = Number.isInteger(id) ? company.get(target, id) : null;
  if (!entity) throw faults.invalidReference(key, value);
  if (entity['Active'] === false) throw faults.objectNotFound();
}

/**
 * Every reference in a request body must name an existing entity of the right type (else 2500) that is still
 * active (else 610, "made inactive"). Only what the request sends is checked, as QuickBooks does.
 */
export function checkReferences(company: Company, type: EntityName, body: unknown): void {
  const walk = (node: unknown, key: string | null) => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child, key);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Json;
    if (key !== null && key.endsWith('Ref') && 'value' in record) {
      const target = key === 'ParentRef' ? type : key === 'EntityRef' ? (String(record['type'] ?? 'Vendor') as EntityName) : REF_TARGETS[key];
      if (target && ['Vendor', 'Customer', 'Employee', ...Object.values(REF_TARGETS)].includes(target)) checkRef(company, key, target, record);
      return;
    }
    for (const [childKey, child] of Object.entries(record)) walk(child, childKey);
  };
  walk(body, null);
}
