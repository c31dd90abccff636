/** "j" against "john": an initial agrees with the name but could stand for many others. */
export const INITIAL_SIMILARITY = 0.7;
/** "bob" against "bobs": plural or possessive written without the apostrophe. */
const PLURAL_SIMILARITY = 0.95;
/** "harrow" against "harrowgate": a truncated word; weaker than a typo because it may be a different word. */
const PREFIX_SIMILARITY = 0.75;
const MAX_TYPO_TOKEN_LENGTH = 40;
const HAS_DIGIT = /\d/;

/**
 * How alike two canonical words are, 0..1. Equal words score 1; an initial and the word it starts 0.7; a word
 * and its plural 0.95; one edit (insert, delete, substitute, swap neighbours) in words of 4+ letters, or two in words
 * of 8+ letters, score 1 − edits ÷ length; a 4+ letter prefix of a longer word 0.75. Words containing digits must
 * be equal: "Unit 12" and "Unit 13" are different places, not a typo.
 */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const shorter = a.length <= b.length ? a : b;
  const longer = shorter === a ? b : a;
  if (shorter.length === 1) return longer.startsWith(shorter) ? INITIAL_SIMILARITY : 0;
  if (HAS_DIGIT.test(a) || HAS_DIGIT.test(b)) return 0;
  if (shorter.length >= 3 && longer.length === shorter.length + 1 && longer.endsWith('s') && longer.startsWith(shorter)) {
    return PLURAL_SIMILARITY;
  }
  const allowedEdits = longer.length >= 8 ? 2 : longer.length >= 4 ? 1 : 0;
  // One edit leaves either the first or the last letter in place; checking that first skips most non-typos cheaply.
  const couldBeOneEdit = a.charCodeAt(0) === b.charCodeAt(0) || a.charCodeAt(a.length - 1) === b.charCodeAt(b.length - 1);
  if (
    allowedEdits > 0 && (allowedEdits > 1 || couldBeOneEdit) &&
    longer.length - shorter.length <= allowedEdits && longer.length <= MAX_TYPO_TOKEN_LENGTH
  ) {
    const edits = boundedEditDistance(a, b, allowedEdits);
    if (edits <= allowedEdits) return 1 - edits / longer.length;
  }
  if (shorter.length >= 4 && longer.startsWith(shorter)) return PREFIX_SIMILARITY;
  return 0;
}

// Scratch rows reused across calls: comparison is the inner loop of matching and allocation would dominate it.
const previousPrevious = new Int32Array(MAX_TYPO_TOKEN_LENGTH + 1);
const previous = new Int32Array(MAX_TYPO_TOKEN_LENGTH + 1);
const current = new Int32Array(MAX_TYPO_TOKEN_LENGTH + 1);

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent swaps), stopping early once every path exceeds
 * `limit`; returns limit + 1 in that case.
 */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  const width = b.length;
  for (let j = 0; j <= width; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMinimum = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= width; j++) {
      const bj = b.charCodeAt(j - 1);
      const cost = ai === bj ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        best = Math.min(best, (previousPrevious[j - 2] ?? 0) + 1);
      }
      current[j] = best;
      if (best < rowMinimum) rowMinimum = best;
    }
    if (rowMinimum > limit) return limit + 1;
    previousPrevious.set(previous.subarray(0, width + 1));
    previous.set(current.subarray(0, width + 1));
  }
  return Math.min(previous[width] ?? limit + 1, limit + 1);
}
