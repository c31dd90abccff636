import { describe, expect, test } from 'vitest';
import { arrangeRanges, compareIntegerIds, MAX_RANGES_PER_TYPE, PageBytes, sharePagesInFlight } from './import-run.ts';

/** A plan page as fetched: `ids` in the order QuickBooks answered them, `asked` its MAXRESULTS. */
const page = (ids: number[] | string[], asked = 1000) => ({
  joined: Buffer.alloc(0),
  asked,
  received: ids.length,
  firstId: ids.length > 0 ? String(ids[0]) : null,
  lastId: ids.length > 0 ? String(ids[ids.length - 1]) : null,
});
const span = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const shape = (ranges: ReturnType<typeof arrangeRanges>) =>
  ranges.map(({ lower_id, upper_id, after_id, finished, counted, page: stored }) => ({ lower_id, upper_id, after_id, finished, counted, stored: stored !== null }));

describe('a type split into Id ranges from its plan pages', () => {
  test('Ids compare as the integers QuickBooks makes them, not as text', () => {
    expect(compareIntegerIds('9', '10')).toBeLessThan(0);
    expect(compareIntegerIds('100', '99')).toBeGreaterThan(0);
    expect(compareIntegerIds('0042', '42')).toBe(0);
  });

  test('2,500 records in ranges of 999: every range is its first page, each boundary counted once', () => {
    // Ids 1..2500 with gaps would do the same; plain ones keep the arithmetic readable.
    const ranges = arrangeRanges([page(span(1, 999), 999), page(span(999, 1998)), page(span(1998, 2500))]);
    expect(shape(ranges)).toEqual([
      { lower_id: '', upper_id: '999', after_id: '999', finished: true, counted: 999, stored: true },
      { lower_id: '999', upper_id: '1998', after_id: '1998', finished: true, counted: 999, stored: true },
      { lower_id: '1998', upper_id: null, after_id: '2500', finished: true, counted: 502, stored: true },
    ]);
    expect(ranges.reduce((sum, range) => sum + range.counted, 0)).toBe(2500);
  });

  test('ranges of two pages: each first page commits, the rest is paged from its last Id up to the bound', () => {
    const ranges = arrangeRanges([page(span(1, 1000)), page(span(1999, 2998)), page(span(3998, 4100))]);
    expect(shape(ranges)).toEqual([
      { lower_id: '', upper_id: '1999', after_id: '1000', finished: false, counted: 1000, stored: true },
      { lower_id: '1999', upper_id: '3998', after_id: '2998', finished: false, counted: 999, stored: true },
      { lower_id: '3998', upper_id: null, after_id: '4100', finished: true, counted: 102, stored: true },
    ]);
  });

  test('a company that changed between the plan pages: no range overlaps another, none is left with a gap', () => {
    // The second boundary came back below the first (records deleted in between): it is dropped, its range
    // merged into the one before, and its page (which overlaps) is not stored.
    const shuffled = arrangeRanges([page(span(1, 1000)), page(span(2500, 3499)), page(span(2000, 2999)), page(span(4000, 4200))]);
    expect(shape(shuffled).map(({ lower_id, upper_id }) => [lower_id, upper_id])).toEqual([['', '2500'], ['2500', '4000'], ['4000', null]]);
    // A page reaching past the next boundary is not stored: its range is paged from its lower bound.
    const overreach = arrangeRanges([page(span(1, 1000)), page(span(1500, 2499)), page(span(2200, 2300))]);
    expect(shape(overreach)[1]).toEqual({ lower_id: '1500', upper_id: '2200', after_id: null, finished: false, counted: 0, stored: false });
    // A short page before another range does not end its range: only its upper bound does.
    const short = arrangeRanges([page(span(1, 1000)), page(span(1999, 2500)), page(span(3000, 3100))]);
    expect(shape(short)[1]).toMatchObject({ lower_id: '1999', upper_id: '3000', after_id: '2500', finished: false });
    // An empty plan page (the company shrank) opens no range.
    const shrunk = arrangeRanges([page(span(1, 1000)), page(span(1999, 2100)), page([])]);
    expect(shape(shrunk).map(({ lower_id, upper_id, finished }) => [lower_id, upper_id, finished])).toEqual([['', '1999', false], ['1999', null, true]]);
  });

  test('Ids that are not integers leave the type one range, its first page kept', () => {
    const ranges = arrangeRanges([page(['a', 'b']), page(['x', 'y'])]);
    expect(shape(ranges)).toEqual([{ lower_id: '', upper_id: null, after_id: 'b', finished: true, counted: 2, stored: true }]);
  });

  test('a run\'s pages in flight are shared out: half for plans (at most one type\'s most ranges), the rest for ranges', () => {
    expect(sharePagesInFlight(32)).toEqual({ plans: MAX_RANGES_PER_TYPE, ranges: 32 - MAX_RANGES_PER_TYPE });
    expect(sharePagesInFlight(100)).toEqual({ plans: MAX_RANGES_PER_TYPE, ranges: 100 - MAX_RANGES_PER_TYPE });
    expect(sharePagesInFlight(8)).toEqual({ plans: 4, ranges: 4 });
    expect(sharePagesInFlight(5)).toEqual({ plans: 2, ranges: 3 });
    // Too few to share: no plans, each type one range.
    expect(sharePagesInFlight(3)).toEqual({ plans: 0, ranges: 3 });
    expect(sharePagesInFlight(1)).toEqual({ plans: 0, ranges: 1 });
    expect(sharePagesInFlight(0)).toEqual({ plans: 0, ranges: 1 });
  });
});

