import type { NameVariant } from './name-variants.ts';
import { QUALIFIER_WORDS } from './name-vocabulary.ts';
import type { PreparedRecord } from './prepared-record.ts';

/**
 * How much a word says about identity, from how many records use it (inverse document frequency):
 * "services" in thousands of names weighs little, "roadrunner" in one weighs much. A word never seen (a typo, a
 * query) weighs as much as the rarest.
 */
export interface TokenWeight {
  (token: string): number;
  /**
   * The weight of a word used by {@link RARE_WORD_RECORDS} records; words weighing at least this are rare enough to
   * be worth typo keys when blocking.
   */
  readonly rareFrom: number;
}

const QUALIFIER_FACTOR = 1 / 3;

/** A word in at most this many records counts as rare for blocking (see blocking-keys.ts). */
export const RARE_WORD_RECORDS = 25;

/** A name variant with each token's weight and their sum, computed once per record. */
export interface WeightedVariant extends NameVariant {
  weights: number[];
  totalWeight: number;
  /** Tokens joined by spaces; equal keys mean identical readings. */
  key: string;
}

/** A prepared record whose name variants carry the weights of one corpus. */
export interface WeightedRecord {
  record: PreparedRecord;
  variants: WeightedVariant[];
}

export function countDocumentFrequencies(records: Iterable<PreparedRecord>): Map<string, number> {
  const frequencies = new Map<string, number>();
  for (const record of records) {
    for (const token of distinctTokens(record)) frequencies.set(token, (frequencies.get(token) ?? 0) + 1);
  }
  return frequencies;
}

export function tokenWeightFrom(frequencies: ReadonlyMap<string, number>, recordCount: number): TokenWeight {
  const corpus = Math.max(recordCount, 1);
  const weights = new Map<string, number>();
  for (const [token, frequency] of frequencies) weights.set(token, Math.log(1 + corpus / frequency));
  const unseen = Math.log(1 + corpus);
  return Object.assign((token: string) => weights.get(token) ?? unseen, {
    rareFrom: Math.log(1 + corpus / RARE_WORD_RECORDS),
  });
}

export function weighRecord(record: PreparedRecord, weightOf: TokenWeight): WeightedRecord {
  return {
    record,
    variants: record.variants.map((variant) => {
      const weights = variant.tokens.map((token) => weightOf(token) * (QUALIFIER_WORDS.has(token) ? QUALIFIER_FACTOR : 1));
      return { ...variant, weights, totalWeight: weights.reduce((sum, weight) => sum + weight, 0), key: variant.tokens.join(' ') };
    }),
  };
}

export function distinctTokens(record: PreparedRecord): Set<string> {
  const tokens = new Set<string>();
  for (const variant of record.variants) for (const token of variant.tokens) tokens.add(token);
  return tokens;
}
