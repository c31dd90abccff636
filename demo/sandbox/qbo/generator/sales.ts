import type { Company } from '../company.ts';
import { formatDay } from '../qbo-time.ts';
import { currencyRef, entityHead, money, pickEarlier, refTo, trackingRefs, type Json } from './common.ts';
import { itemKind, itemName, itemPriceCents } from './name-lists.ts';
import { TERMS } from './reference.ts';
import { settledDocument, settlingPayment } from './settlement.ts';
import { lineTaxCodeRef, taxByRate, txnTaxDetail, type TaxByRate } from './tax-lines.ts';

interface SalesLine {
  item: number;
  qty: number;
  unitCents: number;
  amountCents: number;
  taxable: boolean;
  codeIndex: number;
}

export interface SalesDocument {
  customer: number;
  lines: SalesLine[];
  subtotalCents: number;
  taxes: TaxByRate[];
  totalCents: number;
  day: number;
}

/** The numbers of generated invoice or credit memo `index`, shared by its JSON and by the payment that settles it. */
export function salesDocument(company: Company, type: 'Invoice' | 'CreditMemo', index: number): SalesDocument {
  const rng = company.rng(type, index);
  const count = company.countOf(type);
  const customer = pickEarlier(rng, company.countOf('Customer'), index, count);
  const lineCount = type === 'Invoice' ? rng.between(1, 3) : 1;
  const lines: SalesLine[] = [];
  const byCode = new Map<number, number>();
  let subtotalCents = 0;
  for (let n = 0; n < lineCount; n++) {
    const item = pickEarlier(rng, company.countOf('Item'), index, count);
    const qty = rng.between(1, 8);
    const unitCents = item >= 0 ? itemPriceCents(company, item) : 10_000;
    const amountCents = qty * unitCents;
    const taxable = company.tax.pseudoLineCodes ? item >= 0 && itemKind(item) !== 'Service' : rng.chance(0.9);
    const codeIndex = taxable ? company.tax.standardSalesCode : company.tax.exemptCode;
    if (taxable || !company.tax.pseudoLineCodes) byCode.set(codeIndex, (byCode.get(codeIndex) ?? 0) + amountCents);
    lines.push({ item, qty, unitCents, amountCents, taxable, codeIndex });
    subtotalCents += amountCents;
  }
  const taxes = taxByRate(company, byCode, 'sales');
  const taxCents = taxes.reduce((sum, tax) => sum + tax.taxCents, 0);
  return { customer, lines, subtotalCents, taxes, totalCents: subtotalCents + taxCents, day: company.dayOf(type, index) };
}

