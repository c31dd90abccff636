import { normaliseAccountNumber, normaliseCountry, normalisePostalCode, normaliseTaxId } from './business-identifiers.ts';
import { readEmailAddress, type EmailAddress } from './email-address.ts';
import { foldText } from './fold-text.ts';
import { nameVariants, words, type NameVariant } from './name-variants.ts';
import { nationalSignificantNumber } from './phone-number.ts';
import type { MatchRecord } from './types.ts';

/**
 * A record normalised once, before any comparison, so the per-pair work is only lookups and short loops.
 * Absent or unusable fields (an address without "@", a phone with three digits) are undefined and never count.
 */
export interface PreparedRecord {
  id: string;
  variants: NameVariant[];
  /**
   * The name as written, only folded and with punctuation and spacing evened out: "Harbor Freight Inc." and
   * "HARBOR FREIGHT INC" agree, "Harbor Freight" does not. Tells apart parties whose readings are equal.
   */
  writtenName: string;
  email: EmailAddress | undefined;
  phone: string | undefined;
  postalCode: string | undefined;
  country: string | undefined;
  taxId: string | undefined;
  accountNumber: string | undefined;
  /** Street line as canonical words ("12 High St." → "12 high street"). */
  addressLine: string | undefined;
  city: string | undefined;
}

const APOSTROPHES = /['’‘`´]/g;
const NOT_LETTERS = /[^a-z0-9]+/g;

// Longer names are notes, not names; capping keeps pair comparison cost bounded.
const MAX_TOKENS_PER_VARIANT = 12;

const STREET_WORDS: ReadonlyMap<string, string> = new Map([
  ['st', 'street'], ['rd', 'road'], ['ave', 'avenue'], ['av', 'avenue'], ['blvd', 'boulevard'], ['ln', 'lane'],
  ['dr', 'drive'], ['ct', 'court'], ['pl', 'place'], ['sq', 'square'], ['hwy', 'highway'], ['pkwy', 'parkway'],
  ['ste', 'suite'], ['fl', 'floor'], ['apt', 'apartment'], ['n', 'north'], ['s', 'south'], ['e', 'east'], ['w', 'west'],
]);

export function prepareRecord(record: MatchRecord): PreparedRecord {
  const variants = nameVariants(record.name ?? '').map((variant) =>
    variant.tokens.length <= MAX_TOKENS_PER_VARIANT
      ? variant
      : { ...variant, tokens: variant.tokens.slice(0, MAX_TOKENS_PER_VARIANT), compact: variant.tokens.slice(0, MAX_TOKENS_PER_VARIANT).join('') },
  );
  return {
    id: record.id,
    variants,
    writtenName: foldText(record.name ?? '').replace(APOSTROPHES, '').replace(NOT_LETTERS, ' ').trim(),
    email: readEmailAddress(record.email),
    phone: nationalSignificantNumber(record.phone),
    postalCode: normalisePostalCode(record.postalCode),
    country: normaliseCountry(record.country),
    taxId: normaliseTaxId(record.taxId),
    accountNumber: normaliseAccountNumber(record.accountNumber),
    addressLine: normaliseAddressLine(record.addressLine),
    city: record.city ? words(foldText(record.city)).join(' ') || undefined : undefined,
  };
}

function normaliseAddressLine(written: string | undefined): string | undefined {
  if (!written) return undefined;
  const line = words(foldText(written)).map((word) => STREET_WORDS.get(word) ?? word).join(' ');
  return line === '' ? undefined : line;
}
