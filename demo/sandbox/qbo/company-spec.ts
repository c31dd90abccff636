import type { CountryCode } from './regions.ts';

export const PLANS = ['SimpleStart', 'Essentials', 'Plus', 'Advanced'] as const;
export type Plan = (typeof PLANS)[number];

/** CompanyInfo NameValue OfferingSku as QuickBooks reports each plan. */
export const OFFERING_SKU: Record<Plan, string> = {
  SimpleStart: 'QuickBooks Online Simple Start',
  Essentials: 'QuickBooks Online Essentials',
  Plus: 'QuickBooks Online Plus',
  Advanced: 'QuickBooks Online Advanced',
};

export const SIZE_FIELDS = [
  'vendors', 'customers', 'employees', 'items', 'classes', 'departments',
  'invoices', 'bills', 'purchase_orders', 'payments', 'bill_payments', 'journal_entries', 'purchases', 'deposits',
  'credit_memos', 'vendor_credits', 'time_activities',
] as const;
export type SizeField = (typeof SIZE_FIELDS)[number];
export type CompanySize = Record<SizeField, number>;

export const SIZE_PRESETS: Record<'small' | 'medium' | 'large', CompanySize> = {
  small: {
    vendors: 40, customers: 60, employees: 8, items: 25, classes: 5, departments: 3,
    invoices: 120, bills: 80, purchase_orders: 15, payments: 80, bill_payments: 50, journal_entries: 10,
    purchases: 40, deposits: 15, credit_memos: 8, vendor_credits: 5, time_activities: 30,
  },
  medium: {
    vendors: 500, customers: 1_500, employees: 40, items: 200, classes: 10, departments: 6,
    invoices: 8_000, bills: 5_000, purchase_orders: 800, payments: 6_000, bill_payments: 3_500, journal_entries: 300,
    purchases: 2_000, deposits: 500, credit_memos: 200, vendor_credits: 100, time_activities: 2_000,
  },
  large: {
    vendors: 5_000, customers: 20_000, employees: 150, items: 1_000, classes: 20, departments: 10,
    invoices: 80_000, bills: 50_000, purchase_orders: 8_000, payments: 60_000, bill_payments: 35_000,
    journal_entries: 3_000, purchases: 20_000, deposits: 5_000, credit_memos: 2_000, vendor_credits: 1_000,
    time_activities: 20_000,
  },
};

/** What a company is made from; the same spec always yields the same company. */
export interface CompanySpec {
  name?: string;
  country?: CountryCode;
  plan?: Plan;
  seed?: string | number;
  size?: Partial<CompanySize> | 'small' | 'medium' | 'large';
  /** Fixed realm id (demo companies); otherwise derived from the seed and a counter. */
  realm_id?: string;
  /**
   * US only: automated sales tax (Preferences.TaxPrefs.PartnerTaxEnabled), on by default as for every US company
   * created since late 2017. Off models an older company on manual sales tax: lines still say TAX/NON, and the
   * transaction names the tax code (a rate or combined group) whose sales rates apply.
   */
  automated_sales_tax?: boolean;
}

export function resolveSize(size: CompanySpec['size']): CompanySize {
  if (size === undefined) return { ...SIZE_PRESETS.small };
  if (typeof size === 'string') return { ...SIZE_PRESETS[size] };
  const base: CompanySize = { ...SIZE_PRESETS.small };
  for (const field of SIZE_FIELDS) {
    const value = size[field];
    if (value !== undefined) base[field] = value;
  }
  return base;
}

/** Class and location tracking exist only on Plus and Advanced. */
export function hasClassTracking(plan: Plan): boolean {
  return plan === 'Plus' || plan === 'Advanced';
}

/** Purchase orders exist only on Plus and Advanced. */
export function hasPurchaseOrders(plan: Plan): boolean {
  return plan === 'Plus' || plan === 'Advanced';
}
