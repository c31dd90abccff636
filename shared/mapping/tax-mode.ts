import { nested } from './qbo-fields.ts';
import type { CompanyLists, TaxMode } from './types.ts';

/**
 * How the company taxes lines. US companies on automated sales tax (Preferences.TaxPrefs.PartnerTaxEnabled) put
 * only TAX/NON on lines and QuickBooks computes the tax from the address; other US companies still use TAX/NON on
 * lines but name a sales tax code for the transaction; every other edition needs a real TaxCode on each line.
 */
export function taxModeOf(lists: Pick<CompanyLists, 'companyInfo' | 'preferences' | 'taxAgencies'>): TaxMode {
  const country = String(lists.companyInfo?.['Country'] ?? '').toUpperCase() || 'US';
  const taxPrefs = nested(lists.preferences, 'TaxPrefs');
  const accounting = nested(lists.preferences, 'AccountingInfoPrefs');
  const kind = country === 'US' ? (taxPrefs?.['PartnerTaxEnabled'] === true ? 'automated' : 'manual') : 'per_line';
  return {
    country,
    kind,
    has_agencies: kind !== 'automated' && lists.taxAgencies.length > 0,
    class_tracking: accounting?.['ClassTrackingPerTxn'] === true || accounting?.['ClassTrackingPerTxnLine'] === true,
    department_tracking: accounting?.['TrackDepartments'] === true,
  };
}
