import type { Sql } from './client.ts';

export interface KeyedLockOptions {
  /** How long a caller waits for another replica's holder before going on without the lock. */
  waitMs?: number;
  /** The first pause between tries; doubled each time up to maxDelayMs, with jitter. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Called when the wait ran out and the work runs unguarded. */
  onTimeout?: (key: string, waitedMs: number) => void;
}

/**
 * One holder at a time per key, in this process and across replicas, without a waiter ever sitting on a
 * database connection (pools are small, and a holder needs the pool for its own queries: waiters blocking in
 * `pg_advisory_lock` on reserved connections would take it all and deadlock).
 *
 * In this process callers of one key queue on a promise chain and touch no database. The head of that queue
 * then takes a session-level `pg_try_advisory_lock` on one reserved connection, held until its work ends and
 * released in `finally` (a replica that dies drops it with its session). While another replica holds the key,
 * the head gives its connection back and tries again after a pause (20 ms doubling to 200 ms, jittered), for
 * at most `waitMs`; then it logs and goes on as before the lock existed rather than fail the caller.
 *
 * Holders each keep one reserved connection, so at most half the pool holds locks at once; a holder beyond
 * that waits (on no connection) for a slot; a pool of one connection cannot spare one, and gets the in-process
 * queue only. PGlite runs one session for every connection, so there the
 * advisory lock always succeeds and only the in-process queue serialises, which is all one process needs.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #slots: number;
  #held = 0;
  readonly #slotWaiters: (() => void)[] = [];

  constructor(
    private readonly sql: Sql,
    private readonly options: KeyedLockOptions = {},
  ) {
    this.#slots = Math.floor((sql.options?.max ?? 2) / 2);
  }

  /** Whether some caller holds or waits for `key` in this process (for tests). */
  busy(key: string): boolean {
    return this.#tails.has(key);
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const tail = previous.then(() => new Promise<void>((resolve) => (done = resolve)));
    this.#tails.set(key, tail);
    await previous;
    try {
      return await this.#acrossReplicas(key, work);
    } finally {
      done();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  async #acrossReplicas<T>(key: string, work: () => Promise<T>): Promise<T> {
    // A pool of one: the holder's reserved connection would leave its own queries none.
    if (this.#slots === 0) return work();
    await this.#takeSlot();
    try {
      const { waitMs = 15_000, minDelayMs = 20, maxDelayMs = 200 } = this.options;
      const started = Date.now();
      let delay = minDelayMs;
      for (;;) {
        const reserved = await this.sql.reserve();
        let locked = false;
        try {
          const [row] = await reserved<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtext(${key})) as locked`;
          locked = row!.locked;
        } finally {
          if (!locked) reserved.release();
        }
        if (locked) {
          try {
            return await work();
          } finally {
            try {
              await reserved`select pg_advisory_unlock(hashtext(${key}))`;
            } finally {
              reserved.release();
            }
          }
        }
        const waited = Date.now() - started;
        if (waited >= waitMs) {
          this.options.onTimeout?.(key, waited);
          return await work();
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(delay * (0.5 + Math.random()), waitMs - waited)));
        delay = Math.min(delay * 2, maxDelayMs);
      }
    } finally {
      this.#giveSlot();
    }
  }

  async #takeSlot(): Promise<void> {
    if (this.#held < this.#slots) {
      this.#held += 1;
      return;
    }
    await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
  }

  #giveSlot(): void {
    const next = this.#slotWaiters.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.#held -= 1;
  }
}
