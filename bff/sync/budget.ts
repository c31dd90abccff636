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

/** The answer "every slot is taken": wait for one to be released, here or (polled, backing off) elsewhere. */
const SLOTS_FULL = -1;
const FIRST_BACKOFF_MS = 20;
const MAX_BACKOFF_MS = 1_000;

/**
 * This process's callers waiting on one budget key. Only the one at the head of the queue asks the
 * database; the others wait for their turn, so a hundred waiting requests cost what one does. A slot this
 * process releases wakes the head at once; a slot another replica releases is found by polling with a
 * doubling back-off (20 ms up to 1 s).
 */
class WaitingLine {
  #held = false;
  readonly #queue: (() => void)[] = [];
  readonly #onRelease = new Set<() => void>();

  /** Waits for this caller's turn to ask the database (or rejects when `signal` aborts first). */
  enter(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const turn = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.#queue.indexOf(turn);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(signal!.reason);
      };
      this.#queue.push(turn);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Hands the turn to the next caller, or frees the line. Returns whether anyone is still in it. */
  leave(): boolean {
    const next = this.#queue.shift();
    if (next) next();
    else this.#held = false;
    return this.#held;
  }

  /** Waits until a slot is released in this process, `ms` pass, or `signal` aborts (rejects). */
  released(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const done = () => {
        clearTimeout(timer);
        this.#onRelease.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.#onRelease.delete(done);
        reject(signal!.reason);
      };
      const timer = setTimeout(done, ms);
      this.#onRelease.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

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

/**
 * One company's provider budget, shared by everything that calls the provider for it (sync, write-back,
 * widget reads) in every replica. Acquiring is one short transaction under a per-company advisory lock:
 * count the calls of the last minute and the live slots; take a slot and log the call, or learn how long
 * to wait. Time is the database's, so replicas agree. In each process only one waiter per company asks at
 * a time (see WaitingLine): waiters wake on a released slot or back off, they never spin.
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
      lines.get(this.sql)?.get(this.key)?.wake();
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
    const line = lineFor(this.sql, this.key);
    await line.enter(signal);
    try {
      let backoffMs = FIRST_BACKOFF_MS;
      for (;;) {
        signal?.throwIfAborted();
        const waitMs = await this.#tryAcquire(id);
        if (waitMs === 0) return id;
        if (waitMs === SLOTS_FULL) {
          await line.released(backoffMs + Math.random() * 10, signal);
          backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        } else {
          await sleep(Math.min(waitMs, 5_000) + Math.random() * 10, signal);
        }
      }
    } finally {
      if (!line.leave()) lines.get(this.sql)?.delete(this.key);
    }
  }

  /** One attempt: 0 with a slot taken, SLOTS_FULL, or how many ms until the minute or a pause allows a call. */
  async #tryAcquire(id: string): Promise<number> {
    return this.sql.begin(async (tx) => {
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
      if (state!.slots >= this.limits.concurrent) return SLOTS_FULL;
      await tx`insert into provider_slots (id, budget_key, owner, lease_until) values (${id}, ${this.key}, ${processOwner}, clock_timestamp() + make_interval(secs => ${SLOT_LEASE_MS / 1000}))`;
      await tx`insert into provider_calls (budget_key, at) values (${this.key}, clock_timestamp())`;
      return 0;
    });
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
