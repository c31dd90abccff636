import type { Queryable, Tx } from '../db/client.ts';
import { parseFault, QboError } from '../providers/qbo/faults.ts';
import { everyRecordOf, QBO_PAGE_SIZE, qboNameLists, qboNotInCdc } from '../providers/qbo/entities.ts';
import { propagateRenames, referenceName } from '../records/reference-names.ts';
import { tombstoneRecords, upsertRecords, type ProviderRecord } from '../records/store.ts';
import { hasTaxMappings } from '../mapping/store.ts';
import { collectParties, noParties, NON_POSTING, type AffectedParties } from './affected-parties.ts';
import { BalancesUnsettledError } from './classify.ts';
import { rangePageQuery, type RunContext } from './import-run.ts';

/** Tax agencies, codes and rates: outside CDC and rarely changed, so re-read at most this often. */
export const SLOW_LISTS = new Set(['TaxAgency', 'TaxCode', 'TaxRate']);
export const SLOW_LIST_MAX_AGE_MS = 20 * 3600_000;
const ID_CHUNK = 500;

/** Re-read this much before the watermark: clocks differ, and a change committed late still shows. */
export const WATERMARK_OVERLAP_MS = 5 * 60_000;
/** QuickBooks' CDC looks back 30 days at most. */
const CDC_MAX_AGE_MS = 30 * 24 * 3600_000;
const CDC_MAX_OBJECTS = 1000;

export interface CdcAnswer {
  CDCResponse: { QueryResponse: Record<string, unknown>[] }[];
  time?: string;
}

/**
 * Changes since the last watermark, ending with the mirror's live set equal to QuickBooks' whichever path a
 * type takes. CDC first, one call for every type it covers; an answer at the 1000-object cap is narrowed,
 * never abandoned for a query (queries never show deletions): a group of types is split, and a single type
 * is paged through CDC from the newest change the capped answer held. Types CDC does not cover, a watermark
 * older than CDC's 30 days, and a capped type that cannot be narrowed go through LastUpdatedTime queries
 * plus a deletion check against QuickBooks' own list of Ids (`syncByQuery`). Deleted objects become
 * tombstones. Returns the new watermark: the provider's clock at the first call, before anything was read.
 */
