import type { Sql } from '../db/client.ts';

/** Every limit counts requests per minute. */
export const WINDOW_MS = 60_000;
/** How often a process adds what it counted to the shared counters and learns the other replicas' counts. */
const FLUSH_MS = 200;
/** Counter rows older than this many windows are deleted (by whichever replica flushes first each minute). */
const KEEP_WINDOWS = 2;
const MAX_BUCKETS = 100_000;

/** What one bucket allowed, for the RateLimit-* headers and a 429's Retry-After. */
export interface RateDecision {
  allowed: boolean;
  /** The bucket's kind (session, tenant, ip, …): names the limit in headers and errors. */
  policy: string;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
  /** When refused: seconds until one request fits again. */
  retryAfterSeconds: number;
}

interface Count {
  /** The bucket's name (the key it is kept under). */
  bucket: string;
  /** Minutes since the epoch. */
  window: number;
  /** Every replica's hits in `window`, as of this process's last flush (its own flushed hits included). */
  shared: number;
  /** This process's hits in `window` not yet flushed. */
  local: number;
  /** Every replica's hits in the window before. */
  previous: number;
  /** Whether it is in the limiter's list of counts with hits to flush (its `local`, in `window`). */
  dirty: boolean;
}

/** Hits counted in a window that ended before they were flushed: flushed with the next batch, into that window. */
interface LateHits {
  bucket: string;
  window: number;
  hits: number;
}

/**
 * Per-minute limits shared by all replicas without a database round trip per request. Each process decides
 * from what it knows: the shared total as of its last flush plus what it allowed since. Every 200 ms (only
 * while requests come) one upsert adds its counts to `rate_limit_counters` and returns the new totals. The
 * trade-off: N replicas may together overshoot a limit by what they allow in one flush period (for a
 * session at 600/min, a few requests), in exchange for a limiter that costs a map lookup per request and
 * one statement per process per 200 ms, however many requests or buckets.
 *
 * The window slides: the previous minute's total counts in proportion to how much of it is still within the
 * last 60 s (the approximation Cloudflare and nginx use), so a caller cannot spend twice the limit across a
 * window boundary.
 */
export class SharedRateLimiter {
  readonly #counts = new Map<string, Count>();
  /**
   * The counts with unflushed hits (their `local`): noted on a count's first hit after a flush, so a request
   * costs no map of its own and a flush visits only what changed.
   */
  #dirty: Count[] = [];
  /** Unflushed hits of windows their counts have since left. */
  #late: LateHits[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> | undefined;
  #prunedWindow = 0;
  /** Credentials refused lately, until when: their next requests are refused before any other work. */
  readonly #refused = new Map<string, { decision: RateDecision; untilMs: number }>();

  constructor(
    private readonly sql: Sql,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request against `bucket` when it fits under `limit` per minute; refuses it otherwise. */
  take(policy: string, bucket: string, limit: number): RateDecision {
    const now = this.now();
    const window = Math.floor(now / WINDOW_MS);
    const elapsed = (now - window * WINDOW_MS) / WINDOW_MS;
    const count = this.#countOf(bucket, window);
    const used = count.previous * (1 - elapsed) + count.shared + count.local;
    const resetSeconds = Math.max(1, Math.ceil((1 - elapsed) * (WINDOW_MS / 1000)));
    if (used + 1 > limit) {
      return { allowed: false, policy, limit, remaining: 0, resetSeconds, retryAfterSeconds: retryAfter(count, limit, elapsed) };
    }
    count.local += 1;
    if (!count.dirty) {
      count.dirty = true;
      this.#dirty.push(count);
    }
    this.#scheduleFlush();
    return { allowed: true, policy, limit, remaining: Math.max(0, Math.floor(limit - used - 1)), resetSeconds, retryAfterSeconds: 0 };
  }

  /**
   * Remembers that a credential (its Authorization header) was refused, until `decision` says a request
   * would fit again, so a caller who keeps sending is answered without verifying its token again.
   */
  rememberRefusal(credential: string, decision: RateDecision): void {
    if (this.#refused.size >= MAX_BUCKETS) this.#refused.clear();
    this.#refused.set(credential, { decision, untilMs: this.now() + decision.retryAfterSeconds * 1000 });
  }

  /** The refusal still standing for a credential, with the time left; undefined once it has passed. */
  refusalOf(credential: string): RateDecision | undefined {
    const entry = this.#refused.get(credential);
    if (!entry) return undefined;
    const leftMs = entry.untilMs - this.now();
    if (leftMs <= 0) {
      this.#refused.delete(credential);
      return undefined;
    }
    return { ...entry.decision, retryAfterSeconds: Math.ceil(leftMs / 1000) };
  }

  /** Adds this process's unflushed counts to the shared ones and learns the totals; at most one at a time. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#dirty.length === 0 && this.#late.length === 0) return;
    this.#flushing = this.#flushOnce().finally(() => (this.#flushing = undefined));
    await this.#flushing;
  }

  /** Stops the timer; what was not flushed is dropped (it would expire within a minute anyway). */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #countOf(bucket: string, window: number): Count {
    let count = this.#counts.get(bucket);
    if (!count) {
      if (this.#counts.size >= MAX_BUCKETS) this.#forgetOld(window);
      count = { bucket, window, shared: 0, local: 0, previous: 0, dirty: false };
      this.#counts.set(bucket, count);
    } else if (count.window !== window) {
      // Hits of the window left behind that are not flushed yet still go to that window's row.
      if (count.dirty && count.local > 0) this.#late.push({ bucket, window: count.window, hits: count.local });
      count.previous = count.window === window - 1 ? count.shared + count.local : 0;
      count.window = window;
      count.shared = 0;
      count.local = 0;
    }
    return count;
  }

  #forgetOld(window: number): void {
    for (const [bucket, count] of this.#counts) if (count.window < window - 1) this.#counts.delete(bucket);
    if (this.#counts.size >= MAX_BUCKETS) this.#counts.clear();
  }

  #scheduleFlush(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(() => {});
    }, FLUSH_MS);
    this.#timer.unref?.();
  }

