import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { testDatabase } from '../../test/support/database.ts';
import { SharedRateLimiter, WINDOW_MS } from './rate-limiter.ts';

/**
 * The limiter's bookkeeping between flushes: a count's unflushed hits are sent once, into the window they were
 * counted in, even when the window has ended before the flush; and what two replicas counted adds up.
 */
const sql = testDatabase();

async function stored(bucket: string): Promise<Record<number, number>> {
  const rows = await sql<{ window_start: number; hits: number }[]>`select window_start, hits from rate_limit_counters where bucket = ${bucket}`;
  return Object.fromEntries(rows.map((row) => [row.window_start, row.hits]));
}

describe('shared rate limiter flush', () => {
  test('hits counted in a window that ended before the flush are stored in that window, the rest in the new one', async () => {
    let now = (Math.floor(Date.now() / WINDOW_MS) + 0.5) * WINDOW_MS;
    const window = Math.floor(now / WINDOW_MS);
    const limiter = new SharedRateLimiter(sql, () => now);
    const bucket = `test:${randomBytes(6).toString('hex')}`;
    for (let i = 0; i < 3; i++) expect(limiter.take('session', bucket, 100).allowed).toBe(true);
    now += WINDOW_MS; // the next minute, before any flush
    for (let i = 0; i < 2; i++) expect(limiter.take('session', bucket, 100).allowed).toBe(true);
    await limiter.flush();
    expect(await stored(bucket)).toEqual({ [window]: 3, [window + 1]: 2 });
    // Nothing new: a flush sends nothing again.
    await limiter.flush();
    expect(await stored(bucket)).toEqual({ [window]: 3, [window + 1]: 2 });
    limiter.take('session', bucket, 100);
    await limiter.flush();
    expect(await stored(bucket)).toEqual({ [window]: 3, [window + 1]: 3 });
    limiter.close();
  });

  test('two replicas learn each other\'s counts from their flushes, and refuse past the limit together', async () => {
    const bucket = `test:${randomBytes(6).toString('hex')}`;
    const one = new SharedRateLimiter(sql);
    const two = new SharedRateLimiter(sql);
    for (let i = 0; i < 3; i++) one.take('session', bucket, 5);
    two.take('session', bucket, 5);
    await one.flush();
    await two.flush(); // learns one's 3: 4 in all
    expect(two.take('session', bucket, 5)).toMatchObject({ allowed: true, remaining: 0 });
    expect(two.take('session', bucket, 5).allowed).toBe(false);
    await two.flush();
    await one.flush(); // nothing of its own to send, so it has not learned two's yet
    expect(one.take('session', bucket, 5).allowed).toBe(true);
    await one.flush();
    expect(one.take('session', bucket, 5).allowed).toBe(false);
    expect(Object.values(await stored(bucket))).toEqual([6]);
    one.close();
    two.close();
  });
});

describe('when a bucket is flushed by the timer', () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 350));
  async function eventually(check: () => Promise<boolean>): Promise<boolean> {
    for (let i = 0; i < 40; i++) {
      if (await check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  test('a bucket far from its limit waits up to a second; one whose unshared hits are an eighth of what is left goes at once', async () => {
    let now = Date.now();
    const limiter = new SharedRateLimiter(sql, () => now);
    const quiet = `test:${randomBytes(6).toString('hex')}`;
    const busy = `test:${randomBytes(6).toString('hex')}`;
    limiter.take('session', quiet, 600);
    for (let i = 0; i < 3; i++) limiter.take('session', busy, 24); // 3 × 8 ≥ 24 − 0
    expect(await eventually(async () => Object.keys(await stored(busy)).length > 0)).toBe(true);
    await tick();
    expect(await stored(quiet)).toEqual({});
    now += 1_000;
    expect(await eventually(async () => Object.values(await stored(quiet)).includes(1))).toBe(true);
    limiter.close();
  });
});
