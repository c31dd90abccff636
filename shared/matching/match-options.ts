/** Tuning knobs shared by {@link suggestMatches}, {@link rankCandidates} and {@link createMatchIndex}. */
export interface MatchOptions {
  /**
   * Score at or above which a pair may be linked without review (`auto`), provided no field conflicts and no rival
   * candidate scores nearly as well. Default 0.9: an exact name on its own (0.95) qualifies, a name with one typo in
   * its most distinctive word needs a corroborating phone, email, tax id or account number.
   */
  autoThreshold?: number;
  /** Score at or above which a pair is offered as `suggested`. Default 0.5; below it no pair is proposed. */
  suggestThreshold?: number;
  /**
   * A blocking key shared by more records than this (a very common word such as "services") is not used to find
   * candidates, so one popular word cannot make the search quadratic. Default 150: on 10,000 records a larger
   * value found no more true pairs and took half as long again.
   */
  maxBlockSize?: number;
  /** How many of the best blocked candidates per record are scored in full. Default 24. */
  maxCandidates?: number;
}

export type ResolvedMatchOptions = Required<MatchOptions>;

export const DEFAULT_MATCH_OPTIONS: ResolvedMatchOptions = {
  autoThreshold: 0.9,
  suggestThreshold: 0.5,
  maxBlockSize: 150,
  maxCandidates: 24,
};

export function resolveMatchOptions(options: MatchOptions = {}): ResolvedMatchOptions {
  const resolved = { ...DEFAULT_MATCH_OPTIONS };
  for (const key of Object.keys(DEFAULT_MATCH_OPTIONS) as (keyof MatchOptions)[]) {
    const value = options[key];
    if (value !== undefined) resolved[key] = value;
  }
  if (!(resolved.suggestThreshold <= resolved.autoThreshold)) {
    throw new RangeError('suggestThreshold must not exceed autoThreshold');
  }
  return resolved;
}
