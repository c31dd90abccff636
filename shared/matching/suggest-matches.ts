import { AMBIGUITY_MARGIN, assignOneToOne, type ScoredPair } from './assign-one-to-one.ts';
import { MatchIndex, compareIds } from './match-index.ts';
import { resolveMatchOptions, type MatchOptions } from './match-options.ts';
import { prepareRecord } from './prepared-record.ts';
import { scorePair } from './score-pair.ts';
import { countDocumentFrequencies, tokenWeightFrom, weighRecord } from './token-weights.ts';
import type { Match, MatchRecord } from './types.ts';

/**
 * Proposes one-to-one pairs between two lists of records (host records on the left, QuickBooks records on the
 * right). Each pair is `auto` (link without review) or `suggested` (plausible, needs a person); records with no
 * plausible partner appear in no pair. The result is sorted best first and is identical for the same records in any
 * order. Ids must be unique within each side.
 *
 * Cost grows with the number of records, not pairs: each left record is compared only with the right records that
 * share a blocking key with it (see blocking-keys.ts), at most `maxCandidates` of them.
 */
export function suggestMatches(left: readonly MatchRecord[], right: readonly MatchRecord[], options?: MatchOptions): Match[] {
  const settings = resolveMatchOptions(options);
  const preparedLeft = left.map(prepareRecord).sort((a, b) => compareIds(a.id, b.id));
  const preparedRight = right.map(prepareRecord);
  for (let i = 1; i < preparedLeft.length; i++) {
    if (preparedLeft[i]?.id === preparedLeft[i - 1]?.id) {
      throw new Error(`Duplicate record id "${preparedLeft[i]?.id}" on one side`);
    }
  }
  // Word weights from both sides together: a word is common if it is common anywhere in this matching job.
  const frequencies = countDocumentFrequencies([...preparedLeft, ...preparedRight]);
  const weightOf = tokenWeightFrom(frequencies, preparedLeft.length + preparedRight.length);
  const index = new MatchIndex(preparedRight, weightOf);

  // Pairs too weak to be suggested still matter as rivals that make a stronger pair ambiguous.
  const rivalFloor = logistic(logit(settings.autoThreshold) - AMBIGUITY_MARGIN);
  const keepFloor = Math.min(settings.suggestThreshold, rivalFloor);
  const pairs: ScoredPair[] = [];
  preparedLeft.forEach((record, leftPosition) => {
    const entry = weighRecord(record, weightOf);
    for (const rightPosition of index.candidatesFor(entry, settings.maxBlockSize, settings.maxCandidates)) {
      const candidate = index.entries[rightPosition];
      if (!candidate) continue;
      if (scorePair(entry, candidate, false).score < keepFloor) continue;
      pairs.push({ ...scorePair(entry, candidate), left: leftPosition, right: rightPosition });
    }
  });
  return assignOneToOne(
    pairs,
    preparedLeft.map((record) => record.id),
    index.entries.map((entry) => entry.record.id),
    settings,
  );
}

function logistic(logOdds: number): number {
  return 1 / (1 + Math.exp(-logOdds));
}

function logit(probability: number): number {
  const bounded = Math.min(Math.max(probability, 1e-9), 1 - 1e-9);
  return Math.log(bounded / (1 - bounded));
}
