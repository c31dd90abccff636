import { Cron } from 'croner';
import { hostname } from 'node:os';
import type { Deps } from '../context.ts';
import { claimDeliveries } from './deliveries.ts';
import { attemptDelivery, deliveryDefaults, type DeliveryOptions } from './deliver.ts';

export interface WebhookWorkerOptions extends Omit<DeliveryOptions, 'owner' | 'limit'> {
  owner?: string;
  /** Requests this process has in flight at most; LEDGERLINK_WEBHOOK_CONCURRENCY by default. */
  concurrency?: number;
}

/**
 * Sends due webhook deliveries, like SyncWorker runs syncs: croner ticks every second, Postgres decides who
 * sends what (SKIP LOCKED, leases). Each tick tops the in-flight set up to `concurrency`, so one slow
 * receiver holds one slot for at most the request timeout, not the whole worker; the claim shares the slots
 * fairly between tenants (bff/webhooks/deliveries.ts), so one tenant's silent receivers never hold them all.
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
    this.#concurrency = options.concurrency ?? deps.config.LEDGERLINK_WEBHOOK_CONCURRENCY ?? deliveryDefaults.limit;
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
      // A claim looks at a window of the oldest due rows; when one tenant fills it and reaches its share, the
      // next claim (its share now taken) sees the others. A few rounds fill the free slots in one tick.
      let claimedCount = 0;
      for (let round = 0; round < 4 && this.#active.size < this.#concurrency; round++) {
        const claimed = await claimDeliveries(this.deps.sql, {
          owner: this.owner,
          limit: this.#concurrency - this.#active.size,
          now: this.deps.now(),
          leaseMs: this.#options.leaseMs ?? deliveryDefaults.leaseMs,
          perTenant: this.#options.perTenant ?? this.deps.config.LEDGERLINK_WEBHOOK_TENANT_CONCURRENCY,
          tenantIds: this.#options.tenantIds,
        });
        if (claimed.length === 0) break;
        claimedCount += claimed.length;
        for (const delivery of claimed) {
          const sending: Promise<unknown> = attemptDelivery(this.deps, delivery, { ...this.#options, owner: this.owner })
            .catch((error: unknown) => this.deps.logger.error('webhook delivery crashed', { endpoint_id: delivery.endpoint_id, event_id: delivery.event.id, error }))
            .finally(() => this.#active.delete(sending));
          this.#active.add(sending);
        }
      }
      return claimedCount;
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
