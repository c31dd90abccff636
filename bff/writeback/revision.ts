import type { ProviderType } from './translate.ts';

type Qbo = Record<string, unknown>;

const TRANSACTION = ['TxnDate', 'DocNumber', 'DueDate', 'PrivateNote', 'Line', 'DepartmentRef', 'ClassRef'];
const PARTY = ['DisplayName', 'CompanyName', 'PrimaryEmailAddr', 'PrimaryPhone', 'BillAddr'];

/**
 * The QuickBooks fields a document of each type owns: everything translation may write. A revision sets them to
 * exactly what the new version says, so a field the host removed (a memo, a line, a due date, an address line, an
 * email) is gone from QuickBooks too; every other field stays as QuickBooks holds it (terms, a ship-to address,
 * notes a bookkeeper added, custom fields, the payments linked to an invoice).
 */
export const ownedFields: Readonly<Record<ProviderType, readonly string[]>> = {
  Bill: [...TRANSACTION, 'VendorRef'],
  PurchaseOrder: [...TRANSACTION, 'VendorRef'],
  Invoice: [...TRANSACTION, 'CustomerRef'],
  Vendor: [...PARTY, 'AcctNum'],
  Customer: PARTY,
  TimeActivity: ['NameOf', 'EmployeeRef', 'VendorRef', 'CustomerRef', 'ItemRef', 'TxnDate', 'Hours', 'Minutes', 'BillableStatus', 'HourlyRate', 'Description', 'ClassRef', 'DepartmentRef'],
};

/** Figures QuickBooks computes from the lines (sending the old ones back could pin an old total or tax). */
const DERIVED = ['TotalAmt', 'HomeTotalAmt', 'Balance', 'HomeBalance', 'MetaData', 'domain', 'sparse', 'status'];

/**
 * The full update (not sparse) that makes `current` equal the new version: QuickBooks' record with our fields
 * replaced by `body` (those `body` leaves out are dropped, which a full update clears) and its computed figures
 * left for QuickBooks to work out again. A transaction's tax code chosen for the whole transaction (US manual sales
 * tax) is kept; its computed tax lines are not.
 */
export function revisionBody(type: ProviderType, current: Qbo, body: Qbo): Qbo {
  const next: Qbo = { ...current };
  for (const field of [...ownedFields[type], ...DERIVED]) delete next[field];
  const tax = current['TxnTaxDetail'] as Qbo | undefined;
  delete next['TxnTaxDetail'];
  if (tax?.['TxnTaxCodeRef']) next['TxnTaxDetail'] = { TxnTaxCodeRef: tax['TxnTaxCodeRef'] };
  return { ...next, ...body, Id: current['Id'], SyncToken: current['SyncToken'], sparse: false };
}

/**
 * The update of a vendor or customer that was already in QuickBooks and only linked (not ours): a sparse update
 * of exactly the fields this version sends, so nothing QuickBooks holds that the host did not send is cleared (an
 * address line, a phone). An address is merged into QuickBooks' own: a sparse update replaces the whole object.
 */
export function linkedRevisionBody(current: Qbo, body: Qbo): Qbo {
  const next: Qbo = { Id: current['Id'], SyncToken: current['SyncToken'], sparse: true };
  for (const [field, value] of Object.entries(body)) {
    const held = current[field];
    const isObject = (v: unknown): v is Qbo => typeof v === 'object' && v !== null && !Array.isArray(v);
    next[field] = isObject(value) && isObject(held) ? { ...held, ...value } : value;
  }
  return next;
}
