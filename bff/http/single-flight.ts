/**
 * Work that many callers may ask for at once but that should happen once: the first caller for a key starts
 * it, later callers join the same promise while it runs. Each caller brings its own abort signal (its HTTP
 * request's, which aborts when the client goes away); the work's own signal aborts only when every caller
 * has gone, so an abandoned request never stops work others still wait for, and work nobody waits for stops.
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, { promise: Promise<T>; controller: AbortController; callers: number }>();

  /** Whether `key` has work in flight (for tests and metrics). */
  has(key: string): boolean {
    return this.#flights.has(key);
  }

  /**
   * The result of the work for `key`: started now (`work` runs), or joined (`work` is not called). Rejects
   * with the caller's abort reason as soon as its own signal aborts.
   */
  run(key: string, signal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    let flight = this.#flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const started = { controller, callers: 0, promise: undefined as unknown as Promise<T> };
      started.promise = Promise.resolve()
        .then(() => work(controller.signal))
        .finally(() => {
          if (this.#flights.get(key) === started) this.#flights.delete(key);
        });
      // A flight whose callers all left still settles; nobody is listening, so its rejection is not unhandled.
      started.promise.catch(() => {});
      this.#flights.set(key, started);
      flight = started;
    }
    const joined = flight;
    joined.callers += 1;
    if (!signal) return joined.promise;
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        joined.callers -= 1;
        if (joined.callers === 0) {
          if (this.#flights.get(key) === joined) this.#flights.delete(key);
          joined.controller.abort(signal.reason);
        }
        reject(signal.reason);
      };
      signal.addEventListener('abort', leave, { once: true });
      joined.promise.then(
        (value) => {
          signal.removeEventListener('abort', leave);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(error);
        },
      );
    });
  }
}
