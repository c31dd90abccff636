import { randomBytes } from 'node:crypto';
import type { Sql } from '../db/client.ts';

export interface BudgetLimits {
  perMinute: number;
  concurrent: number;
}

/** QuickBooks: 500 requests per minute and 10 in flight per company (QBO-FACTS). */
export const qboLimits: BudgetLimits = { perMinute: 500, concurrent: 10 };

/** A window a little longer than the provider's, so clock skew between us and it never tips us over. */
const WINDOW_MS = 61_000;
/** Slots are kept alive by their process's heartbeat; a dead process's slots free up this soon. */
const SLOT_LEASE_MS = 10_000;
const SLOT_HEARTBEAT_MS = 3_000;

/** This process's name on the slots it holds. */
const processOwner = `${process.pid}:${randomBytes(4).toString('hex')}`;
const keepers = new WeakMap<Sql, ReturnType<typeof setInterval>>();

/** Renews every slot this process holds, for as long as the process lives (a long provider call keeps its slot). */
function keepSlotsAlive(sql: Sql): void {
  if (keepers.has(sql)) return;
  const timer = setInterval(() => {
    sql`update provider_slots set lease_until = clock_timestamp() + make_interval(secs => ${SLOT_LEASE_MS / 1000}) where owner = ${processOwner}`.catch(() => {});
  }, SLOT_HEARTBEAT_MS);
  timer.unref();
  keepers.set(sql, timer);
}

/**
 * One company's provider budget, shared by everything that calls the provider for it (sync, write-back,
 * widget reads) in every replica. Acquiring is one short transaction under a per-company advisory lock:
 * count the calls of the last minute and the live slots; take a slot and log the call, or learn how long
 * to wait. Time is the database's, so replicas agree.
 */
export class ProviderBudget {
  constructor(
    private readonly sql: Sql,
    private readonly key: string,
    private readonly limits: BudgetLimits,
  ) {}

  /** Runs `call` inside the budget: waits for a slot and a place in the rolling minute first. */
  async run<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const slot = await this.acquire(signal);
    try {
      return await call();
    } finally {
      await this.sql`delete from provider_slots where id = ${slot}`;
    }
  }

  /** Nobody calls the provider for this company for `seconds` (a 429 said so), in any replica. */
  async pause(seconds: number): Promise<void> {
    await this.sql`
      insert into provider_pauses (budget_key, until) values (${this.key}, clock_timestamp() + make_interval(secs => ${seconds}))
      on conflict (budget_key) do update set until = greatest(provider_pauses.until, excluded.until)`;
  }

  async acquire(signal?: AbortSignal): Promise<string> {
    keepSlotsAlive(this.sql);
    const id = randomBytes(8).toString('hex');
    for (;;) {
      signal?.throwIfAborted();
      const waitMs = await this.sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext(${this.key}))`;
        const [state] = await tx<{ calls: number; oldest_age_ms: number | null; slots: number; paused_ms: number | null }[]>`
          select
            (select count(*)::int from provider_calls where budget_key = ${this.key} and at > clock_timestamp() - make_interval(secs => ${WINDOW_MS / 1000})) as calls,
            (select extract(epoch from clock_timestamp() - min(at)) * 1000 from provider_calls
               where budget_key = ${this.key} and at > clock_timestamp() - make_interval(secs => ${WINDOW_MS / 1000})) as oldest_age_ms,
            (select count(*)::int from provider_slots where budget_key = ${this.key} and lease_until > clock_timestamp()) as slots,
            (select extract(epoch from until - clock_timestamp()) * 1000 from provider_pauses
               where budget_key = ${this.key} and until > clock_timestamp()) as paused_ms`;
        if (state!.paused_ms !== null) return Math.max(20, Number(state!.paused_ms));
        if (state!.calls >= this.limits.perMinute) return Math.max(20, WINDOW_MS - Number(state!.oldest_age_ms ?? 0));
        if (state!.slots >= this.limits.concurrent) return 15;
        await tx`insert into provider_slots (id, budget_key, owner, lease_until) values (${id}, ${this.key}, ${processOwner}, clock_timestamp() + make_interval(secs => ${SLOT_LEASE_MS / 1000}))`;
        await tx`insert into provider_calls (budget_key, at) values (${this.key}, clock_timestamp())`;
        return 0;
      });
      if (waitMs === 0) return id;
      await sleep(Math.min(waitMs, 5_000) + Math.random() * 10, signal);
    }
  }
}

/** Forgets calls older than any window and slots whose holder died; run now and then by the worker. */
export async function pruneBudgets(sql: Sql): Promise<void> {
  await sql`delete from provider_calls where at < clock_timestamp() - interval '5 minutes'`;
  await sql`delete from provider_slots where lease_until < clock_timestamp()`;
}

/**
 * Waits `ms`, or rejects with the signal's reason when it aborts first. The abort listener goes when the
 * wait ends either way: a run's one signal sees thousands of waits, and listeners left behind pile up
 * (MaxListenersExceededWarning) and keep every finished wait alive until the run ends.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
