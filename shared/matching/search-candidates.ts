import {
  bestCandidates, candidatePoolSize, DEFAULT_LIMIT, DEFAULT_SEARCH_MIN_SCORE, UNCAPPED_BLOCK, type RankOptions,
} from './candidate-list.ts';
import { readEmailAddress } from './email-address.ts';
import { foldText } from './fold-text.ts';
import { MIN_TYPO_KEY_LENGTH, oneLetterDeletions } from './blocking-keys.ts';
import { createMatchIndex, MatchIndex, type Vote } from './match-index.ts';
import { words } from './name-variants.ts';
import { NOISE_WORDS } from './name-vocabulary.ts';
import { nationalSignificantNumber } from './phone-number.ts';
import { tokenSimilarity } from './token-similarity.ts';
import type { WeightedRecord } from './token-weights.ts';
import type { Candidate, MatchRecord } from './types.ts';

/**
 * Candidates for text typed into the picker's search box, best first. The last word counts as a prefix while it
 * is being typed ("acme plu" finds "Acme Plumbing"), earlier words tolerate typos and abbreviations, and a typed
 * email address or phone number finds its record directly. The score is how much of the typed text the candidate's
 * name covers (three quarters) and how much of the name the text covers (a quarter).
 */
export function searchCandidates(
  query: string,
  candidates: MatchIndex | readonly MatchRecord[],
  options: RankOptions = {},
): Candidate[] {
  const index = candidates instanceof MatchIndex ? candidates : createMatchIndex(candidates);
  const limit = options.limit ?? DEFAULT_LIMIT;
  const minScore = options.minScore ?? DEFAULT_SEARCH_MIN_SCORE;
  const exact = contactLookup(query, index);
  if (exact) return bestCandidates(exact, limit, minScore);

  const folded = foldText(query);
  const typed = words(folded).filter((word) => !NOISE_WORDS.has(word));
  if (typed.length === 0) return [];
  const stillTyping = !/\s$/.test(query);
  const complete = stillTyping ? typed.slice(0, -1) : typed;
  // The unfinished word is searched both as typed and as its canonical spelling ("int" is also "international").
  const rawLast = folded.replace(/['’`]/g, '').split(/[^a-z0-9]+/).filter(Boolean).pop() ?? '';
  const prefixes = stillTyping ? [...new Set([rawLast, typed[typed.length - 1] ?? ''])].filter(Boolean) : [];

  const votes: Vote[] = [];
  complete.forEach((word, group) => {
    votes.push({ posting: index.posting(`t:${word}`), weight: index.weightOf(word), group });
    // A finished word one edit from an indexed word shares a one-letter deletion with it (see blocking-keys.ts).
    if (word.length >= MIN_TYPO_KEY_LENGTH) {
      for (const deletion of oneLetterDeletions(word)) {
        votes.push({ posting: index.posting(`d:${deletion}`), weight: index.weightOf(word) / 2, group });
      }
    }
  });
  for (const prefix of prefixes) {
    for (const word of wordsStartingWith(index.vocabulary, prefix)) {
      votes.push({ posting: index.posting(`t:${word}`), weight: index.weightOf(word), group: complete.length });
    }
  }
  const pool = index.topVoted(votes, UNCAPPED_BLOCK, candidatePoolSize(limit), 0);
  const typedWeights = [...complete, ...prefixes.slice(0, 1)].map((word) => index.weightOf(word));
  return bestCandidates(
    pool.map((position) => {
      const entry = index.entries[position] as WeightedRecord;
      const score = textCoverage(entry, complete, prefixes, typedWeights);
      return { id: entry.record.id, score, reasons: [score >= 0.999 ? 'name' : 'similar name'] };
    }),
    limit,
    minScore,
  );
}

function textCoverage(entry: WeightedRecord, complete: string[], prefixes: string[], typedWeights: number[]): number {
  let bestScore = 0;
  for (const variant of entry.variants) {
    const used = new Set<number>();
    let typedCovered = 0;
    let nameCovered = 0;
    const typedTotal = typedWeights.reduce((sum, weight) => sum + weight, 0);
    const cover = (similarityTo: (token: string) => number, typedWeight: number) => {
      let bestAt = -1;
      let bestSimilarity = 0;
      variant.tokens.forEach((token, at) => {
        if (used.has(at)) return;
        const similarity = similarityTo(token);
        if (similarity > bestSimilarity) {
          bestSimilarity = similarity;
          bestAt = at;
        }
      });
      if (bestAt < 0) return;
      used.add(bestAt);
      typedCovered += bestSimilarity * typedWeight;
      nameCovered += bestSimilarity * (variant.weights[bestAt] ?? 0);
    };
    complete.forEach((word, at) => cover((token) => tokenSimilarity(word, token), typedWeights[at] ?? 0));
    if (prefixes.length > 0) {
      cover(
        (token) => (prefixes.some((prefix) => token.startsWith(prefix)) ? 1 : Math.max(...prefixes.map((prefix) => tokenSimilarity(prefix, token)))),
        typedWeights[complete.length] ?? 0,
      );
    }
    if (typedTotal === 0 || variant.totalWeight === 0) continue;
    const score = 0.75 * (typedCovered / typedTotal) + 0.25 * (nameCovered / variant.totalWeight);
    bestScore = Math.max(bestScore, score);
  }
  return bestScore;
}

function contactLookup(query: string, index: MatchIndex): Candidate[] | undefined {
  if (query.includes('@')) {
    const email = readEmailAddress(query);
    const posting = email && index.posting(`@:${email.address}`);
    if (posting) return posting.map((position) => ({ id: index.entries[position]?.record.id ?? '', score: 1, reasons: ['email'] }));
  }
  if (/^[\d\s()+.\-]{6,}$/.test(query.trim())) {
    const phone = nationalSignificantNumber(query);
    const posting = phone && index.posting(`f:${phone}`);
    if (posting) return posting.map((position) => ({ id: index.entries[position]?.record.id ?? '', score: 1, reasons: ['phone'] }));
  }
  return undefined;
}

function wordsStartingWith(vocabulary: readonly string[], prefix: string): string[] {
  let low = 0;
  let high = vocabulary.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((vocabulary[middle] ?? '') < prefix) low = middle + 1;
    else high = middle;
  }
  const found: string[] = [];
  for (let at = low; at < vocabulary.length && (vocabulary[at] ?? '').startsWith(prefix); at++) found.push(vocabulary[at] ?? '');
  return found;
}

