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
 * Pairs each record at most once on each side, best pairs first (greedy by log-odds; ties to names written the
 * same way, then by left id, then right id), and decides each pair's confidence: `auto` needs the auto threshold,
 * no conflicting field, and no rival within {@link AMBIGUITY_MARGIN} for either record among all scored pairs,
 * even rivals that end up unassigned.
 *
 * One exception to rivals: "Harbor Freight" and "Harbor Freight Inc" on both sides read alike, so each pair has
 * an equal rival, yet each name is written identically on the other side exactly once. A pair of such unique
 * written twins ignores rivals whose other record has a unique written twin of its own.
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
    return y.logOdds - x.logOdds || Number(y.sameWrittenName) - Number(x.sameWrittenName) || x.left - y.left || x.right - y.right;
  });
  const twins = writtenTwins(pairs, leftIds.length, rightIds.length);

  const leftTaken = new Uint8Array(leftIds.length);
  const rightTaken = new Uint8Array(rightIds.length);
  const matches: Match[] = [];
  for (const at of order) {
    const pair = pairs[at];
    if (!pair || pair.score < thresholds.suggestThreshold) continue;
    if (leftTaken[pair.left] || rightTaken[pair.right]) continue;
    leftTaken[pair.left] = 1;
    rightTaken[pair.right] = 1;
    let rival = Math.max(leftBest.rivalOf(pair.left, at), rightBest.rivalOf(pair.right, at));
    if (rival > pair.logOdds - AMBIGUITY_MARGIN && twins.areUnique(pair)) rival = twins.unexplainedRival(pair, at);
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

const NO_TWIN = -1;
const SEVERAL_TWINS = -2;

/** Which records have exactly one partner whose name is written the same way, and the rivals that remain. */
function writtenTwins(pairs: readonly ScoredPair[], leftCount: number, rightCount: number) {
  const leftTwin = new Int32Array(leftCount).fill(NO_TWIN);
  const rightTwin = new Int32Array(rightCount).fill(NO_TWIN);
  const note = (twins: Int32Array, record: number, partner: number) => {
    const known = twins[record] ?? NO_TWIN;
    twins[record] = known === NO_TWIN || known === partner ? partner : SEVERAL_TWINS;
  };
  for (const pair of pairs) {
    if (!pair.sameWrittenName) continue;
    note(leftTwin, pair.left, pair.right);
    note(rightTwin, pair.right, pair.left);
  }
  // Built on first need: written twins with rivals are rare, and most matching jobs have none.
  let byRecord: { left: number[][]; right: number[][] } | undefined;
  const pairsOf = () => {
    if (!byRecord) {
      const built = {
        left: Array.from({ length: leftCount }, (): number[] => []),
        right: Array.from({ length: rightCount }, (): number[] => []),
      };
      pairs.forEach((pair, at) => {
        built.left[pair.left]?.push(at);
        built.right[pair.right]?.push(at);
      });
      byRecord = built;
    }
    return byRecord;
  };
  return {
    areUnique(pair: ScoredPair): boolean {
      return pair.sameWrittenName && leftTwin[pair.left] === pair.right && rightTwin[pair.right] === pair.left;
    },
    /** The strongest rival of a unique twin pair, leaving out rivals taken by a unique twin pair of their own. */
    unexplainedRival(pair: ScoredPair, at: number): number {
      const { left, right } = pairsOf();
      let rival = -Infinity;
      for (const other of left[pair.left] ?? []) {
        const candidate = pairs[other];
        if (other === at || !candidate) continue;
        const taken = rightTwin[candidate.right] ?? NO_TWIN;
        if (taken >= 0 && taken !== pair.left && leftTwin[taken] === candidate.right) continue;
        rival = Math.max(rival, candidate.logOdds);
      }
      for (const other of right[pair.right] ?? []) {
        const candidate = pairs[other];
        if (other === at || !candidate) continue;
        const taken = leftTwin[candidate.left] ?? NO_TWIN;
        if (taken >= 0 && taken !== pair.right && rightTwin[taken] === candidate.left) continue;
        rival = Math.max(rival, candidate.logOdds);
      }
      return rival;
    },
  };
}
