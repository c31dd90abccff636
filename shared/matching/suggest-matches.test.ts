import { describe, expect, it } from 'vitest';
import { HARD_CASES, type Expectation } from './fixtures/hard-cases.ts';
import { generateLabelledSet } from './fixtures/labelled-set.ts';
import { seededRandom } from './fixtures/seeded-random.ts';
import { suggestMatches } from './suggest-matches.ts';
import type { Match } from './types.ts';

function outcome(matches: Match[], leftId: string, rightId: string): 'auto' | 'suggested' | 'none' {
  const match = matches.find((candidate) => candidate.leftId === leftId && candidate.rightId === rightId);
  return match ? match.confidence : 'none';
}

function meets(actual: 'auto' | 'suggested' | 'none', expected: Expectation): boolean {
  return expected === 'not auto' ? actual !== 'auto' : actual === expected;
}

describe('suggestMatches on hand-written hard cases', () => {
  const alone = HARD_CASES.filter((hardCase) => !hardCase.needsCrowd);
  it.each(alone.map((hardCase) => [hardCase.why, hardCase] as const))('alone: %s', (_why, hardCase) => {
    const actual = outcome(suggestMatches([{ ...hardCase.left, id: 'L' }], [{ ...hardCase.right, id: 'R' }]), 'L', 'R');
    expect(`${actual} (expected ${hardCase.expect})`).toSatisfy(() => meets(actual, hardCase.expect));
  });

  // Hard cases repeat names ("Acme Ltd"), so each joins the crowd on its own.
  const crowd = generateLabelledSet({ seed: 7, pairs: 600, leftOnly: 200, rightOnly: 200, hardNegativeGroups: 40 });
  it.each(HARD_CASES.map((hardCase) => [hardCase.why, hardCase] as const))('among other records: %s', (_why, hardCase) => {
    const left = [...crowd.left, { ...hardCase.left, id: 'case-L' }];
    const right = [...crowd.right, { ...hardCase.right, id: 'case-R' }];
    const actual = outcome(suggestMatches(left, right), 'case-L', 'case-R');
    expect(`${actual} (expected ${hardCase.expect})`).toSatisfy(() => meets(actual, hardCase.expect));
  });
});

