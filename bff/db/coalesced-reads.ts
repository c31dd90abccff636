/**
 * Reads of rows by key, coalesced: while a query is out, the keys asked for meanwhile wait and go together in
 * the next (`where id = any(…)`), so under load N requests make about N ÷ k round trips instead of N. Every
 * read still goes to the database after it was asked for (nothing is cached, and a key never joins a query
 * already out), so an answer is never older than its request. With nothing in flight a key goes out on the
 * next turn of the event loop, with the other keys that turn asked for.
 *
 * Each round trip costs a socket write and a Postgres statement however many rows it reads; at thousands of
 * reads a second those dominate a primary-key read (the `widget-load` bench).
 */
export class CoalescedReads<Row> {
  #waiting = new Map<string, Waiter<Row>[]>();
  /** Queries out and not yet slow: a slow one stops holding back the next (see `slowMs`). */
  #inFlight = 0;
  #scheduled = false;

  /**
   * `read` answers the rows of the given keys (missing keys left out; a key's rows in the order they are to be
   * answered) and `keyOf` names a row's key. At most `maxInFlight` queries wait for an answer at once, the fewer
   * the more each carries; one out longer than `slowMs` (a busy pool, a lost socket) no longer counts, so a
   * stalled query delays only the reads it carries. A query carries at most `maxKeys` keys.
   */
  constructor(
    private readonly read: (keys: string[]) => Promise<readonly Row[]>,
    private readonly keyOf: (row: Row) => string,
    private readonly options: { maxInFlight?: number; slowMs?: number; maxKeys?: number } = {},
  ) {}

  /** Every row of the key, in the order `read` gave them ([] for none). */
  load(key: string): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      const waiters = this.#waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.#waiting.set(key, [{ resolve, reject }]);
      this.#schedule();
    });
  }

  /** The key's row, for keys naming at most one. */
  async loadOne(key: string): Promise<Row | undefined> {
    return (await this.load(key))[0];
  }

  #schedule(): void {
    if (this.#scheduled || this.#full() || this.#waiting.size === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#send();
    });
  }

  #full(): boolean {
    return this.#inFlight >= (this.options.maxInFlight ?? 2);
  }

  #send(): void {
    if (this.#full() || this.#waiting.size === 0) return;
    const batch = this.#take();
    this.#inFlight++;
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      this.#inFlight--;
    };
    const slow = setTimeout(() => {
      release();
      this.#send();
    }, this.options.slowMs ?? 100);
    slow.unref();
    Promise.resolve()
      .then(() => this.read([...batch.keys()]))
      .then((rows) => this.#answer(batch, rows))
      .catch((error: unknown) => {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      })
      .finally(() => {
        clearTimeout(slow);
        release();
        this.#send();
      });
  }

  /** The waiting keys for one query: all of them, or the first `maxKeys` (the rest go next). */
  #take(): Map<string, Waiter<Row>[]> {
    const maxKeys = this.options.maxKeys ?? 500;
    if (this.#waiting.size <= maxKeys) {
      const all = this.#waiting;
      this.#waiting = new Map();
      return all;
    }
    const batch = new Map<string, Waiter<Row>[]>();
    for (const [key, waiters] of this.#waiting) {
      if (batch.size === maxKeys) break;
      batch.set(key, waiters);
      this.#waiting.delete(key);
    }
    return batch;
  }

  /** Answers every waiter of the batch; one whose answer cannot be built is rejected, never left waiting. */
  #answer(batch: Map<string, Waiter<Row>[]>, rows: readonly Row[]): void {
    const byKey = new Map<string, Row[]>();
    for (const row of rows) {
      const key = this.keyOf(row);
      const found = byKey.get(key);
      if (found) found.push(row);
      else byKey.set(key, [row]);
    }
    for (const [key, waiters] of batch) {
      const found = byKey.get(key) ?? [];
      // Each caller gets its own array: one may filter or sort what it was given.
      for (const waiter of waiters) waiter.resolve(waiters.length === 1 ? found : [...found]);
      batch.delete(key);
    }
  }
}

interface Waiter<Row> {
  resolve: (rows: Row[]) => void;
  reject: (error: unknown) => void;
}
