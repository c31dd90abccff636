import { randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import type { Sql } from '../bff/db/client.ts';
import { ProviderBudget } from '../bff/sync/budget.ts';
import { testApp } from './support/app.ts';

/**
 * Issue 11, finding 1 (a cause): every caller waiting for a company's QuickBooks budget re-polled the database
 * every 15 ms under an advisory lock, so a crowd of waiters was a crowd of transactions. Waiters now queue in
 * the process, wake when a slot is released, and otherwise back off.
 */
const t = testApp();

/** The pool, counting the transactions opened on it (each budget attempt is one). */
function counting(sql: Sql): { sql: Sql; transactions: () => number } {
  let transactions = 0;
  const proxy = new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'begin') {
        return (...args: unknown[]) => {
          transactions += 1;
          return (target.begin as (...a: unknown[]) => unknown)(...args);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return { sql: proxy, transactions: () => transactions };
}

test('20 callers waiting a second for a company\'s only slot cost a handful of transactions, not one per 15 ms each', async () => {
  const key = `test:${randomBytes(6).toString('hex')}`;
  const limits = { perMinute: 1000, concurrent: 1 };
  const { sql, transactions } = counting(t.deps.sql);
  let releaseHolder!: () => void;
  const holding = new Promise<void>((resolve) => (releaseHolder = resolve));
  let holderStarted!: () => void;
  const started = new Promise<void>((resolve) => (holderStarted = resolve));
  const holder = new ProviderBudget(sql, key, limits).run(async () => {
    holderStarted();
    await holding;
  });
  await started;

  const ran: number[] = [];
  const waiters = Array.from({ length: 20 }, (_, i) => new ProviderBudget(sql, key, limits).run(async () => void ran.push(i)));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const whileWaiting = transactions() - 1;
  releaseHolder();
  await Promise.all([holder, ...waiters]);

  expect(ran).toHaveLength(20);
  // Spinning: 20 waiters × (1000 ms / 15 ms) ≈ 1,300 transactions. Queued with back-off: about log2(1000/20).
  expect(whileWaiting).toBeLessThan(15);
  // Then each waiter takes the slot in turn, woken by the release before it: about one attempt each.
  expect(transactions()).toBeLessThan(1 + whileWaiting + 20 * 3);
});

test('callers that start together are granted their slots in one transaction, not one after another (issue 15)', async () => {
  const key = `test:${randomBytes(6).toString('hex')}`;
  const limits = { perMinute: 1000, concurrent: 10 };
  const { sql, transactions } = counting(t.deps.sql);
  let inFlight = 0;
  let allIn!: () => void;
  const together = new Promise<void>((resolve) => (allIn = resolve));
  const callers = Array.from({ length: 10 }, () =>
    new ProviderBudget(sql, key, limits).run(async () => {
      if (++inFlight === 10) allIn();
      await together;
    }),
  );
  await Promise.all(callers);
  // One by one, each caller's turn was a transaction of its own: 10 in a row before the tenth call could start.
  expect(transactions()).toBeLessThanOrEqual(2);
});

test('a slot released while others wait is freed and handed on in one transaction, with no statement of its own (issue 15)', async () => {
  const key = `test:${randomBytes(6).toString('hex')}`;
  let deletes = 0;
  const sql = new Proxy(t.deps.sql, {
    apply(target, self, args: unknown[]) {
      const strings = args[0] as TemplateStringsArray | undefined;
      if (Array.isArray(strings) && strings.join('').includes('delete from provider_slots')) deletes += 1;
      return Reflect.apply(target as never, self, args);
    },
  });
  const budget = new ProviderBudget(sql, key, { perMinute: 1000, concurrent: 2 });
  let inFlight = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: 12 }, () =>
      budget.run(async () => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
      }),
    ),
  );
  expect(peak).toBe(2);
  // Each release was its own DELETE (12) before the pump took the next; now only the last, with nobody waiting.
  expect(deletes).toBeLessThanOrEqual(3);
  const [left] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from provider_slots where budget_key = ${key}`;
  expect(left!.n).toBe(0);
});