export async function runIncremental(ctx: RunContext, watermark: Date, slowListsCheckedAt: Date | null): Promise<{ watermark: Date; slowListsChecked: boolean }> {
  const started = performance.now();
  const since = new Date(watermark.getTime() - WATERMARK_OVERLAP_MS);
  const cdcTypes = ctx.types.filter((type) => !qboNotInCdc.has(type));
  const queryTypes = ctx.types.filter((type) => qboNotInCdc.has(type) && !SLOW_LISTS.has(type));
  const affected = noParties();
  const reads = noReads();
  let newWatermark: Date | undefined;

  // CDC's 30 days are counted on QuickBooks' clock: ours decides only until an answer tells us theirs, and a
  // refusal about the window sends the types to the query path whichever clock was wrong.
  const tooOld = ctx.deps.now().getTime() - since.getTime() > CDC_MAX_AGE_MS;
  if (tooOld) queryTypes.push(...cdcTypes.splice(0));

  if (cdcTypes.length > 0) {
    try {
      const { unanswered, first } = await readCdc(ctx, cdcTypes, since, async (byType, later) => {
        // Customers and vendors in a later answer (a capped one narrowed) were read after the first: party reads
        // to settle like any other.
        if (later) for (const type of ['Customer', 'Vendor'] as const) for (const record of byType.get(type) ?? []) reads[type].add(String(record.Id));
        await applyChanges(ctx, byType, affected);
      });
      newWatermark ??= first;
      queryTypes.push(...unanswered);
    } catch (error) {
      if (!isCdcWindowRefusal(error)) throw error;
      ctx.deps.logger.debug('CDC refused the window: querying instead', { run_id: ctx.run.id, types: cdcTypes });
      queryTypes.push(...cdcTypes);
    }
  }

  // When the slow lists were last read is a provider time (a watermark): compare it with the provider's clock
  // once an answer told us, else with ours.
  const providerNow = newWatermark ?? ctx.deps.now();
  const slowListsDue = !slowListsCheckedAt || providerNow.getTime() - slowListsCheckedAt.getTime() > SLOW_LIST_MAX_AGE_MS;
  // A company whose tax rates are mapped has its mappings re-checked after every sync (bff/mapping/revalidate.ts):
  // a code switched off in QuickBooks must be seen by the next sync, not a day later. Three small queries.
  if (slowListsDue || (await hasTaxMappings(ctx.deps.sql, ctx.connectionId))) queryTypes.push(...ctx.types.filter((type) => SLOW_LISTS.has(type)));
  // Unseen versions lived after the previous run settled its balances, so no stored Balance counts them
  // (settleBalances). Without that assurance, every party is re-read.
  const settledBefore = await previousRunSettled(ctx);
  const queried = performance.now();
  // Types read by query that hold no party and post nothing (time, tax lists) move no derived balance: they
  // are read while the balances are refreshed. Others are read first, as they may add parties to refresh.
  const independent = queryTypes.every((type) => NON_POSTING.has(type) || SLOW_LISTS.has(type));
  const byQuery = async () => {
    const first = await syncByQuery(ctx, queryTypes, since, affected, reads);
    newWatermark ??= first;
  };
  const refresh = async () => {
    if (affected.unseen && !settledBefore) affected.all = true;
    await refreshDerivedBalances(ctx, affected, reads);
  };
  if (independent) await Promise.all([byQuery(), refresh()]);
  else {
    await byQuery();
    await refresh();
  }
  const refreshed = performance.now();
  // Party reads after the first answer: settle them against what changed meanwhile.
  if (reads.all || reads.Customer.size > 0 || reads.Vendor.size > 0) {
    const snapshot = newWatermark ?? ctx.deps.now();
    await settleBalances(ctx, new Date(snapshot.getTime() - WATERMARK_OVERLAP_MS), reads);
  }
  ctx.deps.logger.debug('incremental sync steps', {
    run_id: ctx.run.id,
    cdc_ms: Math.round(queried - started),
    queries_and_balances_ms: Math.round(refreshed - queried),
    settle_ms: Math.round(performance.now() - refreshed),
  });
  return { watermark: newWatermark ?? ctx.deps.now(), slowListsChecked: slowListsDue };
}

/**
 * Asks CDC for `types` changed since `since`, handing every answer's records by type to `handle`. An answer
 * at the 1000-object cap is narrowed, never abandoned for a query (queries never show deletions): a group of
 * types is split, and a single type is paged through CDC from the newest change the capped answer held.
 * `later` tells an answer after the first one. Returns the provider's time at the first answer and the
 * types it could not narrow (over 1000 changes within a second), which need a query instead. A refusal of
 * the window is thrown.
 */
async function readCdc(ctx: RunContext, types: string[], since: Date, handle: (byType: Map<string, ProviderRecord[]>, later: boolean) => Promise<void>): Promise<{ unanswered: string[]; first: Date }> {
  const unanswered: string[] = [];
  let first: Date | undefined;
  let calls = 0;
  const pending: { types: string[]; since: Date }[] = [{ types, since }];
  while (pending.length > 0) {
    const { types: group, since: from } = pending.shift()!;
    const answer = await ctx.caller.call((api) => api.get<CdcAnswer>('cdc', { entities: group.join(','), changedSince: from.toISOString() }));
    first ??= answer.time ? new Date(answer.time) : ctx.deps.now();
    const later = calls++ > 0;
    const byType = collectCdc(answer);
    const objects = [...byType.values()].reduce((sum, list) => sum + list.length, 0);
    if (objects >= CDC_MAX_OBJECTS) {
      // Capped: some changes may be missing. Narrow the question: split the types first.
      if (group.length > 1) {
        pending.push({ types: group.slice(0, group.length >> 1), since: from }, { types: group.slice(group.length >> 1), since: from });
        continue;
      }
      const type = group[0]!;
      const next = cdcResumePoint(byType.get(type) ?? [], from);
      if (!next) {
        unanswered.push(type);
        continue;
      }
      // Every object in the answer is its current version, so handling it is right whatever follows.
      await handle(byType, later);
      pending.push({ types: [type], since: next });
      continue;
    }
    await handle(byType, later);
  }
  return { unanswered, first: first! };
}

