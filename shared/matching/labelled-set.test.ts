import { describe, expect, it } from 'vitest';
import { generateLabelledSet } from './fixtures/labelled-set.ts';
import { exactNameMatches, measureQuality } from './fixtures/match-quality.ts';
import { suggestMatches } from './suggest-matches.ts';

// Two independent seeds, so the thresholds cannot have been fitted to one draw of names.
describe.each([20240611, 424242])('quality on the labelled set (seed %i)', (seed) => {
  const set = generateLabelledSet({ seed, pairs: 3000, leftOnly: 1200, rightOnly: 1500, hardNegativeGroups: 400 });
  const matches = suggestMatches(set.left, set.right);
  const ours = measureQuality(matches, set.truePairs);
  const baseline = measureQuality(exactNameMatches(set.left, set.right), set.truePairs);

  it('is a realistic, sizeable set', () => {
    expect(set.truePairs.size).toBeGreaterThan(3000);
    expect(set.left.length - set.truePairs.size).toBeGreaterThan(1000);
    expect(set.right.length - set.truePairs.size).toBeGreaterThan(1000);
    expect(set.hardNegatives.length).toBeGreaterThan(150);
  });

  it('auto-links with precision ≥ 0.99 and recall ≥ 0.90', () => {
    console.log(
      `seed ${seed}: precision ${ours.precision.toFixed(4)} recall ${ours.recall.toFixed(4)} F1 ${ours.f1.toFixed(4)}` +
        ` | suggested precision ${ours.suggestedPrecision.toFixed(4)} (${ours.suggestedPairs})` +
        ` | exact-name baseline precision ${baseline.precision.toFixed(4)} recall ${baseline.recall.toFixed(4)}`,
    );
    expect(ours.precision).toBeGreaterThanOrEqual(0.99);
    expect(ours.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('beats exact-name matching by far', () => {
    expect(ours.recall).toBeGreaterThan(baseline.recall + 0.4);
    expect(ours.f1).toBeGreaterThan(baseline.f1 + 0.3);
  });

  it('offers almost every remaining true pair as a suggestion', () => {
    expect(ours.recallWithSuggestions).toBeGreaterThanOrEqual(0.97);
    expect(ours.suggestedPrecision).toBeGreaterThanOrEqual(0.6);
  });

  it('never auto-links look-alike parties', () => {
    const auto = new Set(matches.filter((match) => match.confidence === 'auto').map((match) => `${match.leftId}|${match.rightId}`));
    const linked = set.hardNegatives.filter(([leftId, rightId]) => auto.has(`${leftId}|${rightId}`));
    expect(linked).toEqual([]);
  });
});
