import { expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';
import { raceTest } from '../../test/support/database.ts';
import { ProviderBudget } from './budget.ts';

const t = testApp();
const key = () => `test:${Math.random().toString(36).slice(2)}`;

raceTest('never more than the concurrency limit in flight, across budget instances sharing a key', async () => {
  const shared = key();
  const budgets = [new ProviderBudget(t.deps.sql, shared, { perMinute: 1000, concurrent: 3 }), new ProviderBudget(t.deps.sql, shared, { perMinute: 1000, concurrent: 3 })];
  let inFlight = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: 24 }, (_, i) =>
      budgets[i % 2]!.run(async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight -= 1;
      }),
    ),
  );
  expect(peak).toBe(3);
});

test('never more than the per-minute limit in any rolling minute; the next call waits', async () => {
  const budget = new ProviderBudget(t.deps.sql, key(), { perMinute: 5, concurrent: 10 });
  for (let i = 0; i < 5; i++) await budget.run(async () => {});
  const waiting = budget.run(async () => 'ran');
  const result = await Promise.race([waiting, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 500))]);
  expect(result).toBe('still waiting');
  const aborted = new AbortController();
  aborted.abort(new Error('stop'));
  await expect(budget.run(async () => 'x', aborted.signal)).rejects.toThrow('stop');
});

test('a pause (from a 429\'s Retry-After) holds every caller of that company', async () => {
  const shared = key();
  await new ProviderBudget(t.deps.sql, shared, { perMinute: 100, concurrent: 10 }).pause(2);
  const started = Date.now();
  await new ProviderBudget(t.deps.sql, shared, { perMinute: 100, concurrent: 10 }).run(async () => {});
  expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
});

test('a first call is served before the calls already waiting, and after other first calls', async () => {
  const budget = new ProviderBudget(t.deps.sql, key(), { perMinute: 1000, concurrent: 1 });
  let open!: () => void;
  const held = budget.run(() => new Promise<void>((resolve) => (open = resolve)));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const order: string[] = [];
  const queued = [
    budget.run(async () => void order.push('page 1')),
    budget.run(async () => void order.push('page 2')),
    budget.run(async () => void order.push('count'), undefined, true),
    budget.run(async () => void order.push('plan page'), undefined, true),
  ];
  await new Promise((resolve) => setTimeout(resolve, 50));
  open();
  await Promise.all([held, ...queued]);
  expect(order).toEqual(['count', 'plan page', 'page 1', 'page 2']);
});