/** Customers and vendors read (their Balance with them) after a run's first answer: by Id, or every one. */
interface PartyReads {
  Customer: Set<string>;
  Vendor: Set<string>;
  all: boolean;
}
const noReads = (): PartyReads => ({ Customer: new Set(), Vendor: new Set(), all: false });

/** Rounds of settling before a run gives up and is retried later. */
export const SETTLE_ROUNDS = 3;

/**
 * Balances read after a run's first answer may count transaction versions the mirror will never hold: a bill
 * created while its vendor is re-read and deleted before the next sync names that vendor only while it lives.
 * After the last party read, CDC is asked again (posting transactions changed since the run began): when
 * every version it shows is the stored one, every stored transaction was current when that answer came, after
 * every party read, so versions the next run cannot see all began after those reads and no stored Balance
 * counts them. Otherwise the new versions are stored, their parties (and, for versions never seen, every party
 * read in this run) re-read, and CDC asked again. A company that keeps changing through every round fails the
 * run as retryable: a later attempt re-reads every party its unseen versions could touch.
 */
export async function settleBalances(ctx: RunContext, since: Date, reads: PartyReads): Promise<void> {
  const types = postingCdcTypes(ctx);
  if (types.length === 0) return;
  for (let round = 0; round < SETTLE_ROUNDS; round++) {
    const fresh = new Map<string, ProviderRecord[]>();
    const collect = async (byType: Map<string, ProviderRecord[]>) => {
      for (const [type, records] of await versionsNotStored(ctx, byType)) fresh.set(type, [...(fresh.get(type) ?? []), ...records]);
    };
    let unanswered: string[];
    try {
      ({ unanswered } = await readCdc(ctx, types, since, collect));
    } catch (error) {
      if (!isCdcWindowRefusal(error)) throw error;
      unanswered = types;
    }
    // Over 1000 changes of a type within a second (or a refused window): its current versions by query. A
    // transaction both created and deleted meanwhile escapes a query; the next run sees its deletion.
    for (const type of unanswered) await pageChangedSince(ctx, type, since, async (page) => collect(new Map([[type, page]])));
    if (fresh.size === 0) return;
    const affected = noParties();
    await applyChanges(ctx, fresh, affected);
    if (affected.unseen) {
      // Which party counted a version never seen is unknown: any this run read may have.
      affected.all ||= reads.all;
      for (const type of ['Customer', 'Vendor'] as const) for (const id of reads[type]) affected[type].add(id);
    }
    ctx.deps.logger.debug('balances settling', { run_id: ctx.run.id, round, changed: [...fresh.values()].reduce((sum, list) => sum + list.length, 0), unseen: affected.unseen });
    await refreshDerivedBalances(ctx, affected, reads);
  }
  throw new BalancesUnsettledError('QuickBooks kept changing transactions while their customers and vendors were read');
}

/** Transaction types in CDC whose changes move derived balances. */
function postingCdcTypes(ctx: RunContext): string[] {
  return ctx.types.filter((type) => !qboNotInCdc.has(type) && !qboNameLists.has(type) && !SLOW_LISTS.has(type) && !NON_POSTING.has(type));
}

/** The records of a CDC answer whose version the mirror does not hold (deletions it has not recorded included). */
async function versionsNotStored(ctx: RunContext, byType: Map<string, ProviderRecord[]>): Promise<Map<string, ProviderRecord[]>> {
  const fresh = new Map<string, ProviderRecord[]>();
  for (const [type, records] of byType) {
    if (records.length === 0) continue;
    const stored = await storedRows(ctx.deps.sql, ctx.connectionId, type, records);
    const differing = records.filter((record) => {
      const row = stored.get(String(record.Id));
      if (record.status === 'Deleted') return !row || row.live;
      return !row || !row.live || String(row.data.SyncToken) !== String(record.SyncToken);
    });
    if (differing.length > 0) fresh.set(type, differing);
  }
  return fresh;
}

