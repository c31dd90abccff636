import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The server's hint is clamped: never hammer the BFF, never look frozen for more than a minute. */
export const MIN_POLL_MS = 1_000;
export const MAX_POLL_MS = 60_000;

export function clampPollDelay(ms: number | undefined): number {
  if (ms === undefined || !Number.isFinite(ms)) return MAX_POLL_MS / 2;
  return Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, ms));
}

/**
 * Calls `poll` repeatedly, waiting as long as each call asks (its return value, clamped). Pauses while the page is
 * hidden and while the host is out of the DOM; resumes with an immediate poll. One poll at a time: asking for a
 * poll while one is in flight runs another right after it.
 */
export class SyncPoller implements ReactiveController {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: AbortController | undefined;
  #again = false;
  #running = false;
  #connected = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly poll: (signal: AbortSignal) => Promise<number | undefined>,
  ) {
    host.addController(this);
  }

  /** True while a poll is scheduled or in flight (not paused, not stopped). */
  get active(): boolean {
    return this.#running && this.#connected && !document.hidden;
  }

  /**
   * Starts polling now (or restarts, cancelling a request in flight: the answer would be for old inputs). The first
   * poll runs even in a hidden tab, so the content is there when the person comes back; only repeats pause.
   */
  start(): void {
    this.#running = true;
    this.#inFlight?.abort();
    this.#inFlight = undefined;
    void this.#tick(true);
  }

  stop(): void {
    this.#running = false;
    this.#clear();
    this.#inFlight?.abort();
    this.#inFlight = undefined;
  }

  /**
   * Polls as soon as possible (after the current request, if one is in flight), even in a hidden tab: someone asked
   * (an action, a host's refresh()), unlike the repeats, which pause while hidden.
   */
  now(): void {
    if (!this.#running) return;
    if (this.#inFlight) {
      this.#again = true;
      return;
    }
    void this.#tick(true);
  }

  hostConnected(): void {
    this.#connected = true;
    document.addEventListener('visibilitychange', this.#onVisibility);
    if (this.#running) void this.#tick();
  }

  hostDisconnected(): void {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#clear();
    this.#inFlight?.abort();
    this.#inFlight = undefined;
  }

  #onVisibility = (): void => {
    if (document.hidden) {
      this.#clear();
    } else if (this.#running && !this.#inFlight) {
      void this.#tick();
    }
  };

  #clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #tick(evenIfHidden = false): Promise<void> {
    this.#clear();
    if (!this.#running || !this.#connected || (document.hidden && !evenIfHidden)) return;
    const controller = new AbortController();
    this.#inFlight = controller;
    let delay: number | undefined;
    try {
      delay = await this.poll(controller.signal);
    } catch {
      delay = undefined;
    }
    if (this.#inFlight !== controller) return; // stopped, restarted or disconnected meanwhile
    this.#inFlight = undefined;
    if (!this.#running || !this.#connected) return;
    if (this.#again) {
      this.#again = false;
      return void this.#tick(true);
    }
    if (document.hidden) return;
    this.#timer = setTimeout(() => void this.#tick(), clampPollDelay(delay));
  }
}
