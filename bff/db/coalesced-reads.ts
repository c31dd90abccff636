/**
 * Reads of rows by key, coalesced: while a query is out, the keys asked for meanwhile wait and go together in
 * the next (`where id = any(…)`), so under load N requests make about N ÷ k round trips instead of N. Every
 * read still goes to the database after it was asked for (nothing is cached), so an answer is never older than
 * its request. With nothing in flight a key goes out on the next turn of the event loop, with the other keys
 * that turn asked for.
 *
 * Each round trip costs a socket write and a Postgres statement however many rows it reads; at thousands of
 * reads a second those dominate a primary-key read (the `widget-load` bench).
 */
export class CoalescedReads<Row> {
  #waiting = new Map<string, { resolve: (rows: Row[]) => void; reject: (error: unknown) => void }[]>();
  #inFlight = 0;
  #scheduled = false;

  /**
   * `read` answers the rows of the given keys (missing keys left out; a key's rows in the order they are to be
   * answered) and `keyOf` names a row's key. `maxInFlight` bounds the queries out at once: the fewer, the more
   * each carries.
   */
  constructor(
    private readonly read: (keys: string[]) => Promise<readonly Row[]>,
    private readonly keyOf: (row: Row) => string,
    private readonly maxInFlight = 2,
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
    if (this.#scheduled || this.#inFlight >= this.maxInFlight || this.#waiting.size === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#send();
    });
  }

  #send(): void {
    if (this.#inFlight >= this.maxInFlight || this.#waiting.size === 0) return;
    const batch = this.#waiting;
    this.#waiting = new Map();
    this.#inFlight++;
    this.read([...batch.keys()])
      .then(
        (rows) => {
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
          }
        },
        (error: unknown) => {
          for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
        },
      )
      .finally(() => {
        this.#inFlight--;
        this.#send();
      });
  }
}
