import type { Sql } from '../db/client.ts';
import { taxModeOf } from '../../shared/mapping/tax-mode.ts';
import { resolveMappings } from '../mapping/resolve.ts';

/** A QuickBooks reference as a document line carries it. */
export interface QboRef {
  value: string;
  name?: string;
}

/** What a category (billable category, expense category) maps to: an item, an account, or both. */
export interface CategoryTarget {
  item?: QboRef;
  account?: QboRef;
}

/** Defaults used when a document leaves something out (a purchase line with no category, a sale with no item). */
export interface WritebackDefaults {
  /** Account for purchase lines with neither product nor category. */
  expenseAccount?: QboRef;
  /** Item for sales lines with neither product nor category. */
  salesItem?: QboRef;
  /** Service item for billable time with no category. */
  serviceItem?: QboRef;
  /** Tax code for lines without a tax rate, per use (US companies: NON/TAX are pseudo codes). */
  salesTaxCode?: QboRef;
  purchaseTaxCode?: QboRef;
  /** The organization's default class and location (department): for documents and lines that name none. */
  classRef?: QboRef;
  location?: QboRef;
}

/**
 * The mappings write-back translates through, for one connection. The mapping store (issue 14, bff/mapping/)
 * owns them; write-back only asks. Every answer is null when nothing is mapped, and write-back then reports
 * needs_mapping naming exactly that, sending nothing.
 */
export interface MappingLookup {
  taxCode(hostRateId: string, use: 'sales' | 'purchase'): QboRef | null;
  category(hostCategoryId: string, use: 'sales' | 'purchase'): CategoryTarget | null;
  product(hostProductId: string): QboRef | null;
  employee(hostStaffId: string): QboRef | null;
  classRef(hostClassId: string): QboRef | null;
  location(hostLocationId: string): QboRef | null;
  defaults: WritebackDefaults;
  /** The company needs a tax code on every line (UK, CA, AU…): a line with no rate and no default is held. */
  lineTaxRequired?: boolean;
}

/** Resolves a connection's mappings once per push batch. */
export type MappingResolver = (sql: Sql, connectionId: string) => Promise<MappingLookup>;

/** Plain tables of mappings: what tests configure, and the shape the mapping store's answer is turned into. */
export interface MappingTables {
  taxCodes?: { sales?: Record<string, QboRef>; purchase?: Record<string, QboRef> };
  categories?: { sales?: Record<string, CategoryTarget>; purchase?: Record<string, CategoryTarget> };
  products?: Record<string, QboRef>;
  employees?: Record<string, QboRef>;
  classes?: Record<string, QboRef>;
  locations?: Record<string, QboRef>;
  defaults?: WritebackDefaults;
}

export function tableLookup(tables: MappingTables): MappingLookup {
  const own = <T>(record: Record<string, T> | undefined, key: string): T | null => (record && Object.hasOwn(record, key) ? record[key]! : null);
  return {
    taxCode: (id, use) => own(tables.taxCodes?.[use], id),
    category: (id, use) => own(tables.categories?.[use], id),
    product: (id) => own(tables.products, id),
    employee: (id) => own(tables.employees, id),
    classRef: (id) => own(tables.classes, id),
    location: (id) => own(tables.locations, id),
    defaults: tables.defaults ?? {},
  };
}

/**
 * The mappings people keep through the API and <tax-rate-mapper> (bff/mapping/): only those valid as of the last
 * sync, so a line whose code was switched off waits in needs_mapping instead of posting wrong tax. Tax rates map
 * to one code that the mapping engine checked for the rate's uses (sales and/or purchases); a category maps to an
 * item or an account; staff to employees; products to items, classes to classes, locations to departments; the
 * organization's fallback item and account fill lines with neither, and its default class and location apply to
 * documents that name none.
 */
export const storedMappings: MappingResolver = async (sql, connectionId) => {
  const resolved = await resolveMappings(sql, connectionId);
  const company = await sql<{ type: string; data: Record<string, unknown> }[]>`
    select type, data from records where connection_id = ${connectionId} and type in ('CompanyInfo', 'Preferences') and deleted_at is null`;
  const of = (type: string) => company.find((row) => row.type === type)?.data ?? null;
  const mode = taxModeOf({ companyInfo: of('CompanyInfo'), preferences: of('Preferences'), taxAgencies: [] });
  const ref = (target: QboRef | undefined): QboRef | undefined => (target ? { value: target.value, name: target.name } : undefined);
  const table = (map: Map<string, QboRef>) => Object.fromEntries([...map].map(([id, target]) => [id, ref(target)!]));
  const lookup = tableLookup({
    employees: table(resolved.staff),
    products: table(resolved.products),
    classes: table(resolved.classes),
    locations: table(resolved.locations),
    defaults: {
      expenseAccount: ref(resolved.defaults.fallback_account),
      salesItem: ref(resolved.defaults.fallback_item),
      serviceItem: ref(resolved.defaults.fallback_item),
      classRef: ref(resolved.defaults.class),
      location: ref(resolved.defaults.department),
    },
  });
  const own = <T>(map: Map<string, T>, id: string): T | null => map.get(id) ?? null;
  return {
    ...lookup,
    lineTaxRequired: mode.kind === 'per_line',
    taxCode: (id) => {
      const target = own(resolved['tax-rates'], id);
      return target ? { value: target.value, name: target.name } : null;
    },
    category: (id) => {
      const target = own(resolved['billable-categories'], id);
      if (!target) return null;
      return target.type === 'Item' ? { item: { value: target.value, name: target.name } } : { account: { value: target.value, name: target.name } };
    },
  };
};

/** A resolver over fixed tables per connection (tests, and hosts that configure mappings in code). */
export function tableResolver(byConnection: (connectionId: string) => MappingTables | undefined): MappingResolver {
  return async (_sql, connectionId) => tableLookup(byConnection(connectionId) ?? {});
}
