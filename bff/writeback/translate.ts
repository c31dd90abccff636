import type {
  DocumentKind,
  DocumentLine,
  InvoiceDocumentData,
  MissingMapping,
  PartyDocumentData,
  PurchaseDocumentData,
  TimeActivityDocumentData,
} from '../../shared/api/documents.ts';
import type { MappingLookup, QboRef } from './mapping-lookup.ts';

type Qbo = Record<string, unknown>;

export const providerTypeOfKind = {
  purchase_order: 'PurchaseOrder',
  bill: 'Bill',
  invoice: 'Invoice',
  customer: 'Customer',
  vendor: 'Vendor',
  time_activity: 'TimeActivity',
} as const satisfies Record<DocumentKind, string>;
export type ProviderType = (typeof providerTypeOfKind)[DocumentKind];

export const isPartyKind = (kind: DocumentKind): kind is 'customer' | 'vendor' => kind === 'customer' || kind === 'vendor';

/** The host's party links of one connection: host id → QuickBooks id. */
export interface PartyLinks {
  suppliers: ReadonlyMap<string, string>;
  customers: ReadonlyMap<string, string>;
}

export type Translation =
  | { ok: true; type: ProviderType; body: Qbo; totals: { total: number; tax: number | null } | null }
  | { ok: false; missing: MissingMapping[] };

/**
 * The marker a pushed record carries, so the worker can find a record it may have made when QuickBooks' answer
 * was lost (or its requestid window passed): the document id and version, in the transaction's private note.
 * Parties are found by their unique display name instead, and time entries by what they hold (see time-key.ts):
 * a TimeActivity has no private field, and its Description is what the employee and the invoice show.
 */
export function markerOf(documentId: string): string {
  return `[ledgerlink ${documentId}`;
}

export function markedText(documentId: string, version: number, text: string | undefined): string {
  const marker = `${markerOf(documentId)} v${version}]`;
  return text ? `${text}\n${marker}` : marker;
}

/** The version a marked record holds, or null when it does not carry this document's marker. */
export function markedVersion(documentId: string, text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const at = text.lastIndexOf(markerOf(documentId));
  if (at < 0) return null;
  const match = /^ v(\d+)\]/.exec(text.slice(at + markerOf(documentId).length));
  return match ? Number(match[1]) : null;
}

/** The field a type's marker lives in; null for types found another way (parties by name, time by content). */
export const markerField = (type: ProviderType): 'PrivateNote' | null => (type === 'TimeActivity' || type === 'Customer' || type === 'Vendor' ? null : 'PrivateNote');

class Missing {
  readonly list: MissingMapping[] = [];
  readonly #seen = new Set<string>();

  add(what: MissingMapping['what'], hostId: string | null, use: MissingMapping['use'], message: string): null {
    const key = `${what}|${hostId}|${use}`;
    if (!this.#seen.has(key)) {
      this.#seen.add(key);
      this.list.push({ what, host_id: hostId, use, message });
    }
    return null;
  }
}

const ref = (target: QboRef): Qbo => (target.name ? { value: target.value, name: target.name } : { value: target.value });

function party(links: PartyLinks, kind: 'supplier' | 'customer', hostId: string, missing: Missing): QboRef | null {
  const id = (kind === 'supplier' ? links.suppliers : links.customers).get(hostId);
  if (id) return { value: id };
  const quickbooks = kind === 'supplier' ? 'vendor' : 'customer';
  return missing.add(kind, hostId, null, `Your ${kind} ${hostId} is not linked to a QuickBooks ${quickbooks}: link it in the matcher, or push it as a ${quickbooks} document first.`);
}

function taxCode(lookup: MappingLookup, rateId: string | undefined, use: 'sales' | 'purchase', missing: Missing): QboRef | null | undefined {
  if (rateId === undefined) {
    const fallback = use === 'sales' ? lookup.defaults.salesTaxCode : lookup.defaults.purchaseTaxCode;
    if (fallback) return fallback;
    // QuickBooks refuses such a line (6000) in companies that tax per line: hold it here, saying what to do.
    if (lookup.lineTaxRequired) return missing.add('tax_rate', null, use, `This QuickBooks company needs a ${use} tax code on every line: give each line one of your tax rates (mapped in the tax-rate mapping).`);
    return undefined;
  }
  return lookup.taxCode(rateId, use) ?? missing.add('tax_rate', rateId, use, `Your tax rate ${rateId} has no QuickBooks ${use} tax code mapped: map it in the tax-rate mapping.`);
}

