import type { Tx } from '../db/client.ts';
import { QboError } from '../providers/qbo/faults.ts';
import { everyRecordOf, QBO_PAGE_SIZE, qboNameLists, qboNotInCdc } from '../providers/qbo/entities.ts';
import { propagateRenames, referenceName } from '../records/reference-names.ts';
import { tombstoneRecords, upsertRecords, type ProviderRecord } from '../records/store.ts';
import { hasTaxMappings } from '../mapping/store.ts';
import { collectParties, noParties, type AffectedParties } from './affected-parties.ts';
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
  let newWatermark: Date | undefined;

  // CDC's 30 days are counted on QuickBooks' clock: ours decides only until an answer tells us theirs, and a
  // refusal about the window sends the types to the query path whichever clock was wrong.
  const tooOld = ctx.deps.now().getTime() - since.getTime() > CDC_MAX_AGE_MS;
  if (tooOld) queryTypes.push(...cdcTypes.splice(0));

  const pending: { types: string[]; since: Date }[] = cdcTypes.length > 0 ? [{ types: cdcTypes, since }] : [];
  while (pending.length > 0) {
    const { types: group, since: from } = pending.shift()!;
    let answer: CdcAnswer;
    try {
      answer = await ctx.caller.call((api) => api.get<CdcAnswer>('cdc', { entities: group.join(','), changedSince: from.toISOString() }));
    } catch (error) {
      if (!isCdcWindowRefusal(error)) throw error;
      ctx.deps.logger.debug('CDC refused the window: querying instead', { run_id: ctx.run.id, types: group });
      queryTypes.push(...group, ...pending.splice(0).flatMap((rest) => rest.types));
      break;
    }
    newWatermark ??= answer.time ? new Date(answer.time) : ctx.deps.now();
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
      if (next) {
        // Every object in the answer is its current version, so applying it is right whatever follows.
        await applyChanges(ctx, byType, affected);
        pending.push({ types: [type], since: next });
      } else {
        queryTypes.push(type);
      }
      continue;
    }
    await applyChanges(ctx, byType, affected);
  }

  // When the slow lists were last read is a provider time (a watermark): compare it with the provider's clock
  // once an answer told us, else with ours.
  const providerNow = newWatermark ?? ctx.deps.now();
  const slowListsDue = !slowListsCheckedAt || providerNow.getTime() - slowListsCheckedAt.getTime() > SLOW_LIST_MAX_AGE_MS;
  // A company whose tax rates are mapped has its mappings re-checked after every sync (bff/mapping/revalidate.ts):
  // a code switched off in QuickBooks must be seen by the next sync, not a day later. Three small queries.
  if (slowListsDue || (await hasTaxMappings(ctx.deps.sql, ctx.connectionId))) queryTypes.push(...ctx.types.filter((type) => SLOW_LISTS.has(type)));
  const queried = performance.now();
  for (const type of queryTypes) {
    const first = await syncByQuery(ctx, type, since, affected);
    newWatermark ??= first;
  }
  const derived = performance.now();
  await refreshDerivedBalances(ctx, affected);
  ctx.deps.logger.debug('incremental sync steps', {
    run_id: ctx.run.id,
    cdc_ms: Math.round(queried - started),
    queries_ms: Math.round(derived - queried),
    derived_ms: Math.round(performance.now() - derived),
  });
  return { watermark: newWatermark ?? ctx.deps.now(), slowListsChecked: slowListsDue };
}

/** A CDC refusal of `changedSince` (QuickBooks' 30-day look-back, by its own clock): the query path can answer. */
export function isCdcWindowRefusal(error: unknown): boolean {
  return error instanceof QboError && error.status === 400 && error.faults.some((fault) => /changedSince/i.test(`${fault.message} ${fault.detail} ${fault.element ?? ''}`));
}

/**
 * The end of an import: it read parties and transactions at different moments, so a party's stored Balance
 * may count a transaction version the mirror never held (a bill moved to another vendor after that vendor's
 * page was read, or created and deleted in between). Re-reading every party once, after the last transaction
 * page, makes the balances at least as new as every stored transaction; later changes reach the next
 * incremental sync through CDC with their stored versions, which name both parties.
 */
