import { hasClassTracking, hasPurchaseOrders } from '../company-spec.ts';
import { Company, type Json } from '../company.ts';
import { NAME_LISTS, READ_ONLY, SHARED_NAME_SPACE, TRANSACTIONS, VOIDABLE, type EntityName } from '../entity-kinds.ts';
import { DELETED_SUFFIX } from '../generator/name-lists.ts';
import { formatQboDateTime } from '../qbo-time.ts';
import { faults } from './faults.ts';
import { checkItemLines, checkNameCharacters, checkSchema, SPARSE_REQUIRED } from './payload-checks.ts';
import { checkReferences } from './references.ts';
import { checkTaxRules } from './tax-rules.ts';
import { missingField, missingLineField } from './required-fields.ts';
import { computeTotals, journalImbalance } from './totals.ts';

/** Fields QuickBooks owns: a client may send them but never sets them. */
const SYSTEM_FIELDS = ['Id', 'SyncToken', 'MetaData', 'domain', 'sparse', 'status', 'Balance', 'BalanceWithJobs', 'FullyQualifiedName', 'CurrentBalance', 'CurrentBalanceWithSubAccounts', 'TotalAmt', 'RemainingCredit', 'UnappliedAmt'];

/** Payments state their own total; every other TotalAmt is computed from the lines. */
const CLIENT_TOTAL: ReadonlySet<EntityName> = new Set(['Payment', 'BillPayment']);

function clientFields(type: EntityName, body: Json): Json {
  const copy: Json = { ...body };
  for (const field of SYSTEM_FIELDS) if (!(field === 'TotalAmt' && CLIENT_TOTAL.has(type))) delete copy[field];
  return copy;
}

function cents(value: unknown): number {
  const number = Number(value ?? 0);
  return Number.isFinite(number) ? Math.round(number * 100) : 0;
}

