import { afterAll, expect, inject, test } from 'vitest';
import { connect } from '../bff/db/client.ts';
import { KeyedLock } from '../bff/db/keyed-lock.ts';
import { raceTest, testDatabase } from './support/database.ts';

/** A pool of its own, as another replica has. */
function pool(max: number) {
  const sql = connect(inject('databaseUrl'), { max });
  afterAll(() => sql.end());
  return sql;
}

/** Runs `count` overlapping holders of one key spread over `locks`, and the most that were inside at once. */
async function overlapping(locks: KeyedLock[], key: string, count: number, inside: () => Promise<void> = () => new Promise((resolve) => setTimeout(resolve, 15))) {
  let now = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      locks[i % locks.length]!.run(key, async () => {
        now += 1;
        most = Math.max(most, now);
        await inside();
        now -= 1;
      }),
    ),
  );
  return most;
}

const key = () => `test:${Math.random()}`;

test('callers of one key in one process run one at a time; other keys are not held up', async () => {
  const lock = new KeyedLock(testDatabase());
  expect(await overlapping([lock], key(), 5)).toBe(1);
  let both = 0;
  const a = key();
  const b = key();
  let inA = false;
  await Promise.all([
    lock.run(a, async () => {
      inA = true;
      await new Promise((resolve) => setTimeout(resolve, 50));
      inA = false;
    }),
    lock.run(b, async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (inA) both += 1;
    }),
  ]);
  expect(both).toBe(1);
  expect(lock.busy(a)).toBe(false);
});

test('a holder that throws lets the next one in', async () => {
  const lock = new KeyedLock(testDatabase());
  const k = key();
  await expect(lock.run(k, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(await lock.run(k, async () => 'next')).toBe('next');
});

raceTest('two replicas (two pools of two) never hold one key at once, and holders can still query their pools', async () => {
  // A holder keeps one connection for the advisory lock and needs the other for its own queries: a waiter
  // keeping a connection while it waits would leave the holder of its replica none.
  const one = pool(2);
  const other = pool(2);
  const a = new KeyedLock(one);
  const b = new KeyedLock(other);
  const most = await overlapping([a, b], key(), 8, async () => {
    // The holder queries both pools while the other replica's head waits for the key.
    await one`select 1`;
    await other`select 1`;
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
  expect(most).toBe(1);
}, 30_000);

raceTest('a replica that holds the key too long: the waiter gives up after its bound and runs anyway, saying so', async () => {
  const k = key();
  const holder = new KeyedLock(testDatabase());
  const timeouts: number[] = [];
  const waiter = new KeyedLock(testDatabase(), { waitMs: 150, onTimeout: (_, waited) => timeouts.push(waited) });
  let release!: () => void;
  const held = holder.run(k, () => new Promise<void>((resolve) => (release = resolve)));
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(await waiter.run(k, async () => 'ran')).toBe('ran');
  expect(timeouts).toHaveLength(1);
  expect(timeouts[0]).toBeGreaterThanOrEqual(150);
  release();
  await held;
  // Released in finally: the other replica takes it at once now.
  expect(await waiter.run(k, async () => 'again')).toBe('again');
  expect(timeouts).toHaveLength(1);
});
