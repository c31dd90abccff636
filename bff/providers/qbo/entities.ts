/** Every QuickBooks entity type the kit mirrors by default, in import order (lists before transactions). */
export const qboEntityTypes = [
  'Account', 'Class', 'Department', 'Term', 'PaymentMethod', 'TaxAgency', 'TaxRate', 'TaxCode',
  'Customer', 'Vendor', 'Employee', 'Item',
  'Invoice', 'Bill', 'PurchaseOrder', 'Payment', 'BillPayment', 'JournalEntry', 'Purchase', 'Deposit',
  'CreditMemo', 'VendorCredit', 'TimeActivity',
] as const;

export type QboEntityType = (typeof qboEntityTypes)[number];

/** Read with a GET, not a query; one record each. */
export const qboSingletons = ['CompanyInfo', 'Preferences'] as const;

/**
 * Name lists are never deleted, only deactivated, and a plain query returns only active ones: without
 * `Active IN (true, false)` an importer silently misses every inactive record.
 */
export const qboNameLists = new Set<string>(['Account', 'Class', 'Department', 'Customer', 'Vendor', 'Employee', 'Item', 'Term', 'PaymentMethod']);

/** Change Data Capture does not cover these: incremental syncs re-query them by LastUpdatedTime. */
export const qboNotInCdc = new Set<string>(['TaxAgency', 'TaxCode', 'TaxRate', 'TimeActivity', 'JournalCode']);

export const QBO_PAGE_SIZE = 1000;

/** The WHERE clause that makes a query see every record of a type, inactive ones included. */
export function everyRecordOf(type: string): string {
  return qboNameLists.has(type) ? ' WHERE Active IN (true, false)' : '';
}