function obj(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function ensurePlanAllows(company: Company, type: EntityName): void {
  if (type === 'PurchaseOrder' && !hasPurchaseOrders(company.plan)) throw faults.businessValidation('Purchase orders are not available in your QuickBooks Online plan.');
  if ((type === 'Class' || type === 'Department') && !hasClassTracking(company.plan)) throw faults.businessValidation(`${type === 'Class' ? 'Class' : 'Location'} tracking is not available in your QuickBooks Online plan.`);
}

/** Display names and fully qualified names as QuickBooks derives them, with " (deleted)" on inactive names. */
function deriveNames(company: Company, type: EntityName, entity: Json): void {
  if (SHARED_NAME_SPACE.has(type)) {
    if (!entity['DisplayName']) {
      const parts = ['Title', 'GivenName', 'MiddleName', 'FamilyName', 'Suffix'].map((key) => entity[key]).filter(Boolean);
      entity['DisplayName'] = parts.length > 0 ? parts.join(' ') : String(entity['CompanyName'] ?? '');
    }
  }
  const nameKey = SHARED_NAME_SPACE.has(type) ? 'DisplayName' : 'Name';
  if (NAME_LISTS.has(type) && typeof entity[nameKey] === 'string') {
    let name = String(entity[nameKey]).trim();
    if (entity['Active'] === false && !name.endsWith(DELETED_SUFFIX)) name += DELETED_SUFFIX;
    if (entity['Active'] !== false && name.endsWith(DELETED_SUFFIX)) name = name.slice(0, -DELETED_SUFFIX.length);
    entity[nameKey] = name;
  }
  if (type === 'Customer' || type === 'Account' || type === 'Class' || type === 'Department' || type === 'Item') {
    const own = String(entity[nameKey] ?? '');
    const parentId = Number(obj(entity['ParentRef'])?.['value']);
    const parent = Number.isInteger(parentId) ? company.get(type, parentId) : null;
    entity['FullyQualifiedName'] = parent ? `${String(parent['FullyQualifiedName'] ?? parent[nameKey])}:${own}` : own;
    if (type === 'Customer') {
      entity['Job'] = entity['Job'] ?? Boolean(parent);
      if (parent) entity['Level'] = 1;
    }
  }
}

function ensureUniqueName(company: Company, type: EntityName, entity: Json, selfId: number): void {
  const name = Company.nameOfEntity(type, entity);
  if (!name) return;
  const holder = company.nameHolder(type, name);
  if (holder && holder.id !== selfId) throw faults.duplicateName(holder.type === 'Employee' ? 'employee' : holder.type === 'Vendor' ? 'vendor' : holder.type === 'Customer' ? 'customer' : holder.type.toLowerCase());
}

function validate(company: Company, type: EntityName, body: Json, full: boolean): void {
  if (full) {
    const missing = missingField(type, body);
    if (missing) throw faults.requiredMissing(missing);
  } else {
    const missing = SPARSE_REQUIRED[type]?.find((field) => body[field] === undefined || body[field] === null || body[field] === '');
    if (missing) throw faults.requiredMissing(missing);
  }
  const missingLine = missingLineField(type, body);
  if (missingLine) throw faults.requiredMissing(missingLine);
  checkReferences(company, type, body);
  checkTaxRules(company, type, body);
  checkItemLines(company, body);
  if (type === 'JournalEntry' && body['Line'] !== undefined && journalImbalance(body) !== 0) {
    throw faults.businessValidation('Your transaction isn\'t balanced. Make sure debits and credits are equal.');
  }
}

function withDefaults(company: Company, type: EntityName, entity: Json): void {
  if (NAME_LISTS.has(type) && entity['Active'] === undefined) entity['Active'] = true;
  if ((TRANSACTIONS.has(type) && type !== 'TimeActivity') || type === 'Vendor' || type === 'Customer') {
    entity['CurrencyRef'] ??= { value: company.region.currency.value, name: company.region.currency.name };
  }
  if (type === 'Customer' || type === 'Vendor') entity['Balance'] ??= 0;
  if (type === 'Customer') entity['BalanceWithJobs'] ??= 0;
  if (type === 'Invoice' || type === 'Bill') entity['LinkedTxn'] ??= [];
  if (type === 'Account') {
    entity['SubAccount'] = obj(entity['ParentRef']) !== null;
    entity['CurrentBalance'] = 0;
    entity['CurrentBalanceWithSubAccounts'] = 0;
    // QuickBooks derives Classification from AccountType: an account whose type is edited moves class with it.
    entity['Classification'] = entity['AccountType'] ? classificationOf(String(entity['AccountType'])) : (entity['Classification'] ?? classificationOf(''));
  }
}

function classificationOf(accountType: string): string {
  if (['Bank', 'Accounts Receivable', 'Other Current Asset', 'Fixed Asset', 'Other Asset'].includes(accountType)) return 'Asset';
  if (['Accounts Payable', 'Credit Card', 'Other Current Liability', 'Long Term Liability'].includes(accountType)) return 'Liability';
  if (accountType === 'Equity') return 'Equity';
  if (accountType === 'Income' || accountType === 'Other Income') return 'Revenue';
  return 'Expense';
}

/** Orders the keys the way QuickBooks does: envelope first, then the entity's own fields. */
function envelope(company: Company, id: number, syncToken: number, createdMs: string | null, nowMs: number, fields: Json): Json {
  const now = formatQboDateTime(nowMs, company.timeZone);
  return { domain: 'QBO', sparse: false, Id: String(id), SyncToken: String(syncToken), MetaData: { CreateTime: createdMs ?? now, LastUpdatedTime: now }, ...fields };
}

/** Applies or withdraws a payment's amounts on the invoices (or bills) it links to, as QuickBooks does on save. */
function settleLinked(company: Company, type: EntityName, payment: Json, sign: 1 | -1, nowMs: number): void {
  const targetType: EntityName | null = type === 'Payment' ? 'Invoice' : type === 'BillPayment' ? 'Bill' : null;
  if (!targetType) return;
  const lines = Array.isArray(payment['Line']) ? (payment['Line'] as unknown[]) : [];
  for (const line of lines) {
    const record = obj(line);
    const links = Array.isArray(record?.['LinkedTxn']) ? (record['LinkedTxn'] as unknown[]) : [];
    for (const link of links) {
      const linked = obj(link);
      if (!linked || linked['TxnType'] !== targetType) continue;
      const target = company.get(targetType, Number(linked['TxnId']));
      if (!target) continue;
      const balance = Math.min(cents(target['TotalAmt']), Math.max(0, cents(target['Balance']) - sign * cents(record?.['Amount'])));
      const linkedTxn = (Array.isArray(target['LinkedTxn']) ? (target['LinkedTxn'] as Json[]) : []).filter((txn) => txn['TxnId'] !== payment['Id']);
      if (sign === 1) linkedTxn.push({ TxnId: String(payment['Id']), TxnType: type === 'Payment' ? 'Payment' : 'BillPaymentCheck' });
      const meta = obj(target['MetaData']) ?? {};
      company.save(targetType, { ...target, Balance: balance / 100, LinkedTxn: linkedTxn, SyncToken: String(Number(target['SyncToken'] ?? 0) + 1), MetaData: { ...meta, LastUpdatedTime: formatQboDateTime(nowMs, company.timeZone) } }, 'Update', nowMs);
    }
  }
}

export function createEntity(company: Company, type: EntityName, body: Json, nowMs: number): Json {
  if (READ_ONLY.has(type)) throw faults.unsupportedOperation('Create');
  ensurePlanAllows(company, type);
  checkSchema(type, body);
  checkNameCharacters(type, body);
  const fields = clientFields(type, body);
  validate(company, type, fields, true);
  withDefaults(company, type, fields);
  deriveNames(company, type, fields);
  const id = company.allocateId();
  ensureUniqueName(company, type, fields, id);
  const entity = envelope(company, id, 0, null, nowMs, fields);
  computeTotals(company, type, entity, 0, nowMs);
  company.save(type, entity, 'Create', nowMs);
  settleLinked(company, type, entity, 1, nowMs);
  return company.get(type, id) ?? entity;
}

function existingFor(company: Company, type: EntityName, body: Json): Json {
  if (body['Id'] === undefined || body['Id'] === null || body['Id'] === '') throw faults.requiredMissing('Id');
  if (body['SyncToken'] === undefined || body['SyncToken'] === null || body['SyncToken'] === '') throw faults.requiredMissing('SyncToken');
  const id = Number(body['Id']);
  const existing = Number.isInteger(id) ? company.get(type, id) : null;
  if (!existing) throw faults.objectNotFound();
  if (String(body['SyncToken']) !== String(existing['SyncToken'])) throw faults.staleObject(String(body['Id']), String(body['SyncToken']));
  return existing;
}

/** Sparse (merge the sent fields) or full (replace every writable field) update guarded by SyncToken. */
export function updateEntity(company: Company, type: EntityName, body: Json, nowMs: number): Json {
  if (READ_ONLY.has(type)) throw faults.unsupportedOperation('Update');
  checkSchema(type, body);
  checkNameCharacters(type, body);
  const existing = existingFor(company, type, body);
  const sparse = body['sparse'] === true || body['sparse'] === 'true';
  const sent = clientFields(type, body);
  validate(company, type, sent, !sparse);
  // Sparse keeps every field not sent; full replaces them all. Computed balances survive either way.
  const base = sparse ? clientFields(type, existing) : {};
  for (const key of ['Balance', 'BalanceWithJobs', 'CurrentBalance', 'CurrentBalanceWithSubAccounts']) if (existing[key] !== undefined) base[key] = existing[key];
  const fields: Json = { ...base, ...sent };
  withDefaults(company, type, fields);
  deriveNames(company, type, fields);
  const id = Number(existing['Id']);
  ensureUniqueName(company, type, fields, id);
  const meta = obj(existing['MetaData']);
  const entity = envelope(company, id, Number(existing['SyncToken'] ?? 0) + 1, String(meta?.['CreateTime'] ?? ''), nowMs, fields);
  const paid = type === 'Invoice' || type === 'Bill' ? cents(existing['TotalAmt']) - cents(existing['Balance']) : 0;
  computeTotals(company, type, entity, paid, nowMs);
  const deactivated = NAME_LISTS.has(type) && existing['Active'] !== false && entity['Active'] === false;
  if (type === 'Payment' || type === 'BillPayment') settleLinked(company, type, existing, -1, nowMs);
  // Deactivating a name-list entry is QuickBooks' "delete" of it, and is announced as one.
  company.save(type, entity, deactivated ? 'Delete' : 'Update', nowMs);
  if (type === 'Payment' || type === 'BillPayment') settleLinked(company, type, entity, 1, nowMs);
  return company.get(type, id) ?? entity;
}

/**
 * QuickBooks will not void or delete an invoice a payment settles (seen by integrators: a void of a paid invoice
 * is refused however often it is retried): the payment has to be deleted or unapplied first. The words are ours;
 * the shape and code are QuickBooks' business validation fault.
 */
function refuseWhenPaid(company: Company, type: EntityName, existing: Json, operation: 'void' | 'delete'): void {
  if (type !== 'Invoice') return;
  const links = Array.isArray(existing['LinkedTxn']) ? (existing['LinkedTxn'] as Json[]) : [];
  const paid = links.filter((link) => link['TxnType'] === 'Payment' && company.get('Payment', Number(link['TxnId'])));
  if (paid.length === 0) return;
  throw faults.businessValidation(
    `You can't ${operation} this invoice because it has ${paid.length === 1 ? 'a payment' : `${paid.length} payments`} applied to it (Payment ${paid.map((link) => String(link['TxnId'])).join(', ')}). Delete the payment or remove this invoice from it first.`,
  );
}

/** Real deletion, for transactions only; name lists are deactivated instead and refuse operation=delete. */
export function deleteEntity(company: Company, type: EntityName, body: Json, nowMs: number): Json {
  if (!TRANSACTIONS.has(type)) throw faults.unsupportedOperation('Delete');
  const existing = existingFor(company, type, body);
  refuseWhenPaid(company, type, existing, 'delete');
  const id = Number(existing['Id']);
  settleLinked(company, type, existing, -1, nowMs);
  company.remove(type, id, nowMs);
  return { domain: 'QBO', status: 'Deleted', Id: String(id) };
}

/** Voiding keeps the transaction with zero amounts; QuickBooks allows it for invoices and payments, not bills. */
export function voidEntity(company: Company, type: EntityName, body: Json, nowMs: number): Json {
  if (!VOIDABLE.has(type)) throw faults.unsupportedOperation('Void');
  const existing = existingFor(company, type, body);
  refuseWhenPaid(company, type, existing, 'void');
  settleLinked(company, type, existing, -1, nowMs);
  const lines = (Array.isArray(existing['Line']) ? (existing['Line'] as Json[]) : []).map((line) => ({ ...line, Amount: 0 }));
  const meta = obj(existing['MetaData']) ?? {};
  const voided: Json = {
    ...existing,
    SyncToken: String(Number(existing['SyncToken'] ?? 0) + 1),
    MetaData: { ...meta, LastUpdatedTime: formatQboDateTime(nowMs, company.timeZone) },
    Line: type === 'Invoice' ? lines : [],
    TotalAmt: 0,
    PrivateNote: 'Voided',
  };
  if (type === 'Invoice') {
    voided['Balance'] = 0;
    const tax = obj(existing['TxnTaxDetail']);
    if (tax) voided['TxnTaxDetail'] = { ...tax, TotalTax: 0, TaxLine: [] };
  }
  if (type === 'Payment') voided['UnappliedAmt'] = 0;
  company.save(type, voided, 'Void', nowMs);
  return voided;
}
