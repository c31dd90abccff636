import { Cron } from 'croner';
import { hostname } from 'node:os';
import type { Deps } from '../context.ts';
import { keepConnectionsAlive } from '../connections/keep-alive.ts';
import { pruneBudgets } from './budget.ts';
import { defaultEngineOptions, executeRun, type EngineOptions } from './execute-run.ts';
import { claimRuns, type RunRow } from './runs.ts';
import { enqueueDueSchedules } from './schedule.ts';

export interface WorkerOptions extends Partial<EngineOptions> {
  /** Runs this process works on at once. */
  concurrency?: number;
  /** Replaces the real sync (tests of claiming and scheduling). */
  execute?: (run: RunRow, signal: AbortSignal) => Promise<void>;
}

/**
 * Croner only ticks; Postgres decides. Every second each replica claims due runs up to its free capacity
 * (SKIP LOCKED, leases), and every minute it queues scheduled syncs and tidies the provider budgets.
 */
export class SyncWorker {
  readonly owner: string;
  readonly #options: EngineOptions;
  readonly #concurrency: number;
  readonly #execute: (run: RunRow, signal: AbortSignal) => Promise<void>;
  readonly #active = new Map<string, Promise<void>>();
  readonly #stop = new AbortController();
  #jobs: Cron[] = [];
  #ticking = false;

  constructor(
    private readonly deps: Deps,
    options: WorkerOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.#options = { ...defaultEngineOptions, ...options, owner: this.owner };
    this.#concurrency = options.concurrency ?? 4;
    this.#execute = options.execute ?? ((run, signal) => executeRun(this.deps, run, this.#options, signal));
  }

  start(): this {
    this.#jobs = [
      new Cron('* * * * * *', { protect: true }, async () => {
        await this.tick();
      }),
      new Cron('0 * * * * *', { protect: true }, () => this.#minutely()),
      new Cron('30 17 * * * *', { protect: true }, () => this.#hourly()),
    ];
    return this;
  }

  /** Claims what is due now (also called right after "Sync now" so it need not wait for the next second). */
  async tick(): Promise<number> {
    if (this.#ticking || this.#stop.signal.aborted) return 0;
    this.#ticking = true;
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
    } finally {
      this.#ticking = false;
    }
  }

  /** Resolves when nothing is running (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.#active.size > 0) await Promise.all(this.#active.values());
  }

  async stop(): Promise<void> {
    for (const job of this.#jobs) job.stop();
    this.#stop.abort(new Error('worker stopping'));
    await Promise.allSettled(this.#active.values());
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
    } catch (error) {
      this.deps.logger.warn('scheduling failed', { error: (error as Error).message });
    }
  }
}
