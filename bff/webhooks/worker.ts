import { Cron } from 'croner';
import { hostname } from 'node:os';
import type { Deps } from '../context.ts';
import { claimDeliveries } from './deliveries.ts';
import { attemptDelivery, deliveryDefaults, type DeliveryOptions } from './deliver.ts';

export interface WebhookWorkerOptions extends Omit<DeliveryOptions, 'owner' | 'limit'> {
  owner?: string;
  /** Requests this process has in flight at most. */
  concurrency?: number;
}

/**
 * Sends due webhook deliveries, like SyncWorker runs syncs: croner ticks every second, Postgres decides who
 * sends what (SKIP LOCKED, leases). Each tick tops the in-flight set up to `concurrency`, so one slow
 * receiver holds one slot for at most the request timeout, not the whole worker.
 */
export class WebhookWorker {
  readonly owner: string;
  readonly #options: WebhookWorkerOptions;
  readonly #concurrency: number;
  readonly #active = new Set<Promise<unknown>>();
  #job: Cron | undefined;
  #ticking = false;
  #stopped = false;

  constructor(
    private readonly deps: Deps,
    options: WebhookWorkerOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:webhooks:${Math.random().toString(36).slice(2, 8)}`;
    this.#options = options;
    this.#concurrency = options.concurrency ?? deliveryDefaults.limit;
  }

  start(): this {
    this.#job = new Cron('* * * * * *', { protect: true }, async () => {
      await this.tick();
    });
    return this;
  }

  /** Claims what is due now up to free capacity and starts sending it; returns how many were claimed. */
  async tick(): Promise<number> {
    if (this.#ticking || this.#stopped) return 0;
    this.#ticking = true;
    try {
      const claimed = await claimDeliveries(this.deps.sql, {
        owner: this.owner,
        limit: this.#concurrency - this.#active.size,
        now: this.deps.now(),
        leaseMs: this.#options.leaseMs ?? deliveryDefaults.leaseMs,
        tenantIds: this.#options.tenantIds,
      });
      for (const delivery of claimed) {
        const sending: Promise<unknown> = attemptDelivery(this.deps, delivery, { ...this.#options, owner: this.owner })
          .catch((error: unknown) => this.deps.logger.error('webhook delivery crashed', { endpoint_id: delivery.endpoint_id, event_id: delivery.event.id, error }))
          .finally(() => this.#active.delete(sending));
        this.#active.add(sending);
      }
      return claimed.length;
    } catch (error) {
      this.deps.logger.warn('claiming webhook deliveries failed', { error: (error as Error).message });
      return 0;
    } finally {
      this.#ticking = false;
    }
  }

  /** Resolves when nothing is in flight (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.#active.size > 0) await Promise.allSettled([...this.#active]);
  }

  /** Stops claiming and lets requests in flight finish (each is bounded by the request timeout). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#job?.stop();
    await this.idle();
  }
}
