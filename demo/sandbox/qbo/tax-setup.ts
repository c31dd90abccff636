import type { CountryCode } from './regions.ts';

export interface TaxRateTemplate {
  name: string;
  description: string;
  /** Percent, as QuickBooks reports RateValue. */
  rate: number;
  agency: number;
  /**
   * Finance.xsd SpecialTaxTypeEnum. There is no `EXEMPT`: an exempt rate is an ordinary 0% rate (`NONE`), told
   * apart from zero-rated supplies (`ZERO_RATE`) by its tax code, not by this field.
   */
  specialTaxType: 'NONE' | 'ZERO_RATE' | 'FOREIGN_TAX' | 'REVERSE_CHARGE' | 'ADJUSTMENT_RATE';
}

export interface TaxCodeTemplate {
  name: string;
  description: string;
  taxable: boolean;
  group: boolean;
  sales: number[];
  purchase: number[];
}

/**
 * A region's sales-tax set-up. US companies use automated sales tax: lines carry the pseudo codes TAX/NON and the
 * transaction names one combined code; other regions put a real TaxCode on every line, with purchase rates too.
 */
export interface TaxSetup {
  agencies: { name: string; registration: string }[];
  rates: TaxRateTemplate[];
  codes: TaxCodeTemplate[];
  /** US automated sales tax: lines use TAX/NON. */
  pseudoLineCodes: boolean;
  /** Index of the code taxable sales lines use (US: the combined code named in TxnTaxDetail). */
  standardSalesCode: number;
  /** Index of the code for untaxed lines (non-US). */
  exemptCode: number;
}

const US: TaxSetup = {
  agencies: [
    { name: 'California Department of Tax and Fee Administration', registration: '' },
    { name: 'Santa Clara County', registration: '' },
  ],
  rates: [
    { name: 'California', description: 'Sales Tax', rate: 6, agency: 0, specialTaxType: 'NONE' },
    { name: 'Santa Clara County', description: 'Sales Tax', rate: 2.25, agency: 1, specialTaxType: 'NONE' },
  ],
  codes: [
    { name: 'Santa Clara County', description: 'Santa Clara County', taxable: true, group: true, sales: [0, 1], purchase: [] },
    { name: 'California', description: 'California', taxable: true, group: true, sales: [0], purchase: [] },
  ],
  pseudoLineCodes: true,
  standardSalesCode: 0,
  exemptCode: 0,
};

const UK: TaxSetup = {
  agencies: [{ name: 'HM Revenue & Customs (VAT)', registration: 'GB123456789' }],
  rates: [
    { name: '20.0% S', description: 'Standard rate', rate: 20, agency: 0, specialTaxType: 'NONE' },
    { name: '20.0% S', description: 'Standard rate purchases', rate: 20, agency: 0, specialTaxType: 'NONE' },
    { name: '5.0% R', description: 'Reduced rate', rate: 5, agency: 0, specialTaxType: 'NONE' },
    { name: '5.0% R', description: 'Reduced rate purchases', rate: 5, agency: 0, specialTaxType: 'NONE' },
    { name: '0.0% Z', description: 'Zero rate', rate: 0, agency: 0, specialTaxType: 'ZERO_RATE' },
    { name: '0.0% Z', description: 'Zero rate purchases', rate: 0, agency: 0, specialTaxType: 'ZERO_RATE' },
    { name: 'Exempt', description: 'Exempt', rate: 0, agency: 0, specialTaxType: 'NONE' },
    // Domestic reverse charge (construction, CIS): the buyer books the VAT and reclaims it, so +20% and -20%.
    { name: '20.0% RC CIS', description: 'Reverse charge CIS purchases', rate: 20, agency: 0, specialTaxType: 'REVERSE_CHARGE' },
    { name: '-20.0% RC CIS', description: 'Reverse charge CIS purchases reclaimed', rate: -20, agency: 0, specialTaxType: 'REVERSE_CHARGE' },
  ],
  codes: [
    { name: '20.0% S', description: 'Standard rate', taxable: true, group: false, sales: [0], purchase: [1] },
    { name: '5.0% R', description: 'Reduced rate', taxable: true, group: false, sales: [2], purchase: [3] },
    { name: '0.0% Z', description: 'Zero rate', taxable: true, group: false, sales: [4], purchase: [5] },
    { name: 'Exempt', description: 'Exempt', taxable: true, group: false, sales: [6], purchase: [6] },
    { name: 'No VAT', description: 'No VAT', taxable: false, group: false, sales: [], purchase: [] },
    { name: '20.0% RC CIS', description: 'Reverse charge (construction)', taxable: true, group: false, sales: [], purchase: [7, 8] },
  ],
  pseudoLineCodes: false,
  standardSalesCode: 0,
  exemptCode: 3,
};

