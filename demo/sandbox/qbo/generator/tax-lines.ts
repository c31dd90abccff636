import type { Company } from '../company.ts';
import { money, type Json } from './common.ts';

/** Tax owed per rate, in cents, for the taxable amounts of each tax code used on a transaction. */
export interface TaxByRate {
  rateIndex: number;
  taxableCents: number;
  taxCents: number;
}

export function taxByRate(company: Company, byCode: Map<number, number>, side: 'sales' | 'purchase'): TaxByRate[] {
  const result: TaxByRate[] = [];
  for (const [codeIndex, taxableCents] of byCode) {
    const code = company.tax.codes[codeIndex];
    if (!code) continue;
    for (const rateIndex of side === 'sales' ? code.sales : code.purchase) {
      const rate = company.tax.rates[rateIndex]?.rate ?? 0;
      result.push({ rateIndex, taxableCents, taxCents: Math.round((taxableCents * rate) / 100) });
    }
  }
  return result;
}

/** TxnTaxDetail as QuickBooks returns it; US transactions name the combined code in TxnTaxCodeRef. */
export function txnTaxDetail(company: Company, taxes: TaxByRate[], txnCodeIndex: number | null): Json {
  const total = taxes.reduce((sum, tax) => sum + tax.taxCents, 0);
  const detail: Json = {};
  if (txnCodeIndex !== null) detail['TxnTaxCodeRef'] = { value: String(company.idOf('TaxCode', txnCodeIndex)) };
  detail['TotalTax'] = money(total);
  detail['TaxLine'] = taxes.map((tax) => ({
    Amount: money(tax.taxCents),
    DetailType: 'TaxLineDetail',
    TaxLineDetail: {
      TaxRateRef: { value: String(company.idOf('TaxRate', tax.rateIndex)) },
      PercentBased: true,
      TaxPercent: company.tax.rates[tax.rateIndex]?.rate ?? 0,
      NetAmountTaxable: money(tax.taxableCents),
    },
  }));
  return detail;
}

/** The TaxCodeRef a line carries: TAX/NON for US automated sales tax, a real code elsewhere. */
export function lineTaxCodeRef(company: Company, taxable: boolean, codeIndex: number): { value: string } {
  if (company.tax.pseudoLineCodes) return { value: taxable ? 'TAX' : 'NON' };
  return { value: String(company.idOf('TaxCode', codeIndex)) };
}
