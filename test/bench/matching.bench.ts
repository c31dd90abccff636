// Matching quality and speed: precision, recall and F1 of suggestMatches against exact-name matching on the labelled
// set and on the independent set (faker names, its own variation rules, look-alikes with no telling field), recall
// per kind of name difference, a 10,000 × 10,000 timing, per-keystroke search time and peak RSS.
// Exits 1 if, on either set, auto precision < 0.99 or auto recall < 0.90, or the 10k × 10k match takes 2 s or more.
import { createMatchIndex, rankCandidates, searchCandidates, suggestMatches } from '../../shared/matching/index.ts';
import { generateIndependentSet } from '../../shared/matching/fixtures/independent-labelled-set.ts';
import { generateLabelledSet, type LabelledSet } from '../../shared/matching/fixtures/labelled-set.ts';
import { exactNameMatches, measureQuality, type MatchQuality } from '../../shared/matching/fixtures/match-quality.ts';

const TARGET = { precision: 0.99, recall: 0.9, milliseconds: 2000 };
const RUNS = 5;
const SIZE = { pairs: 3000, leftOnly: 1200, rightOnly: 1500, hardNegativeGroups: 400 };

const missed: string[] = [];
const row = (name: string, quality: MatchQuality) =>
  `${name.padEnd(22)} ${quality.precision.toFixed(4).padStart(9)} ${quality.recall.toFixed(4).padStart(9)} ${quality.f1.toFixed(4).padStart(9)} ${String(quality.autoPairs).padStart(6)}`;

function reportQuality(title: string, labelled: LabelledSet<string, string>): void {
  const matches = suggestMatches(labelled.left, labelled.right);
  const ours = measureQuality(matches, labelled.truePairs);
  const baseline = measureQuality(exactNameMatches(labelled.left, labelled.right), labelled.truePairs);

  console.log(`\n${title}: ${labelled.left.length} host × ${labelled.right.length} QuickBooks records, ${labelled.truePairs.size} true pairs, ${labelled.hardNegatives.length} look-alike pairs`);
  console.log(`${''.padEnd(22)} ${'precision'.padStart(9)} ${'recall'.padStart(9)} ${'F1'.padStart(9)} ${'linked'.padStart(6)}`);
  console.log(row('suggestMatches (auto)', ours));
  console.log(row('exact name', baseline));
  console.log(
    `suggested tier: ${ours.suggestedPairs} pairs, precision ${ours.suggestedPrecision.toFixed(4)}; ` +
      `true pairs found as auto or suggested: ${ours.recallWithSuggestions.toFixed(4)}`,
  );

  const autoLinked = new Map(matches.filter((match) => match.confidence === 'auto').map((match) => [match.leftId, match.rightId]));
  const byVariation = new Map<string, { found: number; total: number }>();
  for (const [leftId, rightId] of labelled.truePairs) {
    const variation = labelled.variationOf.get(leftId) ?? '?';
    const tally = byVariation.get(variation) ?? { found: 0, total: 0 };
    tally.total += 1;
    if (autoLinked.get(leftId) === rightId) tally.found += 1;
    byVariation.set(variation, tally);
  }
  console.log('auto recall by how the names differ:');
  for (const [variation, { found, total }] of [...byVariation].sort((a, b) => b[1].total - a[1].total)) {
    console.log(`  ${variation.padEnd(24)} ${(found / total).toFixed(3)}  (${found}/${total})`);
  }
  const falseLinks = labelled.hardNegatives.filter(([leftId, rightId]) => autoLinked.get(leftId) === rightId);
  console.log(`look-alike pairs auto-linked: ${falseLinks.length} of ${labelled.hardNegatives.length}`);
  if (ours.precision < TARGET.precision) missed.push(`${title}: precision ${ours.precision.toFixed(4)} < ${TARGET.precision}`);
  if (ours.recall < TARGET.recall) missed.push(`${title}: recall ${ours.recall.toFixed(4)} < ${TARGET.recall}`);
}

reportQuality('labelled set (seed 20240611)', generateLabelledSet({ seed: 20240611, ...SIZE }));
reportQuality('independent set (seed 20251130)', generateIndependentSet({ seed: 20251130, ...SIZE }));
console.log('');

// 10,000 × 10,000: a larger draw of the same generator, cut to exactly 10,000 records a side.
const large = generateLabelledSet({ seed: 77, pairs: 7000, leftOnly: 3000, rightOnly: 3000, hardNegativeGroups: 300 });
const left = large.left.slice(0, 10_000);
const right = large.right.slice(0, 10_000);
const times: number[] = [];
let pairs = 0;
for (let run = 0; run < RUNS; run++) {
  globalThis.gc?.();
  const started = performance.now();
  pairs = suggestMatches(left, right).length;
  times.push(performance.now() - started);
}
const median = [...times].sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? Infinity;
console.log(
  `10,000 × 10,000: median ${median.toFixed(0)} ms over ${RUNS} runs (${times.map((time) => time.toFixed(0)).join(', ')} ms), ${pairs} pairs`,
);

// The manual picker: one index, then a query per keystroke.
const indexStarted = performance.now();
const index = createMatchIndex(right);
const indexTime = performance.now() - indexStarted;
const keystrokes: number[] = [];
for (const record of left.slice(0, 200)) {
  for (let typed = 1; typed <= Math.min(record.name.length, 12); typed++) {
    const started = performance.now();
    searchCandidates(record.name.slice(0, typed), index, { limit: 10 });
    keystrokes.push(performance.now() - started);
  }
}
const rankings: number[] = [];
for (const record of left.slice(0, 500)) {
  const started = performance.now();
  rankCandidates(record, index, { limit: 10 });
  rankings.push(performance.now() - started);
}
const percentile = (times: number[], share: number) => {
  const sorted = [...times].sort((a, b) => a - b);
  return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0).toFixed(2);
};
console.log(`picker over 10,000: index ${indexTime.toFixed(0)} ms once, then`);
console.log(`  searchCandidates per keystroke: median ${percentile(keystrokes, 0.5)} ms, p95 ${percentile(keystrokes, 0.95)} ms, max ${percentile(keystrokes, 1)} ms (${keystrokes.length} keystrokes)`);
console.log(`  rankCandidates per record: median ${percentile(rankings, 0.5)} ms, p95 ${percentile(rankings, 0.95)} ms, max ${percentile(rankings, 1)} ms (${rankings.length} records)`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

if (median >= TARGET.milliseconds) missed.push(`10k × 10k took ${median.toFixed(0)} ms ≥ ${TARGET.milliseconds} ms`);
if (missed.length > 0) {
  console.log(`MISSED: ${missed.join('; ')}`);
  process.exit(1);
}
console.log('targets met');
