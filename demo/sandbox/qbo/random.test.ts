import { describe, expect, it } from 'vitest';
import { Rng, hashString, rngFor } from './random.ts';

describe('random', () => {
  it('is deterministic per (seed, type, index)', () => {
    const a = rngFor(hashString('s'), hashString('Vendor'), 42);
    const b = rngFor(hashString('s'), hashString('Vendor'), 42);
    expect([a.next(), a.next(), a.int(100)]).toEqual([b.next(), b.next(), b.int(100)]);
  });

  it('differs between neighbouring indexes', () => {
    const values = new Set(Array.from({ length: 100 }, (_, i) => rngFor(1, 2, i).int(1_000_000)));
    expect(values.size).toBeGreaterThan(95);
  });

  it('stays inside its ranges', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 1000; i++) {
      const value = rng.between(3, 5);
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(5);
    }
  });
});
