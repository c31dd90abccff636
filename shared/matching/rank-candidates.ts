import {
  bestCandidates, candidatePoolSize, DEFAULT_LIMIT, DEFAULT_RANK_MIN_SCORE, UNCAPPED_BLOCK, type RankOptions,
} from './candidate-list.ts';
import { createMatchIndex, MatchIndex } from './match-index.ts';
import { prepareRecord } from './prepared-record.ts';
import { scorePair } from './score-pair.ts';
import { weighRecord, type WeightedRecord } from './token-weights.ts';
import type { Candidate, MatchRecord } from './types.ts';

export type { RankOptions } from './candidate-list.ts';

/**
 * Candidates for one record, best first (ties by id), scored exactly as {@link suggestMatches} scores a pair, for
 * the manual picker. Pass a {@link MatchIndex} from {@link createMatchIndex} to reuse it across calls; an array is
 * indexed on every call.
 */
export function rankCandidates(
  record: MatchRecord,
  candidates: MatchIndex | readonly MatchRecord[],
  options: RankOptions = {},
): Candidate[] {
  const index = candidates instanceof MatchIndex ? candidates : createMatchIndex(candidates);
  const limit = options.limit ?? DEFAULT_LIMIT;
  const query = weighRecord(prepareRecord(record), index.weightOf);
  // A person picks from this list, so weakly related records are kept as long as there is room for them.
  const pool = index.candidatesFor(query, UNCAPPED_BLOCK, candidatePoolSize(limit), 0);
  return bestCandidates(
    pool.map((position) => {
      const entry = index.entries[position] as WeightedRecord;
      const { score, reasons } = scorePair(query, entry);
      return { id: entry.record.id, score, reasons };
    }),
    limit,
    options.minScore ?? DEFAULT_RANK_MIN_SCORE,
  );
}

