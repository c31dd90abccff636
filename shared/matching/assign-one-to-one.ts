import type { PairScore } from './score-pair.ts';
import type { Match } from './types.ts';

/** A scored pair by position: left and right positions are in id order on their sides. */
export interface ScoredPair extends PairScore {
  left: number;
  right: number;
}

/**
 * How much more likely (in log-odds) a pair must be than its best rival on either side to be linked without review:
 * e^1.5 ≈ 4.5 times. Two "John Smith" candidates with nothing else to tell them apart are both only suggested.
 */
export const AMBIGUITY_MARGIN = 1.5;

/**
 * Pairs each record at most once on each side, best pairs first (greedy by log-odds; ties by left id, then right
 * id), and decides each pair's confidence: `auto` needs the auto threshold, no conflicting field, and no rival
 * within {@link AMBIGUITY_MARGIN} for either record among all scored pairs, even rivals that end up unassigned.
 */
export function assignOneToOne(
  pairs: readonly ScoredPair[],
  leftIds: readonly string[],
  rightIds: readonly string[],
  thresholds: { autoThreshold: number; suggestThreshold: number },
): Match[] {
  const leftBest = rankings(leftIds.length);
  const rightBest = rankings(rightIds.length);
  pairs.forEach((pair, at) => {
    leftBest.offer(pair.left, pair.logOdds, at);
    rightBest.offer(pair.right, pair.logOdds, at);
  });

  const order = pairs.map((_pair, at) => at);
  order.sort((a, b) => {
    const x = pairs[a];
    const y = pairs[b];
    if (!x || !y) return 0;
    return y.logOdds - x.logOdds || x.left - y.left || x.right - y.right;
  });

  const leftTaken = new Uint8Array(leftIds.length);
  const rightTaken = new Uint8Array(rightIds.length);
  const matches: Match[] = [];
  for (const at of order) {
    const pair = pairs[at];
    if (!pair || pair.score < thresholds.suggestThreshold) continue;
    if (leftTaken[pair.left] || rightTaken[pair.right]) continue;
    leftTaken[pair.left] = 1;
    rightTaken[pair.right] = 1;
    const rival = Math.max(leftBest.rivalOf(pair.left, at), rightBest.rivalOf(pair.right, at));
    const ambiguous = rival > pair.logOdds - AMBIGUITY_MARGIN;
    const auto = pair.score >= thresholds.autoThreshold && !pair.forbidsAuto && !ambiguous;
    const reasons = auto || !ambiguous || pair.score < thresholds.autoThreshold || pair.forbidsAuto
      ? pair.reasons
      : [...pair.reasons, 'another close match'];
    matches.push({
      leftId: leftIds[pair.left] ?? '',
      rightId: rightIds[pair.right] ?? '',
      score: Math.round(pair.score * 10_000) / 10_000,
      confidence: auto ? 'auto' : 'suggested',
      reasons,
    });
  }
  return matches;
}

/** Best and second-best log-odds per record, to find each pair's strongest rival. */
function rankings(size: number) {
  const best = new Float64Array(size).fill(-Infinity);
  const second = new Float64Array(size).fill(-Infinity);
  const bestPair = new Int32Array(size).fill(-1);
  return {
    offer(record: number, logOdds: number, pair: number) {
      if (logOdds > (best[record] ?? -Infinity)) {
        second[record] = best[record] ?? -Infinity;
        best[record] = logOdds;
        bestPair[record] = pair;
      } else if (logOdds > (second[record] ?? -Infinity)) {
        second[record] = logOdds;
      }
    },
    rivalOf(record: number, pair: number): number {
      return (bestPair[record] === pair ? second[record] : best[record]) ?? -Infinity;
    },
  };
}
