import { describe, expect, it } from 'vitest';
import { InFlight, RollingWindow } from './limits.ts';

describe('RollingWindow', () => {
  it('admits the limit per rolling minute and frees slots as they age out', () => {
    const window = new RollingWindow();
    for (let i = 0; i < 500; i++) expect(window.tryAdd(1_000 + i, 500)).toBe(true);
    expect(window.tryAdd(2_000, 500)).toBe(false);
    expect(window.tryAdd(61_000, 500)).toBe(true);
    expect(window.peak).toBe(500);
  });

  it('does not count throttled requests against the window', () => {
    const window = new RollingWindow();
    window.tryAdd(0, 1);
    window.tryAdd(1, 1);
    expect(window.count(2)).toBe(1);
  });
});

describe('attempt windows', () => {
  it('add records past the limit, so its peak shows a client that sent too many', () => {
    const attempts = new RollingWindow();
    for (let i = 0; i < 7; i++) attempts.add(i);
    expect(attempts.peak).toBe(7);
    expect(attempts.count(60_003)).toBe(3);
    const flight = new InFlight();
    for (let i = 0; i < 3; i++) flight.enter();
    expect(flight.tryEnter(2)).toBe(false);
    expect(flight.peak).toBe(3);
  });
});

describe('InFlight', () => {
  it('caps concurrency and remembers the peak', () => {
    const flight = new InFlight();
    expect(flight.tryEnter(2)).toBe(true);
    expect(flight.tryEnter(2)).toBe(true);
    expect(flight.tryEnter(2)).toBe(false);
    flight.leave();
    expect(flight.tryEnter(2)).toBe(true);
    expect(flight.peak).toBe(2);
  });
});
