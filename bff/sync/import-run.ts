import { setMaxListeners } from 'node:events';
import type { Deps } from '../context.ts';
import type { Queryable, Sql, Tx } from '../db/client.ts';
import { everyRecordOf, QBO_PAGE_SIZE } from '../providers/qbo/entities.ts';
import { splitQueryPage, type PageRecords } from '../records/query-page.ts';
import { PageBuffers } from './page-buffers.ts';
import { storeImportPage, upsertRecords, type ProviderRecord } from '../records/store.ts';
import type { ProviderCaller } from './provider-caller.ts';
import { loadProgress, type ProgressRow, type RunRow } from './runs.ts';

export interface RunContext {
  deps: Deps;
  run: RunRow;
  connectionId: string;
  realmId: string;
  types: readonly string[];
  caller: ProviderCaller;
  /**
   * Pages one run holds between fetch and commit at most, over all its types and ranges (the budget still caps
   * calls in flight), shared out between plans and ranges (sharePagesInFlight). The ranges' share is above the
   * budget's in-flight limit, so a page's commit overlaps the next calls.
   */
  pagesInFlight: number;
  /**
   * Bytes of pages one run holds at most, fetched and not yet committed or under way (PageBytes): the count alone
   * let a company of large records hold pagesInFlight × several MB, and pages waiting on commits hold the memory.
   */
  pageBytesInFlight: number;
  /** Provider calls the run's budget lets it have in flight (PageBytes). */
  callsInFlight: number;
  signal: AbortSignal;
}

interface QueryAnswer {
  QueryResponse: Record<string, unknown> & { totalCount?: number };
  time?: string;
}

/**
 * Parties: their stored balances count transactions, so they are asked for once QuickBooks has answered the last
 * transaction page; then every balance is at least as new as every transaction read (no second read of them).
 * Their pages commit only after every transaction page has: a run stopped in between (a crash, a deploy, a lost
 * lease) must not keep a party while the transaction pages it was read after are fetched again, later and maybe
 * changed, on resume. Asking for them before those commits keeps QuickBooks busy while the last pages commit,
 * where waiting left it idle 0.5–0.7 s of the 200,000-record import.
 */
export const PARTY_TYPES: ReadonlySet<string> = new Set(['Customer', 'Vendor', 'Account']);

/**
 * The first import: every enabled type, paged at QuickBooks' maximum by Id keyset. A type of more than a page
 * is split into Id ranges paged in parallel (see Pager.#plan), so a company made of one big type still keeps the
 * budget's calls in flight. Each page's records and its range's checkpoint (the last Id read) commit in one
 * short transaction, so a crash resumes after the last committed page of every range, nothing lost or doubled.
 * The watermark is the provider's clock before the first page, so whatever changes during the import is
 * caught by the first incremental sync. Parties are paged last (PARTY_TYPES).
 */
