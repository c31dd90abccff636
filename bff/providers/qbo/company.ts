import type { QboApi } from './api-client.ts';

export interface QboCompany {
  companyName: string;
  legalName: string | null;
  /** ISO alpha-2; QuickBooks' "UK" is normalised to GB. */
  country: string;
  /** SimpleStart | Essentials | Plus | Advanced, or the raw OfferingSku when unrecognised. */
  plan: string | null;
  classTracking: boolean;
  departmentTracking: boolean;
  usingSalesTax: boolean;
  multiCurrency: boolean;
}

const planBySku: [RegExp, string][] = [
  [/simple\s*start/i, 'SimpleStart'],
  [/essentials/i, 'Essentials'],
  [/advanced/i, 'Advanced'],
  [/plus/i, 'Plus'],
];

/** The plan name from CompanyInfo's `NameValue[OfferingSku]`, e.g. "QuickBooks Online Plus" → "Plus". */
export function planFromOfferingSku(sku: string | undefined): string | null {
  if (!sku) return null;
  return planBySku.find(([pattern]) => pattern.test(sku))?.[1] ?? sku;
}

interface CompanyInfoBody {
  CompanyName?: string;
  LegalName?: string;
  Country?: string;
  NameValue?: { Name: string; Value: string }[];
}

interface PreferencesBody {
  AccountingInfoPrefs?: { ClassTrackingPerTxn?: boolean; ClassTrackingPerTxnLine?: boolean; TrackDepartments?: boolean };
  TaxPrefs?: { UsingSalesTax?: boolean };
  CurrencyPrefs?: { MultiCurrencyEnabled?: boolean };
}

/** Reads CompanyInfo and Preferences: what the connection card shows and what policies check. */
export async function readCompany(api: Pick<QboApi, 'get'>, realmId: string): Promise<QboCompany> {
  const [info, prefs] = await Promise.all([
    api.get<{ CompanyInfo: CompanyInfoBody }>(`companyinfo/${encodeURIComponent(realmId)}`),
    api.get<{ Preferences?: PreferencesBody }>('preferences'),
  ]);
  const company = info.CompanyInfo;
  const preferences = prefs.Preferences ?? {};
  const country = (company.Country ?? '').toUpperCase();
  return {
    companyName: company.CompanyName ?? 'QuickBooks company',
    legalName: company.LegalName ?? null,
    country: country === 'UK' ? 'GB' : country,
    plan: planFromOfferingSku(company.NameValue?.find((pair) => pair.Name === 'OfferingSku')?.Value),
    classTracking: Boolean(preferences.AccountingInfoPrefs?.ClassTrackingPerTxn || preferences.AccountingInfoPrefs?.ClassTrackingPerTxnLine),
    departmentTracking: Boolean(preferences.AccountingInfoPrefs?.TrackDepartments),
    usingSalesTax: Boolean(preferences.TaxPrefs?.UsingSalesTax),
    multiCurrency: Boolean(preferences.CurrencyPrefs?.MultiCurrencyEnabled),
  };
}