function salesLines(company: Company, doc: SalesDocument): Json[] {
  const lines: Json[] = doc.lines.map((line, n) => ({
    Id: String(n + 1),
    LineNum: n + 1,
    Description: line.item >= 0 ? itemName(line.item) : 'Services',
    Amount: money(line.amountCents),
    DetailType: 'SalesItemLineDetail',
    SalesItemLineDetail: {
      ItemRef: line.item >= 0 ? refTo(company, 'Item', line.item) : { value: '1', name: 'Services' },
      UnitPrice: money(line.unitCents),
      Qty: line.qty,
      TaxCodeRef: lineTaxCodeRef(company, line.taxable, line.codeIndex),
    },
  }));
  lines.push({ Amount: money(doc.subtotalCents), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
  return lines;
}

function taxDetail(company: Company, doc: SalesDocument): Json {
  return txnTaxDetail(company, doc.taxes, company.tax.pseudoLineCodes ? company.tax.standardSalesCode : null);
}

export function generateInvoice(company: Company, index: number): Json {
  const doc = salesDocument(company, 'Invoice', index);
  const rng = company.rng('Invoice', index ^ 0x5f5f);
  const term = TERMS[rng.int(TERMS.length)] ?? TERMS[0];
  const payment = settlingPayment(company.invoiceSettlement, index);
  const invoice: Json = Object.assign(entityHead(company, 'Invoice', index), {
    AllowIPNPayment: false,
    AllowOnlinePayment: false,
    AllowOnlineCreditCardPayment: false,
    AllowOnlineACHPayment: false,
    DocNumber: String(1001 + index),
    TxnDate: formatDay(doc.day),
    CurrencyRef: currencyRef(company),
    LinkedTxn: payment >= 0 ? [{ TxnId: String(company.idOf('Payment', payment)), TxnType: 'Payment' }] : [],
    Line: salesLines(company, doc),
    TxnTaxDetail: taxDetail(company, doc),
    CustomerRef: refTo(company, 'Customer', doc.customer),
    SalesTermRef: { value: String(company.idOf('Term', TERMS.indexOf(term))) },
    DueDate: formatDay(doc.day + term.days),
    TotalAmt: money(doc.totalCents),
    ApplyTaxAfterDiscount: false,
    PrintStatus: 'NotSet',
    EmailStatus: rng.chance(0.7) ? 'EmailSent' : 'NotSet',
    Balance: payment >= 0 ? 0 : money(doc.totalCents),
  });
  if (!company.tax.pseudoLineCodes) invoice['GlobalTaxCalculation'] = 'TaxExcluded';
  trackingRefs(company, rng, invoice);
  return invoice;
}

export function generateCreditMemo(company: Company, index: number): Json {
  const doc = salesDocument(company, 'CreditMemo', index);
  const rng = company.rng('CreditMemo', index ^ 0x5f5f);
  const memo: Json = Object.assign(entityHead(company, 'CreditMemo', index), {
    RemainingCredit: money(doc.totalCents),
    DocNumber: `CM${1001 + index}`,
    TxnDate: formatDay(doc.day),
    CurrencyRef: currencyRef(company),
    Line: salesLines(company, doc),
    TxnTaxDetail: taxDetail(company, doc),
    CustomerRef: refTo(company, 'Customer', doc.customer),
    TotalAmt: money(doc.totalCents),
    ApplyTaxAfterDiscount: false,
    PrintStatus: 'NotSet',
    EmailStatus: 'NotSet',
    Balance: money(doc.totalCents),
  });
  if (!company.tax.pseudoLineCodes) memo['GlobalTaxCalculation'] = 'TaxExcluded';
  trackingRefs(company, rng, memo);
  return memo;
}

export function generatePayment(company: Company, index: number): Json {
  const invoiceIndex = settledDocument(company.invoiceSettlement, index);
  const invoice = salesDocument(company, 'Invoice', invoiceIndex);
  const rng = company.rng('Payment', index);
  const day = Math.max(company.dayOf('Payment', index), invoice.day);
  const deposit = rng.chance(0.5) ? 'undeposited' : 'bank';
  const methods = company.countOf('PaymentMethod');
  const payment: Json = Object.assign(entityHead(company, 'Payment', index), {
    CustomerRef: refTo(company, 'Customer', invoice.customer),
    DepositToAccountRef: { value: String(company.idOf('Account', company.accountsWithRole(deposit)[0] ?? 0)) },
    TotalAmt: money(invoice.totalCents),
    UnappliedAmt: 0,
    ProcessPayment: false,
    TxnDate: formatDay(day),
    CurrencyRef: currencyRef(company),
    Line: [
      {
        Amount: money(invoice.totalCents),
        LinkedTxn: [{ TxnId: String(company.idOf('Invoice', invoiceIndex)), TxnType: 'Invoice' }],
      },
    ],
  });
  if (methods > 0) payment['PaymentMethodRef'] = refTo(company, 'PaymentMethod', rng.int(methods));
  return payment;
}

export function generateDeposit(company: Company, index: number): Json {
  const rng = company.rng('Deposit', index);
  const cents = rng.between(500, 250_000);
  const bank = company.accountsWithRole('bank')[0] ?? 0;
  const otherIncome = company.accountsWithRole('other-income')[0] ?? 0;
  return Object.assign(entityHead(company, 'Deposit', index), {
    DepositToAccountRef: refTo(company, 'Account', bank),
    TxnDate: formatDay(company.dayOf('Deposit', index)),
    TotalAmt: money(cents),
    CurrencyRef: currencyRef(company),
    PrivateNote: 'Interest and sundry receipts',
    Line: [
      {
        Id: '1',
        LineNum: 1,
        Amount: money(cents),
        DetailType: 'DepositLineDetail',
        DepositLineDetail: { AccountRef: refTo(company, 'Account', otherIncome) },
      },
    ],
  });
}
