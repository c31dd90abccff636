import type { Deps } from '../context.ts';
import { claimJobs, heartbeatJob, settleJob, type JobOutcome, type JobResult, type JobRow } from './queue.ts';

/** One kind of background work. Handlers must be idempotent: a job whose worker died is run again. */
export interface JobHandler {
  kind: string;
  /** Does the work and resolves with what it did (stored as the outcome). Throwing retries it with backoff. */
  run(deps: Deps, job: JobRow, signal: AbortSignal): Promise<JobOutcome>;
  /** Milliseconds before the next attempt after `attempts` failed ones; the default suits most reactions. */
  retryDelayMs?(attempts: number): number;
}

/**
 * 30 s, 2 min, 8 min, 32 min, then hourly, with ±20 % jitter so jobs that failed together (a provider
 * outage) do not all come back in the same second.
 */
export function defaultJobRetryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(3_600_000, 30_000 * 4 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface JobRunOptions {
  owner: string;
  leaseMs: number;
}

export const jobDefaults = { leaseMs: 60_000, concurrency: 4 } as const;

/**
 * Runs one claimed job to an outcome: succeeded with what the handler returned, retried with backoff after a
 * throw, failed once `max_attempts` are spent. The lease is renewed while it works; if it is lost (or the
 * worker stops), nothing is recorded and whoever holds the job now decides.
 */
export async function runJob(deps: Deps, job: JobRow, handler: JobHandler, options: JobRunOptions, stop: AbortSignal): Promise<JobResult | undefined> {
  const lease = new AbortController();
  const signal = AbortSignal.any([lease.signal, stop]);
  const beat = setInterval(() => {
    heartbeatJob(deps.sql, job.id, options.owner, deps.now(), options.leaseMs).then(
      (held) => held || lease.abort(new Error(`job ${job.id} was taken over`)),
      () => {},
    );
  }, options.leaseMs / 3);
  let result: JobResult;
  try {
    result = { outcome: 'succeeded', value: await handler.run(deps, job, signal) };
  } catch (error) {
    if (signal.aborted) return undefined;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    result =
      job.attempts < job.max_attempts
        ? { outcome: 'retry', error: message, retryAt: new Date(deps.now().getTime() + (handler.retryDelayMs ?? defaultJobRetryDelayMs)(job.attempts)) }
        : { outcome: 'failed', error: message };
    const log = { job_id: job.id, kind: job.kind, attempt: job.attempts, error: message };
    if (result.outcome === 'failed') deps.logger.warn('job failed for good', log);
    else deps.logger.info('job will be retried', log);
  } finally {
    clearInterval(beat);
  }
  if (signal.aborted) return undefined;
  if (!(await settleJob(deps.sql, job, options.owner, deps.now(), result))) {
    deps.logger.warn('job lease lost before its outcome was recorded', { job_id: job.id, kind: job.kind });
    return undefined;
  }
  return result;
}

/**
 * Claims what is due now among `handlers`' kinds and runs each; resolves when all are recorded. Tests drive
 * jobs with it (with `ids`, so other files' jobs are left alone); the worker claims by capacity instead.
 */
export async function runDueJobs(
  deps: Deps,
  handlers: readonly JobHandler[],
  options: Partial<JobRunOptions> & { limit?: number; ids?: readonly string[] } = {},
): Promise<(JobResult | undefined)[]> {
  const owner = options.owner ?? `jobs-${Math.random().toString(36).slice(2, 8)}`;
  const leaseMs = options.leaseMs ?? jobDefaults.leaseMs;
  const byKind = new Map(handlers.map((handler) => [handler.kind, handler]));
  const claimed = await claimJobs(deps.sql, { owner, limit: options.limit ?? 16, kinds: [...byKind.keys()], now: deps.now(), leaseMs, ids: options.ids });
  const stop = new AbortController().signal;
  return Promise.all(claimed.map((job) => runJob(deps, job, byKind.get(job.kind)!, { owner, leaseMs }, stop)));
}