/** A line's class: its own, else the document's, else the organization's default class (none: no class). */
function classOf(lookup: MappingLookup, classId: string | undefined, missing: Missing): QboRef | null | undefined {
  if (classId === undefined) return lookup.defaults.classRef;
  return lookup.classRef(classId) ?? missing.add('class', classId, null, `Your class ${classId} has no QuickBooks class mapped: map it in the class mapping.`);
}

const cents = (value: number) => Math.round(value * 100);
const money = (value: number) => cents(value) / 100;

function purchaseLine(line: DocumentLine, docClass: string | undefined, lookup: MappingLookup, missing: Missing): Qbo | null {
  const tax = taxCode(lookup, line.tax_rate_id, 'purchase', missing);
  const klass = classOf(lookup, line.class_id ?? docClass, missing);
  const common: Qbo = {};
  if (tax) common['TaxCodeRef'] = ref(tax);
  if (klass) common['ClassRef'] = ref(klass);
  const base: Qbo = { Amount: money(line.amount), ...(line.description ? { Description: line.description } : {}) };
  if (line.product_id !== undefined) {
    // Products linked as items (item-based lines), the procurement host's rule.
    const item = lookup.product(line.product_id) ?? missing.add('product', line.product_id, null, `Your product ${line.product_id} is not linked to a QuickBooks item: map it in the product mapping.`);
    if (!item) return null;
    const detail: Qbo = { ItemRef: ref(item), ...common };
    if (line.quantity !== undefined) detail['Qty'] = line.quantity;
    if (line.unit_price !== undefined) detail['UnitPrice'] = line.unit_price;
    return { ...base, DetailType: 'ItemBasedExpenseLineDetail', ItemBasedExpenseLineDetail: detail };
  }
  let account: QboRef | null | undefined;
  if (line.category_id !== undefined) {
    const target = lookup.category(line.category_id, 'purchase');
    account = target?.account ?? missing.add('category', line.category_id, 'purchase', `Your category ${line.category_id} has no QuickBooks expense account mapped.`);
  } else {
    account = lookup.defaults.expenseAccount ?? missing.add('default', null, 'purchase', 'A line has neither product nor category, and no default expense account is mapped.');
  }
  if (!account) return null;
  return { ...base, DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: ref(account), ...common } };
}

function salesLine(line: DocumentLine, docClass: string | undefined, lookup: MappingLookup, missing: Missing): Qbo | null {
  const tax = taxCode(lookup, line.tax_rate_id, 'sales', missing);
  const klass = classOf(lookup, line.class_id ?? docClass, missing);
  let item: QboRef | null | undefined;
  if (line.product_id !== undefined) item = lookup.product(line.product_id) ?? missing.add('product', line.product_id, null, `Your product ${line.product_id} is not linked to a QuickBooks item: map it in the product mapping.`);
  else if (line.category_id !== undefined) {
    item = lookup.category(line.category_id, 'sales')?.item ?? missing.add('category', line.category_id, 'sales', `Your billable category ${line.category_id} has no QuickBooks product or service mapped.`);
  } else item = lookup.defaults.salesItem ?? missing.add('default', null, 'sales', 'A line has neither product nor category, and no default product or service is mapped.');
  if (!item) return null;
  const detail: Qbo = { ItemRef: ref(item) };
  if (line.quantity !== undefined) detail['Qty'] = line.quantity;
  if (line.unit_price !== undefined) detail['UnitPrice'] = line.unit_price;
  if (tax) detail['TaxCodeRef'] = ref(tax);
  if (klass) detail['ClassRef'] = ref(klass);
  return { Amount: money(line.amount), ...(line.description ? { Description: line.description } : {}), DetailType: 'SalesItemLineDetail', SalesItemLineDetail: detail };
}

