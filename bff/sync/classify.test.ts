import { expect, test } from 'vitest';
import { BalancesUnsettledError, classifySyncError, retryDelaySeconds } from './classify.ts';

test('a company that kept changing while balances were read is retried automatically, in plain words', () => {
  const error = classifySyncError(new BalancesUnsettledError('still changing'), new Date('2026-01-01T00:00:00Z'), 'Acme Ltd');
  expect(error).toMatchObject({ category: 'provider_unavailable', action: 'retry' });
  expect(error.message).toMatch(/^Acme Ltd kept changing in QuickBooks/);
  expect(retryDelaySeconds(error, 1)).toBeGreaterThan(0);
});