export async function runImport(ctx: RunContext): Promise<void> {
  const { deps, run } = ctx;
  const progress = new Map((await loadProgress(deps.sql, run.id)).map((row) => [row.type, row]));
  const pending = ctx.types.filter((type) => !progress.get(type)?.finished);
  // The types are counted meanwhile (a count is no page); no page is read before the watermark is stored.
  const pager = new Pager(ctx, run.watermark ? Promise.resolve() : takeWatermark(ctx));
  const parties = pending.filter((type) => PARTY_TYPES.has(type));
  const transactions = pending.filter((type) => !PARTY_TYPES.has(type)).map((type) => {
    const read = deferred();
    return { read: read.promise, done: pager.importType(type, progress.get(type), read.resolve) };
  });
  // The parties are counted (not read) at once, so their paging later starts with no round trip of its own.
  const counted = parties.map(async (type) => progress.set(type, await pager.count(type, progress.get(type))));
  pager.commitPartiesAfter(Promise.allSettled(transactions.map((type) => type.done)));
  const partiesDone = (async () => {
    // Every transaction page answered (or its type stopped: a failure stops the pager, and the parties with it).
    await pager.all([pager.ready, ...counted, ...transactions.map((type) => type.read)]);
    await pager.all(parties.map((type) => pager.importType(type, progress.get(type))));
  })();
  await pager.all([...transactions.map((type) => type.done), partiesDone]);
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** CompanyInfo and Preferences, and the provider's clock before any page as the run's watermark. */
async function takeWatermark(ctx: RunContext): Promise<void> {
  const { deps, run } = ctx;
  const [info, prefs] = await Promise.all([
    // Ahead of other calls (first), as the counts: no page is fetched before the watermark is stored.
    ctx.caller.call((api) => api.get<{ CompanyInfo: ProviderRecord; time?: string }>(`companyinfo/${encodeURIComponent(ctx.realmId)}`), undefined, true),
    ctx.caller.call((api) => api.get<{ Preferences: ProviderRecord }>('preferences'), undefined, true),
  ]);
  const watermark = info.time ? new Date(info.time) : deps.now();
  await deps.sql.begin(async (tx) => {
    await upsertRecords(tx, ctx.connectionId, 'CompanyInfo', [info.CompanyInfo]);
    await upsertRecords(tx, ctx.connectionId, 'Preferences', [{ Id: '1', ...prefs.Preferences }]);
    await tx`update sync_runs set watermark = ${watermark} where id = ${run.id}`;
  });
  run.watermark = watermark;
}

/** One Id range of a type and how far its pages have committed (a row of sync_ranges). */
interface RangeCheckpoint {
  lower_id: string;
  upper_id: string | null;
  after_id: string | null;
  finished: boolean;
}

/** A query page as fetched: its records for the store (with their count and first and last Ids), and its MAXRESULTS. */
interface FetchedPage extends PageRecords {
  asked: number;
}

/** What a page holds in memory while in hand: its records' text. */
const pageBytes = (page: PageRecords) => page.joined.length;

/**
 * Pages fetched and not yet committed: taken before a call, given back after its commit, in order (FIFO). A run
 * has two, for its plans and its ranges (sharePagesInFlight).
 */
class Permits {
  #free: number;
  readonly #waiting: { n: number; resolve: () => void }[] = [];

  constructor(readonly size: number) {
    this.#free = size;
  }

  async take(n: number, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.#waiting.length === 0 && this.#free >= n) {
      this.#free -= n;
      return;
    }
    await waitInLine(this.#waiting, signal, (resolve) => ({ n, resolve }), () => this.#grant());
  }

  give(n: number): void {
    this.#free += n;
    this.#grant();
  }

  #grant(): void {
    while (this.#waiting.length > 0 && this.#free >= this.#waiting[0]!.n) {
      const next = this.#waiting.shift()!;
      this.#free -= next.n;
      next.resolve();
    }
  }
}

/**
 * Joins `line` (FIFO) with the entry `entryFor` makes, and waits until whoever serves the line calls that entry's
 * `granted`. When `signal` aborts first, the entry leaves the line and `regrant` lets the ones behind it be served.
 */
function waitInLine<E>(line: E[], signal: AbortSignal, entryFor: (granted: () => void) => E, regrant: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      line.splice(line.indexOf(entry), 1);
      reject(signal.reason);
      regrant();
    };
    const entry = entryFor(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    line.push(entry);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Bytes of a run's pages in hand (fetched, not yet committed), against pageBytesInFlight, and its range pages under
 * way. A range asks for its next page only while the bytes in hand are under the limit and fewer of its pages are
 * under way than the run's calls in flight: a page under way holds no memory until it arrives, so the limit never
 * holds back a latency-bound import (there pages wait on QuickBooks, not on commits, and few are in hand), and when
 * pages wait on commits, only the pages under way as the limit is reached land past it. A plan never waits here (it
 * holds its pages until all are in hand, so waiting for room could wait on itself): its pages, at most
 * MAX_RANGES_PER_TYPE, count once in hand, and ranges wait while they fill the limit. So the bytes in hand stay under
 * the limit plus a page per call in flight, or one plan's pages. With the count alone, an import bound by its
 * commits (the provider's limits lifted) held pages up to the count of pages in flight: 32 pages of 1,000 invoices,
 * ~50 MB, for a run.
 */
export class PageBytes {
  #inHand = 0;
  #underWay = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    readonly limit: number,
    /** Range pages under way at most: the run's calls in flight. */
    readonly underWayAtMost: number,
  ) {}

  get inHand(): number {
    return this.#inHand;
  }

  /** Waits (FIFO) until a range page may be asked for; it is then under way until `arrived` or `failed`. */
  async ask(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.#waiting.length === 0 && this.#mayAsk()) {
      this.#underWay++;
      return;
    }
    await waitInLine(this.#waiting, signal, (granted) => granted, () => this.#grant());
  }

  /** A page in hand, of `bytes`: a range page that was asked for here (`asked`), or a plan page. */
  arrived(bytes: number, asked: boolean): void {
    if (asked) this.#underWay--;
    this.#inHand += bytes;
    this.#grant();
  }

  /** A range page asked for here that never arrived. */
  failed(): void {
    this.#underWay--;
    this.#grant();
  }

  /** A page in hand committed (or dropped): its bytes are free. */
  released(bytes: number): void {
    this.#inHand -= bytes;
    this.#grant();
  }

  #mayAsk(): boolean {
    return this.#inHand < this.limit && this.#underWay < this.underWayAtMost;
  }

  #grant(): void {
    while (this.#waiting.length > 0 && this.#mayAsk()) {
      this.#underWay++;
      this.#waiting.shift()!();
    }
  }
}