function transaction(
  documentId: string,
  version: number,
  data: PurchaseDocumentData | InvoiceDocumentData,
  lookup: MappingLookup,
  missing: Missing,
  partyRef: Qbo | null,
  sales: boolean,
): Qbo {
  const lines = data.lines.map((line) => (sales ? salesLine(line, data.class_id, lookup, missing) : purchaseLine(line, data.class_id, lookup, missing)));
  const body: Qbo = { TxnDate: data.date, Line: lines, PrivateNote: markedText(documentId, version, data.memo) };
  if (partyRef) body[sales ? 'CustomerRef' : 'VendorRef'] = partyRef;
  if (data.doc_number) body['DocNumber'] = data.doc_number;
  if (data.due_date) body['DueDate'] = data.due_date;
  // The document's location, else the organization's default location (none: no location).
  const location =
    data.location_id === undefined
      ? lookup.defaults.location
      : (lookup.location(data.location_id) ?? missing.add('location', data.location_id, null, `Your location ${data.location_id} has no QuickBooks location (department) mapped: map it in the location mapping.`));
  if (location) body['DepartmentRef'] = ref(location);
  return body;
}

/**
 * A host document as the QuickBooks body that creates it, or every link and mapping it lacks (then nothing is
 * sent). Pure: links and mappings are read before, so a thousand documents translate without a query each.
 */
export function translateDocument(document: { id: string; kind: DocumentKind; version: number; data: unknown }, lookup: MappingLookup, links: PartyLinks): Translation {
  const missing = new Missing();
  const type = providerTypeOfKind[document.kind];
  let body: Qbo;
  let totals: { total: number; tax: number | null } | null = null;
  switch (document.kind) {
    case 'purchase_order':
    case 'bill': {
      const data = document.data as PurchaseDocumentData;
      const vendor = party(links, 'supplier', data.supplier_id, missing);
      body = transaction(document.id, document.version, data, lookup, missing, vendor ? ref(vendor) : null, false);
      totals = { total: data.totals.total, tax: data.totals.tax ?? null };
      break;
    }
    case 'invoice': {
      const data = document.data as InvoiceDocumentData;
      const customer = party(links, 'customer', data.customer_id, missing);
      body = transaction(document.id, document.version, data, lookup, missing, customer ? ref(customer) : null, true);
      totals = { total: data.totals.total, tax: data.totals.tax ?? null };
      break;
    }
    case 'customer':
    case 'vendor':
      body = partyBody(document.data as PartyDocumentData, document.kind);
      break;
    case 'time_activity': {
      const data = document.data as TimeActivityDocumentData;
      const employee = lookup.employee(data.staff_id) ?? missing.add('staff', data.staff_id, null, `Your staff member ${data.staff_id} is not matched to a QuickBooks employee: map them in the staff mapping.`);
      body = { NameOf: 'Employee', TxnDate: data.date, Hours: data.hours, Minutes: data.minutes ?? 0, BillableStatus: data.billable ? 'Billable' : 'NotBillable' };
      if (employee) body['EmployeeRef'] = ref(employee);
      if (data.customer_id !== undefined) {
        const customer = party(links, 'customer', data.customer_id, missing);
        if (customer) body['CustomerRef'] = ref(customer);
      }
      let item: QboRef | null | undefined;
      if (data.category_id !== undefined) {
        item = lookup.category(data.category_id, 'sales')?.item ?? missing.add('category', data.category_id, 'sales', `Your billable category ${data.category_id} has no QuickBooks service item mapped.`);
      } else item = lookup.defaults.serviceItem;
      if (item) body['ItemRef'] = ref(item);
      if (data.hourly_rate !== undefined) body['HourlyRate'] = data.hourly_rate;
      if (data.description) body['Description'] = data.description;
      break;
    }
  }
  if (missing.list.length > 0) return { ok: false, missing: missing.list };
  return { ok: true, type, body, totals };
}

/** A vendor or customer body, the fields QuickBooks keeps for both (as the matcher's create sends them). */
export function partyBody(data: PartyDocumentData, kind: 'customer' | 'vendor'): Qbo {
  const body: Qbo = { DisplayName: data.name.trim() };
  if ([...data.name].length <= 100) body['CompanyName'] = data.name.trim();
  if (data.email) body['PrimaryEmailAddr'] = { Address: data.email };
  if (data.phone) body['PrimaryPhone'] = { FreeFormNumber: data.phone };
  const address: Qbo = {};
  if (data.address_line1) address['Line1'] = data.address_line1;
  if (data.address_line2) address['Line2'] = data.address_line2;
  if (data.city) address['City'] = data.city;
  if (data.region) address['CountrySubDivisionCode'] = data.region;
  if (data.postal_code) address['PostalCode'] = data.postal_code;
  if (data.country) address['Country'] = data.country;
  if (Object.keys(address).length > 0) body['BillAddr'] = address;
  if (data.account_number && kind === 'vendor') body['AcctNum'] = data.account_number;
  return body;
}
