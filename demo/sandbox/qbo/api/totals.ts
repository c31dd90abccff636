import type { Company, Json } from '../company.ts';
import { TRANSACTIONS, type EntityName } from '../entity-kinds.ts';
import { formatDay, localDay } from '../qbo-time.ts';

function obj(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function cents(value: unknown): number {
  const number = Number(value ?? 0);
  return Number.isFinite(number) ? Math.round(number * 100) : 0;
}

const money = (c: number) => Math.round(c) / 100;

/** Sales rates (or purchase rates) of a tax code entity: [rateId, percent][]. */
function ratesOfCode(company: Company, codeId: number, side: 'Sales' | 'Purchase'): [number, number][] {
  const code = company.get('TaxCode', codeId);
  const list = obj(code?.[`${side}TaxRateList`])?.['TaxRateDetail'];
  if (!Array.isArray(list)) return [];
  return list.map((detail) => {
    const rateId = Number(obj(obj(detail)?.['TaxRateRef'])?.['value']);
    const rate = Number(company.get('TaxRate', rateId)?.['RateValue'] ?? 0);
    return [rateId, Number.isFinite(rate) ? rate : 0] as [number, number];
  });
}

function lineTaxCode(line: Json): string | null {
  for (const detailKey of ['SalesItemLineDetail', 'ItemBasedExpenseLineDetail', 'AccountBasedExpenseLineDetail']) {
    const detail = obj(line[detailKey]);
    if (detail) return String(obj(detail['TaxCodeRef'])?.['value'] ?? '') || null;
  }
  return null;
}

/** Tax per rate for taxable line amounts: US automated sales tax (TAX lines, one combined code) or per-line codes. */
function computeTax(company: Company, entity: Json, lines: Json[], side: 'Sales' | 'Purchase'): Json | null {
  if (entity['GlobalTaxCalculation'] === 'NotApplicable') return null;
  const byRate = new Map<number, { rate: number; taxable: number; tax: number }>();
  const add = (rates: [number, number][], amount: number) => {
    for (const [rateId, rate] of rates) {
      const entry = byRate.get(rateId) ?? { rate, taxable: 0, tax: 0 };
      entry.taxable += amount;
      byRate.set(rateId, entry);
    }
  };
  let txnCode: number | null = null;
  if (company.tax.pseudoLineCodes) {
    if (side === 'Purchase') return null;
    txnCode = Number(obj(obj(entity['TxnTaxDetail'])?.['TxnTaxCodeRef'])?.['value']) || company.idOf('TaxCode', company.tax.standardSalesCode);
    const rates = ratesOfCode(company, txnCode, 'Sales');
    for (const line of lines) if (lineTaxCode(line) === 'TAX') add(rates, cents(line['Amount']));
  } else {
    for (const line of lines) {
      const code = Number(lineTaxCode(line));
      if (Number.isInteger(code)) add(ratesOfCode(company, code, side), cents(line['Amount']));
    }
  }
  const taxLines: Json[] = [];
  let total = 0;
  for (const [rateId, entry] of byRate) {
    entry.tax = Math.round((entry.taxable * entry.rate) / 100);
    total += entry.tax;
    taxLines.push({
      Amount: money(entry.tax),
      DetailType: 'TaxLineDetail',
      TaxLineDetail: { TaxRateRef: { value: String(rateId) }, PercentBased: true, TaxPercent: entry.rate, NetAmountTaxable: money(entry.taxable) },
    });
  }
  const detail: Json = {};
  if (txnCode !== null) detail['TxnTaxCodeRef'] = { value: String(txnCode) };
  detail['TotalTax'] = money(total);
  detail['TaxLine'] = taxLines;
  return detail;
}

function numberLines(lines: Json[]): Json[] {
  let next = 1;
  return lines.map((line) => {
    if (line['DetailType'] === 'SubTotalLineDetail') return line;
    const numbered = { ...line };
    if (numbered['Id'] === undefined) numbered['Id'] = String(next);
    if (numbered['LineNum'] === undefined) numbered['LineNum'] = next;
    next++;
    return numbered;
  });
}

/**
 * Fields QuickBooks computes on save: line numbers, subtotal line, tax, TotalAmt and open balances. `paidCents`
 * is what payments already settled of an invoice or bill, so an edit keeps what was paid.
 */
export function computeTotals(company: Company, type: EntityName, entity: Json, paidCents: number, nowMs: number): void {
  if (!TRANSACTIONS.has(type)) return;
  if (entity['TxnDate'] === undefined) entity['TxnDate'] = formatDay(localDay(nowMs, company.timeZone));
  const rawLines = Array.isArray(entity['Line']) ? (entity['Line'] as unknown[]).map(obj).filter((line): line is Json => line !== null) : [];
  const lines = numberLines(rawLines.filter((line) => line['DetailType'] !== 'SubTotalLineDetail'));
  const amountOf = (detailType: string) => lines.filter((line) => line['DetailType'] === detailType).reduce((sum, line) => sum + cents(line['Amount']), 0);

  switch (type) {
    case 'Invoice':
    case 'CreditMemo': {
      const sales = lines.filter((line) => line['DetailType'] === 'SalesItemLineDetail');
      const subtotal = amountOf('SalesItemLineDetail');
      const discount = amountOf('DiscountLineDetail');
      const tax = computeTax(company, entity, sales, 'Sales');
      if (tax) entity['TxnTaxDetail'] = tax;
      const total = subtotal - discount + cents(tax?.['TotalTax']);
      entity['Line'] = [...lines, { Amount: money(subtotal), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} }];
      entity['TotalAmt'] = money(total);
      entity['Balance'] = money(Math.max(0, total - paidCents));
      if (type === 'CreditMemo') entity['RemainingCredit'] = entity['Balance'];
      break;
    }
    case 'Bill':
    case 'VendorCredit':
    case 'PurchaseOrder':
    case 'Purchase': {
      const expense = lines.filter((line) => line['DetailType'] === 'AccountBasedExpenseLineDetail' || line['DetailType'] === 'ItemBasedExpenseLineDetail');
      const subtotal = expense.reduce((sum, line) => sum + cents(line['Amount']), 0);
      const tax = type === 'PurchaseOrder' ? null : computeTax(company, entity, expense, 'Purchase');
      if (tax) entity['TxnTaxDetail'] = tax;
      const total = subtotal + cents(tax?.['TotalTax']);
      entity['Line'] = lines;
      entity['TotalAmt'] = money(total);
      if (type === 'Bill' || type === 'VendorCredit') entity['Balance'] = money(Math.max(0, total - paidCents));
      if (type === 'PurchaseOrder' && entity['POStatus'] === undefined) entity['POStatus'] = 'Open';
      break;
    }
    case 'Deposit':
      entity['Line'] = lines;
      entity['TotalAmt'] = money(amountOf('DepositLineDetail'));
      break;
    case 'JournalEntry':
      entity['Line'] = lines;
      entity['TotalAmt'] = money(lines.filter((line) => obj(line['JournalEntryLineDetail'])?.['PostingType'] === 'Debit').reduce((sum, line) => sum + cents(line['Amount']), 0));
      break;
    case 'Payment': {
      const applied = rawLines.reduce((sum, line) => sum + cents(line['Amount']), 0);
      entity['UnappliedAmt'] = money(cents(entity['TotalAmt']) - applied);
      break;
    }
    default:
      break;
  }
}

/** Debits minus credits of a journal entry, in cents. */
export function journalImbalance(entity: Json): number {
  const lines = Array.isArray(entity['Line']) ? (entity['Line'] as unknown[]) : [];
  return lines.reduce<number>((sum, line) => {
    const record = obj(line);
    const type = obj(record?.['JournalEntryLineDetail'])?.['PostingType'];
    return sum + (type === 'Debit' ? 1 : type === 'Credit' ? -1 : 0) * cents(record?.['Amount']);
  }, 0);
}