/**
 * The most Id ranges one type is split into: enough to keep QuickBooks' 10 calls in flight on a company made
 * mostly of one type while its pages commit. A run's pages in flight are shared out between plans and ranges
 * (see Pager), so a type is never split into more ranges than the plans' share.
 */
export const MAX_RANGES_PER_TYPE = 16;

/**
 * Page commits one run has under way at once. QuickBooks answers a run at most ~33 pages a second (10 calls in
 * flight, ~300 ms each), and two commits at once keep up with that while each takes under 60 ms (a page of 1,000
 * invoices takes about 40 ms of the server's CPU). More at once store no faster, they only share the server's
 * cores: on a small machine six commits at once starved the event loops around them (the BFF's, and in the bench
 * the sandbox's, whose answers then came ~20 ms later each).
 */
const COMMITS_PER_RUN = 2;

/** Pool connections kept free of import commits (half of a small pool), for budget slots, heartbeats and the API. */
const POOL_RESERVE = 4;
const commitGates = new WeakMap<object, Permits>();

/**
 * Import commits at once in this process, over every run on one pool: at most the pool's size less a reserve.
 * Without it, twenty imports' page commits take every connection, and each run's next provider call waits
 * for one to take its budget slot: the imports then run one call at a time between commits, and a lease
 * heartbeat can starve. FIFO, so the runs share the commits fairly.
 */
function commitGate(sql: Sql): Permits {
  let gate = commitGates.get(sql);
  if (!gate) {
    const poolSize = (sql as unknown as { options?: { max?: number } }).options?.max ?? 10;
    commitGates.set(sql, (gate = new Permits(Math.max(1, poolSize - Math.min(POOL_RESERVE, Math.floor(poolSize / 2))))));
  }
  return gate;
}

/**
 * A run's pages in flight, shared out: plans (Pager.#plan) get half, at most MAX_RANGES_PER_TYPE, and everything
 * else (ranges' pages, counts) the rest. A plan holds a page per range until all of them are in hand. In one pool,
 * handed out in order, a plan took all its pages at once (two plans taking theirs one by one could each hold part
 * and wait for the rest forever), every range queued behind a plan waiting for that many, and a plan could hold
 * them all until its pages committed: the 200,000-record import ran a third of its time with half of QuickBooks'
 * calls in flight. Apart, ranges never wait for a plan, and plans take theirs one by one, one plan at a time.
 * Fewer than four pages in flight leave plans none: each type is then one range.
 */
export function sharePagesInFlight(pagesInFlight: number): { plans: number; ranges: number } {
  const total = Math.max(1, pagesInFlight);
  const plans = total < 4 ? 0 : Math.min(MAX_RANGES_PER_TYPE, Math.floor(total / 2));
  return { plans, ranges: total - plans };
}

class Pager {
  /** Pages of ranges, and counts: the run's pages in flight less the plans' share. */
  readonly #permits: Permits;
  /** Pages of plans: a plan takes one per range (see #plan). */
  readonly #planPermits: Permits;
  /** The plan taking pages of #planPermits: one at a time. */
  readonly #planLine = new Permits(1);
  /** What the parties' commits wait for: every transaction type's pages committed (see PARTY_TYPES). */
  #partiesCommitAfter: Promise<unknown> = Promise.resolve();
  /** Bytes of pages held (PageBytes). */
  readonly #bytes: PageBytes;
  /** What pages are read into, used again after their commits. */
  readonly #buffers: PageBuffers;
  /** The largest page of each type so far: the size a buffer for its next page starts at. */
  readonly #pageSizes = new Map<string, number>();
  /** This run's commits under way (COMMITS_PER_RUN), within the process-wide commitGate. */
  readonly #commits = new Permits(COMMITS_PER_RUN);
  /** Per range: whether its next page is expected to hold only new records (see #commitPage). */
  readonly #expectNew = new Map<string, boolean>();
  /** Aborts with the run, or as soon as one range fails: the others stop at their next wait or page. */
  readonly #stop = new AbortController();
  readonly signal: AbortSignal;

