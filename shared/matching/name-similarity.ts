import type { NameVariantKind } from './name-variants.ts';
import { tokenSimilarity } from './token-similarity.ts';
import type { WeightedVariant } from './token-weights.ts';

/** The best agreement between any reading of one name and any reading of the other. */
export interface NameComparison {
  /** 0..1: share of both names' word weight that found a partner, each partner counted by its similarity. */
  similarity: number;
  /** Which kind of reading produced it: a trading name or a household member is reported as such. */
  kind: NameVariantKind;
}

/** A household member is one of two people; pairing with them is weaker than pairing with the written name. */
const HOUSEHOLD_FACTOR = 0.9;
/** "Evans & Thomas" (two parties' names joined) against "Thomas Evans" (one person): same words, other party. */
const JOINED_FACTOR = 0.9;
/** "North Star" against "Northstar": same letters, different spacing. */
const SAME_LETTERS_SIMILARITY = 0.97;
/**
 * A reading reduced to one word by leaving out a qualifier ("Bupa UK", "Brakus - Jerde" as "bupa", "brakus") is
 * weaker than the name: a one-word brand with a country is often a national company of a group, and a dash also
 * joins two partners' names. With one corroborating field it still links.
 */
const ONE_WORD_REDUCED_FACTOR = 0.88;
const NO_MATCH: NameComparison = { similarity: 0, kind: 'name' };

/**
 * Compares every reading of one name with every reading of the other and keeps the best. Word order never matters
 * ("Okafor John" = "John Okafor"); rare words count for more than common ones, so "Smith Plumbing" against
 * "Smith Electrical" agrees on less than half its weight.
 */
export function compareNames(left: readonly WeightedVariant[], right: readonly WeightedVariant[]): NameComparison {
  let best = NO_MATCH;
  for (const a of left) {
    for (const b of right) {
      // Two names that both carry qualifiers are compared with them: "Acme - Leeds" is not "Acme - York".
      if (a.reduced && b.reduced) continue;
      const kind = combinedKind(a.kind, b.kind);
      const factor = (kind === 'household member' ? HOUSEHOLD_FACTOR : 1) * (a.joined === b.joined ? 1 : JOINED_FACTOR) *
        reducedFactor(a) * reducedFactor(b);
      if (best.similarity >= factor) continue;
      const similarity = variantSimilarity(a, b) * factor;
      if (similarity > best.similarity) best = { similarity, kind };
    }
  }
  return best;
}

function reducedFactor(variant: WeightedVariant): number {
  return variant.reduced && variant.tokens.length < 2 ? ONE_WORD_REDUCED_FACTOR : 1;
}

function combinedKind(a: NameVariantKind, b: NameVariantKind): NameVariantKind {
  if (a === 'household member' || b === 'household member') return 'household member';
  if (a === 'trading name' || b === 'trading name') return 'trading name';
  return 'name';
}

/**
 * Weighted Dice over aligned words: exact partners first, then the most similar remaining pairs greedily, each
 * pair contributing similarity × (weight on the left + weight on the right) out of both names' total weight, where
 * both words of a similar (not equal) pair weigh as the more common of the two.
 */
export function variantSimilarity(a: WeightedVariant, b: WeightedVariant): number {
  if (a.key === b.key) return 1;
  const total = a.totalWeight + b.totalWeight;
  if (total === 0) return 0;
  const tokensA = a.tokens;
  const tokensB = b.tokens;
  let usedA = 0;
  let usedB = 0;
  let agreed = 0;
  for (let i = 0; i < tokensA.length; i++) {
    for (let j = 0; j < tokensB.length; j++) {
      if ((usedB & (1 << j)) === 0 && tokensA[i] === tokensB[j]) {
        usedA |= 1 << i;
        usedB |= 1 << j;
        agreed += (a.weights[i] ?? 0) + (b.weights[j] ?? 0);
        break;
      }
    }
  }
  const everyWordPaired = usedA === (1 << tokensA.length) - 1 || usedB === (1 << tokensB.length) - 1;
  let similarity = agreed / total;
  if (!everyWordPaired) {
    const fuzzy = fuzzyAgreement(a, b, usedA, usedB);
    similarity = (agreed + fuzzy.agreed) / (total - fuzzy.overweight);
  }
  return a.compact === b.compact ? Math.max(similarity, SAME_LETTERS_SIMILARITY) : similarity;
}

// Similarities of the words left unpaired after exact pairing, reused across calls (names have at most 12 words).
const MAX_WORDS = 16;
const similarities = new Float64Array(MAX_WORDS * MAX_WORDS);
const NOTHING_FUZZY = { agreed: 0, overweight: 0 };

/**
 * What the words left after exact pairing add when paired by similarity. A misspelt word is rare only because it is
 * misspelt, so both words of a fuzzy pair weigh as the more common of the two; `overweight` is how much lighter that
 * makes the two names' total.
 */
function fuzzyAgreement(
  a: WeightedVariant, b: WeightedVariant, usedA: number, usedB: number,
): { agreed: number; overweight: number } {
  const countA = Math.min(a.tokens.length, MAX_WORDS);
  const countB = Math.min(b.tokens.length, MAX_WORDS);
  let anySimilar = false;
  for (let i = 0; i < countA; i++) {
    for (let j = 0; j < countB; j++) {
      const free = (usedA & (1 << i)) === 0 && (usedB & (1 << j)) === 0;
      const similarity = free ? tokenSimilarity(a.tokens[i] ?? '', b.tokens[j] ?? '') : 0;
      similarities[i * MAX_WORDS + j] = similarity;
      if (similarity > 0) anySimilar = true;
    }
  }
  if (!anySimilar) return NOTHING_FUZZY;
  // Greedy: take the most similar free pair (first in reading order on ties) until none is left.
  let agreed = 0;
  let overweight = 0;
  for (;;) {
    let best = 0;
    let bestI = -1;
    let bestJ = -1;
    for (let i = 0; i < countA; i++) {
      if ((usedA & (1 << i)) !== 0) continue;
      for (let j = 0; j < countB; j++) {
        if ((usedB & (1 << j)) !== 0) continue;
        const similarity = similarities[i * MAX_WORDS + j] ?? 0;
        if (similarity > best) {
          best = similarity;
          bestI = i;
          bestJ = j;
        }
      }
    }
    if (bestI < 0) return { agreed, overweight };
    usedA |= 1 << bestI;
    usedB |= 1 << bestJ;
    const weightA = a.weights[bestI] ?? 0;
    const weightB = b.weights[bestJ] ?? 0;
    const shared = Math.min(weightA, weightB);
    agreed += best * 2 * shared;
    overweight += weightA + weightB - 2 * shared;
  }
}
