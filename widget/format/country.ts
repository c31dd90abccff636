/**
 * A country's name from its ISO 3166 alpha-2 code, in the user's language ("US" → "United States",
 * "États-Unis" in French). Accounting systems send codes; people read names.
 */
export function countryName(code: string, locale?: string): string {
  const region = code.trim().toUpperCase() === 'UK' ? 'GB' : code.trim().toUpperCase();
  try {
    return new Intl.DisplayNames(locale, { type: 'region', fallback: 'code' }).of(region) ?? region;
  } catch {
    // A malformed code (not two letters) makes DisplayNames throw; the code itself is still better than nothing.
    return code;
  }
}
