import { randomBytes } from 'node:crypto';
import type { Sql } from '../db/client.ts';

export interface BudgetLimits {
  perMinute: number;
  concurrent: number;
}

/** QuickBooks: 500 requests per minute and 10 in flight per company (QBO-FACTS). */
export const qboLimits: BudgetLimits = { perMinute: 500, concurrent: 10 };

/**
 * QuickBooks' report limit: 200 report requests per minute per company (QBO-FACTS). A report call runs inside
 * this budget and the company's general one, as Intuit counts it against both.
 */
export const qboReportLimits: BudgetLimits = { perMinute: 200, concurrent: 10 };

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

const FIRST_BACKOFF_MS = 20;
const MAX_BACKOFF_MS = 1_000;

/** One caller waiting for a slot: granted its id, or failed (its signal aborted, or the database refused). */
interface Waiter {
  id: string;
  /** Served before every waiter that is not (see ProviderBudget.run). */
  first: boolean;
  granted(): void;
  failed(error: unknown): void;
}

/**
 * This process's callers waiting on one budget key. One pump per key asks the database for every waiter at
 * once (up to the in-flight limit): a crowd of waiters costs what one does, and ten callers starting together
 * get their ten slots in one transaction instead of ten in a row. A slot this process releases wakes the pump
 * at once; a slot another replica releases is found by polling with a doubling back-off (20 ms up to 1 s).
 */
class WaitingLine {
  pumping = false;
  readonly waiting: Waiter[] = [];
  /**
   * Slots this process's callers are done with, freed by the pump's next attempt in the same transaction that
   * hands them on: a release costs no statement of its own while others wait. Until then they still count as
   * taken, so the limit holds (a little early, never late).
   */
  readonly releasing: string[] = [];
  readonly #onRelease = new Set<() => void>();