describe('a run\'s bytes of pages in hand', () => {
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  test('a range page is asked for while the bytes in hand are under the limit and fewer pages are under way than calls in flight', async () => {
    const bytes = new PageBytes(10, 2);
    const signal = new AbortController().signal;
    const asked: number[] = [];
    const ask = (n: number) => bytes.ask(signal).then(() => asked.push(n));
    await ask(1);
    await ask(2);
    // Two under way, as many as calls in flight: a third waits for one to arrive, though nothing is in hand.
    const third = ask(3);
    await settle();
    expect(asked).toEqual([1, 2]);
    bytes.arrived(6, true);
    await third;
    expect(asked).toEqual([1, 2, 3]);
    // 12 bytes in hand, past the limit: the next waits, even with nothing under way, and plan pages count too.
    bytes.arrived(6, true);
    const fourth = ask(4);
    const fifth = ask(5);
    bytes.failed();
    bytes.arrived(3, false);
    await settle();
    expect(asked).toEqual([1, 2, 3]);
    expect(bytes.inHand).toBe(15);
    // A commit frees 6: 9 in hand, under the limit, so pages are asked for again, in order, up to the calls in
    // flight (what is in hand does not change until they arrive: they are what may land past the limit).
    bytes.released(6);
    await Promise.all([fourth, fifth]);
    const sixth = ask(6);
    await settle();
    expect(asked).toEqual([1, 2, 3, 4, 5]);
    bytes.arrived(2, true);
    bytes.arrived(2, true);
    await settle();
    // Nothing under way, but 13 in hand: the sixth waits for a commit.
    expect(asked).toEqual([1, 2, 3, 4, 5]);
    bytes.released(9);
    await sixth;
    expect(asked).toEqual([1, 2, 3, 4, 5, 6]);
    expect(bytes.inHand).toBe(4);
  });

  test('a range waiting for room stops when the run does', async () => {
    const bytes = new PageBytes(1, 1);
    const stop = new AbortController();
    bytes.arrived(5, false);
    const waiting = bytes.ask(stop.signal);
    stop.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    // The one given up is no longer waiting: room goes to the next.
    const next = bytes.ask(new AbortController().signal);
    bytes.released(5);
    await next;
  });
});