  async #flushOnce(): Promise<void> {
    const dirty = this.#dirty;
    const late = this.#late;
    this.#dirty = [];
    this.#late = [];
    /** What each sent row will total if no other replica counted in it since this one last flushed; -1: unknown. */
    const sent: { count: Count | undefined; bucket: string; window: number; hits: number; expected: number }[] = [];
    for (const { bucket, window, hits } of late) sent.push({ count: undefined, bucket, window, hits, expected: -1 });
    for (const count of dirty) {
      count.dirty = false;
      // A count that moved to a new window since its first hit here sent those hits as late ones.
      if (count.local > 0) sent.push({ count, bucket: count.bucket, window: count.window, hits: count.local, expected: count.shared + count.local });
    }
    if (sent.length === 0) return;
    const current = Math.floor(this.now() / WINDOW_MS);
    let rows: { bucket: string; window_start: number; hits: number }[];
    try {
      // One JSON parameter rather than an array per column (and each twice): a flush every 200 ms of every
      // bucket a busy process served was a fifth of its CPU, mostly spent serialising those arrays. Only the
      // rows another replica also counted in come back: with one replica, or buckets only one replica serves
      // (most: a user's browser talks to one at a time), the answer is empty however many were written.
      const json = JSON.stringify(sent.map((row) => [row.bucket, row.window, row.hits, row.expected]));
      rows = await this.sql<{ bucket: string; window_start: number; hits: number }[]>`
        with sent as (
          select e->>0 as bucket, (e->>1)::int as window_start, (e->>2)::int as hits, (e->>3)::int as expected
          from json_array_elements(${json}::text::json) as e
        ), counted as (
          insert into rate_limit_counters (bucket, window_start, hits)
          select bucket, window_start, sum(hits)::int from sent group by bucket, window_start
          on conflict (bucket, window_start) do update set hits = rate_limit_counters.hits + excluded.hits
          returning bucket, window_start, hits
        )
        select counted.bucket, counted.window_start, counted.hits
        from counted join sent on sent.bucket = counted.bucket and sent.window_start = counted.window_start
        where counted.hits <> sent.expected`;
    } catch {
      // The database is unreachable: limits hold per process until it is back. Hits of windows already left
      // are not shared; a count's hits in its current window go with its next flush (its `local` keeps them).
      return;
    }
    const totals = rows.length === 0 ? undefined : new Map(rows.map((row) => [`${row.window_start}:${row.bucket}`, row.hits]));
    for (const { count: sentCount, bucket, window, hits, expected } of sent) {
      const total = totals?.get(`${window}:${bucket}`) ?? expected;
      const count = sentCount && this.#counts.get(bucket) === sentCount ? sentCount : this.#counts.get(bucket);
      if (!count || total < 0) continue;
      if (count.window === window) {
        count.local = Math.max(0, count.local - hits);
        count.shared = total;
      } else if (count.window === window + 1) {
        count.previous = Math.max(count.previous, total);
      }
    }
    if (current > this.#prunedWindow) {
      this.#prunedWindow = current;
      await this.sql`delete from rate_limit_counters where window_start < ${current - KEEP_WINDOWS}`.catch(() => {});
    }
  }
}

/** Seconds until `used + 1 <= limit`: the previous window's weight falls as time passes; this window's does not. */
function retryAfter(count: Count, limit: number, elapsed: number): number {
  const current = count.shared + count.local;
  const windowSeconds = WINDOW_MS / 1000;
  if (current + 1 > limit || count.previous === 0) return Math.max(1, Math.ceil((1 - elapsed) * windowSeconds));
  // previous × (1 − f) + current + 1 ≤ limit  ⇔  f ≥ 1 − (limit − current − 1) / previous
  const fits = 1 - (limit - current - 1) / count.previous;
  return Math.max(1, Math.ceil((fits - elapsed) * windowSeconds));
}
