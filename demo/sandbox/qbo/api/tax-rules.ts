import type { Company, Json } from '../company.ts';
import type { EntityName } from '../entity-kinds.ts';
import { formatQboDateTime } from '../qbo-time.ts';
import { faults } from './faults.ts';

/** Which side of a tax code a transaction uses: sales codes on sales forms, purchase codes on bills and expenses. */
const SIDE: Partial<Record<EntityName, 'Sales' | 'Purchase'>> = {
  Invoice: 'Sales',
  CreditMemo: 'Sales',
  Bill: 'Purchase',
  Purchase: 'Purchase',
  PurchaseOrder: 'Purchase',
  VendorCredit: 'Purchase',
};

const LINE_DETAILS = ['SalesItemLineDetail', 'ItemBasedExpenseLineDetail', 'AccountBasedExpenseLineDetail'];

/** What the tax is called where the company is, as QuickBooks words its 6000 refusals. */
const TAX_WORD: Record<string, string> = { UK: 'VAT', CA: 'GST/HST', AU: 'GST', ZA: 'VAT' };

function obj(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function rateCount(code: Json, side: 'Sales' | 'Purchase'): number {
  const list = obj(code[`${side}TaxRateList`])?.['TaxRateDetail'];
  return Array.isArray(list) ? list.length : 0;
}

/** A code with no rates on either side (UK "No VAT", "Out of scope") goes on any line; otherwise it needs rates on this side. */
function usableOn(code: Json, side: 'Sales' | 'Purchase'): boolean {
  return rateCount(code, side) > 0 || (rateCount(code, 'Sales') === 0 && rateCount(code, 'Purchase') === 0);
}

/**
 * The tax rules QuickBooks applies on a transaction write (references themselves are checked before this):
 * - UK, CA, AU (and ZA) put a real TaxCode on every item or expense line, else 6000 "Make sure all your
 *   transactions have a VAT rate before you save." (the wording of QuickBooks' refusal in those editions);
 * - a code used on a sales form needs sales rates and one on a bill or expense purchase rates (a UK "20.0% ECG"
 *   has none for sales), else 6000;
 * - a US company puts only the pseudo codes TAX/NON on lines; with manual sales tax the transaction's
 *   TxnTaxCodeRef must be a code with sales rates. With automated sales tax QuickBooks picks the rates itself.
 */
export function checkTaxRules(company: Company, type: EntityName, body: Json): void {
  const side = SIDE[type];
  if (!side || !Array.isArray(body['Line'])) return;
  if (company.tax.pseudoLineCodes) {
    for (const line of body['Line'] as unknown[]) {
      const code = lineCode(obj(line));
      if (code !== null && code !== 'TAX' && code !== 'NON') {
        throw faults.businessValidation(`Only TAX or NON can be used as a line's tax code in a company that uses sales tax; "${code}" is a tax code for the whole transaction.`);
      }
    }
    const txnCode = String(obj(obj(body['TxnTaxDetail'])?.['TxnTaxCodeRef'])?.['value'] ?? '');
    if (side === 'Sales' && !company.automatedSalesTax && txnCode !== '') {
      const code = company.get('TaxCode', Number(txnCode));
      if (code && rateCount(code, 'Sales') === 0) throw faults.businessValidation(`The tax code "${String(code['Name'])}" has no sales tax rates.`);
    }
    return;
  }
  if (body['GlobalTaxCalculation'] === 'NotApplicable') return;
  const word = TAX_WORD[company.country] ?? 'tax';
  for (const line of body['Line'] as unknown[]) {
    const record = obj(line);
    if (!record || !LINE_DETAILS.some((key) => obj(record[key]))) continue;
    const value = lineCode(record);
    if (value === null || value === '') throw faults.businessValidation(`Make sure all your transactions have a ${word} rate before you save.`);
    const code = company.get('TaxCode', Number(value));
    if (code && !usableOn(code, side)) {
      throw faults.businessValidation(`The ${word} code "${String(code['Name'])}" has no ${side === 'Sales' ? 'sales' : 'purchase'} rates, so it can't be used on ${side === 'Sales' ? 'sales' : 'purchase'} transactions.`);
    }
  }
}

function lineCode(line: Json | null): string | null {
  if (!line) return null;
  for (const key of LINE_DETAILS) {
    const detail = obj(line[key]);
    if (detail) {
      const ref = obj(detail['TaxCodeRef']);
      return ref ? String(ref['value'] ?? '') : null;
    }
  }
  return null;
}

/**
 * Switches a tax code on or off, as a person does in QuickBooks (Taxes → Manage tax codes); the API cannot, since
 * tax entities are read-only there. Lines can no longer use an inactive code; a sync re-reads it (no CDC for codes).
 */
export function setTaxCodeActive(company: Company, id: number, active: boolean, nowMs: number): Json {
  const code = company.get('TaxCode', id);
  if (!code) throw faults.objectNotFound();
  const meta = obj(code['MetaData']) ?? {};
  const updated: Json = { ...code, Active: active, SyncToken: String(Number(code['SyncToken'] ?? 0) + 1), MetaData: { ...meta, LastUpdatedTime: formatQboDateTime(nowMs, company.timeZone) } };
  company.save('TaxCode', updated, 'Update', nowMs);
  return updated;
}
