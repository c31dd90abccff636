import { getEventListeners } from 'node:events';
import { expect, test } from 'vitest';
import type { QboApi } from '../bff/providers/qbo/api-client.ts';
import { QboError } from '../bff/providers/qbo/faults.ts';
import { ProviderBudget } from '../bff/sync/budget.ts';
import { ProviderCaller } from '../bff/sync/provider-caller.ts';
import { testApp } from './support/app.ts';

const t = testApp();
const key = () => `test:${Math.random().toString(36).slice(2)}`;

/**
 * A long import makes thousands of calls on its run's one signal; any listener a call leaves behind adds up
 * until Node warns (MaxListenersExceededWarning: 11 abort listeners). Every call must leave the signal as it found it.
 */
test('calls that wait (budget full, 5xx back-off) leave no abort listener on the run signal', async () => {
  const run = new AbortController();
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  try {
    // Two calls a second: most calls wait for the budget, which is where the listeners piled up.
    const budget = new ProviderBudget(t.deps.sql, key(), { perMinute: 1000, concurrent: 1 });
    const api = { get: async () => new Promise((resolve) => setTimeout(() => resolve({}), 5)) } as unknown as QboApi;
    const caller = new ProviderCaller(api, budget, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxThrottleWaitSeconds: 1 }, run.signal);
    // Every call fails once with a 503 first, so the back-off sleep is exercised too.
    const flaky = () => {
      let attempts = 0;
      return (qbo: QboApi) => (++attempts === 1 ? Promise.reject(new QboError('unavailable', 503, [{ code: '503', message: 'down', detail: '' }])) : qbo.get('companyinfo/1'));
    };
    // Six calls at a time, as an import pages six types at once; sixty in all.
    await Promise.all(Array.from({ length: 6 }, async () => {
      for (let i = 0; i < 10; i++) await caller.call(flaky());
    }));
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map((warning) => warning.message)).toEqual([]);
  } finally {
    process.off('warning', onWarning);
  }
});