/**
 * Whether the connection's previous run settled its balances: it succeeded (a run succeeds only once settled,
 * see settleBalances), and this run is not a retry of an attempt whose party reads may be in the mirror
 * unsettled. A failed or abandoned run leaves no such assurance.
 */
async function previousRunSettled(ctx: RunContext): Promise<boolean> {
  if (ctx.run.attempts > 1) return false;
  const [previous] = await ctx.deps.sql<{ status: string }[]>`
    select status from sync_runs
    where connection_id = ${ctx.connectionId} and id <> ${ctx.run.id} and started_at is not null
    order by started_at desc limit 1`;
  return previous?.status === 'succeeded';
}

/** A CDC refusal of `changedSince` (QuickBooks' 30-day look-back, by its own clock): the query path can answer. */
export function isCdcWindowRefusal(error: unknown): boolean {
  return error instanceof QboError && error.status === 400 && error.faults.some((fault) => /changedSince/i.test(`${fault.message} ${fault.detail} ${fault.element ?? ''}`));
}

/**
 * The end of an import: it read parties and transactions at different moments, so a party's stored Balance
 * may count a transaction version the mirror never held (a bill moved to another vendor after that vendor's
 * page was read, or created and deleted in between). Re-reading every party once, after the last transaction
 * page, makes the balances at least as new as every stored transaction; settling them (settleBalances) against
 * what changed since the import began lets later incremental syncs trust them.
 */
export async function rereadAllParties(ctx: RunContext): Promise<void> {
  const reads = noReads();
  // Not counted as records read: the import's count is what it stored.
  await refreshDerivedBalances(ctx, { ...noParties(), all: true }, reads, false);
  await settleBalances(ctx, new Date(ctx.run.watermark!.getTime() - WATERMARK_OVERLAP_MS), reads);
}

type QueryAnswer = { QueryResponse: Record<string, unknown> & { totalCount?: number }; time?: string };

/**
 * Intuit runs a batch's items one after another in one call. Its guide allows 10 per batch (older references
 * say 30): 10 fits both.
 */
export const BATCH_MAX_ITEMS = 10;

/**
 * Answers SELECT statements in as few calls as QuickBooks allows: one alone through /query, more through
 * /batch (BATCH_MAX_ITEMS per call, the calls at once inside the company's budget). Answers come in the
 * statements' order; an item's Fault is thrown as the QboError the same query alone would have given.
 */
export async function batchQueries(ctx: RunContext, statements: string[]): Promise<QueryAnswer[]> {
  if (statements.length === 0) return [];
  if (statements.length === 1) return [await ctx.caller.call((api) => api.get<QueryAnswer>('query', { query: statements[0]! }))];
  const chunks: string[][] = [];
  for (let start = 0; start < statements.length; start += BATCH_MAX_ITEMS) chunks.push(statements.slice(start, start + BATCH_MAX_ITEMS));
  const answered = await Promise.all(
    chunks.map(async (chunk) => {
      const body = { BatchItemRequest: chunk.map((query, index) => ({ bId: `q${index}`, Query: query })) };
      const answer = await ctx.caller.call((api) => api.post<{ BatchItemResponse?: Record<string, unknown>[]; time?: string }>('batch', body));
      const items = new Map((answer.BatchItemResponse ?? []).map((item) => [String(item.bId), item]));
      return chunk.map((_, index): QueryAnswer => {
        const item = items.get(`q${index}`);
        if (item?.Fault) throw parseFault(400, JSON.stringify({ Fault: item.Fault, time: answer.time }));
        if (!item) throw new QboError('unavailable', 502, [{ code: 'batch', message: 'QuickBooks answered a batch without one of its items', detail: `q${index}` }]);
        return { QueryResponse: (item.QueryResponse ?? {}) as QueryAnswer['QueryResponse'], ...(answer.time ? { time: answer.time } : {}) };
      });
    }),
  );
  return answered.flat();
}

