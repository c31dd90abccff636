/**
 * What QuickBooks accepts in the fields we write, per entity, from Intuit's API reference (Vendor,
 * Customer, PhysicalAddress, TelephoneNumber, EmailAddress). A value over its length is refused with
 * fault 2050, a name with a colon, tab or newline with a validation fault: checking before sending turns
 * those into an answer that names our field instead of a round trip that fails. Every outgoing write of a
 * vendor or customer goes through `checkOutgoing`, and so does every write-back document (bff/writeback/outgoing.ts).
 */
export interface FieldRule {
  max: number;
  /** `name`: no colon, tab or newline (Intuit's rule for display and person names); `email`: has @ and a dot. */
  format?: 'name' | 'email';
}

export type QboWritableEntity = 'Vendor' | 'Customer' | 'Invoice' | 'Bill' | 'PurchaseOrder' | 'TimeActivity';

const address = (prefix: string): Record<string, FieldRule> => ({
  [`${prefix}.Line1`]: { max: 500 },
  [`${prefix}.Line2`]: { max: 500 },
  [`${prefix}.Line3`]: { max: 500 },
  [`${prefix}.Line4`]: { max: 500 },
  [`${prefix}.Line5`]: { max: 500 },
  [`${prefix}.City`]: { max: 255 },
  [`${prefix}.CountrySubDivisionCode`]: { max: 255 },
  [`${prefix}.PostalCode`]: { max: 30 },
  [`${prefix}.Country`]: { max: 255 },
});

const party: Record<string, FieldRule> = {
  DisplayName: { max: 500, format: 'name' },
  Title: { max: 16, format: 'name' },
  GivenName: { max: 100, format: 'name' },
  MiddleName: { max: 100, format: 'name' },
  FamilyName: { max: 100, format: 'name' },
  Suffix: { max: 16, format: 'name' },
  CompanyName: { max: 100 },
  'PrimaryEmailAddr.Address': { max: 100, format: 'email' },
  'PrimaryPhone.FreeFormNumber': { max: 30 },
  'AlternatePhone.FreeFormNumber': { max: 30 },
  'Mobile.FreeFormNumber': { max: 30 },
  'Fax.FreeFormNumber': { max: 30 },
  'WebAddr.URI': { max: 1000 },
  ...address('BillAddr'),
};

/** Transactions: the document number, the private note and each line's description (`*` is every line). */
const transaction: Record<string, FieldRule> = {
  DocNumber: { max: 21 },
  PrivateNote: { max: 4000 },
  'Line.*.Description': { max: 4000 },
};

export const qboFieldLimits: Readonly<Record<QboWritableEntity, Readonly<Record<string, FieldRule>>>> = {
  Vendor: { ...party, PrintOnCheckName: { max: 100, format: 'name' }, AcctNum: { max: 100 }, TaxIdentifier: { max: 20 } },
  Customer: { ...party, PrintOnCheckName: { max: 110, format: 'name' }, Notes: { max: 2000 }, ResaleNum: { max: 16 }, ...address('ShipAddr') },
  Invoice: transaction,
  Bill: transaction,
  PurchaseOrder: transaction,
  TimeActivity: { Description: { max: 4000 } },
};

export interface FieldIssue {
  /** The QuickBooks field, dotted (`BillAddr.PostalCode`). */
  path: string;
  message: string;
}

/** Every value at `path` with its concrete path: `*` stands for each element of an array (`Line.0.Description`). */
function valuesAt(body: unknown, path: string[], at: string[] = []): { path: string; value: unknown }[] {
  const [key, ...rest] = path;
  if (key === undefined) return [{ path: at.join('.'), value: body }];
  if (typeof body !== 'object' || body === null) return [];
  if (key === '*') return Array.isArray(body) ? body.flatMap((item, index) => valuesAt(item, rest, [...at, String(index)])) : [];
  return valuesAt((body as Record<string, unknown>)[key], rest, [...at, key]);
}

/** Characters as QuickBooks counts them (code points: an emoji is one, not two UTF-16 units). */
const lengthOf = (text: string) => [...text].length;

/** Every field of `body` QuickBooks would refuse, before it is sent. Empty when it may go. */
export function checkOutgoing(entity: QboWritableEntity, body: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const [pattern, rule] of Object.entries(qboFieldLimits[entity])) for (const { path, value } of valuesAt(body, pattern.split('.'))) {
    if (typeof value !== 'string' || value === '') continue;
    const length = lengthOf(value);
    if (length > rule.max) issues.push({ path, message: `QuickBooks holds at most ${rule.max} characters in ${path}; this value has ${length}.` });
    else if (rule.format === 'name' && /[:\t\n\r]/.test(value)) issues.push({ path, message: `QuickBooks does not accept a colon, tab or line break in ${path}.` });
    else if (rule.format === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) issues.push({ path, message: `QuickBooks needs an email address like name@example.com in ${path}.` });
  }
  return issues;
}