const CA: TaxSetup = {
  // A company registered in Ontario (HST) that also sells into British Columbia (GST + PST, two agencies).
  agencies: [
    { name: 'Canada Revenue Agency', registration: '123456789RT0001' },
    { name: 'Minister of Finance (BC)', registration: 'PST-1234-5678' },
  ],
  rates: [
    { name: 'HST ON', description: 'Harmonized Sales Tax Ontario', rate: 13, agency: 0, specialTaxType: 'NONE' },
    { name: 'HST (ITC) ON', description: 'HST input tax credit Ontario', rate: 13, agency: 0, specialTaxType: 'NONE' },
    { name: 'GST', description: 'Goods and Services Tax', rate: 5, agency: 0, specialTaxType: 'NONE' },
    { name: 'GST (ITC)', description: 'GST input tax credit', rate: 5, agency: 0, specialTaxType: 'NONE' },
    { name: 'Zero-rated', description: 'Zero-rated', rate: 0, agency: 0, specialTaxType: 'ZERO_RATE' },
    { name: 'Exempt', description: 'Exempt', rate: 0, agency: 0, specialTaxType: 'NONE' },
    { name: 'PST BC', description: 'Provincial Sales Tax British Columbia', rate: 7, agency: 1, specialTaxType: 'NONE' },
  ],
  codes: [
    { name: 'HST ON', description: 'HST ON', taxable: true, group: true, sales: [0], purchase: [1] },
    { name: 'GST', description: 'GST', taxable: true, group: true, sales: [2], purchase: [3] },
    { name: 'Zero-rated', description: 'Zero-rated', taxable: true, group: true, sales: [4], purchase: [4] },
    { name: 'Exempt', description: 'Exempt', taxable: true, group: true, sales: [5], purchase: [5] },
    { name: 'Out of Scope', description: 'Out of Scope', taxable: false, group: false, sales: [], purchase: [] },
    // Canada combines GST and PST in one code; PST paid on purchases is not recoverable but still tracked.
    { name: 'GST/PST BC', description: 'GST/PST BC', taxable: true, group: true, sales: [2, 6], purchase: [3, 6] },
  ],
  pseudoLineCodes: false,
  standardSalesCode: 0,
  exemptCode: 3,
};

const AU: TaxSetup = {
  agencies: [{ name: 'Australian Taxation Office', registration: '51 824 753 556' }],
  rates: [
    { name: 'GST (sales)', description: 'GST on sales', rate: 10, agency: 0, specialTaxType: 'NONE' },
    { name: 'GST (purchases)', description: 'GST on purchases', rate: 10, agency: 0, specialTaxType: 'NONE' },
    { name: 'GST free (sales)', description: 'GST free sales', rate: 0, agency: 0, specialTaxType: 'ZERO_RATE' },
    { name: 'GST free (purchases)', description: 'GST free purchases', rate: 0, agency: 0, specialTaxType: 'ZERO_RATE' },
    { name: 'Input taxed', description: 'Input taxed', rate: 0, agency: 0, specialTaxType: 'NONE' },
  ],
  codes: [
    { name: 'GST', description: 'GST', taxable: true, group: false, sales: [0], purchase: [1] },
    { name: 'GST free', description: 'GST free', taxable: true, group: false, sales: [2], purchase: [3] },
    { name: 'Input taxed', description: 'Input taxed', taxable: true, group: false, sales: [4], purchase: [4] },
    { name: 'Out of scope', description: 'Out of scope', taxable: false, group: false, sales: [], purchase: [] },
  ],
  pseudoLineCodes: false,
  standardSalesCode: 0,
  exemptCode: 1,
};

const ZA: TaxSetup = {
  agencies: [{ name: 'South African Revenue Service', registration: '4123456789' }],
  rates: [
    { name: 'Standard Rate (sales)', description: 'VAT standard rate', rate: 15, agency: 0, specialTaxType: 'NONE' },
    { name: 'Standard Rate (purchases)', description: 'VAT standard rate purchases', rate: 15, agency: 0, specialTaxType: 'NONE' },
    { name: 'Zero Rate', description: 'Zero rated', rate: 0, agency: 0, specialTaxType: 'ZERO_RATE' },
    { name: 'Exempt', description: 'Exempt', rate: 0, agency: 0, specialTaxType: 'NONE' },
  ],
  codes: [
    { name: 'Standard Rate', description: 'Standard Rate', taxable: true, group: false, sales: [0], purchase: [1] },
    { name: 'Zero Rate', description: 'Zero Rate', taxable: true, group: false, sales: [2], purchase: [2] },
    { name: 'Exempt', description: 'Exempt', taxable: true, group: false, sales: [3], purchase: [3] },
    { name: 'No VAT', description: 'No VAT', taxable: false, group: false, sales: [], purchase: [] },
  ],
  pseudoLineCodes: false,
  standardSalesCode: 0,
  exemptCode: 2,
};

export const TAX_SETUPS: Record<CountryCode, TaxSetup> = { US, CA, UK, AU, ZA };

/** Combined sales rate of a code in percent. */
export function salesRatePercent(setup: TaxSetup, codeIndex: number): number {
  const code = setup.codes[codeIndex];
  if (!code) return 0;
  return code.sales.reduce((sum, rate) => sum + (setup.rates[rate]?.rate ?? 0), 0);
}

export function purchaseRatePercent(setup: TaxSetup, codeIndex: number): number {
  const code = setup.codes[codeIndex];
  if (!code) return 0;
  return code.purchase.reduce((sum, rate) => sum + (setup.rates[rate]?.rate ?? 0), 0);
}
