// ITU country calling codes are prefix-free: 1 and 7 are the only one-digit codes, the two-digit ones are listed,
// and every other code has three digits. That is enough to strip a code without a full numbering plan.
const TWO_DIGIT_CALLING_CODES = new Set([
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49', '51',
  '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84', '86', '90',
  '91', '92', '93', '94', '95', '98',
]);
const EXTENSION = /\s*(?:x|ext\.?|extension|#)\s*\d+\s*$/i;
const MIN_SIGNIFICANT_DIGITS = 6;

/**
 * The national significant number: the digits that identify a line inside its country, with the international
 * prefix, the country code and the trunk "0" removed. "+44 20 7946 0018", "0044 (0)20 7946 0018" and
 * "020 7946 0018" all give "2079460018"; "+1 (415) 555-0100" and "415.555.0100" give "4155550100".
 * Extensions are ignored. Returns undefined when too few digits remain to identify a line.
 */
export function nationalSignificantNumber(written: string | undefined): string | undefined {
  if (!written) return undefined;
  const withoutExtension = written.replace(EXTENSION, '');
  let digits = withoutExtension.replace(/\D/g, '');
  const international = /^\s*\+/.test(withoutExtension) || digits.startsWith('00');
  if (international) {
    if (digits.startsWith('00')) digits = digits.slice(2);
    digits = digits.slice(callingCodeLength(digits));
  } else if (digits.length === 11 && digits.startsWith('1')) {
    // North American numbers are often written with their country code but no "+": "1-415-555-0100".
    digits = digits.slice(1);
  }
  // Trunk prefix, also written inside international numbers as "+44 (0)20…"; Italian numbers keep their 0 after
  // "+39", but dropping it on both sides still compares them correctly.
  digits = digits.replace(/^0+/, '');
  return digits.length >= MIN_SIGNIFICANT_DIGITS ? digits : undefined;
}

function callingCodeLength(digits: string): number {
  if (digits.startsWith('1') || digits.startsWith('7')) return 1;
  return TWO_DIGIT_CALLING_CODES.has(digits.slice(0, 2)) ? 2 : 3;
}