  constructor(
    private readonly ctx: RunContext,
    /** Resolves once the run's watermark is stored: no page is fetched before. */
    readonly ready: Promise<void>,
  ) {
    ready.catch(() => {}); // awaited by every type and by runImport: a failure surfaces there
    const share = sharePagesInFlight(ctx.pagesInFlight);
    this.#permits = new Permits(share.ranges);
    this.#planPermits = new Permits(share.plans);
    this.#bytes = new PageBytes(ctx.pageBytesInFlight, Math.max(1, ctx.callsInFlight));
    this.#buffers = new PageBuffers(ctx.pageBytesInFlight);
    this.signal = AbortSignal.any([ctx.signal, this.#stop.signal]);
    setMaxListeners(0, this.signal);
  }

  /**
   * Waits for every task, even after one fails (which stops the others), so no page is still being fetched or
   * committed once the import returns or throws; then throws the first failure.
   */
  async all(tasks: Promise<unknown>[]): Promise<void> {
    const failures: unknown[] = [];
    const watched = tasks.map((task) =>
      task.catch((error: unknown) => {
        failures.push(error);
        this.#stop.abort(error);
      }),
    );
    await Promise.all(watched);
    if (failures.length > 0) throw failures[0];
  }

  /** The parties' commits (their pages and plans) wait for `settled` (PARTY_TYPES says why). */
  commitPartiesAfter(settled: Promise<unknown>): void {
    this.#partiesCommitAfter = settled;
  }

  /** The type's record count, asked once per run and kept in its progress row. */
  async count(type: string, checkpoint: ProgressRow | undefined): Promise<ProgressRow> {
    if (checkpoint) return checkpoint;
    const { deps, run } = this.ctx;
    // An answer held until its commit like a page: what a crash can lose stays within pagesInFlight.
    await this.#permits.take(1, this.signal);
    try {
      // Ahead of pages (first): a type's plan, and so its ranges, wait for its count.
      const counted = await this.ctx.caller.call((api) => api.get<QueryAnswer>('query', { query: `SELECT COUNT(*) FROM ${type}${everyRecordOf(type)}` }), this.signal, true);
      const total = Number(counted.QueryResponse.totalCount ?? 0);
      await deps.sql`
        insert into sync_progress (run_id, type, total) values (${run.id}, ${type}, ${total})
        on conflict (run_id, type) do nothing`;
      return { run_id: run.id, type, total, done: 0, next_position: 0, finished: false };
    } finally {
      this.#permits.give(1);
    }
  }

  /** Imports one type; `read` is called once every page of it has been answered (or its paging stopped). */
  async importType(type: string, checkpoint: ProgressRow | undefined, read: () => void = () => {}): Promise<void> {
    let ranges = 0;
    const rangeRead = () => {
      if (--ranges === 0) read();
    };
    try {
      await this.#importType(type, checkpoint, (open) => (ranges = open), rangeRead);
    } finally {
      read(); // a failure, or no range to page (a second call does nothing)
    }
  }

  async #importType(type: string, checkpoint: ProgressRow | undefined, paging: (ranges: number) => void, rangeRead: () => void): Promise<void> {
    const { deps, run } = this.ctx;
    const progress = await this.count(type, checkpoint);
    await this.ready;
    const stored = await deps.sql<RangeCheckpoint[]>`
      select lower_id, upper_id, after_id, finished from sync_ranges where run_id = ${run.id} and type = ${type} order by lower_id`;
    const starts: RangeStart[] = stored.length > 0 ? stored.map((range) => ({ range })) : await this.#plan(type, progress.total ?? 0);
    const open = starts.filter((start) => start.first || !start.range.finished);
    // Every range committed already: a run checkpointed before the two-statement rule of #commit could leave
    // such a type unfinished.
    if (open.length === 0) await this.#markFinished(deps.sql, type);
    paging(open.length);
    await this.all(open.map((start) => this.#pageRange(type, start, rangeRead)));
  }

  /** The type is finished once none of its ranges is open. */
  async #markFinished(sql: Queryable, type: string): Promise<void> {
    const { run } = this.ctx;
    await sql`
      update sync_progress set finished = not exists (select 1 from sync_ranges where run_id = ${run.id} and type = ${type} and not finished)
      where run_id = ${run.id} and type = ${type}`;
  }

  /**
   * Splits a type into Id ranges of about equal size, found by position: the count is known, so the record at
   * position j × S (S = 1000·m − 1) closes range j − 1 and opens range j. Each boundary is learnt from a full
   * page that starts at it (STARTPOSITION), and that page is also range j's first page: it holds the boundary
   * (range j − 1's last record, stored and counted there only) and range j's next 999 records. With S = 1000·m − 1
   * every range then ends on a full page whose last Id is its upper bound: no call is spent on an empty tail.
   * Range 0's first page is fetched at the same time. The ranges commit first (a plan lost in a crash is made
   * again), then each range commits its first page as any other page, asking for its next meanwhile. Ids are compared only to check the pages agree (the company may
   * change between two of them): QuickBooks Ids are integers in strings, compared as numbers; any other Id
   * leaves the type as one range.
   */
  async #plan(type: string, total: number): Promise<RangeStart[]> {
    const { deps, run } = this.ctx;
    // Nothing is written for a run that has stopped (the lease may be another worker's by now).
    this.signal.throwIfAborted();
    const maxRanges = Math.max(1, this.#planPermits.size);
    let perRange = 1;
    while (Math.ceil(total / (QBO_PAGE_SIZE * perRange - 1)) > maxRanges) perRange++;
    const size = QBO_PAGE_SIZE * perRange - 1;
    const count = total <= QBO_PAGE_SIZE ? 1 : Math.ceil(total / size);
    const whole: RangeCheckpoint = { lower_id: '', upper_id: null, after_id: null, finished: false };
    if (count <= 1) {
      // The whole type as one range. A run checkpointed by position before ranges existed restarts the type:
      // re-reading is harmless (unchanged records are not touched), and its count starts over with it.
      await deps.sql.begin(async (tx) => {
        await tx`insert into sync_ranges (run_id, type) values (${run.id}, ${type}) on conflict do nothing`;
        await tx`update sync_progress set done = 0 where run_id = ${run.id} and type = ${type} and done > 0`;
      });
      return [{ range: whole }];
    }
    // One plan at a time takes its pages in flight, one by one as they come free (from the plans before it, as
    // their pages commit), and starts each page's call as soon as it has one; then the next plan takes its own.
    // Each plan thus starts fetching at once instead of waiting until all it needs are free, and no two plans
    // ever hold part of what they need while waiting for the rest.
    let held = 0;
    /** Bytes this plan's pages in hand hold (PageBytes). */
    let heldBytes = 0;
    const giveBack = (n: number, bytes: number) => {
      held -= n;
      heldBytes -= bytes;
      this.#planPermits.give(n);
      this.#bytes.released(bytes);
    };
    const fetches: Promise<FetchedPage>[] = [];
    await this.#planLine.take(1, this.signal);
    try {
      let stopped: { error: unknown } | null = null;
      try {
        for (let j = 0; j < count; j++) {
          await this.#planPermits.take(1, this.signal);
          held++;
          const asked = j === 0 ? Math.min(QBO_PAGE_SIZE, size) : QBO_PAGE_SIZE;
          // Ahead of range pages (first): the plan holds its answered pages, and their pages in flight, until its
          // last page is answered, so a plan page waiting behind other types' pages held all of them back. In the
          // run's bytes in hand once in hand, without waiting for room (PageBytes).
          const fetched = this.#fetch(type, j === 0 ? rangePageQuery(type, null, null, [], asked) : positionPageQuery(type, j * size), asked, true).then((page) => {
            heldBytes += pageBytes(page);
            this.#bytes.arrived(pageBytes(page), false);
            return page;
          });
          fetched.catch(() => {}); // read below, once every page has settled
          fetches.push(fetched);
        }
      } catch (error) {
        stopped = { error };
      } finally {
        this.#planLine.give(1);
      }
      // Every plan page settles before the permits go back, so none is still in flight once they do.
      const settled = await Promise.allSettled(fetches);
      if (stopped) throw stopped.error;
      const failed = settled.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      const pages = settled.map((result) => (result as PromiseFulfilledResult<FetchedPage>).value);
      const planned = arrangeRanges(pages);
      // The ranges first, none read yet, in one short commit; then each plan page commits as its range's first
      // page, in parallel like any other page. A crash in between leaves ranges paged from their start.
      await this.#commit(type, async (tx) => {
        for (const range of planned) {
          const [inserted] = await tx`
            insert into sync_ranges (run_id, type, lower_id, upper_id) values (${run.id}, ${type}, ${range.lower_id}, ${range.upper_id})
            on conflict do nothing returning 1`;
          // Another worker took this run over and planned the type first: roll back, write nothing twice.
          if (!inserted) throw new LeaseLostError(run.id);
        }
        await tx`update sync_progress set done = 0 where run_id = ${run.id} and type = ${type}`;
        return { received: 0, result: undefined };
      });
      // Each range then commits its plan page as its first (holding the plan's page in flight until then), and
      // asks for its next page meanwhile (#pageRange).
      const kept = planned.filter((range) => range.page);
      giveBack(count - kept.length, heldBytes - kept.reduce((sum, range) => sum + pageBytes(range.page!), 0));
      const starts = planned.map((range): RangeStart => {
        const start = { range: { lower_id: range.lower_id, upper_id: range.upper_id, after_id: null, finished: false } };
        // A plan page ran without the upper bound: it is short at the end of the type only (see arrangeRanges).
        return range.page ? { ...start, first: { page: range.page, boundary: range.lower_id === '' ? 0 : 1, finished: range.finished } } : start;
      });
      held = heldBytes = 0;
      return starts;
    } finally {
      if (held > 0 || heldBytes > 0) giveBack(held, heldBytes);
    }
  }

  /**
   * Commits one page of a range with the range's checkpoint (compare-and-set from the last Id the range held),
   * storing and counting its records less `boundary` (a plan page's first record is the previous range's last). Returns the
   * range's new checkpoint.
   */
  async #commitPage(type: string, range: RangeCheckpoint, records: PageRecords, boundary: number, ends: (received: number, lastId: string | null) => boolean): Promise<Pick<RangeCheckpoint, 'after_id' | 'finished'>> {
    const { run } = this.ctx;
    const from = range.after_id;
    // A first import's pages are new records, stored by plain INSERT; a page that was not (a re-read after a
    // resume) switches the range to the upsert until a page is all new again. A plan page's boundary record is
    // the previous range's last, which that range's last page stores (its upper bound is inclusive): stored
    // here too, one of the two pages would fail its INSERT and be stored again by the upsert, a page's work
    // thrown away at every range boundary.
    const key = `${type}\u0000${range.lower_id}`;
    const expectNew = this.#expectNew.get(key) !== false;
    return this.#commit(type, async (tx) => {
      const { received, lastId, allNew } = await storeImportPage(tx, this.ctx.connectionId, type, records, expectNew, boundary);
      this.#expectNew.set(key, allNew);
      const finished = ends(received, lastId);
      const [moved] = await tx`
        update sync_ranges set after_id = coalesce(${lastId}::text, after_id), finished = ${finished}, pages = pages + 1
        where run_id = ${run.id} and type = ${type} and lower_id = ${range.lower_id} and after_id is not distinct from ${from}::text and not finished
        returning 1`;
      // Another worker took this run over and already committed this page: roll back, write nothing twice.
      if (!moved) throw new LeaseLostError(run.id);
      return { received: Math.max(0, received - boundary), result: { after_id: lastId ?? from, finished } };
    });
  }

  async #fetchBytes(type: string, statement: string, first = false): Promise<Buffer> {
    this.signal.throwIfAborted();
    const buffers = { take: (atLeast: number) => this.#buffers.take(atLeast), give: (buffer: Buffer) => this.#buffers.give(buffer), expected: this.#pageSizes.get(type) };
    const bytes = await this.ctx.caller.call((api) => api.getBytes('query', { query: statement }, buffers), this.signal, first);
    this.signal.throwIfAborted();
    return bytes;
  }

  /**
   * A page split into its records (query-page.ts), as Postgres stores them, in a buffer of #buffers (given back by
   * its commit); a plan page's first and last Ids place the range boundaries. `first`: ahead of other calls.
   */
  async #fetch(type: string, statement: string, asked: number, first = false): Promise<FetchedPage> {
    const bytes = await this.#fetchBytes(type, statement, first);
    if (bytes.length > (this.#pageSizes.get(type) ?? 0)) this.#pageSizes.set(type, bytes.length);
    return { ...splitQueryPage(bytes, type), asked };
  }

  /**
   * Commits `write` (which returns the records it counted, and a result) with the type's progress and the run's
   * count, only while this worker holds the run's lease.
   */
  async #commit<T>(type: string, write: (tx: Tx) => Promise<{ received: number; result: T }>): Promise<T> {
    if (PARTY_TYPES.has(type)) await this.#partiesCommitAfter;
    await this.#commits.take(1, this.signal);
    try {
      const gate = commitGate(this.ctx.deps.sql);
      await gate.take(1, this.signal);
      try {
        return await this.#commitNow(type, write);
      } finally {
        gate.give(1);
      }
    } finally {
      this.#commits.give(1);
    }
  }

  async #commitNow<T>(type: string, write: (tx: Tx) => Promise<{ received: number; result: T }>): Promise<T> {
    const { deps, run } = this.ctx;
    return deps.sql.begin(async (tx) => {
      // A page and its checkpoint commit together, so a commit lost in a crash loses its checkpoint too and
      // the page is simply fetched again: waiting for each page's WAL flush buys nothing.
      await tx`set local synchronous_commit = off`;
      const { received, result } = await write(tx);
      // Two statements, not one: the first waits for the type's other range commits (the row lock), so the
      // second, with a snapshot taken after they committed, sees whether every range is now finished. One
      // statement would judge from a snapshot older than the commit it waited for, and two ranges finishing
      // at once would each leave the type unfinished.
      await tx`update sync_progress set done = done + ${received} where run_id = ${run.id} and type = ${type}`;
      await this.#markFinished(tx, type);
      // Only the lease holder commits. A worker whose run was taken over while it sat between fetching this
      // page and committing it would otherwise commit it under the new holder, whose checkpoint check then
      // fails: the new holder stops, and the run waits out a whole lease before anyone resumes it.
      const [held] = await tx`
        update sync_runs set records_done = records_done + ${received}
        where id = ${run.id} and lease_owner = ${run.lease_owner} and status = 'running' returning 1`;
      if (!held) throw new LeaseLostError(run.id);
      return result;
    }) as Promise<T>;
  }

  /**
   * Pages one Id range by keyset (`Id > last AND Id <= upper ORDERBY Id`): what QuickBooks creates or deletes
   * between two pages cannot shift a record past a page boundary, as it does with STARTPOSITION. Each page's
   * records and its checkpoint (the last Id read) commit together, so a resumed run starts right after the last
   * committed page: nothing missed, nothing counted twice. The range ends on a short page or on its upper bound.
   * The next page is asked for as soon as a page is in hand (its last Id is where the next starts), while that
   * page commits: the commits stay in order (each one's checkpoint is the one before's), and a range's pages no
   * longer wait a commit each, which held back the last ranges of an import and the parties after them.
   */
  async #pageRange(type: string, start: RangeStart, read: () => void): Promise<void> {
    const upper = start.range.upper_id;
    /** The range as committed so far: each commit starts from the one before's checkpoint. */
    let range = start.range;
    let after = range.after_id ?? (range.lower_id || null);
    let committing: Promise<void> = Promise.resolve();
    /** The first commit that failed: no page is asked for after it. */
    const failed: { error?: unknown; happened: boolean } = { happened: false };
    /** Commits `page` after the pages before it, then gives back what it held (`release`). */
    const commitNext = (page: FetchedPage, boundary: number, last: boolean, release: () => void) => {
      const previous = committing;
      committing = (async () => {
        try {
          await previous;
          const committed = await this.#commitPage(type, range, page, boundary, () => last);
          range = { ...range, ...committed };
        } catch (error) {
          if (!failed.happened) Object.assign(failed, { error, happened: true });
          throw error;
        } finally {
          release();
        }
      })();
      committing.catch(() => {}); // awaited below, or by the next page's commit
    };
    // A page in hand is held by its commit alone, never by this loop: an async function keeps its locals (and
    // the start it was called with) across every await, so a page left in one would stay in memory, past its
    // commit and outside the run's pages in flight, for as long as the range waits for its next page. Hand-offs
    // are in functions of their own for that, and the plan page is taken out of `start` (the type keeps its
    // starts until every range ends). Every range held its last page this way: 120 MB in the 1M import.
    const takePlanPage = (): { last: boolean; lastId: string | null } | null => {
      const first = start.first;
      if (!first) return null;
      start.first = undefined;
      // The range's plan page (its first record, past range 0, is the previous range's last: stored there).
      const { joined } = first.page;
      commitNext(first.page, first.boundary, first.finished, () => {
        this.#planPermits.give(1);
        this.#bytes.released(joined.length);
        this.#buffers.give(joined);
      });
      return { last: first.finished, lastId: first.page.lastId };
    };
    const fetchNext = async (): Promise<{ last: boolean; lastId: string | null }> => {
      // The page is only split into its records here (no objects built), and each record parsed once, by
      // Postgres as it stores it: parsing it here too would cost the event loop as much again as the whole
      // network read.
      await this.#bytes.ask(this.signal);
      let page: FetchedPage;
      try {
        page = await this.#fetch(type, rangePageQuery(type, after, upper), QBO_PAGE_SIZE);
      } catch (error) {
        this.#bytes.failed();
        throw error;
      }
      this.#bytes.arrived(pageBytes(page), true);
      // QuickBooks may answer one more than asked; only a short page ends the range, or its upper bound.
      const last = page.received < QBO_PAGE_SIZE || page.lastId === null || (upper !== null && page.lastId === upper);
      const { joined } = page;
      commitNext(page, 0, last, () => {
        this.#permits.give(1);
        this.#bytes.released(joined.length);
        this.#buffers.give(joined);
      });
      return { last, lastId: page.lastId };
    };
    try {
      const planned = takePlanPage();
      if (planned) after = planned.lastId ?? after;
      for (let last = planned?.last ?? false; !last; ) {
        await this.#permits.take(1, this.signal);
        let fetched: { last: boolean; lastId: string | null };
        try {
          if (failed.happened) throw failed.error;
          fetched = await fetchNext();
        } catch (error) {
          this.#permits.give(1);
          throw error;
        }
        last = fetched.last;
        after = fetched.lastId;
      }
    } finally {
      read();
      // Every page fetched is committed (or has failed) before the range returns or throws.
      await committing.catch(() => {});
    }
    if (failed.happened) throw failed.error;
  }
}

