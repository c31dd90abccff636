import { expect, test } from 'vitest';
import { scoreHealth, type CheckResult } from './health-score.ts';

const check = (weight: number, count: number, population: number): CheckResult => ({ id: 'x', label: 'x', weight, count, population, examples: [] });

test('a clean company scores 100; an empty one too', () => {
  expect(scoreHealth([check(20, 0, 100), check(10, 0, 50)])).toBe(100);
  expect(scoreHealth([])).toBe(100);
  expect(scoreHealth([check(20, 0, 0)])).toBe(100);
});

test('10% affected costs the whole weight, less costs proportionally, non-applicable checks rescale', () => {
  expect(scoreHealth([check(50, 10, 100), check(50, 0, 100)])).toBe(50);
  expect(scoreHealth([check(50, 5, 100), check(50, 0, 100)])).toBe(75);
  expect(scoreHealth([check(50, 100, 100), check(50, 0, 0)])).toBe(0);
  expect(scoreHealth([check(20, 1, 1000), check(80, 0, 10)])).toBe(100);
  expect(scoreHealth([check(20, 5, 100), check(80, 0, 10)])).toBe(90);
});
