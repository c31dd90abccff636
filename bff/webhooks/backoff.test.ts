import { expect, test } from 'vitest';
import { maxDeliveryAttempts, nextRetryDelayMs, retryScheduleSeconds } from './backoff.ts';

test('waits grow from 30 s to a day, within ±20 % jitter, then stop after ~3 days', () => {
  expect(nextRetryDelayMs(1, () => 0.5)).toBe(30_000);
  expect(nextRetryDelayMs(1, () => 0)).toBe(24_000);
  expect(nextRetryDelayMs(1, () => 1)).toBe(36_000);
  expect(nextRetryDelayMs(2, () => 0.5)).toBe(120_000);
  expect(nextRetryDelayMs(5, () => 0.5)).toBe(6 * 3_600_000);
  expect(nextRetryDelayMs(maxDeliveryAttempts - 1, () => 0.5)).toBe(86_400_000);
  expect(nextRetryDelayMs(maxDeliveryAttempts)).toBeUndefined();
  const totalDays = retryScheduleSeconds.reduce((sum, seconds) => sum + seconds, 0) / 86_400;
  expect(totalDays).toBeGreaterThan(2.5);
  expect(totalDays).toBeLessThan(3.5);
});