/** A range to page: its checkpoint, and the plan page it starts with when it was planned just now (to commit first). */
interface RangeStart {
  range: RangeCheckpoint;
  first?: { page: FetchedPage; boundary: number; finished: boolean };
}

interface PlannedRange extends RangeCheckpoint {
  /** The range's first page, stored with the plan; null when it disagrees with its neighbours (fetched again). */
  page: FetchedPage | null;
  /** Records of that page the range counts (a probe's first record is the previous range's last). */
  counted: number;
}

/**
 * Ranges from the plan's pages: page 0 from the first record, page j ≥ 1 from the boundary record b_j. Range
 * j is (b_j, b_{j+1}]; range 0 starts at '' (the first record), the last is open-ended. Boundaries that are
 * empty (the company shrank), not numeric, or out of order are dropped, their range merged into the one
 * before; a page whose records reach past the next boundary is not stored, its range is paged from its start.
 */
export function arrangeRanges(pages: readonly FetchedPage[]): PlannedRange[] {
  const numeric = pages.every((page) => page.firstId === null || (isIntegerId(page.firstId) && isIntegerId(page.lastId!)));
  const starts: { lower: string; page: FetchedPage }[] = [{ lower: '', page: pages[0]! }];
  if (numeric) {
    for (const page of pages.slice(1)) {
      const previous = starts[starts.length - 1]!;
      if (page.firstId === null || (previous.lower !== '' && compareIntegerIds(page.firstId, previous.lower) <= 0)) continue;
      starts.push({ lower: page.firstId, page });
    }
  }
  return starts.map((start, index) => {
    const upper = starts[index + 1]?.lower ?? null;
    const page = start.page;
    const first = index === 0 ? 0 : 1;
    const fits = upper === null || page.lastId === null || compareIntegerIds(page.lastId, upper) <= 0;
    if (!fits) return { lower_id: start.lower, upper_id: upper, after_id: null, finished: false, page: null, counted: 0 };
    // A page fetched without the upper bound is short at the end of the type only; a range before another ends
    // on its upper bound alone (a short page there means the company changed between the plan's pages).
    const finished = upper === null ? page.received < page.asked : page.lastId === upper;
    const after = page.received > first ? page.lastId : null;
    return { lower_id: start.lower, upper_id: upper, after_id: after, finished, page, counted: Math.max(0, page.received - first) };
  });
}

