import { blockingKeys, type BlockingKey } from './blocking-keys.ts';
import { prepareRecord, type PreparedRecord } from './prepared-record.ts';
import { countDocumentFrequencies, tokenWeightFrom, weighRecord, type TokenWeight, type WeightedRecord } from './token-weights.ts';
import type { MatchRecord } from './types.ts';

/**
 * Candidates with less than this share of the best candidate's votes are not scored: they share only a common word
 * with the query while another record shares its rare words or an identifier.
 */
const MIN_VOTE_SHARE = 0.3;

/**
 * One side's records normalised, weighted and indexed by blocking key, built once and reused for every query:
 * the manual picker asks it once per keystroke, {@link suggestMatches} once per record of the other side.
 * Immutable once built; holds no reference to the input records.
 */
export class MatchIndex {
  /** Records in id order, so ties broken by position are ties broken by id, whatever order they came in. */
  readonly entries: readonly WeightedRecord[];
  readonly weightOf: TokenWeight;
  readonly #postings = new Map<string, number[]>();
  #vocabulary: string[] | undefined;
  // Accumulator reused by every lookup; a lookup always leaves it zeroed again.
  readonly #votes: Float64Array;
  // Which vote group last counted each record; stamps are never reused, so no clearing is needed between groups.
  readonly #lastGroup: Int32Array;
  #groupStamp = 0;

  /** Use {@link createMatchIndex}. */
  constructor(prepared: readonly PreparedRecord[], weightOf: TokenWeight) {
    const sorted = [...prepared].sort((a, b) => compareIds(a.id, b.id));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]?.id === sorted[i - 1]?.id) throw new Error(`Duplicate record id "${sorted[i]?.id}" on one side`);
    }
    this.weightOf = weightOf;
    this.entries = sorted.map((record) => weighRecord(record, weightOf));
    this.#votes = new Float64Array(this.entries.length);
    this.#lastGroup = new Int32Array(this.entries.length);
    this.entries.forEach((entry, position) => {
      for (const { key } of blockingKeys(entry, weightOf.rareFrom)) {
        const posting = this.#postings.get(key);
        if (posting) posting.push(position);
        else this.#postings.set(key, [position]);
      }
    });
  }

  get size(): number {
    return this.entries.length;
  }

  /** Positions of the records sharing `key`, in id order. */
  posting(key: string): readonly number[] | undefined {
    return this.#postings.get(key);
  }

  /** Every distinct name word of the indexed records, sorted, for prefix search while someone types. */
  get vocabulary(): readonly string[] {
    if (!this.#vocabulary) {
      const words = new Set<string>();
      for (const key of this.#postings.keys()) if (key.startsWith('t:')) words.add(key.slice(2));
      this.#vocabulary = [...words].sort();
    }
    return this.#vocabulary;
  }

  /**
   * The positions of the records most worth scoring against `query`: each shared blocking key votes its weight, keys
   * shared by more than `maxBlockSize` records are skipped, and of the records with at least `minVoteShare` of the
   * best record's votes the `maxCandidates` best-voted are returned (ties to the smaller id).
   */
  candidatesFor(query: WeightedRecord, maxBlockSize: number, maxCandidates: number, minVoteShare = MIN_VOTE_SHARE): number[] {
    return this.topVoted(
      blockingKeys(query, this.weightOf.rareFrom).map(({ key, weight, group }) => ({ posting: this.#postings.get(key), weight, group })),
      maxBlockSize,
      maxCandidates,
      minVoteShare,
    );
  }

  /** Like {@link candidatesFor} with explicit postings, for queries that are not records (typed text). */
  topVoted(
    votes: readonly Vote[],
    maxBlockSize: number,
    maxCandidates: number,
    minVoteShare = MIN_VOTE_SHARE,
  ): number[] {
    const tally = this.#votes;
    const lastGroup = this.#lastGroup;
    const touched: number[] = [];
    let groups = 0;
    for (const { group } of votes) groups = Math.max(groups, group + 1);
    if (this.#groupStamp + groups > 2_000_000_000) {
      lastGroup.fill(0);
      this.#groupStamp = 0;
    }
    const firstStamp = this.#groupStamp + 1;
    this.#groupStamp += groups;
    for (const { posting, weight, group } of votes) {
      if (!posting || posting.length > maxBlockSize) continue;
      const stamp = firstStamp + group;
      for (const position of posting) {
        if (lastGroup[position] === stamp) continue;
        lastGroup[position] = stamp;
        if (tally[position] === 0) touched.push(position);
        tally[position] = (tally[position] ?? 0) + weight;
      }
    }
    let strongest = 0;
    for (const position of touched) strongest = Math.max(strongest, tally[position] ?? 0);
    const enough = strongest * minVoteShare;
    const chosen = touched.filter((position) => (tally[position] ?? 0) >= enough);
    if (chosen.length > maxCandidates) {
      chosen.sort((a, b) => (tally[b] ?? 0) - (tally[a] ?? 0) || a - b);
      chosen.length = maxCandidates;
    }
    for (const position of touched) tally[position] = 0;
    return chosen;
  }
}

/** Records sharing one blocking key; votes of one group count once per record (see {@link BlockingKey.group}). */
export interface Vote {
  posting: readonly number[] | undefined;
  weight: number;
  group: number;
}

/**
 * Indexes records for repeated {@link rankCandidates} and {@link searchCandidates} calls. Word weights come from
 * these records alone: a word common among them counts for little.
 */
export function createMatchIndex(records: readonly MatchRecord[]): MatchIndex {
  const prepared = records.map(prepareRecord);
  return new MatchIndex(prepared, tokenWeightFrom(countDocumentFrequencies(prepared), prepared.length));
}

/** Ids compare by code unit, never by locale, so order is the same on every machine. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
