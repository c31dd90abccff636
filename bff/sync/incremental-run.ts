import { QBO_PAGE_SIZE, qboNameLists, qboNotInCdc } from '../providers/qbo/entities.ts';
import { tombstoneRecords, upsertRecords, type ProviderRecord } from '../records/store.ts';
import type { RunContext } from './import-run.ts';

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
export async function runIncremental(ctx: RunContext, watermark: Date): Promise<Date> {
  const since = new Date(watermark.getTime() - WATERMARK_OVERLAP_MS);
  const cdcTypes = ctx.types.filter((type) => !qboNotInCdc.has(type));
  const queryTypes = ctx.types.filter((type) => qboNotInCdc.has(type));
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
    await applyChanges(ctx, byType);
  }

  for (const type of queryTypes) {
    const first = await queryChangedSince(ctx, type, since);
    newWatermark ??= first;
  }
  return newWatermark ?? ctx.deps.now();
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

async function applyChanges(ctx: RunContext, byType: Map<string, ProviderRecord[]>): Promise<void> {
  await ctx.deps.sql.begin(async (tx) => {
    let count = 0;
    for (const [type, records] of byType) {
      const deleted = records.filter((record) => record.status === 'Deleted');
      const changed = records.filter((record) => record.status !== 'Deleted');
      await upsertRecords(tx, ctx.connectionId, type, changed);
      await tombstoneRecords(tx, ctx.connectionId, type, deleted);
      count += records.length;
    }
    await tx`update sync_runs set records_done = records_done + ${count} where id = ${ctx.run.id}`;
  });
}

/** Pages a LastUpdatedTime query (inactive name-list records included). Returns the provider's time at the first page. */
async function queryChangedSince(ctx: RunContext, type: string, since: Date): Promise<Date | undefined> {
  const active = qboNameLists.has(type) ? ' AND Active IN (true, false)' : '';
  let first: Date | undefined;
  for (let position = 1; ; ) {
    const statement = `SELECT * FROM ${type} WHERE Metadata.LastUpdatedTime > '${since.toISOString()}'${active} ORDERBY Metadata.LastUpdatedTime STARTPOSITION ${position} MAXRESULTS ${QBO_PAGE_SIZE}`;
    const answer = await ctx.caller.call((api) => api.get<{ QueryResponse: Record<string, unknown>; time?: string }>('query', { query: statement }));
    first ??= answer.time ? new Date(answer.time) : undefined;
    const page = (answer.QueryResponse[type] as ProviderRecord[] | undefined) ?? [];
    await applyChanges(ctx, new Map([[type, page]]));
    if (page.length < QBO_PAGE_SIZE) return first;
    position += page.length;
  }
}