export async function rereadAllParties(ctx: RunContext): Promise<void> {
  // Not counted as records read: the import's count is what it stored.
  await refreshDerivedBalances(ctx, { ...noParties(), all: true }, false);
}

/** Re-reads the parties and accounts whose derived balances the changed transactions moved. */
async function refreshDerivedBalances(ctx: RunContext, affected: AffectedParties, counted = true): Promise<void> {
  for (const type of ['Customer', 'Vendor'] as const) {
    if (affected.all) {
      // Every party, by Id keyset: name lists are far smaller than the transactions that move their balances.
      if (ctx.types.includes(type)) await readWholeType(ctx, type, counted);
      continue;
    }
    const ids = [...affected[type]];
    for (let start = 0; start < ids.length; start += ID_CHUNK) {
      const list = ids.slice(start, start + ID_CHUNK).map((id) => `'${id.replace(/'/g, "\\'")}'`).join(', ');
      const answer = await ctx.caller.call((api) => api.get<{ QueryResponse: Record<string, unknown> }>('query', { query: `SELECT * FROM ${type} WHERE Id IN (${list}) AND Active IN (true, false) MAXRESULTS ${QBO_PAGE_SIZE}` }));
      await applyChanges(ctx, new Map([[type, (answer.QueryResponse[type] as ProviderRecord[] | undefined) ?? []]]), noParties(), counted);
    }
  }
  if ((affected.accounts || affected.all) && ctx.types.includes('Account')) await readWholeType(ctx, 'Account', counted);
}

