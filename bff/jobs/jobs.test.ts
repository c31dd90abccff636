import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';
import { testDatabase } from '../../test/support/database.ts';
import { SyncWorker } from '../sync/worker.ts';
import { claimJobs, enqueueJob, jobHistory, pruneFinishedJobs, settleJob, type JobRow } from './queue.ts';
import { defaultJobRetryDelayMs, runDueJobs, type JobHandler } from './run-job.ts';
import { raceTest } from '../../test/support/database.ts';

const t = testApp();

/** A job kind of this test's own: other files share the database, and their jobs must not be touched. */
const kindOf = () => `test-${randomBytes(4).toString('hex')}`;

async function jobRow(id: string): Promise<JobRow> {
  const [row] = await t.deps.sql<JobRow[]>`select * from jobs where id = ${id}`;
  return row!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('job queue', () => {
  test('backoff grows from 30 s to an hour, within ±20 % jitter', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => defaultJobRetryDelayMs(n, () => 0.5))).toEqual([30_000, 120_000, 480_000, 1_920_000, 3_600_000, 3_600_000]);
    expect(defaultJobRetryDelayMs(1, () => 0)).toBe(24_000);
    expect(defaultJobRetryDelayMs(1, () => 1)).toBe(36_000);
  });

  test('a job that throws is retried on the app clock with its error recorded, then stores its outcome', async () => {
    const kind = kindOf();
    let calls = 0;
    const handler: JobHandler = {
      kind,
      async run(_, job) {
        calls += 1;
        if (calls === 1) throw new Error('QuickBooks said no');
        return { done: job.payload.n };
      },
    };
    const { id } = await enqueueJob(t.deps.sql, { kind, payload: { n: 7 } });

    expect(await runDueJobs(t.deps, [handler], { ids: [id] })).toMatchObject([{ outcome: 'retry', error: 'Error: QuickBooks said no' }]);
    const waiting = await jobRow(id);
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1, last_error: 'Error: QuickBooks said no', outcome: null, lease_owner: null });
    const wait = (waiting.due_at.getTime() - t.deps.now().getTime()) / 1000;
    expect(wait).toBeGreaterThan(20);
    expect(wait).toBeLessThanOrEqual(36);

    expect(await runDueJobs(t.deps, [handler], { ids: [id] })).toEqual([]); // not due yet
    t.advanceClock(37);
    expect(await runDueJobs(t.deps, [handler], { ids: [id] })).toEqual([{ outcome: 'succeeded', value: { done: 7 } }]);
    expect(await jobRow(id)).toMatchObject({ status: 'succeeded', attempts: 2, last_error: null, outcome: { done: 7 }, finished_at: expect.any(Date) });
    expect(calls).toBe(2);
  });

  test('a job that keeps failing is failed after max_attempts, keeping the last error', async () => {
    const kind = kindOf();
    const handler: JobHandler = { kind, retryDelayMs: () => 1_000, run: async (_, job) => Promise.reject(new TypeError(`attempt ${job.attempts}`)) };
    const { id } = await enqueueJob(t.deps.sql, { kind, maxAttempts: 3 });
    const outcomes: string[] = [];
    for (let round = 0; round < 5; round++) {
      outcomes.push(...(await runDueJobs(t.deps, [handler], { ids: [id] })).map((result) => result!.outcome));
      t.advanceClock(2);
    }
    expect(outcomes).toEqual(['retry', 'retry', 'failed']);
    expect(await jobRow(id)).toMatchObject({ status: 'failed', attempts: 3, last_error: 'TypeError: attempt 3', outcome: null });
  });

  test('one active job per dedupe key: a request while it is queued coalesces, one while it runs queues it once more', async () => {
    const kind = kindOf();
    const key = `con_${randomBytes(10).toString('hex')}`;
    const later = new Date(t.deps.now().getTime() + 3_600_000);
    const first = await enqueueJob(t.deps.sql, { kind, dedupeKey: key, payload: { since: 'first' }, dueAt: later });
    const second = await enqueueJob(t.deps.sql, { kind, dedupeKey: key, payload: { since: 'second' } });
    expect(second).toEqual({ id: first.id, coalesced: true });
    // The earlier due time wins and the first payload (the earlier bound) is kept.
    expect(await jobRow(first.id)).toMatchObject({ payload: { since: 'first' }, rerun: false });
    expect((await jobRow(first.id)).due_at.getTime()).toBeLessThan(later.getTime());

    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const seen: unknown[] = [];
    const handler: JobHandler = {
      kind,
      async run(_, job) {
        seen.push(job.payload.since);
        if (seen.length === 1) await held;
        return { run: seen.length };
      },
    };
    const running = runDueJobs(t.deps, [handler], { ids: [first.id] });
    while (seen.length === 0) await sleep(5);
    const during = await enqueueJob(t.deps.sql, { kind, dedupeKey: key, payload: { since: 'during' } });
    expect(during).toEqual({ id: first.id, coalesced: true });
    release();
    expect(await running).toEqual([{ outcome: 'succeeded', value: { run: 1 } }]);

    // The finished job keeps its outcome; a new one, with its payload, covers what arrived while it ran.
    const history = await jobHistory(t.deps.sql, kind, key);
    expect(history.map((job) => job.status)).toEqual(['queued', 'succeeded']);
    expect(await runDueJobs(t.deps, [handler], { ids: [history[0]!.id] })).toEqual([{ outcome: 'succeeded', value: { run: 2 } }]);
    expect(seen).toEqual(['first', 'first']);
    expect((await jobHistory(t.deps.sql, kind, key)).map((job) => job.status)).toEqual(['succeeded', 'succeeded']);
  });

  test('a live worker keeps its lease by heartbeat; a dead worker\'s job is taken over after the lease, and it cannot record an outcome', async () => {
    const kind = kindOf();
    const handler: JobHandler = { kind, run: async () => (await sleep(900), { slow: true }) };
    const slow = await enqueueJob(t.deps.sql, { kind });
    const working = runDueJobs(t.deps, [handler], { ids: [slow.id], owner: 'alive', leaseMs: 300 });
    for (let tries = 0; tries < 8; tries++) {
      await sleep(100);
      expect(await claimJobs(t.deps.sql, { owner: 'thief', limit: 1, kinds: [kind], now: t.deps.now(), leaseMs: 300, ids: [slow.id] })).toEqual([]);
    }
    expect(await working).toEqual([{ outcome: 'succeeded', value: { slow: true } }]);
    expect(await jobRow(slow.id)).toMatchObject({ status: 'succeeded', attempts: 1 });

    const orphan = await enqueueJob(t.deps.sql, { kind });
    const [claimed] = await claimJobs(t.deps.sql, { owner: 'dead', limit: 1, kinds: [kind], now: t.deps.now(), leaseMs: 60_000, ids: [orphan.id] });
    expect(claimed).toBeDefined();
    expect(await runDueJobs(t.deps, [handler], { ids: [orphan.id], owner: 'rescuer' })).toEqual([]);
    t.advanceClock(61);
    expect(await runDueJobs(t.deps, [handler], { ids: [orphan.id], owner: 'rescuer' })).toEqual([{ outcome: 'succeeded', value: { slow: true } }]);
    expect(await settleJob(t.deps.sql, claimed!, 'dead', t.deps.now(), { outcome: 'failed', error: 'late' })).toBe(false);
    expect(await jobRow(orphan.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  raceTest('two workers on their own pools run 60 jobs exactly once each, never one twice at the same time', async () => {
    const kind = kindOf();
    const runs = new Map<string, number>();
    let overlaps = 0;
    const inFlight = new Set<string>();
    const handler: JobHandler = {
      kind,
      async run(_, job) {
        if (inFlight.has(job.id)) overlaps++;
        inFlight.add(job.id);
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        await sleep(3);
        inFlight.delete(job.id);
        return {};
      },
    };
    const ids: string[] = [];
    for (let n = 0; n < 60; n++) ids.push((await enqueueJob(t.deps.sql, { kind, payload: { n } })).id);
    const pools = [testDatabase(), testDatabase()];
    await Promise.all(
      pools.map(async (sql, index) => {
        const deps = { ...t.deps, sql };
        while (runs.size < 60) {
          await runDueJobs(deps, [handler], { ids, owner: `pool-${index}`, limit: 8 });
          await sleep(2);
        }
      }),
    );
    expect(overlaps).toBe(0);
    expect([...runs.values()]).toEqual(Array(60).fill(1));
    const [counts] = await t.deps.sql<{ succeeded: number; attempts: number }[]>`
      select count(*) filter (where status = 'succeeded')::int as succeeded, sum(attempts)::int as attempts from jobs where kind = ${kind}`;
    expect(counts).toEqual({ succeeded: 60, attempts: 60 });
  });

  test('the sync worker\'s loop runs due jobs, and idle() waits for them', async () => {
    const kind = kindOf();
    const handler: JobHandler = { kind, run: async () => (await sleep(50), { ran: true }) };
    const { id } = await enqueueJob(t.deps.sql, { kind });
    // No run capacity: runs queued by other test files are theirs to execute.
    const worker = new SyncWorker(t.deps, { concurrency: 0, jobHandlers: [handler] });
    expect(await worker.tick()).toBe(1);
    await worker.idle();
    expect(await jobRow(id)).toMatchObject({ status: 'succeeded', outcome: { ran: true } });
    await worker.stop();
  });

  test('finished jobs are pruned after two weeks; queued ones never are', async () => {
    const kind = kindOf();
    const [old, recent, waiting] = await Promise.all([1, 2, 3].map(async () => (await enqueueJob(t.deps.sql, { kind })).id));
    await t.deps.sql`update jobs set status = 'succeeded', finished_at = now() - interval '15 days' where id = ${old!}`;
    await t.deps.sql`update jobs set status = 'failed', finished_at = now() - interval '13 days' where id = ${recent!}`;
    await t.deps.sql`update jobs set due_at = now() - interval '20 days' where id = ${waiting!}`;
    await pruneFinishedJobs(t.deps.sql, new Date());
    expect((await t.deps.sql<{ id: string }[]>`select id from jobs where kind = ${kind} order by id`).map((row) => row.id)).toEqual([recent, waiting].sort((a, b) => Number(a) - Number(b)));
  });
});
