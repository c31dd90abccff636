import type { Tx } from '../db/client.ts';
import { QBO_PAGE_SIZE, qboNameLists, qboNotInCdc } from '../providers/qbo/entities.ts';
import { propagateRenames, referenceName } from '../records/reference-names.ts';
import { tombstoneRecords, upsertRecords, type ProviderRecord } from '../records/store.ts';
import { collectParties, noParties, type AffectedParties } from './affected-parties.ts';
import type { RunContext } from './import-run.ts';

/** Tax agencies, codes and rates: outside CDC and rarely changed, so re-read at most this often. */
export const SLOW_LISTS = new Set(['TaxAgency', 'TaxCode', 'TaxRate']);
export const SLOW_LIST_MAX_AGE_MS = 20 * 3600_000;
const ID_CHUNK = 500;

/** Re-read this much before the watermark: clocks differ, and a change committed late still shows. */
export const WATERMARK_OVERLAP_MS = 5 * 60_000;
/** QuickBooks' CDC looks back 30 days at most. */
const CDC_MAX_AGE_MS = 30 * 24 * 3600_000;
const CDC_MAX_OBJECTS = 1000;

interface CdcAnswer {
  CDCResponse: { QueryResponse: Record<string, unknown>[] }[];
  time?: string;
}

/**
 * Changes since the last watermark: one CDC call for every type it covers (split when the 1000-object cap
 * is hit), and a LastUpdatedTime query for the types it does not cover. Deleted objects become tombstones.
 * Falls back to LastUpdatedTime queries for everything when the watermark is older than CDC's 30 days.
 * Returns the new watermark: the provider's clock at the first call, before anything was read.
 */
export async function runIncremental(ctx: RunContext, watermark: Date, slowListsCheckedAt: Date | null): Promise<{ watermark: Date; slowListsChecked: boolean }> {
  const started = performance.now();
  const since = new Date(watermark.getTime() - WATERMARK_OVERLAP_MS);
  const slowListsDue = !slowListsCheckedAt || ctx.deps.now().getTime() - slowListsCheckedAt.getTime() > SLOW_LIST_MAX_AGE_MS;
  const cdcTypes = ctx.types.filter((type) => !qboNotInCdc.has(type));
  const queryTypes = ctx.types.filter((type) => qboNotInCdc.has(type) && (slowListsDue || !SLOW_LISTS.has(type)));
  const affected = noParties();
  let newWatermark: Date | undefined;

  const tooOld = ctx.deps.now().getTime() - since.getTime() > CDC_MAX_AGE_MS;
  if (tooOld) queryTypes.push(...cdcTypes.splice(0));

  const pending = cdcTypes.length > 0 ? [cdcTypes] : [];
  while (pending.length > 0) {
    const group = pending.shift()!;
    const answer = await ctx.caller.call((api) => api.get<CdcAnswer>('cdc', { entities: group.join(','), changedSince: since.toISOString() }));
    newWatermark ??= answer.time ? new Date(answer.time) : ctx.deps.now();
    const byType = collectCdc(answer);
    const objects = [...byType.values()].reduce((sum, list) => sum + list.length, 0);
    if (objects >= CDC_MAX_OBJECTS) {
      // Capped: some changes may be missing. Narrow the question; a single type falls back to paged queries.
      if (group.length > 1) pending.push(group.slice(0, group.length >> 1), group.slice(group.length >> 1));
      else queryTypes.push(group[0]!);
      continue;
    }
    await applyChanges(ctx, byType, affected);
  }

  const queried = performance.now();
  for (const type of queryTypes) {
    const first = await queryChangedSince(ctx, type, since, affected);
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

/** Re-reads the parties and accounts whose derived balances the changed transactions moved. */
async function refreshDerivedBalances(ctx: RunContext, affected: AffectedParties): Promise<void> {
  for (const type of ['Customer', 'Vendor'] as const) {
    const ids = [...affected[type]];
    for (let start = 0; start < ids.length; start += ID_CHUNK) {
      const list = ids.slice(start, start + ID_CHUNK).map((id) => `'${id.replace(/'/g, "\\'")}'`).join(', ');
      const answer = await ctx.caller.call((api) => api.get<{ QueryResponse: Record<string, unknown> }>('query', { query: `SELECT * FROM ${type} WHERE Id IN (${list}) AND Active IN (true, false) MAXRESULTS ${QBO_PAGE_SIZE}` }));
      await applyChanges(ctx, new Map([[type, (answer.QueryResponse[type] as ProviderRecord[] | undefined) ?? []]]), noParties());
    }
  }
  if (affected.accounts && ctx.types.includes('Account')) {
    for (let position = 1; ; position += QBO_PAGE_SIZE) {
      const answer = await ctx.caller.call((api) =>
        api.get<{ QueryResponse: Record<string, unknown> }>('query', { query: `SELECT * FROM Account WHERE Active IN (true, false) ORDERBY Id STARTPOSITION ${position} MAXRESULTS ${QBO_PAGE_SIZE}` }),
      );
      const page = (answer.QueryResponse.Account as ProviderRecord[] | undefined) ?? [];
      await applyChanges(ctx, new Map([['Account', page]]), noParties());
      if (page.length < QBO_PAGE_SIZE) break;
    }
  }
}

function collectCdc(answer: CdcAnswer): Map<string, ProviderRecord[]> {
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

async function applyChanges(ctx: RunContext, byType: Map<string, ProviderRecord[]>, affected: AffectedParties): Promise<void> {
  const started = performance.now();
  await ctx.deps.sql.begin(async (tx) => {
    let count = 0;
    for (const [type, records] of byType) {
      const deleted = records.filter((record) => record.status === 'Deleted');
      const changed = records.filter((record) => record.status !== 'Deleted');
      if (!qboNameLists.has(type) && !SLOW_LISTS.has(type) && records.length > 0) {
        // Both versions count: the party a transaction left and the one it now names.
        for (const previous of await storedVersions(tx, ctx.connectionId, type, records)) collectParties(affected, previous);
        for (const record of changed) collectParties(affected, record);
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
    await tx`update sync_runs set records_done = records_done + ${count} where id = ${ctx.run.id}`;
  });
  ctx.deps.logger.debug('changes applied', { types: [...byType.keys()], ms: Math.round(performance.now() - started) });
}

/** Pages a LastUpdatedTime query (inactive name-list records included). Returns the provider's time at the first page. */
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

async function queryChangedSince(ctx: RunContext, type: string, since: Date, affected: AffectedParties): Promise<Date | undefined> {
  const active = qboNameLists.has(type) ? ' AND Active IN (true, false)' : '';
  let first: Date | undefined;
  for (let position = 1; ; ) {
    const statement = `SELECT * FROM ${type} WHERE Metadata.LastUpdatedTime > '${since.toISOString()}'${active} ORDERBY Metadata.LastUpdatedTime STARTPOSITION ${position} MAXRESULTS ${QBO_PAGE_SIZE}`;
    const answer = await ctx.caller.call((api) => api.get<{ QueryResponse: Record<string, unknown>; time?: string }>('query', { query: statement }));
    first ??= answer.time ? new Date(answer.time) : undefined;
    const page = (answer.QueryResponse[type] as ProviderRecord[] | undefined) ?? [];
    await applyChanges(ctx, new Map([[type, page]]), affected);
    if (page.length < QBO_PAGE_SIZE) return first;
    position += page.length;
  }
}
