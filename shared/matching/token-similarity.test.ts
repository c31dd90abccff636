import { describe, expect, it } from 'vitest';
import { boundedEditDistance, tokenSimilarity } from './token-similarity.ts';

describe('tokenSimilarity', () => {
  it('scores typos by edits over length', () => {
    expect(tokenSimilarity('plumbing', 'plumbng')).toBeCloseTo(1 - 1 / 8);
    expect(tokenSimilarity('scaffolding', 'scaffoldign')).toBeCloseTo(1 - 1 / 11);
    expect(tokenSimilarity('plumbing', 'plumnbig')).toBeCloseTo(1 - 2 / 8);
  });

  it('does not treat short or distant words as typos', () => {
    expect(tokenSimilarity('star', 'shore')).toBe(0);
    expect(tokenSimilarity('leeds', 'york')).toBe(0);
    expect(tokenSimilarity('bay', 'way')).toBe(0);
  });

  it('never treats numbers as typos', () => {
    expect(tokenSimilarity('unit12', 'unit13')).toBe(0);
    expect(tokenSimilarity('12', '13')).toBe(0);
  });

  it('gives partial credit to initials, plurals and prefixes', () => {
    expect(tokenSimilarity('j', 'john')).toBe(0.7);
    expect(tokenSimilarity('j', 'mary')).toBe(0);
    expect(tokenSimilarity('bob', 'bobs')).toBe(0.95);
    expect(tokenSimilarity('harrow', 'harrowgate')).toBe(0.75);
  });
});

describe('boundedEditDistance', () => {
  it('counts adjacent swaps as one edit and stops past the limit', () => {
    expect(boundedEditDistance('form', 'from', 2)).toBe(1);
    expect(boundedEditDistance('kitten', 'sitting', 3)).toBe(3);
    expect(boundedEditDistance('kitten', 'sitting', 1)).toBe(2);
  });
});
