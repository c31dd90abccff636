import type { HostRecord } from '../../shared/api/matching.ts';

/** The eight supplier fields kept in sync both ways (issue 6): name, street, city, region, postal code, country, phone, account number. */
export const supplierFieldNames = ['name', 'street', 'city', 'region', 'postal_code', 'country', 'phone', 'account_number'] as const;
export type SupplierField = (typeof supplierFieldNames)[number];
export type SupplierFields = Record<SupplierField, string | null>;

const clean = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

export function hostSupplierFields(record: HostRecord): SupplierFields {
  return {
    name: clean(record.name),
    street: clean(record.address_line1),
    city: clean(record.city),
    region: clean(record.region),
    postal_code: clean(record.postal_code),
    country: clean(record.country),
    phone: clean(record.phone),
    account_number: clean(record.account_number),
  };
}

/** The same fields of a QuickBooks vendor: DisplayName, BillAddr.*, PrimaryPhone, AcctNum. */
export function vendorSupplierFields(vendor: Record<string, any>): SupplierFields {
  const address = vendor.BillAddr ?? {};
  return {
    name: clean(String(vendor.DisplayName ?? '').replace(/ \(deleted\)$/, '')),
    street: clean(address.Line1),
    city: clean(address.City),
    region: clean(address.CountrySubDivisionCode),
    postal_code: clean(address.PostalCode),
    country: clean(address.Country),
    phone: clean(vendor.PrimaryPhone?.FreeFormNumber),
    account_number: clean(vendor.AcctNum),
  };
}

/**
 * A sparse update that sets `changes` on the vendor. BillAddr is sent whole (its other lines kept), since
 * a nested object in a sparse update replaces the stored one.
 */
export function vendorSparseUpdate(vendor: Record<string, any>, changes: Partial<SupplierFields>): Record<string, unknown> {
  const body: Record<string, unknown> = { Id: vendor.Id, SyncToken: vendor.SyncToken, sparse: true };
  if ('name' in changes) body.DisplayName = changes.name;
  const addressKeys: [SupplierField, string][] = [['street', 'Line1'], ['city', 'City'], ['region', 'CountrySubDivisionCode'], ['postal_code', 'PostalCode'], ['country', 'Country']];
  if (addressKeys.some(([field]) => field in changes)) {
    const address: Record<string, unknown> = { ...(vendor.BillAddr ?? {}) };
    for (const [field, key] of addressKeys) if (field in changes) address[key] = changes[field] ?? '';
    body.BillAddr = address;
  }
  if ('phone' in changes) body.PrimaryPhone = { FreeFormNumber: changes.phone ?? '' };
  if ('account_number' in changes) body.AcctNum = changes.account_number ?? '';
  return body;
}

/** QuickBooks' name for each field (a fault's `element`, or a path of field-limits.ts), lower-cased. */
const fieldOfQuickBooks: Record<string, SupplierField> = {
  displayname: 'name',
  line1: 'street',
  city: 'city',
  countrysubdivisioncode: 'region',
  postalcode: 'postal_code',
  country: 'country',
  primaryphone: 'phone',
  freeformnumber: 'phone',
  acctnum: 'account_number',
};

/** Which of the eight fields a QuickBooks field (`BillAddr.PostalCode`, `DisplayName`, `postalcode`) is. */
export function supplierFieldOf(quickbooksField: string): SupplierField | undefined {
  const last = quickbooksField.split('.').pop()?.toLowerCase() ?? '';
  return fieldOfQuickBooks[last];
}

export type ConflictPolicy = 'newest_wins' | 'quickbooks_wins' | 'host_wins';

/** Both sides' values when the two last agreed (at link time, each side as it was). */
export interface FieldBaseline {
  host: SupplierFields;
  provider: SupplierFields;
}

export interface FieldSyncPlan {
  /** Host values to write to QuickBooks. */
  push: Partial<SupplierFields>;
  /** QuickBooks changes to report to the host (supplier.updated). */
  report: Partial<Record<SupplierField, { from: string | null; to: string | null }>>;
  conflicts: { field: SupplierField; host: string | null; quickbooks: string | null; winner: 'host' | 'quickbooks' }[];
  baseline: FieldBaseline;
}

/**
 * Decides, field by field, what changed where since the sides last agreed, and what to do about it:
 * a host-only change goes to QuickBooks, a QuickBooks-only change is reported to the host, a change on both
 * sides to different values is a conflict settled by the organization's policy (newest wins by default,
 * comparing when each side last changed). Nothing is pushed that QuickBooks already has, and a host that
 * has not applied a reported change yet is not taken to have reverted it.
 */
export function planFieldSync(input: {
  baseline: FieldBaseline;
  host: SupplierFields;
  provider: SupplierFields;
  hostChangedAt: Date;
  providerChangedAt: Date;
  policy: ConflictPolicy;
}): FieldSyncPlan {
  const plan: FieldSyncPlan = { push: {}, report: {}, conflicts: [], baseline: { host: { ...input.baseline.host }, provider: { ...input.baseline.provider } } };
  for (const field of supplierFieldNames) {
    const host = input.host[field];
    const provider = input.provider[field];
    const hostChanged = host !== input.baseline.host[field];
    const providerChanged = provider !== input.baseline.provider[field];
    if (!hostChanged && !providerChanged) continue;
    let winner: 'host' | 'quickbooks';
    if (hostChanged && providerChanged && host !== provider) {
      winner =
        input.policy === 'host_wins' ? 'host' : input.policy === 'quickbooks_wins' ? 'quickbooks' : input.hostChangedAt > input.providerChangedAt ? 'host' : 'quickbooks';
      plan.conflicts.push({ field, host, quickbooks: provider, winner });
    } else {
      winner = hostChanged ? 'host' : 'quickbooks';
    }
    if (winner === 'host') {
      if (host !== provider) plan.push[field] = host;
      plan.baseline.host[field] = host;
      plan.baseline.provider[field] = host;
    } else {
      if (providerChanged) plan.report[field] = { from: input.baseline.provider[field], to: provider };
      plan.baseline.provider[field] = provider;
      // The host's own value stays its baseline until it changes it (applying the report, or a new edit). A host
      // value that lost a conflict is taken as seen too: only a new host edit is written, never the loser again.
      plan.baseline.host[field] = hostChanged ? host : input.baseline.host[field];
    }
  }
  return plan;
}