  /**
   * Joins the line, behind every waiter but those not `first` when it is; the promise is the slot's id once
   * granted (rejects when `signal` aborts first).
   */
  join(id: string, signal?: AbortSignal, first = false): Promise<string> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#remove(waiter);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        id,
        first,
        granted: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(id);
        },
        failed: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const behind = first ? this.waiting.findIndex((one) => !one.first) : -1;
      if (behind < 0) this.waiting.push(waiter);
      else this.waiting.splice(behind, 0, waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Hands slots to the waiters they were taken for; ids whose waiter left meanwhile are returned (to free). */
  grant(ids: string[]): string[] {
    const orphans: string[] = [];
    for (const id of ids) {
      const waiter = this.waiting.find((one) => one.id === id);
      if (!waiter) {
        orphans.push(id);
        continue;
      }
      this.#remove(waiter);
      waiter.granted();
    }
    return orphans;
  }

  fail(ids: string[], error: unknown): void {
    for (const waiter of this.waiting.filter((one) => ids.includes(one.id))) {
      this.#remove(waiter);
      waiter.failed(error);
    }
  }

  #remove(waiter: Waiter): void {
    const index = this.waiting.indexOf(waiter);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  /** Waits until a slot is released in this process or `ms` pass. */
  released(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#onRelease.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#onRelease.add(done);
    });
  }

  /** A slot was released (or is waiting to be): the pump stops waiting and asks again. */
  wake(): void {
    for (const listener of [...this.#onRelease]) listener();
  }
}

const lines = new WeakMap<Sql, Map<string, WaitingLine>>();

function lineFor(sql: Sql, key: string): WaitingLine {
  let byKey = lines.get(sql);
  if (!byKey) lines.set(sql, (byKey = new Map()));
  let line = byKey.get(key);
  if (!line) byKey.set(key, (line = new WaitingLine()));
  return line;
}

/** What one attempt got: the ids granted a slot, and (when fewer than asked) how long the rest should wait. */
interface Attempt {
  granted: string[];
  /** SLOTS_FULL: wait for a release; otherwise ms until the minute or a pause allows a call. */
  waitMs: number;
}

/** "Every slot is taken": wait for one to be released, here or (polled, backing off) elsewhere. */
const SLOTS_FULL = -1;

/**
 * One company's provider budget, shared by everything that calls the provider for it (sync, write-back,
 * widget reads) in every replica. Acquiring is one statement (one round trip) under a per-company advisory lock:
 * count the calls of the last minute and the live slots; take as many slots as are free for the callers
 * waiting and log their calls, or learn how long to wait. Time is the database's, so replicas agree. In each
 * process one pump per company asks for all its waiters (see WaitingLine): waiters wake on a released slot or
 * back off, they never spin.
 */
export class ProviderBudget {
  constructor(
    private readonly sql: Sql,
    private readonly key: string,
    private readonly limits: BudgetLimits,
  ) {}

  /**
   * Runs `call` inside the budget: waits for a slot and a place in the rolling minute first. A `first` call is
   * served before this process's other waiters for the company (an import's counts and plan pages, which the
   * pages of whole types wait for).
   */
  async run<T>(call: () => Promise<T>, signal?: AbortSignal, first = false): Promise<T> {
    const slot = await this.acquire(signal, first);
    try {
      return await call();
    } finally {
      const line = lines.get(this.sql)?.get(this.key);
      if (line?.pumping) {
        line.releasing.push(slot);
        line.wake();
      } else {
        await this.sql`delete from provider_slots where id = ${slot}`;
        line?.wake();
      }
    }
  }

  /** Nobody calls the provider for this company for `seconds` (a 429 said so), in any replica. */
  async pause(seconds: number): Promise<void> {
    await this.sql`
      insert into provider_pauses (budget_key, until) values (${this.key}, clock_timestamp() + make_interval(secs => ${seconds}))
      on conflict (budget_key) do update set until = greatest(provider_pauses.until, excluded.until)`;
  }

  async acquire(signal?: AbortSignal, first = false): Promise<string> {
    signal?.throwIfAborted();
    keepSlotsAlive(this.sql);
    const line = lineFor(this.sql, this.key);
    const slot = line.join(randomBytes(8).toString('hex'), signal, first);
    if (!line.pumping) void this.#pump(line);
    return slot;
  }

  /** Asks for the line's waiters until none is left, then lets the line go. */
  async #pump(line: WaitingLine): Promise<void> {
    line.pumping = true;
    try {
      let backoffMs = FIRST_BACKOFF_MS;
      for (;;) {
        if (line.waiting.length === 0) {
          // Nobody waits: the slots released meanwhile are freed, and the pump stops once none is left.
          const rest = line.releasing.splice(0);
          if (rest.length === 0) break;
          await this.sql`delete from provider_slots where id in ${this.sql(rest)}`.catch(() => {});
          continue;
        }
        const ids = line.waiting.slice(0, this.limits.concurrent).map((waiter) => waiter.id);
        const releasing = line.releasing.splice(0);
        let attempt: Attempt;
        try {
          attempt = await this.#tryAcquire(ids, releasing);
        } catch (error) {
          line.releasing.push(...releasing);
          line.fail(ids, error);
          continue;
        }
        const orphans = line.grant(attempt.granted);
        // Waiters that gave up while their slot was being taken: the slots go back (their calls stay counted).
        if (orphans.length > 0) await this.sql`delete from provider_slots where id in ${this.sql(orphans)}`.catch(() => {});
        if (attempt.granted.length === ids.length || line.waiting.length === 0) {
          backoffMs = FIRST_BACKOFF_MS;
          continue;
        }
        // Released while that attempt ran: ask again at once.
        if (line.releasing.length > 0) continue;
        if (attempt.waitMs === SLOTS_FULL) {
          if (attempt.granted.length > 0) backoffMs = FIRST_BACKOFF_MS;
          await line.released(backoffMs + Math.random() * 10);
          backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        } else {
          await sleep(Math.min(attempt.waitMs, 5_000) + Math.random() * 10);
        }
      }
    } finally {
      line.pumping = false;
      if (line.waiting.length === 0) lines.get(this.sql)?.delete(this.key);
      // A caller that joined after the loop's last look starts its own pump (acquire saw `pumping` still set).
      else void this.#pump(line);
    }
  }

  /**
   * One attempt for `ids`, in order, after freeing the `released` slots: as many slots as the limits allow
   * taken, and how long the rest wait. One statement (migration 030: provider_budget_take), so one round trip.
   */
  async #tryAcquire(ids: string[], released: string[] = []): Promise<Attempt> {
    const [attempt] = await this.sql<{ granted: string[]; wait_ms: number }[]>`
      select granted, wait_ms from provider_budget_take(
        ${this.key}, ${ids}::text[], ${released}::text[], ${processOwner},
        ${this.limits.perMinute}::int, ${this.limits.concurrent}::int, ${WINDOW_MS}::int, ${SLOT_LEASE_MS}::int)`;
    return { granted: attempt!.granted, waitMs: attempt!.wait_ms < 0 ? SLOTS_FULL : Number(attempt!.wait_ms) };
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
