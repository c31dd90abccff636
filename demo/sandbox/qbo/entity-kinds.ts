/**
 * The QuickBooks entities the sandbox serves and how QuickBooks treats each: name lists are deactivated rather
 * than deleted and default to active-only in queries; only some transactions can be voided; CDC skips a few types.
 */
export const ENTITY_NAMES = [
  'Account', 'TaxAgency', 'TaxRate', 'TaxCode', 'Term', 'PaymentMethod', 'Class', 'Department',
  'Item', 'Employee', 'Vendor', 'Customer',
  'Invoice', 'Bill', 'PurchaseOrder', 'Payment', 'BillPayment', 'JournalEntry', 'Purchase', 'Deposit',
  'CreditMemo', 'VendorCredit', 'TimeActivity',
] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

/** Queryable but not stored in the id space: one per company. */
export const SINGLETON_NAMES = ['CompanyInfo', 'Preferences'] as const;
export type SingletonName = (typeof SINGLETON_NAMES)[number];

export const NAME_LISTS: ReadonlySet<EntityName> = new Set([
  'Account', 'Term', 'PaymentMethod', 'Class', 'Department', 'Item', 'Employee', 'Vendor', 'Customer',
]);

export const TRANSACTIONS: ReadonlySet<EntityName> = new Set([
  'Invoice', 'Bill', 'PurchaseOrder', 'Payment', 'BillPayment', 'JournalEntry', 'Purchase', 'Deposit',
  'CreditMemo', 'VendorCredit', 'TimeActivity',
]);

/** Intuit: CDC is not available for TaxAgency, TaxCode, TaxRate, TimeActivity (and JournalCode). */
export const CDC_UNSUPPORTED: ReadonlySet<string> = new Set(['TaxAgency', 'TaxCode', 'TaxRate', 'TimeActivity', 'JournalCode']);

export const VOIDABLE: ReadonlySet<EntityName> = new Set(['Invoice', 'Payment', 'BillPayment']);

/** Tax entities are read-only through the entity endpoints; tax codes are made through taxservice/taxcode. */
export const READ_ONLY: ReadonlySet<EntityName> = new Set(['TaxAgency', 'TaxRate', 'TaxCode']);

/** Names of Vendor, Customer and Employee share one namespace. */
export const SHARED_NAME_SPACE: ReadonlySet<EntityName> = new Set(['Vendor', 'Customer', 'Employee']);

const BY_LOWER = new Map<string, EntityName | SingletonName>(
  [...ENTITY_NAMES, ...SINGLETON_NAMES].map((name) => [name.toLowerCase(), name]),
);

/** Entity names arrive in any case ("vendor" from node-quickbooks, "Vendor" from our own code). */
export function entityNameOf(input: string): EntityName | SingletonName | null {
  return BY_LOWER.get(input.toLowerCase()) ?? null;
}

export function isSingleton(name: string): name is SingletonName {
  return name === 'CompanyInfo' || name === 'Preferences';
}
