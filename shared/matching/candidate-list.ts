import { compareIds } from './match-index.ts';
import type { Candidate } from './types.ts';

export interface RankOptions {
  /** How many candidates to return at most. Default 10. */
  limit?: number;
  /**
   * Candidates scoring below this are left out. Default 0 for {@link rankCandidates}: a person is choosing, so every
   * record sharing a word or an identifier is listed, best first. Default 0.05 for {@link searchCandidates}.
   */
  minScore?: number;
}

export const DEFAULT_LIMIT = 10;
export const DEFAULT_RANK_MIN_SCORE = 0;
export const DEFAULT_SEARCH_MIN_SCORE = 0.05;
// One query against one index is cheap, so blocks are not capped the way a bulk match caps them; the candidate pool
// is a multiple of the limit so a good record never loses its place to a better-voted weak one.
export const UNCAPPED_BLOCK = Number.MAX_SAFE_INTEGER;
export function candidatePoolSize(limit: number): number {
  return Math.max(100, limit * 10);
}

/** The `limit` best candidates at or above `minScore`, best first, equal scores in id order. */
export function bestCandidates(candidates: Candidate[], limit: number, minScore: number): Candidate[] {
  // Rounded before sorting so that candidates shown with equal scores are always in id order.
  return candidates
    .map((candidate) => ({ ...candidate, score: Math.round(candidate.score * 10_000) / 10_000 }))
    .filter((candidate) => candidate.score >= minScore)
    .sort((a, b) => b.score - a.score || compareIds(a.id, b.id))
    .slice(0, limit);
}
