import { compareFields, type FieldExplanation } from './field-evidence.ts';
import { compareNames } from './name-similarity.ts';
import type { WeightedRecord } from './token-weights.ts';

/** Everything decided about one pair before one-to-one assignment. */
export interface PairScore {
  /** 0..1, the logistic of `logOdds`. */
  score: number;
  /** Evidence for "same party" in natural-log odds: name plus fields. */
  logOdds: number;
  nameSimilarity: number;
  reasons: string[];
  /** A conflicting field, or a name too unlike to link without a person, whatever the score. */
  forbidsAuto: boolean;
  /** Both names are written the same way, legal form included (see PreparedRecord.writtenName). */
  sameWrittenName: boolean;
}

// Name similarity → log-odds: a straight line through 0 at NAME_MIDPOINT, capped so that a name alone never
// reaches the certainty of a matching tax id. An exact name gives +3 (score 0.95); one typo in a common word about
// +2.3; a shared surname with a different first name goes well negative.
const NAME_MIDPOINT = 0.8;
const NAME_SLOPE = 15;
const NAME_CAP = 3;
const NAME_FLOOR = -8;
/** Below this name similarity, corroborating fields alone never link without review (a shared head-office phone). */
const MIN_NAME_SIMILARITY_FOR_AUTO = 0.8;
/**
 * The same, when a tax id or account number and an exact email or phone all agree (see FieldEvidence): then a name
 * that differs by a suffix nobody could recognise ("Ratke Baby LLC Beaumont") is still the party, while two
 * names sharing only a common word ("Acme Holdings", "Acme Logistics") are not.
 */
const MIN_NAME_SIMILARITY_WITH_STRONG_IDENTITY = 0.5;
/** Below this, the name is not mentioned as a reason. */
const SIMILAR_NAME = 0.6;
const SAME_NAME = 0.999;

/**
 * Scores one pair: log-odds from the name's similarity plus log-odds from each corroborating or conflicting field
 * (see field-evidence.ts), squashed to 0..1. Reasons list the name first, then agreeing fields, then disagreements;
 * they are only built when `explain` is true (the default).
 */
export function scorePair(left: WeightedRecord, right: WeightedRecord, explain = true): PairScore {
  const name = compareNames(left.variants, right.variants);
  const explanation: FieldExplanation | undefined = explain ? { agreements: [], disagreements: [] } : undefined;
  const fields = compareFields(left.record, right.record, explanation);
  const nameLogOdds = Math.max(NAME_FLOOR, Math.min(NAME_CAP, NAME_SLOPE * (name.similarity - NAME_MIDPOINT)));
  const logOdds = nameLogOdds + fields.logOdds;
  const reasons: string[] = [];
  if (explanation) {
    if (name.similarity >= SAME_NAME * (name.kind === 'household member' ? 0.9 : 1)) {
      reasons.push(name.kind);
    } else if (name.similarity >= SIMILAR_NAME) {
      reasons.push(name.kind === 'name' ? 'similar name' : `similar ${name.kind}`);
    }
    reasons.push(...explanation.agreements, ...explanation.disagreements);
  }
  return {
    score: 1 / (1 + Math.exp(-logOdds)),
    logOdds,
    nameSimilarity: name.similarity,
    reasons,
    sameWrittenName: left.record.writtenName !== '' && left.record.writtenName === right.record.writtenName,
    forbidsAuto: fields.conflicting ||
      name.similarity < (fields.strongIdentity ? MIN_NAME_SIMILARITY_WITH_STRONG_IDENTITY : MIN_NAME_SIMILARITY_FOR_AUTO),
  };
}
