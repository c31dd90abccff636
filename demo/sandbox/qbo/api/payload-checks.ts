import type { Company, Json } from '../company.ts';
import type { EntityName } from '../entity-kinds.ts';
import FINANCE_FIELDS from '../schema/finance-fields.json' with { type: 'json' };
import { QboFault } from './faults.ts';
import { lineAmountCents, scaled } from '../../../../shared/money/line-amount.ts';

/**
 * Checks QuickBooks makes on a write before any business rule: every key must be a property of its type in
 * Intuit's schema (else 2010, as its JSON deserializer refuses unknown properties), strings must fit their documented
 * length (else 2050), and item lines must add up (6070) and name a quantity for inventory items (6520).
 */
interface SchemaType {
  base?: string;
  fields: Record<string, string>;
  attributes?: string[];
  text?: true;
}

const SCHEMA = FINANCE_FIELDS as Record<string, SchemaType>;

/**
 * Maximum lengths from Intuit's Accounting API reference (developer.intuit.com, "max N characters" on each
 * entity's attribute table), keyed by the schema type that declares or inherits the field; the most derived type wins,
 * so Term.Name (31) and Account.Name (100) can differ although both are "Name".
 */
const MAX_LENGTHS: Record<string, Record<string, number>> = {
  NameBase: { Title: 16, GivenName: 100, MiddleName: 100, FamilyName: 100, Suffix: 16, CompanyName: 100, DisplayName: 500, PrintOnCheckName: 110 },
  Vendor: { AcctNum: 100 },
  Customer: { Notes: 2000 },
  Item: { Name: 100, Description: 4000, PurchaseDesc: 1000, Sku: 100 },
  Account: { Name: 100, Description: 100, AcctNum: 7 },
  Class: { Name: 100 },
  Department: { Name: 100 },
  Term: { Name: 31 },
  PaymentMethod: { Name: 31 },
  Transaction: { DocNumber: 21, PrivateNote: 4000 },
  TimeActivity: { Description: 4000 },
  Line: { Description: 4000 },
  PhysicalAddress: { Line1: 500, Line2: 500, Line3: 500, Line4: 500, Line5: 500, City: 255, Country: 255, CountrySubDivisionCode: 255, PostalCode: 30 },
  EmailAddress: { Address: 100 },
  TelephoneNumber: { FreeFormNumber: 30 },
  WebSiteAddress: { URI: 1000 },
};

function chain(typeName: string): SchemaType[] {
  const types: SchemaType[] = [];
  let current: string | undefined = typeName;
  while (current && SCHEMA[current]) {
    const type: SchemaType = SCHEMA[current] as SchemaType;
    types.push(type);
    current = type.base;
  }
  return types;
}

function chainNames(typeName: string): string[] {
  const names: string[] = [];
  let current: string | undefined = typeName;
  while (current && SCHEMA[current]) {
    names.push(current);
    current = SCHEMA[current]?.base;
  }
  return names;
}

function fieldType(typeName: string, key: string): string | null {
  for (const type of chain(typeName)) {
    const found = type.fields[key];
    if (found) return found;
  }
  return null;
}

function isAttribute(typeName: string, key: string): boolean {
  return chain(typeName).some((type) => type.attributes?.includes(key) ?? false) || (key === 'value' && chain(typeName).some((type) => type.text));
}

function maxLength(typeName: string, key: string): number | null {
  for (const name of chainNames(typeName)) {
    const max = MAX_LENGTHS[name]?.[key];
    if (max !== undefined) return max;
  }
  return null;
}

const grouped = (n: number) => n.toLocaleString('en-US');

/** Rejects the first property its type does not declare, and the first string longer than its documented maximum. */
export function checkSchema(type: EntityName, body: Json): void {
  const walk = (node: unknown, typeName: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, typeName);
      return;
    }
    if (typeof node !== 'object' || node === null || !SCHEMA[typeName]) return;
    for (const [key, value] of Object.entries(node as Json)) {
      if (isAttribute(typeName, key)) continue;
      const childType = fieldType(typeName, key);
      if (!childType) {
        // Intuit's JSON binding names the Java class and the unknown property (seen in client issue threads).
        throw new QboFault(400, 'ValidationFault', [{ Message: 'Request has invalid or unsupported property', Detail: `Property Name:Unrecognized field "${key}" (class com.intuit.schema.finance.v3.${typeName}), not marked as ignorable specified is unsupported or invalid`, code: '2010', element: key }]);
      }
      const max = maxLength(typeName, key);
      if (typeof value === 'string' && max !== null && value.length > max) {
        throw new QboFault(400, 'ValidationFault', [{ Message: 'String length is either shorter or longer than supported by specification', Detail: `String length specified does not match the supported length. Min:0 Max:${grouped(max)} supported. Supplied length:${grouped(value.length)}`, code: '2050', element: key }]);
      }
      if (typeof value === 'object' && value !== null && childType !== 'IntuitAnyType') walk(value, childType);
    }
  };
  walk(body, type);
}

