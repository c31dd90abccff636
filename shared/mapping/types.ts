/**
 * What the host maps: its tax rates, its billable categories (services, time codes) and its staff; and for the
 * documents it pushes, its products (to items), classes and locations (to classes and departments).
 */
export const mappingKinds = ['tax-rates', 'billable-categories', 'staff', 'products', 'classes', 'locations'] as const;
export type MappingKind = (typeof mappingKinds)[number];

/** Where a host tax rate is used: on sales (invoices) and/or purchases (bills, expenses, purchase orders). */
export type TaxUse = 'sales' | 'purchases';

export interface HostTaxRate {
  id: string;
  name: string;
  /** Percent, e.g. 20 or 9.375. */
  rate: number;
  applies_to: TaxUse[];
  /** Country and/or region as the host knows it: "GB", "CA-BC", "Ontario". */
  region?: string;
}

export interface HostCategory {
  id: string;
  name: string;
  /** A code the host's users type, which some hosts require to equal a QuickBooks service name. */
  code?: string;
}

export interface HostStaff {
  id: string;
  name: string;
  email?: string;
  rate?: number;
}

/** One of the host's products, linked to a QuickBooks item so lines naming it are item lines. */
export interface HostProduct {
  id: string;
  name: string;
  sku?: string;
}

export interface HostClass {
  id: string;
  name: string;
}

/** A location (branch, site): a QuickBooks department, which QuickBooks shows as a location. */
export interface HostLocation {
  id: string;
  name: string;
}

export type HostRecordOf<K extends MappingKind> = K extends 'tax-rates'
  ? HostTaxRate
  : K extends 'billable-categories'
    ? HostCategory
    : K extends 'staff'
      ? HostStaff
      : K extends 'products'
        ? HostProduct
        : K extends 'classes'
          ? HostClass
          : HostLocation;

/** A QuickBooks record as QuickBooks answered it (the mirror keeps the JSON as is). */
export type QboRecord = Record<string, unknown>;

/** The QuickBooks lists a mapping reads, each with inactive records included. */
export interface CompanyLists {
  companyInfo: QboRecord | null;
  preferences: QboRecord | null;
  taxCodes: QboRecord[];
  taxRates: QboRecord[];
  taxAgencies: QboRecord[];
  items: QboRecord[];
  accounts: QboRecord[];
  employees: QboRecord[];
  classes: QboRecord[];
  departments: QboRecord[];
}

export type TargetType = 'TaxCode' | 'Item' | 'Account' | 'Employee' | 'TaxAgency' | 'Class' | 'Department';

/** What a host record maps to. US companies on automated sales tax map to the pseudo codes TAX / NON (type TaxCode). */
export interface TargetRef {
  type: TargetType;
  id: string;
}

/** A QuickBooks record a mapping may point at, with what the picker needs to show and filter it. */
export interface Target extends TargetRef {
  name: string;
  active: boolean;
  /** Tax codes: the combined rate on each side, null when the code has no rates on that side. */
  sales_rate?: number | null;
  purchase_rate?: number | null;
  /** Short words for the picker: "Service", "Expense account", "20% on sales and purchases". */
  detail: string;
}

/**
 * Every problem code, in one list: the OpenAPI MappingProblem enum and the ProblemCode type both come from it, so a
 * code the API sends can't be missing from what it documents.
 * - meaning_differs: the rate and the code mean different things on a tax return (exempt vs zero-rated, reverse
 *   charge vs normal, combined vs single).
 * - other_region: a host rate for another country or place than the code's.
 * - already_mapped: staff map one-to-one, and the employee is another person's.
 */
export const problemCodes = ['unmapped', 'not_found', 'inactive', 'wrong_use', 'rate_differs', 'not_allowed', 'wrong_type', 'ambiguous', 'meaning_differs', 'not_tracked', 'other_region', 'already_mapped'] as const;

export type ProblemCode = (typeof problemCodes)[number];

/** One thing wrong with a mapping, in words a person can act on. */
export interface Problem {
  code: ProblemCode;
  message: string;
}

export interface Suggestion {
  target: TargetRef;
  /** auto: certain enough to map without a person (staff whose name and email both agree); suggested: for review. */
  confidence: 'auto' | 'suggested';
  reasons: string[];
}

/** How the company taxes lines, read from CompanyInfo and Preferences. */
export interface TaxMode {
  /** CompanyInfo.Country (GB for the UK edition). */
  country: string;
  /**
   * automated: US automated sales tax, lines are only taxable (TAX) or not (NON) and QuickBooks computes the tax;
   * manual: US manual sales tax, lines TAX/NON and the transaction names a sales tax code (rate or group);
   * per_line: UK, CA, AU and other editions, a tax code with sales and purchase rate lists on every line.
   */
  kind: 'automated' | 'manual' | 'per_line';
  /** Agencies exist and can be chosen as the default for new rates. */
  has_agencies: boolean;
  class_tracking: boolean;
  department_tracking: boolean;
}

export const defaultKeys = ['tax_agency', 'class', 'department', 'fallback_item', 'fallback_account'] as const;
export type DefaultKey = (typeof defaultKeys)[number];
export type OrganizationDefaults = Partial<Record<DefaultKey, string | null>>;
