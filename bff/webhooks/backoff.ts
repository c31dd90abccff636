/**
 * Seconds to wait after failed attempt n (index n - 1): 30 s, 2 min, 10 min, 1 h, 6 h, 12 h, 24 h, 24 h.
 * About 2.8 days in all; the attempt after the last wait is the final one.
 */
export const retryScheduleSeconds = [30, 120, 600, 3_600, 21_600, 43_200, 86_400, 86_400] as const;

/** First attempt plus one retry per scheduled wait. */
export const maxDeliveryAttempts = retryScheduleSeconds.length + 1;

/**
 * Milliseconds until the next attempt after `attempts` failed ones, or undefined when the delivery has
 * failed for good. ±20 % jitter spreads the retries of many deliveries that failed together (a host's outage)
 * so they do not all return at the same second.
 */
export function nextRetryDelayMs(attempts: number, random: () => number = Math.random): number | undefined {
  const base = retryScheduleSeconds[attempts - 1];
  if (base === undefined) return undefined;
  return Math.round(base * 1000 * (0.8 + 0.4 * random()));
}