const ITEM_DETAILS = ['SalesItemLineDetail', 'ItemBasedExpenseLineDetail'];

/**
 * Item lines: Amount must equal UnitPrice × Qty rounded to cents (6070, when both are sent), and a line for an
 * inventory item must carry Qty (6520, "Missing Inventory Item Quantity", as QuickBooks answers).
 */
export function checkItemLines(company: Company, body: Json): void {
  const lines = Array.isArray(body['Line']) ? (body['Line'] as unknown[]) : [];
  for (const line of lines) {
    if (typeof line !== 'object' || line === null) continue;
    const record = line as Json;
    for (const key of ITEM_DETAILS) {
      const detail = record[key];
      if (typeof detail !== 'object' || detail === null) continue;
      const fields = detail as Json;
      const hasQty = fields['Qty'] !== undefined && fields['Qty'] !== null;
      if (hasQty && fields['UnitPrice'] !== undefined && fields['UnitPrice'] !== null && record['Amount'] !== undefined) {
        const expected = lineAmountCents(fields['UnitPrice'], fields['Qty']);
        const supplied = scaled(record['Amount'], 2);
        if (expected !== null && supplied !== null && expected !== supplied) {
          throw new QboFault(400, 'ValidationFault', [{ Message: 'Amount is not equal to UnitPrice * Qty', Detail: `Amount is not equal to UnitPrice * Qty. Supplied value:${String(record['Amount'])}`, code: '6070', element: '' }]);
        }
      }
      if (!hasQty) {
        const itemId = Number((fields['ItemRef'] as Json | undefined)?.['value']);
        const item = Number.isInteger(itemId) ? company.get('Item', itemId) : null;
        if (item?.['Type'] === 'Inventory') {
          throw new QboFault(400, 'ValidationFault', [{ Message: 'Missing Inventory Item Quantity', Detail: 'Quantity required for inventory item', code: '6520', element: '' }]);
        }
      }
    }
  }
}

/**
 * Fields a sparse update must still carry: Intuit's API reference lists them as required in the sparse-update request
 * of these entities (Account Name; Bill VendorRef; Purchase PaymentType and AccountRef), and QuickBooks answers 2020.
 */
export const SPARSE_REQUIRED: Partial<Record<EntityName, readonly string[]>> = {
  Account: ['Name'],
  Bill: ['VendorRef'],
  Purchase: ['PaymentType', 'AccountRef'],
};

/**
 * Name fields QuickBooks refuses a colon, tab or line break in. The colon is its hierarchy separator
 * (FullyQualifiedName is "Parent:Child"), so a name holding one is refused with 2040 "Invalid String. The
 * String may contain unsupported or illegal chars", Detail "Element contains invalid characters. <value>"
 * (seen from the v3 API for a customer named "Rob:Barnett:Company", Stack Overflow question 24529982; Workato's
 * QuickBooks troubleshooting guide lists the characters a display name may hold, colon excluded, tab and line
 * break not among them). It applies to the display name shared by vendors, customers and employees and to the
 * Name of the hierarchical lists (Account, Item, Class, Department). A sparse update is checked as a create is.
 */
const NAME_FIELDS: Partial<Record<EntityName, readonly string[]>> = {
  Vendor: ['DisplayName'],
  Customer: ['DisplayName'],
  Employee: ['DisplayName'],
  Account: ['Name'],
  Item: ['Name'],
  Class: ['Name'],
  Department: ['Name'],
};

const ILLEGAL_IN_NAMES = /[:\t\n\r]/;

export function checkNameCharacters(type: EntityName, body: Json): void {
  for (const field of NAME_FIELDS[type] ?? []) {
    const value = body[field];
    if (typeof value !== 'string' || !ILLEGAL_IN_NAMES.test(value)) continue;
    throw new QboFault(400, 'ValidationFault', [{ Message: 'Invalid String. The String may contain unsupported or illegal chars', Detail: `Element contains invalid characters. ${value}`, code: '2040', element: field }]);
  }
}