const isIntegerId = (id: string) => /^\d+$/.test(id);

/** Two QuickBooks Ids (integers in strings) in numeric order. */
export function compareIntegerIds(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}

/** A full page of a type in Id order from a 1-based position: how a plan finds its range boundaries. */
export function positionPageQuery(type: string, position: number): string {
  return `SELECT * FROM ${type}${everyRecordOf(type)} ORDERBY Id STARTPOSITION ${position} MAXRESULTS ${QBO_PAGE_SIZE}`;
}

/**
 * One keyset page of a type: Ids above `after` (null: from the first) up to `upper` (null: to the last),
 * narrowed by `filters` (conditions joined with AND, the only joiner QuickBooks has).
 * Ids go back to QuickBooks exactly as it sent them, so its own Id comparison decides the order (numeric in
 * QuickBooks and the sandbox; text compare would put '10' before '9').
 */
export function rangePageQuery(type: string, after: string | null, upper: string | null, filters: readonly string[] = [], maxResults: number = QBO_PAGE_SIZE): string {
  const conditions = [...filters, ...(everyRecordOf(type) ? ['Active IN (true, false)'] : [])];
  if (after !== null) conditions.push(`Id > '${quoteId(after)}'`);
  if (upper !== null) conditions.push(`Id <= '${quoteId(upper)}'`);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT * FROM ${type}${where} ORDERBY Id MAXRESULTS ${maxResults}`;
}

const quoteId = (id: string) => id.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`Run ${runId} was taken over by another worker`);
    this.name = 'LeaseLostError';
  }
}
