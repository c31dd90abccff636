import type { WeightedRecord } from './token-weights.ts';

/**
 * A value two records must share to be compared at all, with how much sharing it suggests they match. Blocking is
 * what keeps matching from comparing every pair: only records sharing a key are ever scored.
 */
export interface BlockingKey {
  key: string;
  weight: number;
  /**
   * Keys derived from one word share a group, and a candidate collects at most one vote per group: otherwise every
   * record containing "scaffolding" would collect a vote from each of its dozen typo keys and bury the one record
   * that shares a rare word and a misspelt "scaffoldign".
   */
  group: number;
}

// Identifiers nearly unique to one party, so sharing one outranks any name evidence when choosing whom to score.
const IDENTIFIER_WEIGHT = 20;
const EMAIL_DOMAIN_WEIGHT = 3;
const SAME_LETTERS_WEIGHT = 10;
/** Words this long get one-deletion keys: two words one edit apart always share one ("plumbng", "plumbing"). */
export const MIN_TYPO_KEY_LENGTH = 5;
const TYPO_KEY_FACTOR = 0.6;
/** Words this long also get their first and last four letters as keys, for two typos in one word ("plumnbig"). */
const MIN_AFFIX_KEY_LENGTH = 7;
const AFFIX_LENGTH = 4;
/** Word-pair keys use the first few words only: enough to pair "John Smith" without listing every combination. */
const MAX_PAIR_KEY_TOKENS = 5;
const HAS_DIGIT = /\d/;

/**
 * Keys of one record: each word; each one-letter deletion of longer rare words (typos, see `rareFrom`); each pair of words (so two common
 * words together still make a small block: "John Smith"); first initial with last word ("J Okafor"); the name's
 * letters without spaces; the first and last four letters of long rare words; and exact email, email domain (not free mail), phone, tax id and account number.
 * Keys are distinct per record; when one arises twice (from two variants) the first is kept.
 */
export function blockingKeys(weighted: WeightedRecord, rareFrom: number): BlockingKey[] {
  const keys = new Map<string, BlockingKey>();
  const tokenGroups = new Map<string, number>();
  let groups = 0;
  const add = (key: string, weight: number, group = groups++) => {
    if (!keys.has(key)) keys.set(key, { key, weight, group });
  };
  for (const variant of weighted.variants) {
    const { tokens, weights } = variant;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] ?? '';
      if (tokenGroups.has(token)) continue;
      const group = groups++;
      tokenGroups.set(token, group);
      const weight = weights[i] ?? 0;
      add(`t:${token}`, weight, group);
      // Typo keys only for rare words: a common word's typo keys mostly re-find the records that share the word, and
      // cost more than every other key together. A typo in a common word is still found through the name's other keys.
      if (weight < rareFrom) continue;
      if (token.length >= MIN_TYPO_KEY_LENGTH && !HAS_DIGIT.test(token)) {
        for (const deletion of oneLetterDeletions(token)) add(`d:${deletion}`, weight * TYPO_KEY_FACTOR, group);
      }
      if (token.length >= MIN_AFFIX_KEY_LENGTH && !HAS_DIGIT.test(token)) {
        add(`s:${token.slice(0, AFFIX_LENGTH)}`, weight * TYPO_KEY_FACTOR, group);
        add(`e:${token.slice(-AFFIX_LENGTH)}`, weight * TYPO_KEY_FACTOR, group);
      }
    }
    const paired = Math.min(tokens.length, MAX_PAIR_KEY_TOKENS);
    for (let i = 0; i < paired; i++) {
      for (let j = i + 1; j < paired; j++) {
        const a = tokens[i] ?? '';
        const b = tokens[j] ?? '';
        add(a < b ? `p:${a}|${b}` : `p:${b}|${a}`, (weights[i] ?? 0) + (weights[j] ?? 0));
      }
    }
    const first = tokens[0];
    const last = tokens[tokens.length - 1];
    if (tokens.length >= 2 && first && last) add(`i:${first[0]}|${last}`, weights[tokens.length - 1] ?? 0);
    if (variant.compact !== '') add(`c:${variant.compact}`, SAME_LETTERS_WEIGHT);
  }
  const { email, phone, taxId, accountNumber } = weighted.record;
  if (email) {
    add(`@:${email.address}`, IDENTIFIER_WEIGHT);
    if (!email.freeMail) add(`m:${email.domain}`, EMAIL_DOMAIN_WEIGHT);
  }
  if (phone) add(`f:${phone}`, IDENTIFIER_WEIGHT);
  if (taxId) add(`x:${taxId}`, IDENTIFIER_WEIGHT);
  if (accountNumber) add(`a:${accountNumber}`, IDENTIFIER_WEIGHT);
  return [...keys.values()];
}

/** The word itself and every string one deletion away: "plumbing" → "plumbing", "lumbing", "pumbing", … */
export function oneLetterDeletions(token: string): string[] {
  const deletions = [token];
  for (let i = 0; i < token.length; i++) {
    if (i > 0 && token[i] === token[i - 1]) continue;
    deletions.push(token.slice(0, i) + token.slice(i + 1));
  }
  return deletions;
}