async function readWholeType(ctx: RunContext, type: string, counted = true): Promise<void> {
  for (let after: string | null = null; ; ) {
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
      if (!qboNameLists.has(type) && !SLOW_LISTS.has(type) && records.length > 0) {
        // Both versions count: the party a transaction left and the one it now names.
        const stored = await storedRows(tx, ctx.connectionId, type, records);
        for (const row of stored.values()) collectParties(affected, row.data);
        for (const record of changed) collectParties(affected, record);
        if (records.some((record) => hasUnseenVersions(record, stored.get(String(record.Id))))) affected.all = true;
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

async function storedRows(tx: Tx, connectionId: string, type: string, records: ProviderRecord[]): Promise<Map<string, { data: Record<string, unknown>; live: boolean }>> {
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
 * A type that CDC cannot answer for: its changes by LastUpdatedTime, and its deletions, which no query
 * shows, from QuickBooks' list of Ids. A type whose mirror fits in one page is simply listed whole (one
 * call finds changes and deletions alike); a bigger one is queried for changes, then counted: every record
 * QuickBooks holds is now in the mirror, so equal counts mean nothing was deleted, and unequal ones make us
 * list the Ids. Returns the provider's time at the first call.
 */
async function syncByQuery(ctx: RunContext, type: string, since: Date, affected: AffectedParties): Promise<Date | undefined> {
  const [mirror] = await ctx.deps.sql<{ n: number }[]>`
    select count(*)::int as n from records where connection_id = ${ctx.connectionId} and type = ${type} and deleted_at is null`;
  if (mirror!.n < QBO_PAGE_SIZE) return reconcileByIdListing(ctx, type, since, affected);
  const first = await queryChangedSince(ctx, type, since, affected);
  await reconcileDeletions(ctx, type, since, affected);
  return first;
}

/**
 * Finds what QuickBooks deleted of a type, for a mirror that already holds every record QuickBooks has (all
 * changes since `since` applied, or the type just imported): then equal counts mean nothing was deleted, and
 * only unequal ones cost a listing of the type's Ids.
 */
export async function reconcileDeletions(ctx: RunContext, type: string, since: Date, affected: AffectedParties = noParties()): Promise<void> {
  const counted = await ctx.caller.call((api) => api.get<{ QueryResponse: { totalCount?: number } }>('query', { query: `SELECT COUNT(*) FROM ${type}${everyRecordOf(type)}` }));
  const [live] = await ctx.deps.sql<{ n: number }[]>`
    select count(*)::int as n from records where connection_id = ${ctx.connectionId} and type = ${type} and deleted_at is null`;
  if (Number(counted.QueryResponse.totalCount ?? 0) !== live!.n) await reconcileByIdListing(ctx, type, since, affected);
}

/**
 * Lists every record of a type by Id keyset and makes the mirror's live set that list: records changed since
 * `since` are applied as changes, any other record missing from the mirror is stored, and every live record
 * QuickBooks no longer lists becomes a tombstone (only once the whole list is read). A record created while
 * listing either shows up in a later page or waits for the next sync; one deleted after its page was read
 * stays live until the next sync's CDC reports it.
 */
async function reconcileByIdListing(ctx: RunContext, type: string, since: Date, affected: AffectedParties): Promise<Date | undefined> {
  const listed = new Set<string>();
  let first: Date | undefined;
  for (let after: string | null = null; ; ) {
    const statement = rangePageQuery(type, after, null);
    const answer = await ctx.caller.call((api) => api.get<{ QueryResponse: Record<string, unknown>; time?: string }>('query', { query: statement }));
    first ??= answer.time ? new Date(answer.time) : undefined;
    const page = (answer.QueryResponse[type] as ProviderRecord[] | undefined) ?? [];
    for (const record of page) listed.add(String(record.Id));
    const changed = page.filter((record) => updatedAt(record) >= since.getTime());
    await applyChanges(ctx, new Map([[type, changed]]), affected);
    // Unchanged since the last sync: normally stored already (an unchanged upsert touches nothing), but a
    // mirror that drifted gets the record back.
    const restored = await upsertRecords(ctx.deps.sql, ctx.connectionId, type, page.filter((record) => updatedAt(record) < since.getTime()));
    // A transaction the mirror lacked or held wrong: which parties' balances were read without it is unknown.
    if (restored > 0 && !qboNameLists.has(type) && !SLOW_LISTS.has(type)) affected.all = true;
    if (page.length < QBO_PAGE_SIZE) break;
    after = String(page[page.length - 1]!.Id);
  }
  const live = await ctx.deps.sql<{ external_id: string }[]>`
    select external_id from records where connection_id = ${ctx.connectionId} and type = ${type} and deleted_at is null`;
  const gone = live.filter((row) => !listed.has(row.external_id)).map((row): ProviderRecord => ({ Id: row.external_id, status: 'Deleted' }));
  if (gone.length > 0) await applyChanges(ctx, new Map([[type, gone]]), affected);
  return first;
}

function updatedAt(record: ProviderRecord): number {
  const at = Date.parse(String((record.MetaData as { LastUpdatedTime?: unknown } | undefined)?.LastUpdatedTime ?? ''));
  return Number.isNaN(at) ? Infinity : at;
}

/**
 * Pages a LastUpdatedTime query (inactive name-list records included) by Id keyset: a record updated while
 * paging would move to the end of a LastUpdatedTime order and shift a STARTPOSITION page past another
 * record; with Id order nothing moves (a record updated after its page was read is newer than the
 * watermark, so the next sync reads it). Returns the provider's time at the first page.
 */
async function queryChangedSince(ctx: RunContext, type: string, since: Date, affected: AffectedParties): Promise<Date | undefined> {
  let first: Date | undefined;
  const changedSince = `Metadata.LastUpdatedTime > '${since.toISOString()}'`;
  for (let after: string | null = null; ; ) {
    const statement = rangePageQuery(type, after, null, [changedSince]);
    const answer = await ctx.caller.call((api) => api.get<{ QueryResponse: Record<string, unknown>; time?: string }>('query', { query: statement }));
    first ??= answer.time ? new Date(answer.time) : undefined;
    const page = (answer.QueryResponse[type] as ProviderRecord[] | undefined) ?? [];
    await applyChanges(ctx, new Map([[type, page]]), affected);
    if (page.length < QBO_PAGE_SIZE) return first;
    after = String(page[page.length - 1]!.Id);
  }
}
