import type { PreparedRecord } from './prepared-record.ts';

/**
 * What the fields other than the name say about a pair, as log-odds: positive when they agree, negative when they
 * disagree. `conflicting` marks disagreements that alone forbid linking without a person.
 */
export interface FieldEvidence {
  logOdds: number;
  conflicting: boolean;
  /**
   * A tax id or account number agrees, and so does an exact email or a phone: identifiers that no other party
   * shares, so the names may differ more (a place or note one side added, an unrecognised suffix).
   */
  strongIdentity: boolean;
}

/** Where {@link compareFields} writes its reasons when asked to explain itself. */
export interface FieldExplanation {
  agreements: string[];
  disagreements: string[];
}

// Log-odds per field, set by how rarely two different businesses share the value (a tax id: almost never; a
// postal code: often) and how often one business's two records disagree on it (phones and emails drift; tax ids
// do not). Both sides present is required for any of these to count.
const TAX_ID_AGREES = 8;
const TAX_ID_DIFFERS = -6;
const ACCOUNT_NUMBER_AGREES = 6;
const ACCOUNT_NUMBER_DIFFERS = -5;
const EMAIL_AGREES = 5;
const EMAIL_DOMAIN_AGREES = 2;
const EMAIL_DIFFERS = -1;
const PHONE_AGREES = 4;
const PHONE_DIFFERS = -1;
const POSTAL_CODE_AGREES = 1.5;
const POSTAL_CODE_DIFFERS = -1;
const ADDRESS_AGREES = 1.5;
const CITY_AGREES = 0.5;
// Businesses move and keep one city per system less carefully than a postal code, so a different city only
// counts against a pair as much as one drifted contact detail; it is what tells two same-named businesses apart.
const CITY_DIFFERS = -1;
const COUNTRY_DIFFERS = -3;
/** One contact detail may drift (a new phone, a move); two disagreeing is another party. */
const CONTACT_DISAGREEMENTS_FOR_CONFLICT = 2;

/**
 * Compares the corroborating fields of two records. Reasons are only written when `explanation` is given, because
 * most compared pairs are discarded and building their words would be most of the work.
 */
export function compareFields(a: PreparedRecord, b: PreparedRecord, explanation?: FieldExplanation): FieldEvidence {
  let logOdds = 0;
  const agreements = explanation?.agreements;
  const disagreements = explanation?.disagreements;
  let conflicting = false;
  let contactDisagreements = 0;
  let registryAgrees = false;
  let contactAgrees = false;

  if (a.taxId && b.taxId) {
    if (a.taxId === b.taxId) {
      logOdds += TAX_ID_AGREES;
      registryAgrees = true;
      agreements?.push('tax id');
    } else {
      logOdds += TAX_ID_DIFFERS;
      disagreements?.push('different tax id');
      conflicting = true;
    }
  }
  if (a.accountNumber && b.accountNumber) {
    if (a.accountNumber === b.accountNumber) {
      logOdds += ACCOUNT_NUMBER_AGREES;
      registryAgrees = true;
      agreements?.push('account number');
    } else {
      logOdds += ACCOUNT_NUMBER_DIFFERS;
      disagreements?.push('different account number');
      conflicting = true;
    }
  }
  if (a.email && b.email) {
    if (a.email.address === b.email.address) {
      logOdds += EMAIL_AGREES;
      contactAgrees = true;
      agreements?.push('email');
    } else if (a.email.domain === b.email.domain && !a.email.freeMail) {
      logOdds += EMAIL_DOMAIN_AGREES;
      agreements?.push('email domain');
    } else if (a.email.freeMail === b.email.freeMail) {
      logOdds += EMAIL_DIFFERS;
      disagreements?.push('different email');
      contactDisagreements += 1;
    }
    // A personal address on one side and a company address on the other is how owners of small businesses
    // usually appear in two systems, so it counts neither way.
  }
  if (a.phone && b.phone) {
    if (a.phone === b.phone) {
      logOdds += PHONE_AGREES;
      contactAgrees = true;
      agreements?.push('phone');
    } else {
      logOdds += PHONE_DIFFERS;
      disagreements?.push('different phone');
      contactDisagreements += 1;
    }
  }
  if (a.postalCode && b.postalCode) {
    if (a.postalCode === b.postalCode) {
      logOdds += POSTAL_CODE_AGREES;
      agreements?.push('postal code');
    } else {
      logOdds += POSTAL_CODE_DIFFERS;
      disagreements?.push('different postal code');
      contactDisagreements += 1;
    }
  }
  if (a.addressLine && b.addressLine && a.addressLine === b.addressLine) {
    logOdds += ADDRESS_AGREES;
    agreements?.push('address');
  }
  if (a.city && b.city) {
    if (a.city === b.city) {
      logOdds += CITY_AGREES;
    } else {
      logOdds += CITY_DIFFERS;
      disagreements?.push('different city');
    }
  }
  if (a.country && b.country && a.country !== b.country) {
    logOdds += COUNTRY_DIFFERS;
    disagreements?.push('different country');
    conflicting = true;
  }
  if (contactDisagreements >= CONTACT_DISAGREEMENTS_FOR_CONFLICT) conflicting = true;
  return { logOdds, conflicting, strongIdentity: registryAgrees && contactAgrees && !conflicting };
}