describe('suggestMatches decisions', () => {
  it('explains a pair with short reasons, strongest first', () => {
    const [match] = suggestMatches(
      [{ id: 'L', name: 'Acme Ltd', email: 'ap@acme.com', phone: '+44 20 7946 0018', postalCode: 'SW1A 1AA' }],
      [{ id: 'R', name: 'ACME', email: 'sales@acme.com', phone: '020 7946 0018', postalCode: 'sw1a1aa' }],
    );
    expect(match).toMatchObject({ confidence: 'auto', reasons: ['name', 'email domain', 'phone', 'postal code'] });
  });

  it('never counts a shared free-mail domain as evidence', () => {
    const [match] = suggestMatches(
      [{ id: 'L', name: 'Okafor Consulting', email: 'a.okafor@gmail.com' }],
      [{ id: 'R', name: 'Okafor Consulting', email: 'accounts.okafor@gmail.com' }],
    );
    expect(match?.reasons).not.toContain('email domain');
    expect(match?.reasons).toContain('different email');
  });

  it('lets conflicting fields veto auto however alike the names', () => {
    const [match] = suggestMatches(
      [{ id: 'L', name: 'Acme Ltd', taxId: 'GB111222333', email: 'ap@acme.com' }],
      [{ id: 'R', name: 'Acme Limited', taxId: 'GB999888777', email: 'ap@acme.com' }],
    );
    expect(match).toMatchObject({ confidence: 'suggested' });
    expect(match?.reasons).toContain('different tax id');
  });

  it('does not auto-link when two candidates are equally good, and says why', () => {
    const matches = suggestMatches([{ id: 'L', name: 'John Smith' }], [{ id: 'R1', name: 'John Smith' }, { id: 'R2', name: 'Smith, John' }]);
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ rightId: 'R1', confidence: 'suggested' });
    expect(matches[0]?.reasons).toContain('another close match');
  });

  it('links two parties whose names differ only by a legal form to their written twins', () => {
    const matches = suggestMatches(
      [{ id: 'a', name: 'Harbor Freight' }, { id: 'b', name: 'Harbor Freight Inc' }],
      [{ id: 'x', name: 'HARBOR FREIGHT INC.' }, { id: 'y', name: 'Harbor Freight' }],
    );
    expect(matches.map((match) => `${match.leftId}-${match.rightId} ${match.confidence}`).sort()).toEqual(['a-y auto', 'b-x auto']);
  });

  it('does not auto-link a written twin while its look-alike has no twin of its own', () => {
    const matches = suggestMatches(
      [{ id: 'a', name: 'Harbor Freight' }],
      [{ id: 'x', name: 'Harbor Freight Inc' }, { id: 'y', name: 'Harbor Freight' }],
    );
    expect(matches).toEqual([expect.objectContaining({ leftId: 'a', rightId: 'y', confidence: 'suggested' })]);
  });

  it('prefers the candidate that corroborating fields single out', () => {
    const matches = suggestMatches(
      [{ id: 'L', name: 'John Smith', email: 'john@smithlaw.com' }],
      [{ id: 'R1', name: 'John Smith' }, { id: 'R2', name: 'John Smith', email: 'JOHN@smithlaw.com' }],
    );
    expect(matches).toEqual([expect.objectContaining({ rightId: 'R2', confidence: 'auto' })]);
  });

  it('proposes nothing when nothing is plausible', () => {
    expect(suggestMatches([{ id: 'L', name: 'Harbour Freight' }], [{ id: 'R', name: 'Zenith Dental' }])).toEqual([]);
    expect(suggestMatches([], [{ id: 'R', name: 'Zenith Dental' }])).toEqual([]);
  });

  it('rejects duplicate ids on one side', () => {
    expect(() => suggestMatches([{ id: 'L', name: 'A' }, { id: 'L', name: 'B' }], [])).toThrow(/Duplicate record id/);
  });

  it('honours thresholds', () => {
    const left = [{ id: 'L', name: 'Acme Ltd' }];
    const right = [{ id: 'R', name: 'Acme' }];
    expect(suggestMatches(left, right)[0]?.confidence).toBe('auto');
    expect(suggestMatches(left, right, { autoThreshold: 0.99 })[0]?.confidence).toBe('suggested');
    expect(suggestMatches(left, right, { autoThreshold: 0.999, suggestThreshold: 0.99 })).toEqual([]);
    expect(() => suggestMatches(left, right, { autoThreshold: 0.5, suggestThreshold: 0.6 })).toThrow(RangeError);
  });
});

describe('suggestMatches on a generated set', () => {
  const set = generateLabelledSet({ seed: 11, pairs: 1200, leftOnly: 400, rightOnly: 400, hardNegativeGroups: 100 });
  const matches = suggestMatches(set.left, set.right);

  it('pairs every record at most once on each side', () => {
    expect(new Set(matches.map((match) => match.leftId)).size).toBe(matches.length);
    expect(new Set(matches.map((match) => match.rightId)).size).toBe(matches.length);
  });

  it('gives scores in 0..1, best first, auto only at or above the threshold', () => {
    for (const match of matches) {
      expect(match.score).toBeGreaterThanOrEqual(0.5);
      expect(match.score).toBeLessThanOrEqual(1);
      if (match.confidence === 'auto') expect(match.score).toBeGreaterThanOrEqual(0.9);
    }
    const scores = matches.map((match) => match.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('gives the same result whatever the input order', () => {
    const random = seededRandom(99);
    const shuffled = suggestMatches(random.shuffle([...set.left]), random.shuffle([...set.right]));
    expect(shuffled).toEqual(matches);
  });

  it('breaks exact ties by id', () => {
    const tied = suggestMatches(
      [{ id: 'b', name: 'Acme Ltd' }, { id: 'a', name: 'Acme Limited' }],
      [{ id: 'y', name: 'ACME' }, { id: 'x', name: 'Acme' }],
    );
    expect(tied.map((match) => `${match.leftId}-${match.rightId}`)).toEqual(['a-x', 'b-y']);
  });
});
