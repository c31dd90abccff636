import { describe, expect, it } from 'vitest';
import { settledDocument, settlementOf, settlingPayment } from './settlement.ts';

describe('settlement', () => {
  it('is an injective map whose inverse agrees', () => {
    const s = settlementOf(1000, 700);
    const seen = new Set<number>();
    for (let p = 0; p < s.payments; p++) {
      const d = settledDocument(s, p);
      expect(seen.has(d)).toBe(false);
      seen.add(d);
      expect(settlingPayment(s, d)).toBe(p);
    }
    let unpaid = 0;
    for (let d = 0; d < 1000; d++) if (settlingPayment(s, d) === -1) unpaid++;
    expect(unpaid).toBe(1000 - s.payments);
  });

  it('clamps payments to the documents they can settle', () => {
    expect(settlementOf(10, 50).payments).toBe(9);
  });
});
