/**
 * The sandbox's own clock: real time plus an offset that only moves forward.
 * Token expiry, CDC look-back windows, rate-limit windows and MetaData times all read it, so a test can
 * advance an hour instead of waiting one.
 */
export class SandboxClock {
  #offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError('advance_seconds must be a non-negative number');
    this.#offsetMs += seconds * 1000;
  }

  reset(): void {
    this.#offsetMs = 0;
  }

  /** How far the clock was advanced: persisted, so sandbox time does not jump back on a restart. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  restore(offsetMs: number): void {
    this.#offsetMs = Math.max(0, offsetMs);
  }
}
