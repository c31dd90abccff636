import type { Company } from '../company.ts';
import { formatDay } from '../qbo-time.ts';
import { currencyRef, entityHead, money, pickEarlier, refTo, trackingRefs, type Json } from './common.ts';
import { itemCostCents, itemKind, itemName } from './name-lists.ts';
import { TERMS } from './reference.ts';
import { settledDocument, settlingPayment } from './settlement.ts';
import { lineTaxCodeRef, taxByRate, txnTaxDetail, type TaxByRate } from './tax-lines.ts';

type PurchaseType = 'Bill' | 'PurchaseOrder' | 'Purchase' | 'VendorCredit';

interface ExpenseLine {
  /** Expense account index for account-based lines, -1 for item lines. */
  account: number;
  item: number;
  qty: number;
  amountCents: number;
  codeIndex: number;
  taxable: boolean;
}

export interface PurchaseDocument {
  vendor: number;
  lines: ExpenseLine[];
  taxes: TaxByRate[];
  subtotalCents: number;
  totalCents: number;
  day: number;
}

/** A goods item for item-based lines (there is always one at index 1 or 2 once a company has three items). */
function goodsItem(company: Company, pick: number): number {
  const items = company.countOf('Item');
  for (let candidate = pick; candidate >= 0; candidate--) if (itemKind(candidate) !== 'Service') return candidate;
  return items > 1 ? 1 : -1;
}

export function purchaseDocument(company: Company, type: PurchaseType, index: number): PurchaseDocument {
  const rng = company.rng(type, index);
  const count = company.countOf(type);
  const vendor = pickEarlier(rng, company.countOf('Vendor'), index, count);
  const expenses = company.accountsWithRole('expense');
  const lineCount = type === 'VendorCredit' ? 1 : rng.between(1, 2);
  const itemLines = type === 'PurchaseOrder';
  const lines: ExpenseLine[] = [];
  const byCode = new Map<number, number>();
  let subtotalCents = 0;
  for (let n = 0; n < lineCount; n++) {
    const useItem = itemLines || (type === 'Bill' && rng.chance(0.3));
    const item = useItem ? goodsItem(company, pickEarlier(rng, company.countOf('Item'), index, count)) : -1;
    const qty = item >= 0 ? rng.between(1, 20) : 1;
    const amountCents = item >= 0 ? qty * itemCostCents(company, item) : rng.between(2_000, 200_000);
    const account = item >= 0 ? -1 : (expenses[rng.int(expenses.length)] ?? 0);
    const taxable = !company.tax.pseudoLineCodes && rng.chance(0.9);
    const codeIndex = taxable ? company.tax.standardSalesCode : company.tax.exemptCode;
    if (!company.tax.pseudoLineCodes && type !== 'PurchaseOrder') byCode.set(codeIndex, (byCode.get(codeIndex) ?? 0) + amountCents);
    lines.push({ account, item, qty, amountCents, codeIndex, taxable });
    subtotalCents += amountCents;
  }
  const taxes = taxByRate(company, byCode, 'purchase');
  const taxCents = taxes.reduce((sum, tax) => sum + tax.taxCents, 0);
  return { vendor, lines, taxes, subtotalCents, totalCents: subtotalCents + taxCents, day: company.dayOf(type, index) };
}

function expenseLines(company: Company, doc: PurchaseDocument): Json[] {
  return doc.lines.map((line, n) => {
    const taxCodeRef = lineTaxCodeRef(company, line.taxable, line.codeIndex);
    if (line.item >= 0) {
      return {
        Id: String(n + 1),
        LineNum: n + 1,
        Description: itemName(line.item),
        Amount: money(line.amountCents),
        DetailType: 'ItemBasedExpenseLineDetail',
        ItemBasedExpenseLineDetail: {
          ItemRef: refTo(company, 'Item', line.item),
          UnitPrice: money(itemCostCents(company, line.item)),
          Qty: line.qty,
          TaxCodeRef: taxCodeRef,
          BillableStatus: 'NotBillable',
        },
      };
    }
    return {
      Id: String(n + 1),
      LineNum: n + 1,
      Amount: money(line.amountCents),
      DetailType: 'AccountBasedExpenseLineDetail',
      AccountBasedExpenseLineDetail: {
        AccountRef: refTo(company, 'Account', line.account),
        BillableStatus: 'NotBillable',
        TaxCodeRef: taxCodeRef,
      },
    };
  });
}

function withTax(company: Company, doc: PurchaseDocument, entity: Json): Json {
  if (!company.tax.pseudoLineCodes) {
    entity['TxnTaxDetail'] = txnTaxDetail(company, doc.taxes, null);
    entity['GlobalTaxCalculation'] = 'TaxExcluded';
  }
  return entity;
}

function payableRef(company: Company) {
  return refTo(company, 'Account', company.accountsWithRole('payable')[0] ?? 0);
}

