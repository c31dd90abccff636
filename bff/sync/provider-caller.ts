import type { QboApi } from '../providers/qbo/api-client.ts';
import { QboError } from '../providers/qbo/faults.ts';
import { sleep, type ProviderBudget } from './budget.ts';

export interface RetryPolicy {
  /** Attempts for 5xx, timeouts and resets before giving up on this call. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A 429 asking to wait longer than this fails the call (the run is re-queued for later) instead of blocking. */
  maxThrottleWaitSeconds: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 20_000, maxThrottleWaitSeconds: 120 };

/**
 * Every provider call a sync makes goes through here: inside the company's shared budget (rate and
 * concurrency, all replicas), 429s honoured (the whole company pauses for Retry-After), 5xx and timeouts
 * retried with full-jitter exponential backoff. Anything else fails at once.
 */
export class ProviderCaller {
  calls = 0;

  constructor(
    readonly api: QboApi,
    private readonly budget: ProviderBudget,
    private readonly policy: RetryPolicy = defaultRetryPolicy,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * `signal` (default: the run's) ends the waits of this call: for its budget slot and its back-offs. `first`: the
   * call goes ahead of this process's other waiters for the company's budget (ProviderBudget.run).
   */
  async call<T>(request: (api: QboApi) => Promise<T>, signal: AbortSignal | undefined = this.signal, first = false): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.calls += 1;
        return await this.budget.run(() => request(this.api), signal, first);
      } catch (error) {
        if (!(error instanceof QboError)) throw error;
        if (error.kind === 'throttled') {
          const wait = error.retryAfterSeconds ?? Math.min(60, 2 ** attempt);
          if (wait > this.policy.maxThrottleWaitSeconds || attempt >= this.policy.maxAttempts * 2) throw error;
          await this.budget.pause(wait);
          continue;
        }
        if (error.kind !== 'unavailable' || attempt >= this.policy.maxAttempts) throw error;
        const cap = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
        await sleep(Math.random() * cap, signal);
      }
    }
  }
}

/** The caller as a plain API object, for code written against QboApi's get/post (each call budgeted). */
export function budgetedApi(caller: ProviderCaller): Pick<QboApi, 'get' | 'post'> {
  return {
    get: <T>(path: string, query?: Record<string, string>) => caller.call((api) => api.get<T>(path, query)),
    post: <T>(path: string, body: unknown, query?: Record<string, string>) => caller.call((api) => api.post<T>(path, body, query)),
  };
}

/** A company's budget key: shared by every connection (any tenant) of the same QuickBooks company. */
export const qboBudgetKey = (realmId: string) => `qbo:${realmId}`;

/** A company's report budget key (reports also count against qboBudgetKey). */
export const qboReportBudgetKey = (realmId: string) => `qbo-reports:${realmId}`;
