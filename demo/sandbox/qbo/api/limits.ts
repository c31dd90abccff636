/**
 * Intuit's throttles: requests per rolling minute per realm, report requests per rolling minute per realm, and
 * requests in flight per app and realm. Pure bookkeeping over timestamps, so it can be tested without a clock.
 */
const MINUTE_MS = 60_000;

/** Timestamps of requests within the last minute, oldest first: accepted ones, or (`add`) every one seen. */
export class RollingWindow {
  #times: number[] = [];
  #head = 0;
  /** Most requests ever seen within one rolling minute. */
  peak = 0;

  #trim(nowMs: number): void {
    while (this.#head < this.#times.length && (this.#times[this.#head] ?? 0) <= nowMs - MINUTE_MS) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }

  count(nowMs: number): number {
    this.#trim(nowMs);
    return this.#times.length - this.#head;
  }

  /** Records a request if the window has room; false means throttle it. */
  tryAdd(nowMs: number, limit: number): boolean {
    if (this.count(nowMs) >= limit) return false;
    this.add(nowMs);
    return true;
  }

  /**
   * Records a request whatever the limit: the window of attempts, refused ones included. Its peak is what a
   * client really sent in a minute; the admitted window's peak can never pass the limit, so it proves nothing.
   */
  add(nowMs: number): void {
    this.#trim(nowMs);
    this.#times.push(nowMs);
    this.peak = Math.max(this.peak, this.#times.length - this.#head);
  }
}

export class InFlight {
  #current = 0;
  peak = 0;

  get current(): number {
    return this.#current;
  }

  tryEnter(limit: number): boolean {
    if (this.#current >= limit) return false;
    this.#current++;
    this.peak = Math.max(this.peak, this.#current);
    return true;
  }

  /** Enters whatever the limit: attempts in flight, refused ones included until they are answered. */
  enter(): void {
    this.#current++;
    this.peak = Math.max(this.peak, this.#current);
  }

  leave(): void {
    this.#current = Math.max(0, this.#current - 1);
  }
}
