import { foldText } from './fold-text.ts';

/**
 * Postal codes compared without case, spaces or dashes ("SW1A 1AA" = "sw1a1aa"); a US ZIP+4 compares as its
 * five-digit ZIP because one side often stores only that.
 */
export function normalisePostalCode(written: string | undefined): string | undefined {
  if (!written) return undefined;
  const compact = foldText(written).replace(/[^a-z0-9]/g, '').toUpperCase();
  if (/^\d{9}$/.test(compact) && /\d{5}\s*-\s*\d{4}/.test(written)) return compact.slice(0, 5);
  return compact.length >= 3 ? compact : undefined;
}

/**
 * Tax identifiers compared as letters and digits only, without a leading country prefix, so the VAT number
 * "GB 123 4567 89" equals "123456789" and the EIN "12-3456789" equals "123456789".
 */
export function normaliseTaxId(written: string | undefined): string | undefined {
  if (!written) return undefined;
  const compact = written.replace(/[^a-z0-9]/gi, '').toUpperCase();
  const withoutPrefix = /^[A-Z]{2}\d{6,}/.test(compact) ? compact.slice(2) : compact;
  return withoutPrefix.length >= 4 ? withoutPrefix : undefined;
}

/** Account numbers compared as letters and digits only, without case or leading zeros ("00042" = "42"). */
export function normaliseAccountNumber(written: string | undefined): string | undefined {
  if (!written) return undefined;
  const compact = written.replace(/[^a-z0-9]/gi, '').toUpperCase().replace(/^0+(?=.)/, '');
  return compact.length > 0 ? compact : undefined;
}

const COUNTRY_ALIASES: ReadonlyMap<string, string> = new Map([
  ['united kingdom', 'GB'], ['uk', 'GB'], ['great britain', 'GB'], ['britain', 'GB'], ['england', 'GB'],
  ['scotland', 'GB'], ['wales', 'GB'], ['northern ireland', 'GB'], ['united kingdom of great britain and northern ireland', 'GB'],
  ['united states', 'US'], ['united states of america', 'US'], ['usa', 'US'], ['america', 'US'],
  ['canada', 'CA'], ['australia', 'AU'], ['new zealand', 'NZ'], ['ireland', 'IE'], ['republic of ireland', 'IE'],
  ['eire', 'IE'], ['germany', 'DE'], ['deutschland', 'DE'], ['france', 'FR'], ['spain', 'ES'], ['espana', 'ES'],
  ['italy', 'IT'], ['italia', 'IT'], ['netherlands', 'NL'], ['the netherlands', 'NL'], ['holland', 'NL'],
  ['belgium', 'BE'], ['switzerland', 'CH'], ['austria', 'AT'], ['sweden', 'SE'], ['norway', 'NO'], ['denmark', 'DK'],
  ['finland', 'FI'], ['portugal', 'PT'], ['poland', 'PL'], ['india', 'IN'], ['singapore', 'SG'],
  ['south africa', 'ZA'], ['mexico', 'MX'], ['brazil', 'BR'], ['japan', 'JP'], ['china', 'CN'], ['hong kong', 'HK'],
  ['united arab emirates', 'AE'], ['uae', 'AE'],
]);

/** Every country name above, folded: "united kingdom", "deutschland", … (codes are not names). */
export const COUNTRY_NAMES: ReadonlySet<string> = new Set(COUNTRY_ALIASES.keys());

/** Countries compared as ISO 3166 alpha-2 codes: "United Kingdom", "UK", "gb" all give "GB". */
export function normaliseCountry(written: string | undefined): string | undefined {
  if (!written) return undefined;
  const folded = foldText(written).replace(/[^a-z ]/g, ' ').replace(/\s+/g, ' ').trim();
  if (folded === '') return undefined;
  const alias = COUNTRY_ALIASES.get(folded);
  if (alias) return alias;
  return folded.length === 2 ? folded.toUpperCase() : folded;
}
