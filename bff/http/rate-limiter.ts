import type { Sql } from '../db/client.ts';

/** Every limit counts requests per minute. */
export const WINDOW_MS = 60_000;
/**
 * How often a process adds what it counted to the shared counters and learns the other replicas' counts, for
 * a bucket whose hits since its last flush are a notable share of what its limit has left (PROMPT_SHARE).
 */
const FLUSH_MS = 200;
/**
 * Any other bucket's hits are added within this long: a bucket far from its limit gains nothing from being
 * shared five times a second, and with a thousand users each flush wrote a row per user (the database's
 * and this process's largest cost per request after the request itself).
 */
const QUIET_FLUSH_MS = 1_000;
/**
 * A bucket is flushed at FLUSH_MS once this process's unflushed hits reach 1/PROMPT_SHARE of what is left
 * of its limit as this process last learned it. Up to PROMPT_SHARE replicas holding back their share together
 * cannot pass the limit; only what they allow in one FLUSH_MS can, as before.
 */
const PROMPT_SHARE = 8;
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
  /** When its oldest unflushed hit was counted (ms). */
  dirtySince: number;
  /** The limit its last request was held to. */
  limit: number;
}

/** One row of a flush: what it adds, and what its total will be if no other replica counted in it since this one last flushed (-1: unknown). */
interface Row {
  bucket: string;
  window_start: number;
  hits: number;
  expected: number;
}

/** What one count (or late hits) put in a flush's row. */
interface Sent {
  count: Count | undefined;
  bucket: string;
  window: number;
  hits: number;
  row: Row;
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
 * while requests come) one upsert adds its counts to `rate_limit_counters` and returns the new totals: those
 * of buckets near their limit (PROMPT_SHARE), and the others' once their hits are QUIET_FLUSH_MS old. The
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
    count.limit = limit;
    if (!count.dirty) {
      count.dirty = true;
      count.dirtySince = now;
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
    await this.#flush(false);
  }

  /** `onlyDue`: the timer's flush, of the buckets near their limit or with hits older than QUIET_FLUSH_MS. */
  async #flush(onlyDue: boolean): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#dirty.length === 0 && this.#late.length === 0) return;
    this.#flushing = this.#flushOnce(onlyDue).finally(() => (this.#flushing = undefined));
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
      count = { bucket, window, shared: 0, local: 0, previous: 0, dirty: false, dirtySince: 0, limit: 0 };
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
      // Buckets left for later keep the timer going until they are flushed.
      this.#flush(true).then(() => this.#dirty.length > 0 && this.#scheduleFlush(), () => {});
    }, FLUSH_MS);
    this.#timer.unref?.();
  }

  async #flushOnce(onlyDue: boolean): Promise<void> {
    const nowMs = this.now();
    const current = Math.floor(nowMs / WINDOW_MS);
    let dirty = this.#dirty;
    this.#dirty = [];
    if (onlyDue) {
      const due: Count[] = [];
      for (const count of dirty) {
        const headroom = count.limit - count.shared - count.previous;
        if (count.window !== current || nowMs - count.dirtySince >= QUIET_FLUSH_MS || count.local * PROMPT_SHARE >= headroom) due.push(count);
        else this.#dirty.push(count);
      }
      dirty = due;
    }
    const late = this.#late;
    this.#late = [];
    const sent: Sent[] = [];
    /** One row per bucket and window, as one statement can upsert a row once (a bucket forgotten and counted again has two counts). */
    const rows = new Map<string, Row[]>();
    const add = (count: Count | undefined, bucket: string, window: number, hits: number, expected: number) => {
      let same = rows.get(bucket);
      if (!same) rows.set(bucket, (same = []));
      let row = same.find((candidate) => candidate.window_start === window);
      if (row) {
        row.hits += hits;
        row.expected = -1;
      } else {
        same.push((row = { bucket, window_start: window, hits, expected }));
      }
      sent.push({ count, bucket, window, hits, row });
    };
    for (const { bucket, window, hits } of late) add(undefined, bucket, window, hits, -1);
    for (const count of dirty) {
      count.dirty = false;
      // A count that moved to a new window since its first hit here sent those hits as late ones.
      if (count.local > 0) add(count, count.bucket, count.window, count.local, count.shared + count.local);
    }
    if (sent.length === 0) return;
    let answered: { bucket: string; window_start: number; hits: number }[];
    try {
      // One JSON parameter: an array per column (the buckets twice) cost this process about three times as
      // much to serialise for the same rows. Only the rows another replica also counted in come back: with one replica, or buckets only one replica serves
      // (most: a user's browser talks to one at a time), the answer is empty however many were written.
      const json = JSON.stringify([...rows.values()].flat());
      answered = await this.sql<{ bucket: string; window_start: number; hits: number }[]>`
        with sent as (
          select * from json_to_recordset(${json}::text::json) as sent (bucket text, window_start int, hits int, expected int)
        ), counted as (
          insert into rate_limit_counters (bucket, window_start, hits)
          select bucket, window_start, hits from sent
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
    const totals = answered.length === 0 ? undefined : new Map(answered.map((row) => [`${row.window_start}:${row.bucket}`, row.hits]));
    for (const { count: sentCount, bucket, window, hits, row } of sent) {
      const total = totals?.get(`${window}:${bucket}`) ?? row.expected;
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