export function generateBill(company: Company, index: number): Json {
  const doc = purchaseDocument(company, 'Bill', index);
  const rng = company.rng('Bill', index ^ 0x5f5f);
  const term = TERMS[1 + rng.int(TERMS.length - 1)] ?? TERMS[0];
  const payment = settlingPayment(company.billSettlement, index);
  const linked = payment >= 0 ? [{ TxnId: String(company.idOf('BillPayment', payment)), TxnType: billPayType(company, payment) === 'Check' ? 'BillPaymentCheck' : 'BillPaymentCreditCard' }] : [];
  const bill: Json = Object.assign(entityHead(company, 'Bill', index), {
    DocNumber: `${String.fromCharCode(65 + rng.int(26))}${rng.between(10_000, 99_999)}`,
    TxnDate: formatDay(doc.day),
    CurrencyRef: currencyRef(company),
    LinkedTxn: linked,
    Line: expenseLines(company, doc),
    VendorRef: refTo(company, 'Vendor', doc.vendor),
    APAccountRef: payableRef(company),
    TotalAmt: money(doc.totalCents),
    SalesTermRef: { value: String(company.idOf('Term', TERMS.indexOf(term))) },
    DueDate: formatDay(doc.day + term.days),
    Balance: payment >= 0 ? 0 : money(doc.totalCents),
  });
  trackingRefs(company, rng, bill, true);
  return withTax(company, doc, bill);
}

export function billPayType(company: Company, index: number): 'Check' | 'CreditCard' {
  return company.rng('BillPayment', index).chance(0.75) ? 'Check' : 'CreditCard';
}

export function generateBillPayment(company: Company, index: number): Json {
  const billIndex = settledDocument(company.billSettlement, index);
  const bill = purchaseDocument(company, 'Bill', billIndex);
  const rng = company.rng('BillPayment', index ^ 0x5f5f);
  const payType = billPayType(company, index);
  const payment: Json = Object.assign(entityHead(company, 'BillPayment', index), {
    VendorRef: refTo(company, 'Vendor', bill.vendor),
    PayType: payType,
    TotalAmt: money(bill.totalCents),
    DocNumber: String(rng.between(1_000, 9_999)),
    TxnDate: formatDay(Math.max(company.dayOf('BillPayment', index), bill.day)),
    CurrencyRef: currencyRef(company),
    APAccountRef: payableRef(company),
    Line: [{ Amount: money(bill.totalCents), LinkedTxn: [{ TxnId: String(company.idOf('Bill', billIndex)), TxnType: 'Bill' }] }],
  });
  if (payType === 'Check') {
    payment['CheckPayment'] = { BankAccountRef: refTo(company, 'Account', company.accountsWithRole('bank')[0] ?? 0), PrintStatus: 'NotSet' };
  } else {
    payment['CreditCardPayment'] = { CCAccountRef: refTo(company, 'Account', company.accountsWithRole('credit-card')[0] ?? 0) };
  }
  return payment;
}

export function generatePurchaseOrder(company: Company, index: number): Json {
  const doc = purchaseDocument(company, 'PurchaseOrder', index);
  const rng = company.rng('PurchaseOrder', index ^ 0x5f5f);
  const open = index >= company.countOf('PurchaseOrder') * 0.85 || rng.chance(0.1);
  const order: Json = Object.assign(entityHead(company, 'PurchaseOrder', index), {
    POStatus: open ? 'Open' : 'Closed',
    DocNumber: String(1001 + index),
    TxnDate: formatDay(doc.day),
    CurrencyRef: currencyRef(company),
    Line: expenseLines(company, doc),
    VendorRef: refTo(company, 'Vendor', doc.vendor),
    APAccountRef: payableRef(company),
    TotalAmt: money(doc.totalCents),
    EmailStatus: 'NotSet',
  });
  trackingRefs(company, rng, order);
  return order;
}

export function purchasePaymentType(company: Company, index: number): 'Cash' | 'Check' | 'CreditCard' {
  const roll = company.rng('Purchase', index ^ 0x77).int(3);
  return roll === 0 ? 'Cash' : roll === 1 ? 'Check' : 'CreditCard';
}

export function generatePurchase(company: Company, index: number): Json {
  const doc = purchaseDocument(company, 'Purchase', index);
  const rng = company.rng('Purchase', index ^ 0x5f5f);
  const paymentType = purchasePaymentType(company, index);
  const account = company.accountsWithRole(paymentType === 'CreditCard' ? 'credit-card' : 'bank')[0] ?? 0;
  const vendor = refTo(company, 'Vendor', doc.vendor);
  const purchase: Json = Object.assign(entityHead(company, 'Purchase', index), {
    AccountRef: refTo(company, 'Account', account),
    PaymentType: paymentType,
    EntityRef: { ...vendor, type: 'Vendor' },
    Credit: false,
    TotalAmt: money(doc.totalCents),
    TxnDate: formatDay(doc.day),
    CurrencyRef: currencyRef(company),
    Line: expenseLines(company, doc),
  });
  if (paymentType === 'Check') purchase['DocNumber'] = String(rng.between(1_000, 9_999));
  trackingRefs(company, rng, purchase, true);
  return withTax(company, doc, purchase);
}

export function generateVendorCredit(company: Company, index: number): Json {
  const doc = purchaseDocument(company, 'VendorCredit', index);
  const credit: Json = Object.assign(entityHead(company, 'VendorCredit', index), {
    TxnDate: formatDay(doc.day),
    CurrencyRef: currencyRef(company),
    Line: expenseLines(company, doc),
    VendorRef: refTo(company, 'Vendor', doc.vendor),
    APAccountRef: payableRef(company),
    TotalAmt: money(doc.totalCents),
    Balance: money(doc.totalCents),
  });
  return withTax(company, doc, credit);
}
