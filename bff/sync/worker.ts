import { Cron } from 'croner';
import { hostname } from 'node:os';
import type { Deps } from '../context.ts';
import { keepConnectionsAlive } from '../connections/keep-alive.ts';
import { pruneEvents } from '../events/record.ts';
import { jobHandlers } from '../jobs/handlers.ts';
import { claimJobs, pruneFinishedJobs } from '../jobs/queue.ts';
import { jobDefaults, runJob, type JobHandler } from '../jobs/run-job.ts';
import { pruneBudgets } from './budget.ts';
import { defaultEngineOptions, executeRun, type EngineOptions } from './execute-run.ts';
import { claimRuns, type RunRow } from './runs.ts';
import { enqueueDueSchedules } from './schedule.ts';

export interface WorkerOptions extends Partial<EngineOptions> {
  /** Runs this process works on at once. */
  concurrency?: number;
  /** Replaces the real sync (tests of claiming and scheduling). */
  execute?: (run: RunRow, signal: AbortSignal) => Promise<void>;
  /** Jobs (reactions to runs and the like) this process works on at once, besides its runs. */
  jobConcurrency?: number;
  jobLeaseMs?: number;
  /** The kinds of job this worker runs; every kind the product has unless a test narrows it. */
  jobHandlers?: readonly JobHandler[];
}

/**
 * Croner only ticks; Postgres decides. Every second each replica claims due runs and due jobs (bff/jobs: the
 * reactions a committed run queued) up to its free capacity for each (SKIP LOCKED, leases), and every minute
 * it queues scheduled syncs and tidies the provider budgets, old jobs and old events. Runs and jobs have separate
 * capacity, so a long import never starves the reactions of other connections' runs.
 */
export class SyncWorker {
  readonly owner: string;
  readonly #options: EngineOptions;
  readonly #concurrency: number;
  readonly #execute: (run: RunRow, signal: AbortSignal) => Promise<void>;
  readonly #active = new Map<string, Promise<void>>();
  readonly #activeJobs = new Map<string, Promise<unknown>>();
  readonly #jobConcurrency: number;
  readonly #jobLeaseMs: number;
  readonly #handlers: Map<string, JobHandler>;
  readonly #stop = new AbortController();
  #crons: Cron[] = [];
  #ticking = false;
  /** The claim in progress: stop() waits for it, so no claim runs on a pool the server is about to close. */
  #claiming: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly deps: Deps,
    options: WorkerOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.#options = { ...defaultEngineOptions, ...options, owner: this.owner };
    this.#concurrency = options.concurrency ?? 4;
    this.#execute = options.execute ?? ((run, signal) => executeRun(this.deps, run, this.#options, signal));
    this.#jobConcurrency = options.jobConcurrency ?? jobDefaults.concurrency;
    this.#jobLeaseMs = options.jobLeaseMs ?? jobDefaults.leaseMs;
    this.#handlers = new Map((options.jobHandlers ?? jobHandlers).map((handler) => [handler.kind, handler]));
  }

  start(): this {
    this.#crons = [
      new Cron('* * * * * *', { protect: true }, async () => {
        await this.tick();
      }),
      new Cron('0 * * * * *', { protect: true }, () => this.#minutely()),
      new Cron('30 17 * * * *', { protect: true }, () => this.#hourly()),
    ];
    return this;
  }

  /**
   * Claims the runs and jobs due now (also called right after "Sync now" so it need not wait for the next
   * second). Returns how many of both it started.
   */
  async tick(): Promise<number> {
    if (this.#ticking || this.#stop.signal.aborted) return 0;
    this.#ticking = true;
    const claiming = (async () => (await this.#claimRuns()) + (this.#stop.signal.aborted ? 0 : await this.#claimJobs()))();
    this.#claiming = claiming;
    try {
      return await claiming;
    } finally {
      this.#ticking = false;
    }
  }

  async #claimRuns(): Promise<number> {
    try {
      const runs = await claimRuns(this.deps.sql, this.owner, this.#concurrency - this.#active.size, this.#options.leaseMs);
      for (const run of runs) {
        const done = this.#execute(run, this.#stop.signal)
          .catch((error: unknown) => this.deps.logger.error('run crashed', { run_id: run.id, error }))
          .finally(() => this.#active.delete(run.id));
        this.#active.set(run.id, done);
      }
      return runs.length;
    } catch (error) {
      this.deps.logger.warn('claiming runs failed', { error: (error as Error).message });
      return 0;
    }
  }

  async #claimJobs(): Promise<number> {
    try {
      const jobs = await claimJobs(this.deps.sql, {
        owner: this.owner,
        limit: this.#jobConcurrency - this.#activeJobs.size,
        kinds: [...this.#handlers.keys()],
        now: this.deps.now(),
        leaseMs: this.#jobLeaseMs,
      });
      for (const job of jobs) {
        const done = runJob(this.deps, job, this.#handlers.get(job.kind)!, { owner: this.owner, leaseMs: this.#jobLeaseMs }, this.#stop.signal)
          .catch((error: unknown) => this.deps.logger.error('job crashed', { job_id: job.id, kind: job.kind, error }))
          .finally(() => this.#activeJobs.delete(job.id));
        this.#activeJobs.set(job.id, done);
      }
      return jobs.length;
    } catch (error) {
      this.deps.logger.warn('claiming jobs failed', { error: (error as Error).message });
      return 0;
    }
  }

  /** Resolves when nothing is running, runs or jobs (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.#active.size > 0 || this.#activeJobs.size > 0) await Promise.all([...this.#active.values(), ...this.#activeJobs.values()]);
  }

  async stop(): Promise<void> {
    for (const cron of this.#crons) cron.stop();
    this.#stop.abort(new Error('worker stopping'));
    await this.#claiming.catch(() => 0);
    await Promise.allSettled([...this.#active.values(), ...this.#activeJobs.values()]);
  }

  async #hourly(): Promise<void> {
    try {
      await keepConnectionsAlive(this.deps);
    } catch (error) {
      this.deps.logger.warn('keep-alive failed', { error: (error as Error).message });
    }
  }

  async #minutely(): Promise<void> {
    try {
      await enqueueDueSchedules(this.deps);
      await pruneBudgets(this.deps.sql);
      await pruneFinishedJobs(this.deps.sql, this.deps.now());
      await pruneEvents(this.deps.sql, this.deps.now());
    } catch (error) {
      this.deps.logger.warn('scheduling failed', { error: (error as Error).message });
    }
  }
}
