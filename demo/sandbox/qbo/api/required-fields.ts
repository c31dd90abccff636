import type { Json } from '../company.ts';
import type { EntityName } from '../entity-kinds.ts';

function has(body: Json, path: string): boolean {
  let node: unknown = body;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return false;
    node = (node as Json)[key];
  }
  return node !== undefined && node !== null && node !== '';
}

const NAME_PARTS = ['DisplayName', 'GivenName', 'FamilyName', 'CompanyName', 'Title', 'MiddleName', 'Suffix'];

/** The first field QuickBooks would report missing (fault 2020) for a create or full update, or null. */
export function missingField(type: EntityName, body: Json): string | null {
  const first = (...paths: string[]) => paths.find((path) => !has(body, path)) ?? null;
  switch (type) {
    case 'Vendor':
    case 'Customer':
    case 'Employee':
      return NAME_PARTS.some((part) => has(body, part)) ? null : 'DisplayName';
    case 'Account':
      return first('Name') ?? (has(body, 'AccountType') || has(body, 'AccountSubType') ? null : 'AccountType');
    case 'Item': {
      const missing = first('Name');
      if (missing) return missing;
      const kind = String(body['Type'] ?? 'NonInventory');
      if (kind === 'Category' || kind === 'Group') return null;
      if (kind === 'Inventory') return first('IncomeAccountRef', 'ExpenseAccountRef', 'AssetAccountRef', 'QtyOnHand', 'InvStartDate');
      return first('IncomeAccountRef');
    }
    case 'Class':
    case 'Department':
    case 'Term':
    case 'PaymentMethod':
      return first('Name');
    case 'Invoice':
    case 'CreditMemo':
      return first('CustomerRef', 'Line');
    case 'Bill':
    case 'VendorCredit':
    case 'PurchaseOrder':
      return first('VendorRef', 'Line');
    case 'Payment':
      return first('CustomerRef', 'TotalAmt');
    case 'BillPayment': {
      const missing = first('VendorRef', 'TotalAmt', 'PayType', 'Line');
      if (missing) return missing;
      return body['PayType'] === 'CreditCard' ? first('CreditCardPayment.CCAccountRef') : first('CheckPayment.BankAccountRef');
    }
    case 'JournalEntry':
      return first('Line');
    case 'Purchase':
      return first('AccountRef', 'PaymentType', 'Line');
    case 'Deposit':
      return first('DepositToAccountRef', 'Line');
    case 'TimeActivity': {
      const missing = first('NameOf');
      if (missing) return missing;
      const who = body['NameOf'] === 'Vendor' ? first('VendorRef') : first('EmployeeRef');
      if (who) return who;
      return has(body, 'Hours') || has(body, 'Minutes') || (has(body, 'StartTime') && has(body, 'EndTime')) ? null : 'Hours';
    }
    default:
      return null;
  }
}

/** Lines must each say what they are and how much. */
export function missingLineField(type: EntityName, body: Json): string | null {
  const lines = body['Line'];
  if (lines === undefined) return null;
  if (!Array.isArray(lines) || lines.length === 0) return 'Line';
  for (const line of lines) {
    if (typeof line !== 'object' || line === null) return 'Line';
    const record = line as Json;
    if (!has(record, 'Amount')) return 'Line.Amount';
    if (type === 'Payment' || type === 'BillPayment') continue;
    const detailType = record['DetailType'];
    if (typeof detailType !== 'string') return 'Line.DetailType';
    if (detailType !== 'SubTotalLineDetail' && !has(record, detailType)) return `Line.${detailType}`;
  }
  return null;
}
