import type { SandboxSettings, WebhookFormat } from '../settings.ts';
import type { Change } from './company.ts';
import type { AppRegistry } from './oauth/apps.ts';
import type { GrantStore } from './oauth/grants.ts';
import type { RealmStats } from './stats.ts';
import { cloudEventsBody, legacyBody, signature, type WebhookEvent } from './webhook-payloads.ts';

/** Intuit answers need to come within 3 s; later counts as not acknowledged. */
const ACK_TIMEOUT_MS = 3_000;
/** Intuit retries with growing back-off up to hours; `webhook_retry_scale` shrinks it for tests. */
const RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000, 3_600_000];
const BATCH_LIMIT = 100;

interface Destination {
  url: string;
  verifier: string;
  format: WebhookFormat;
}

interface Queue {
  destination: Destination;
  events: WebhookEvent[];
  timer: ReturnType<typeof setTimeout> | null;
}

export interface Delivery {
  url: string;
  format: WebhookFormat;
  events: number;
  attempt: number;
  status: number | null;
  error: string | null;
}

export interface WebhookDeps {
  settings: () => SandboxSettings;
  apps: AppRegistry;
  grants: GrantStore;
  stats: (realmId: string) => RealmStats;
}

/**
 * Sends data-change notifications to every app connected to the changed company that has a webhook configured
 * (or to the sandbox-wide webhook), batched, signed and retried until acknowledged.
 */
export class WebhookDispatcher {
  readonly #queues = new Map<string, Queue>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly deliveries: Delivery[] = [];
  #closed = false;

  constructor(readonly deps: WebhookDeps) {}

  #destinations(realmId: string): Destination[] {
    const settings = this.deps.settings();
    const found = new Map<string, Destination>();
    for (const grant of this.deps.grants.liveGrants(realmId)) {
      const app = this.deps.apps.get(grant.clientId);
      let destination: Destination | null = null;
      if (app?.webhook_url && app.webhook_verifier) destination = { url: app.webhook_url, verifier: app.webhook_verifier, format: app.webhook_format ?? settings.webhook_format };
      else if (settings.webhook_url && settings.webhook_verifier) destination = { url: settings.webhook_url, verifier: settings.webhook_verifier, format: settings.webhook_format };
      if (destination) found.set(`${destination.url} ${destination.format}`, destination);
    }
    return [...found.values()];
  }

  notify(realmId: string, change: Change): void {
    if (this.#closed) return;
    for (const destination of this.#destinations(realmId)) {
      const key = `${destination.url} ${destination.format} ${destination.verifier}`;
      let queue = this.#queues.get(key);
      if (!queue) {
        queue = { destination, events: [], timer: null };
        this.#queues.set(key, queue);
      }
      queue.events.push({ realmId, change });
      if (!queue.timer) {
        const scheduled = queue;
        queue.timer = this.#schedule(this.deps.settings().webhook_batch_ms, () => {
          scheduled.timer = null;
          this.#drain(key);
        });
      }
    }
  }

  #schedule(delayMs: number, run: () => void): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, delayMs);
    timer.unref?.();
    this.#timers.add(timer);
    return timer;
  }

  #drain(key: string): void {
    const queue = this.#queues.get(key);
    if (!queue) return;
    this.#queues.delete(key);
    for (let start = 0; start < queue.events.length; start += BATCH_LIMIT) {
      this.#track(this.#send(queue.destination, queue.events.slice(start, start + BATCH_LIMIT), 1));
    }
  }

  #track(promise: Promise<void>): void {
    this.#inFlight.add(promise);
    void promise.finally(() => this.#inFlight.delete(promise));
  }

  async #send(destination: Destination, events: WebhookEvent[], attempt: number): Promise<void> {
    if (this.#closed) return;
    const body = JSON.stringify(destination.format === 'legacy' ? legacyBody(events) : cloudEventsBody(events));
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(destination.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'intuit-signature': signature(body, destination.verifier), 'user-agent': 'QuickBooks Online Webhooks (sandbox)' },
        body,
        signal: AbortSignal.timeout(ACK_TIMEOUT_MS),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    this.deliveries.push({ url: destination.url, format: destination.format, events: events.length, attempt, status, error });
    if (this.deliveries.length > 1000) this.deliveries.splice(0, this.deliveries.length - 1000);
    const ok = status !== null && status >= 200 && status < 300;
    for (const realm of new Set(events.map((event) => event.realmId))) {
      const stats = this.deps.stats(realm);
      if (ok) stats.webhooksDelivered++;
      else stats.webhooksFailed++;
    }
    const delay = RETRY_DELAYS_MS[attempt - 1];
    if (!ok && delay !== undefined && !this.#closed) {
      this.#schedule(delay * this.deps.settings().webhook_retry_scale, () => this.#track(this.#send(destination, events, attempt + 1)));
    }
  }

  /** Sends everything queued now and waits for deliveries under way (not for scheduled retries). */
  async flush(): Promise<void> {
    for (const [key, queue] of this.#queues) {
      if (queue.timer) clearTimeout(queue.timer);
      this.#drain(key);
    }
    await Promise.all([...this.#inFlight]);
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#queues.clear();
  }

  /** Restart after a reset: drop queued work, keep accepting. */
  reset(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#queues.clear();
    this.deliveries.length = 0;
  }
}
