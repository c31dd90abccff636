import type { Company } from './company.ts';
import type { EntityName } from './entity-kinds.ts';
import type { Effects, PartyEffect, Posting } from './ledger.ts';
import { parseDay } from './qbo-time.ts';

type Json = Record<string, unknown>;

function obj(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function cents(value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 0;
  return Number.isFinite(number) ? Math.round(number * 100) : 0;
}

function refId(value: unknown): number | null {
  const ref = obj(value);
  const id = ref ? Number(ref['value']) : NaN;
  return Number.isInteger(id) ? id : null;
}

function lines(entity: Json): Json[] {
  const list = entity['Line'];
  return Array.isArray(list) ? (list.filter((line) => obj(line) !== null) as Json[]) : [];
}

/**
 * The double-entry postings and open-balance effect of a transaction, read from its JSON the way QuickBooks books
 * it. Used both for generated transactions (when the company is built) and for every API write.
 */
export function effectsOf(company: Company, type: EntityName, entity: Json): Effects {
  const day = parseDay(String(entity['TxnDate'] ?? '')) ?? company.today();
  const role = (name: Parameters<Company['accountIdWithRole']>[0]) => company.accountIdWithRole(name);
  const postings: Posting[] = [];
  const post = (accountId: number | null, amount: number) => {
    if (accountId !== null && amount !== 0) postings.push({ accountId, day, cents: amount });
  };
  const balancing = (accountId: number) => post(accountId, -postings.reduce((sum, p) => sum + p.cents, 0));
  const tax = cents(obj(entity['TxnTaxDetail'])?.['TotalTax']);
  let party: PartyEffect | null = null;

  let cashPostings: Posting[] | undefined;
  let cashSameAsAccrual = false;
  switch (type) {
    case 'Invoice':
    case 'CreditMemo': {
      const sign = type === 'Invoice' ? -1 : 1;
      for (const line of lines(entity)) {
        const detail = obj(line['SalesItemLineDetail']);
        if (line['DetailType'] !== 'SalesItemLineDetail' || !detail) continue;
        post(company.incomeAccountOfItem(refId(detail['ItemRef'])), sign * cents(line['Amount']));
      }
      post(role('tax-payable'), sign * tax);
      balancing(refId(entity['ARAccountRef']) ?? role('receivable'));
      const customer = refId(entity['CustomerRef']);
      if (customer !== null) party = { type: 'Customer', id: customer, cents: -sign * cents(entity['Balance']) };
      break;
    }
    case 'Payment':
      post(refId(entity['DepositToAccountRef']) ?? role('undeposited'), cents(entity['TotalAmt']));
      balancing(refId(entity['ARAccountRef']) ?? role('receivable'));
      cashPostings = settledLines(company, entity, 'Invoice', day);
      break;
    case 'Deposit':
      for (const line of lines(entity)) post(refId(obj(line['DepositLineDetail'])?.['AccountRef']) ?? role('undeposited'), -cents(line['Amount']));
      balancing(refId(entity['DepositToAccountRef']) ?? role('bank'));
      break;
    case 'Bill':
    case 'VendorCredit':
    case 'Purchase': {
      const sign = type === 'VendorCredit' || (type === 'Purchase' && entity['Credit'] === true) ? -1 : 1;
      for (const line of lines(entity)) {
        const accountDetail = obj(line['AccountBasedExpenseLineDetail']);
        const itemDetail = obj(line['ItemBasedExpenseLineDetail']);
        if (accountDetail) post(refId(accountDetail['AccountRef']), sign * cents(line['Amount']));
        else if (itemDetail) post(company.expenseAccountOfItem(refId(itemDetail['ItemRef'])), sign * cents(line['Amount']));
      }
      post(role('tax-payable'), sign * tax);
      if (type === 'Purchase') balancing(refId(entity['AccountRef']) ?? role('bank'));
      else balancing(refId(entity['APAccountRef']) ?? role('payable'));
      const vendor = refId(entity['VendorRef']);
      if (type !== 'Purchase' && vendor !== null) party = { type: 'Vendor', id: vendor, cents: sign * cents(entity['Balance']) };
      break;
    }
    case 'BillPayment': {
      const source = refId(obj(entity['CheckPayment'])?.['BankAccountRef']) ?? refId(obj(entity['CreditCardPayment'])?.['CCAccountRef']) ?? role('bank');
      post(source, -cents(entity['TotalAmt']));
      balancing(refId(entity['APAccountRef']) ?? role('payable'));
      cashPostings = settledLines(company, entity, 'Bill', day);
      break;
    }
    case 'JournalEntry':
      for (const line of lines(entity)) {
        const detail = obj(line['JournalEntryLineDetail']);
        if (!detail) continue;
        post(refId(detail['AccountRef']), (detail['PostingType'] === 'Credit' ? -1 : 1) * cents(line['Amount']));
      }
      break;
    default:
      break;
  }
  // Expenses paid on the spot, deposits, journals and credits book the same on both bases.
  if (type === 'Purchase' || type === 'Deposit' || type === 'JournalEntry' || type === 'CreditMemo' || type === 'VendorCredit') cashSameAsAccrual = true;
  return { postings, party, cashPostings, cashSameAsAccrual };
}

/**
 * Cash-basis recognition of a payment: the income (or expense) lines of each invoice (or bill) it settles, scaled
 * by the share of that document's total the payment covers, booked on the payment date.
 */
function settledLines(company: Company, payment: Json, documentType: 'Invoice' | 'Bill', day: number): Posting[] {
  const postings: Posting[] = [];
  for (const line of lines(payment)) {
    const links = Array.isArray(line['LinkedTxn']) ? (line['LinkedTxn'] as unknown[]) : [];
    for (const link of links) {
      const linked = obj(link);
      if (!linked || linked['TxnType'] !== documentType) continue;
      const document = company.get(documentType, Number(linked['TxnId']));
      const total = cents(document?.['TotalAmt']);
      if (!document || total === 0) continue;
      const share = cents(line['Amount']) / total;
      const accrual = effectsOf(company, documentType, document).postings;
      for (const posting of accrual) {
        if (!company.isProfitAndLossAccount(posting.accountId)) continue;
        postings.push({ accountId: posting.accountId, day, cents: Math.round(posting.cents * share) });
      }
    }
  }
  return postings;
}