const idList = (ids: string[]) => ids.map((id) => `'${id.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ');

/**
 * Re-reads the parties and accounts whose derived balances the changed transactions moved: every Id list
 * and the first page of each whole type in one batch, further pages after it. Adds what it read to `reads`.
 */
async function refreshDerivedBalances(ctx: RunContext, affected: AffectedParties, reads: PartyReads, counted = true): Promise<void> {
  const requests: { type: string; statement: string; whole: boolean }[] = [];
  for (const type of ['Customer', 'Vendor'] as const) {
    if (!ctx.types.includes(type)) continue;
    if (affected.all) {
      // Every party, by Id keyset: name lists are far smaller than the transactions that move their balances.
      requests.push({ type, statement: rangePageQuery(type, null, null), whole: true });
      reads.all = true;
      continue;
    }
    const ids = [...affected[type]];
    for (let start = 0; start < ids.length; start += ID_CHUNK) {
      const list = ids.slice(start, start + ID_CHUNK);
      requests.push({ type, statement: `SELECT * FROM ${type} WHERE Id IN (${idList(list)}) AND Active IN (true, false) MAXRESULTS ${QBO_PAGE_SIZE}`, whole: false });
      for (const id of list) reads[type].add(id);
    }
  }
  if ((affected.accounts || affected.all) && ctx.types.includes('Account')) requests.push({ type: 'Account', statement: rangePageQuery('Account', null, null), whole: true });
  const answers = await batchQueries(ctx, requests.map((request) => request.statement));
  await Promise.all(
    requests.map(async ({ type, whole }, index) => {
      const page = (answers[index]!.QueryResponse[type] as ProviderRecord[] | undefined) ?? [];
      await applyChanges(ctx, new Map([[type, page]]), noParties(), counted);
      if (whole && page.length >= QBO_PAGE_SIZE) await readWholeType(ctx, type, counted, String(page[page.length - 1]!.Id));
    }),
  );
}

async function readWholeType(ctx: RunContext, type: string, counted = true, from: string | null = null): Promise<void> {
  for (let after: string | null = from; ; ) {
    const statement = rangePageQuery(type, after, null);
    const answer = await ctx.caller.call((api) => api.get<{ QueryResponse: Record<string, unknown> }>('query', { query: statement }));
    const page = (answer.QueryResponse[type] as ProviderRecord[] | undefined) ?? [];
    await applyChanges(ctx, new Map([[type, page]]), noParties(), counted);
    if (page.length < QBO_PAGE_SIZE) break;
    after = String(page[page.length - 1]!.Id);
  }
}

/** A CDC answer as records by entity type, across every CDCResponse and QueryResponse part; deleted stubs included. */
export function collectCdc(answer: CdcAnswer): Map<string, ProviderRecord[]> {
  const byType = new Map<string, ProviderRecord[]>();
  for (const response of answer.CDCResponse ?? []) {
    for (const part of response.QueryResponse ?? []) {
      for (const [key, value] of Object.entries(part)) {
        if (!Array.isArray(value)) continue;
        byType.set(key, [...(byType.get(key) ?? []), ...(value as ProviderRecord[])]);
      }
    }
  }
  return byType;
}

async function applyChanges(ctx: RunContext, byType: Map<string, ProviderRecord[]>, affected: AffectedParties, counted = true): Promise<void> {
  const started = performance.now();
  await ctx.deps.sql.begin(async (tx) => {
    let count = 0;
    for (const [type, records] of byType) {
      const deleted = records.filter((record) => record.status === 'Deleted');
      const changed = records.filter((record) => record.status !== 'Deleted');
      if (!qboNameLists.has(type) && !SLOW_LISTS.has(type) && !NON_POSTING.has(type) && records.length > 0) {
        // Both versions count: the party a transaction left and the one it now names.
        const stored = await storedRows(tx, ctx.connectionId, type, records);
        for (const row of stored.values()) collectParties(affected, row.data);
        for (const record of changed) collectParties(affected, record);
        if (records.some((record) => hasUnseenVersions(record, stored.get(String(record.Id))))) affected.unseen = true;
        for (const customer of await parentsOf(tx, ctx.connectionId, affected.Customer)) affected.Customer.add(customer);
      }
      const renamed = qboNameLists.has(type) ? await renamedRecords(tx, ctx.connectionId, type, changed) : [];
      await upsertRecords(tx, ctx.connectionId, type, changed);
      await tombstoneRecords(tx, ctx.connectionId, type, deleted);
      const renaming = performance.now();
      const rewritten = await propagateRenames(tx, ctx.connectionId, renamed);
      if (renamed.length > 0) ctx.deps.logger.debug('references renamed', { type, renamed: renamed.length, rewritten, ms: Math.round(performance.now() - renaming) });
      count += records.length;
    }
    if (counted) await tx`update sync_runs set records_done = records_done + ${count} where id = ${ctx.run.id}`;
  });
  ctx.deps.logger.debug('changes applied', { types: [...byType.keys()], ms: Math.round(performance.now() - started) });
}

/**
 * Whether a transaction had versions between the stored one and this one that the mirror never held: a
 * party re-read while such a version was current counts it in its Balance, and only that version named the
 * party. A deletion of a transaction never stored, a first sight of one already edited (SyncToken above 0),
 * or a SyncToken that skipped: the parties it touched are unknown.
 */
function hasUnseenVersions(record: ProviderRecord, stored: { data: Record<string, unknown>; live: boolean } | undefined): boolean {
  const token = Number(record.SyncToken);
  if (!stored) return record.status === 'Deleted' || (Number.isFinite(token) && token > 0);
  if (!stored.live || record.status === 'Deleted') return false;
  const before = Number(stored.data.SyncToken);
  return Number.isFinite(token) && Number.isFinite(before) && token > before + 1;
}

async function storedRows(tx: Queryable, connectionId: string, type: string, records: ProviderRecord[]): Promise<Map<string, { data: Record<string, unknown>; live: boolean }>> {
  const ids = records.map((record) => String(record.Id));
  const rows = await tx<{ external_id: string; data: Record<string, unknown>; live: boolean }[]>`
    select external_id, data, deleted_at is null as live from records where connection_id = ${connectionId} and type = ${type} and external_id in ${tx(ids)}`;
  return new Map(rows.map((row) => [row.external_id, { data: row.data, live: row.live }]));
}

/** The mirror's current versions of these records (deleted stubs included), before a change replaces them. */
async function storedVersions(tx: Tx, connectionId: string, type: string, records: ProviderRecord[]): Promise<Record<string, unknown>[]> {
  const ids = records.map((record) => String(record.Id));
  const rows = await tx<{ data: Record<string, unknown> }[]>`
    select data from records where connection_id = ${connectionId} and type = ${type} and external_id in ${tx(ids)}`;
  return rows.map((row) => row.data);
}

/** Name-list records whose reference name differs from the stored version's. */
async function renamedRecords(tx: Tx, connectionId: string, type: string, changed: ProviderRecord[]) {
  if (changed.length === 0) return [];
  const stored = new Map((await storedVersions(tx, connectionId, type, changed)).map((data) => [String(data.Id), referenceName(data)]));
  return changed.flatMap((record) => {
    const name = referenceName(record);
    const id = String(record.Id);
    return name !== undefined && stored.has(id) && stored.get(id) !== name ? [{ type, id, name }] : [];
  });
}

/** Sub-customers (projects) roll up into their parent's BalanceWithJobs. */
async function parentsOf(tx: Tx, connectionId: string, customers: Set<string>): Promise<string[]> {
  if (customers.size === 0) return [];
  const rows = await tx<{ parent: string }[]>`
    select data->'ParentRef'->>'value' as parent from records
    where connection_id = ${connectionId} and type = 'Customer' and external_id in ${tx([...customers])} and data ? 'ParentRef'`;
  return rows.map((row) => row.parent).filter(Boolean);
}

/**
 * Where to ask CDC again after an answer at the cap for one type. CDC answers the oldest changes first, so
 * every change older than the answer's newest one is in it; asking again from one second before that newest
 * time (times are whole seconds, and whether changedSince is inclusive is not documented) loses nothing.
 * Undefined when that does not move past `from` (over 1000 changes within a second) or the answer is not
 * oldest-first after all: then the type goes through a query and an Id reconciliation instead.
 */
export function cdcResumePoint(records: ProviderRecord[], from: Date): Date | undefined {
  let newest = -Infinity;
  for (const record of records) {
    const at = Date.parse(String((record.MetaData as { LastUpdatedTime?: unknown } | undefined)?.LastUpdatedTime ?? ''));
    if (Number.isNaN(at) || at < newest) return undefined;
    newest = at;
  }
  const next = newest - 1000;
  return next > from.getTime() ? new Date(next) : undefined;
}

/**
 * Types that CDC cannot answer for: their changes by LastUpdatedTime, and their deletions, which no query
 * shows, from QuickBooks' list of Ids. A type whose mirror fits in one page is simply listed whole (one
 * call finds changes and deletions alike); a bigger one is queried for changes, then counted: every record
 * QuickBooks holds is now in the mirror, so equal counts mean nothing was deleted, and unequal ones make us
 * list the Ids. Every type's first question (and count) goes in one batch; further pages follow per type.
 * Customers and vendors read here are party reads (`reads`). Returns the provider's time at the first answer.
 */
async function syncByQuery(ctx: RunContext, types: string[], since: Date, affected: AffectedParties, reads: PartyReads): Promise<Date | undefined> {
  if (types.length === 0) return undefined;
  const changedSince = `Metadata.LastUpdatedTime > '${since.toISOString()}'`;
  const plans = await Promise.all(
    types.map(async (type) => {
      const [mirror] = await ctx.deps.sql<{ n: number }[]>`
        select count(*)::int as n from records where connection_id = ${ctx.connectionId} and type = ${type} and deleted_at is null`;
      const small = mirror!.n < QBO_PAGE_SIZE;
      return { type, small, statements: small ? [rangePageQuery(type, null, null)] : [rangePageQuery(type, null, null, [changedSince]), countStatement(type)] };
    }),
  );
  const answers = await batchQueries(ctx, plans.flatMap((plan) => plan.statements));
  const first = answers.find((answer) => answer.time)?.time;
  let next = 0;
  const work = plans.map((plan) => {
    const [page, count] = [answers[next]!, answers[next + 1]];
    next += plan.statements.length;
    return { ...plan, page, count };
  });
  for (const { type } of work) if (type === 'Customer' || type === 'Vendor') reads.all = true;
  await Promise.all(
    work.map(async ({ type, small, page, count }) => {
      if (small) {
        await reconcileByIdListing(ctx, type, since, affected, page);
        return;
      }
      await queryChangedSince(ctx, type, since, affected, page);
      await reconcileDeletions(ctx, type, since, affected, Number(count!.QueryResponse.totalCount ?? 0));
    }),
  );
  return first ? new Date(first) : undefined;
}

const countStatement = (type: string) => `SELECT COUNT(*) FROM ${type}${everyRecordOf(type)}`;

/**
 * Finds what QuickBooks deleted of a type, for a mirror that already holds every record QuickBooks has (all
 * changes since `since` applied, or the type just imported): then equal counts mean nothing was deleted, and
 * only unequal ones cost a listing of the type's Ids. `counted` is QuickBooks' count when already asked.
 */
export async function reconcileDeletions(ctx: RunContext, type: string, since: Date, affected: AffectedParties = noParties(), counted?: number): Promise<void> {
  const total = counted ?? Number((await ctx.caller.call((api) => api.get<QueryAnswer>('query', { query: countStatement(type) }))).QueryResponse.totalCount ?? 0);
  const [live] = await ctx.deps.sql<{ n: number }[]>`
    select count(*)::int as n from records where connection_id = ${ctx.connectionId} and type = ${type} and deleted_at is null`;
  if (total !== live!.n) await reconcileByIdListing(ctx, type, since, affected);
}

/**
 * Lists every record of a type by Id keyset and makes the mirror's live set that list: records changed since
 * `since` are applied as changes, any other record missing from the mirror is stored, and every live record
 * QuickBooks no longer lists becomes a tombstone (only once the whole list is read). A record created while
 * listing either shows up in a later page or waits for the next sync; one deleted after its page was read
 * stays live until the next sync's CDC reports it. `firstPage` is the first page when already asked.
 */
async function reconcileByIdListing(ctx: RunContext, type: string, since: Date, affected: AffectedParties, firstPage?: QueryAnswer): Promise<void> {
  const listed = new Set<string>();
  for (let after: string | null = null, given = firstPage; ; given = undefined) {
    const statement = rangePageQuery(type, after, null);
    const answer = given ?? (await ctx.caller.call((api) => api.get<QueryAnswer>('query', { query: statement })));
    const page = (answer.QueryResponse[type] as ProviderRecord[] | undefined) ?? [];
    for (const record of page) listed.add(String(record.Id));
    const changed = page.filter((record) => updatedAt(record) >= since.getTime());
    await applyChanges(ctx, new Map([[type, changed]]), affected);
    // Unchanged since the last sync: normally stored already (an unchanged upsert touches nothing), but a
    // mirror that drifted gets the record back.
    const restored = await upsertRecords(ctx.deps.sql, ctx.connectionId, type, page.filter((record) => updatedAt(record) < since.getTime()));
    // A transaction the mirror lacked or held wrong: which parties' balances were read without it is unknown.
    if (restored > 0 && !qboNameLists.has(type) && !SLOW_LISTS.has(type) && !NON_POSTING.has(type)) affected.all = true;
    if (page.length < QBO_PAGE_SIZE) break;
    after = String(page[page.length - 1]!.Id);
  }
  const live = await ctx.deps.sql<{ external_id: string }[]>`
    select external_id from records where connection_id = ${ctx.connectionId} and type = ${type} and deleted_at is null`;
  const gone = live.filter((row) => !listed.has(row.external_id)).map((row): ProviderRecord => ({ Id: row.external_id, status: 'Deleted' }));
  if (gone.length > 0) await applyChanges(ctx, new Map([[type, gone]]), affected);
}

function updatedAt(record: ProviderRecord): number {
  const at = Date.parse(String((record.MetaData as { LastUpdatedTime?: unknown } | undefined)?.LastUpdatedTime ?? ''));
  return Number.isNaN(at) ? Infinity : at;
}

/**
 * Pages a LastUpdatedTime query (inactive name-list records included) by Id keyset: a record updated while
 * paging would move to the end of a LastUpdatedTime order and shift a STARTPOSITION page past another
 * record; with Id order nothing moves (a record updated after its page was read is newer than the
 * watermark, so the next sync reads it). `firstPage` is the first page when already asked.
 */
async function queryChangedSince(ctx: RunContext, type: string, since: Date, affected: AffectedParties, firstPage?: QueryAnswer): Promise<void> {
  await pageChangedSince(ctx, type, since, (page) => applyChanges(ctx, new Map([[type, page]]), affected), firstPage);
}

async function pageChangedSince(ctx: RunContext, type: string, since: Date, handle: (page: ProviderRecord[]) => Promise<void>, firstPage?: QueryAnswer): Promise<void> {
  const changedSince = `Metadata.LastUpdatedTime > '${since.toISOString()}'`;
  for (let after: string | null = null, given = firstPage; ; given = undefined) {
    const statement = rangePageQuery(type, after, null, [changedSince]);
    const answer = given ?? (await ctx.caller.call((api) => api.get<QueryAnswer>('query', { query: statement })));
    const page = (answer.QueryResponse[type] as ProviderRecord[] | undefined) ?? [];
    await handle(page);
    if (page.length < QBO_PAGE_SIZE) return;
    after = String(page[page.length - 1]!.Id);
  }
}
