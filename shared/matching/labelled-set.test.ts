import { describe, expect, it } from 'vitest';
import { generateIndependentSet } from './fixtures/independent-labelled-set.ts';
import { generateLabelledSet, type LabelledSet } from './fixtures/labelled-set.ts';
import { exactNameMatches, measureQuality, type MatchQuality } from './fixtures/match-quality.ts';
import { suggestMatches } from './suggest-matches.ts';

const SIZE = { pairs: 3000, leftOnly: 1200, rightOnly: 1500, hardNegativeGroups: 400 };
// Overall recall can stay above the bar while one kind of difference collapses (a lost suffix rule costs a few
// percent overall, half of its kind), so every kind with enough pairs must keep a floor of its own.
const MIN_PAIRS_PER_KIND = 50;
const MIN_RECALL_PER_KIND = 0.6;

function scored(set: LabelledSet<string, string>) {
  const matches = suggestMatches(set.left, set.right);
  const auto = new Set(matches.filter((match) => match.confidence === 'auto').map((match) => `${match.leftId}|${match.rightId}`));
  const byKind = new Map<string, { found: number; total: number }>();
  for (const [leftId, rightId] of set.truePairs) {
    const kind = set.variationOf.get(leftId) ?? '?';
    const tally = byKind.get(kind) ?? { found: 0, total: 0 };
    tally.total += 1;
    if (auto.has(`${leftId}|${rightId}`)) tally.found += 1;
    byKind.set(kind, tally);
  }
  return {
    /** Auto recall per kind of name difference, for kinds with enough pairs to say something. */
    weakKinds: [...byKind].filter(([, { found, total }]) => total >= MIN_PAIRS_PER_KIND && found / total < MIN_RECALL_PER_KIND)
      .map(([kind, { found, total }]) => `${kind} ${(found / total).toFixed(3)}`),
    matches,
    ours: measureQuality(matches, set.truePairs),
    baseline: measureQuality(exactNameMatches(set.left, set.right), set.truePairs),
    linkedLookAlikes: set.hardNegatives.filter(([leftId, rightId]) => auto.has(`${leftId}|${rightId}`)),
  };
}

function summary(name: string, ours: MatchQuality, baseline: MatchQuality): string {
  return (
    `${name}: auto precision ${ours.precision.toFixed(4)} recall ${ours.recall.toFixed(4)} F1 ${ours.f1.toFixed(4)}` +
    ` | with suggestions recall ${ours.recallWithSuggestions.toFixed(4)}, suggested precision ${ours.suggestedPrecision.toFixed(4)} (${ours.suggestedPairs})` +
    ` | exact-name baseline precision ${baseline.precision.toFixed(4)} recall ${baseline.recall.toFixed(4)}`
  );
}

/**
 * The set the matcher's own vocabulary made, and one it did not (faker names, other variation rules,
 * look-alikes with no telling field), so the numbers are not only the generator agreeing with itself. Two
 * seeds each, so the thresholds cannot have been fitted to one draw of names.
 */
const SETS = [
  ...[20240611, 424242].map((seed) => ({ name: 'labelled set', seed, make: generateLabelledSet, minTruePairs: 3000, lookAlikeShare: 0 })),
  // Names alone cannot separate every look-alike here ("Huel" and "Huels" read as a plural), so the bound is
  // the precision bar's, not zero.
  ...[20251130, 917].map((seed) => ({ name: 'independent set', seed, make: generateIndependentSet, minTruePairs: 2500, lookAlikeShare: 0.01 })),
];

describe.each(SETS)('quality on the $name (seed $seed)', ({ name, seed, make, minTruePairs, lookAlikeShare }) => {
  const set = make({ seed, ...SIZE });
  const { ours, baseline, linkedLookAlikes, weakKinds } = scored(set);

  it('is a realistic, sizeable set', () => {
    expect(set.truePairs.size).toBeGreaterThan(minTruePairs);
    expect(set.left.length - set.truePairs.size).toBeGreaterThan(1000);
    expect(set.right.length - set.truePairs.size).toBeGreaterThan(1000);
    expect(set.hardNegatives.length).toBeGreaterThan(150);
  });

  it('auto-links with precision ≥ 0.99 and recall ≥ 0.90', () => {
    console.log(summary(`${name}, seed ${seed}`, ours, baseline) + ` | look-alikes auto-linked ${linkedLookAlikes.length} of ${set.hardNegatives.length}`);
    expect(ours.precision).toBeGreaterThanOrEqual(0.99);
    expect(ours.recall).toBeGreaterThanOrEqual(0.9);
  });

  it(`keeps auto recall ≥ ${MIN_RECALL_PER_KIND} for every kind of name difference`, () => {
    expect(weakKinds).toEqual([]);
  });

  it('beats exact-name matching by far', () => {
    expect(ours.recall).toBeGreaterThan(baseline.recall + 0.4);
    expect(ours.f1).toBeGreaterThan(baseline.f1 + 0.3);
  });

  it('offers almost every remaining true pair as a suggestion', () => {
    expect(ours.recallWithSuggestions).toBeGreaterThanOrEqual(0.97);
    expect(ours.suggestedPrecision).toBeGreaterThanOrEqual(0.6);
  });

  it(`auto-links at most ${lookAlikeShare * 100}% of look-alike parties`, () => {
    expect(linkedLookAlikes.length, linkedLookAlikes.slice(0, 5).join('; ')).toBeLessThanOrEqual(Math.floor(set.hardNegatives.length * lookAlikeShare));
  });
});
