import { describe, expect, test } from 'vitest';
import { CoalescedReads } from './coalesced-reads.ts';

interface Row {
  id: string;
  value: number;
}

/** A fake table whose reads stay out until released, recording each query's keys. */
function table(rows: Record<string, number>) {
  const queries: string[][] = [];
  const out: (() => void)[] = [];
  let failNext: Error | undefined;
  const read = (keys: string[]) =>
    new Promise<Row[]>((resolve, reject) => {
      queries.push([...keys]);
      const snapshot = keys.filter((key) => key in rows).map((id) => ({ id, value: rows[id]! }));
      const error = failNext;
      failNext = undefined;
      out.push(() => (error ? reject(error) : resolve(snapshot)));
    });
  return {
    queries,
    rows,
    read,
    failNextWith: (error: Error) => (failNext = error),
    /** Answers every query out now. */
    release: () => out.splice(0).forEach((answer) => answer()),
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('CoalescedReads', () => {
  test('keys asked for in one turn go in one query; missing keys answer undefined', async () => {
    const t = table({ a: 1, b: 2 });
    const reads = new CoalescedReads(t.read, (row: Row) => row.id);
    const answers = Promise.all(['a', 'b', 'zz', 'a'].map((key) => reads.loadOne(key)));
    await turn();
    expect(t.queries).toEqual([['a', 'b', 'zz']]);
    t.release();
    expect(await answers).toEqual([{ id: 'a', value: 1 }, { id: 'b', value: 2 }, undefined, { id: 'a', value: 1 }]);
  });

  test('keys asked for while the queries are out wait and go together in the next one', async () => {
    const t = table({ a: 1, b: 2, c: 3, d: 4 });
    const reads = new CoalescedReads(t.read, (row: Row) => row.id, { maxInFlight: 1 });
    const first = reads.loadOne('a');
    await turn();
    const later = [reads.loadOne('b'), reads.loadOne('c')];
    await turn();
    const last = reads.loadOne('d');
    await turn();
    expect(t.queries).toEqual([['a']]);
    t.release();
    expect(await first).toEqual({ id: 'a', value: 1 });
    await turn();
    expect(t.queries).toEqual([['a'], ['b', 'c', 'd']]);
    t.release();
    expect(await Promise.all([...later, last])).toEqual([{ id: 'b', value: 2 }, { id: 'c', value: 3 }, { id: 'd', value: 4 }]);
  });

  test('never more queries out than maxInFlight', async () => {
    const t = table({ a: 1, b: 2, c: 3 });
    const reads = new CoalescedReads(t.read, (row: Row) => row.id, { maxInFlight: 2 });
    const all: Promise<unknown>[] = [];
    for (const key of ['a', 'b', 'c']) {
      all.push(reads.loadOne(key));
      await turn();
    }
    expect(t.queries).toEqual([['a'], ['b']]);
    t.release();
    await turn();
    expect(t.queries).toEqual([['a'], ['b'], ['c']]);
    t.release();
    await Promise.all(all);
  });

  test('a read asked for after a change sees it: nothing is kept between queries', async () => {
    const t = table({ a: 1 });
    const reads = new CoalescedReads(t.read, (row: Row) => row.id);
    const before = reads.loadOne('a');
    await turn();
    t.release();
    expect(await before).toEqual({ id: 'a', value: 1 });
    t.rows.a = 2;
    const after = reads.loadOne('a');
    await turn();
    t.release();
    expect(await after).toEqual({ id: 'a', value: 2 });
  });

  test('a key asked for while a query carrying it is out waits for the next query: no answer is older than its request', async () => {
    const t = table({ a: 1 });
    const reads = new CoalescedReads(t.read, (row: Row) => row.id);
    const first = reads.loadOne('a');
    await turn();
    t.rows.a = 2;
    const second = reads.loadOne('a');
    await turn();
    t.release();
    await turn();
    t.release();
    expect(await first).toEqual({ id: 'a', value: 1 });
    expect(await second).toEqual({ id: 'a', value: 2 });
    expect(t.queries).toEqual([['a'], ['a']]);
  });

  test('a query out longer than slowMs stops holding back the next; its reads are still answered when it returns', async () => {
    const t = table({ a: 1, b: 2 });
    const reads = new CoalescedReads(t.read, (row: Row) => row.id, { maxInFlight: 1, slowMs: 20 });
    const stuck = reads.loadOne('a');
    await turn();
    const next = reads.loadOne('b');
    await turn();
    expect(t.queries).toEqual([['a']]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(t.queries).toEqual([['a'], ['b']]);
    t.release();
    expect(await Promise.all([stuck, next])).toEqual([{ id: 'a', value: 1 }, { id: 'b', value: 2 }]);
  });

  test('a query carries at most maxKeys keys; the rest go in the next', async () => {
    const t = table({ a: 1, b: 2, c: 3 });
    const reads = new CoalescedReads(t.read, (row: Row) => row.id, { maxInFlight: 1, maxKeys: 2 });
    const all = Promise.all(['a', 'b', 'c'].map((key) => reads.loadOne(key)));
    await turn();
    t.release();
    await turn();
    await turn();
    t.release();
    expect(await all).toEqual([{ id: 'a', value: 1 }, { id: 'b', value: 2 }, { id: 'c', value: 3 }]);
    expect(t.queries).toEqual([['a', 'b'], ['c']]);
  });

  test('a read or keyOf that throws rejects its waiters and frees its slot', async () => {
    let n = 0;
    const reads = new CoalescedReads(
      (keys: string[]) => {
        n++;
        if (n === 1) throw new Error('read threw');
        return Promise.resolve(keys.map((id) => ({ id, value: n })));
      },
      (row: Row) => {
        if (row.id === 'bad') throw new Error('keyOf threw');
        return row.id;
      },
      { maxInFlight: 1 },
    );
    await expect(reads.loadOne('a')).rejects.toThrow('read threw');
    await expect(Promise.all([reads.loadOne('bad'), reads.loadOne('a')])).rejects.toThrow('keyOf threw');
    expect(await reads.loadOne('a')).toEqual({ id: 'a', value: 3 });
  });

  test('a key naming several rows answers all of them, in the order read', async () => {
    const rows = [
      { id: 'r1', org: 'x' },
      { id: 'r2', org: 'y' },
      { id: 'r3', org: 'x' },
    ];
    const queries: string[][] = [];
    const reads = new CoalescedReads(
      async (keys: string[]) => (queries.push(keys), rows.filter((row) => keys.includes(row.org))),
      (row: { org: string }) => row.org,
    );
    const [x, y, z, again] = await Promise.all([reads.load('x'), reads.load('y'), reads.load('z'), reads.load('x')]);
    expect(queries).toEqual([['x', 'y', 'z']]);
    expect(x.map((row) => row.id)).toEqual(['r1', 'r3']);
    expect(y.map((row) => row.id)).toEqual(['r2']);
    expect(z).toEqual([]);
    expect(again).toEqual(x);
    expect(again).not.toBe(x);
  });

  test('a failed query fails its own keys only, and the reads after it go on', async () => {
    const t = table({ a: 1, b: 2 });
    const reads = new CoalescedReads(t.read, (row: Row) => row.id, { maxInFlight: 1 });
    t.failNextWith(new Error('connection reset'));
    const failing = reads.loadOne('a');
    await turn();
    const next = reads.loadOne('b');
    t.release();
    await expect(failing).rejects.toThrow('connection reset');
    await turn();
    t.release();
    expect(await next).toEqual({ id: 'b', value: 2 });
  });
});
