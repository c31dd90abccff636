import type { Deps } from '../context.ts';
import { everyRecordOf, QBO_PAGE_SIZE } from '../providers/qbo/entities.ts';
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
  /** How many entity types are paged at the same time (the budget still caps calls in flight). */
  typeConcurrency: number;
  signal: AbortSignal;
}

interface QueryAnswer {
  QueryResponse: Record<string, unknown> & { totalCount?: number };
  time?: string;
}

/**
 * The first import: every enabled type, paged at QuickBooks' maximum by Id keyset, several types at once. Each
 * page's records and its checkpoint (the last Id read) commit in one short transaction, so a crash resumes
 * after the last committed page with nothing lost or doubled. The watermark is the provider's clock before the
 * first page, so whatever changes during the import is caught by the first incremental sync.
 */
export async function runImport(ctx: RunContext): Promise<void> {
  const { deps, run } = ctx;
  if (!run.watermark) {
    const info = await ctx.caller.call((api) => api.get<{ CompanyInfo: ProviderRecord; time?: string }>(`companyinfo/${encodeURIComponent(ctx.realmId)}`));
    const watermark = info.time ? new Date(info.time) : deps.now();
    const prefs = await ctx.caller.call((api) => api.get<{ Preferences: ProviderRecord }>('preferences'));
    await deps.sql.begin(async (tx) => {
      await upsertRecords(tx, ctx.connectionId, 'CompanyInfo', [info.CompanyInfo]);
      await upsertRecords(tx, ctx.connectionId, 'Preferences', [{ Id: '1', ...prefs.Preferences }]);
      await tx`update sync_runs set watermark = ${watermark} where id = ${run.id}`;
    });
    run.watermark = watermark;
  }

  const progress = new Map((await loadProgress(deps.sql, run.id)).map((row) => [row.type, row]));
  const pending = ctx.types.filter((type) => !progress.get(type)?.finished);
  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const type = pending[next++]!;
      await importType(ctx, type, progress.get(type));
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.typeConcurrency, pending.length) }, worker));
}

/** One Id range of a type and how far its pages have committed (a row of sync_ranges). */
interface RangeCheckpoint {
  lower_id: string;
  upper_id: string | null;
  after_id: string | null;
  finished: boolean;
}

async function importType(ctx: RunContext, type: string, checkpoint: ProgressRow | undefined): Promise<void> {
  const { deps, run } = ctx;
  if (!checkpoint) {
    const counted = await ctx.caller.call((api) => api.get<QueryAnswer>('query', { query: `SELECT COUNT(*) FROM ${type}${everyRecordOf(type)}` }));
    const total = Number(counted.QueryResponse.totalCount ?? 0);
    await deps.sql`
      insert into sync_progress (run_id, type, total) values (${run.id}, ${type}, ${total})
      on conflict (run_id, type) do nothing`;
  }
  let ranges: RangeCheckpoint[] = await deps.sql<RangeCheckpoint[]>`
    select lower_id, upper_id, after_id, finished from sync_ranges where run_id = ${run.id} and type = ${type} order by lower_id`;
  if (ranges.length === 0) {
    // The whole type as one range. A run checkpointed by position before ranges existed restarts the type:
    // re-reading is harmless (unchanged records are not touched), and its count starts over with it.
    await deps.sql.begin(async (tx) => {
      await tx`insert into sync_ranges (run_id, type) values (${run.id}, ${type}) on conflict do nothing`;
      await tx`update sync_progress set done = 0 where run_id = ${run.id} and type = ${type} and done > 0`;
    });
    ranges = [{ lower_id: '', upper_id: null, after_id: null, finished: false }];
  }
  for (const range of ranges) if (!range.finished) await importRange(ctx, type, range);
}

/**
 * Pages one Id range by keyset (`Id > last ORDERBY Id`): what QuickBooks creates or deletes between two pages
 * cannot shift a record past a page boundary, as it does with STARTPOSITION. Each page's records and its
 * checkpoint (the last Id read) commit together, so a resumed run starts right after the last committed
 * page: nothing missed, nothing counted twice.
 */
async function importRange(ctx: RunContext, type: string, range: RangeCheckpoint): Promise<void> {
  const { deps, run } = ctx;
  let after = range.after_id;
  // A first import's pages are new records, stored by plain INSERT; a page that was not (a re-read) switches the
  // range to the upsert until a page is all new or changed again (see storeImportPage).
  let expectNew = true;
  for (;;) {
    ctx.signal.throwIfAborted();
    const answer = await ctx.caller.call((api) => api.getText('query', { query: rangePageQuery(type, after ?? (range.lower_id || null), range.upper_id) }));
    ctx.signal.throwIfAborted();
    const from = after;
    const finished = await deps.sql.begin(async (tx) => {
      // A page and its checkpoint commit together, so a commit lost in a crash loses its checkpoint too and
      // the page is simply fetched again: waiting for each page's WAL flush buys nothing.
      await tx`set local synchronous_commit = off`;
      const { received, lastId, allNew } = await storeImportPage(tx, ctx.connectionId, type, answer, expectNew);
      expectNew = allNew;
      // QuickBooks may answer one more than asked; only a short page ends the range.
      const done = received < QBO_PAGE_SIZE || lastId === null;
      const [moved] = await tx`
        update sync_ranges set after_id = coalesce(${lastId}::text, after_id), finished = ${done}
        where run_id = ${run.id} and type = ${type} and lower_id = ${range.lower_id} and after_id is not distinct from ${from}::text and not finished
        returning 1`;
      // Another worker took this run over and already committed this page: roll back, write nothing twice.
      if (!moved) throw new LeaseLostError(run.id);
      await tx`
        update sync_progress set done = done + ${received},
          finished = not exists (select 1 from sync_ranges where run_id = ${run.id} and type = ${type} and not finished)
        where run_id = ${run.id} and type = ${type}`;
      // Only the lease holder commits. A worker whose run was taken over while it sat between fetching this
      // page and committing it would otherwise commit it under the new holder, whose checkpoint check then
      // fails: the new holder stops, and the run waits out a whole lease before anyone resumes it.
      const [held] = await tx`
        update sync_runs set records_done = records_done + ${received}
        where id = ${run.id} and lease_owner = ${run.lease_owner} and status = 'running' returning 1`;
      if (!held) throw new LeaseLostError(run.id);
      after = lastId ?? after;
      return done;
    });
    if (finished) return;
  }
}

/**
 * One keyset page of a type: Ids above `after` (null: from the first) up to `upper` (null: to the last),
 * narrowed by `filters` (conditions joined with AND, the only joiner QuickBooks has).
 * Ids go back to QuickBooks exactly as it sent them, so its own Id comparison decides the order (numeric in
 * QuickBooks and the sandbox; text compare would put '10' before '9').
 */
export function rangePageQuery(type: string, after: string | null, upper: string | null, filters: readonly string[] = []): string {
  const conditions = [...filters, ...(everyRecordOf(type) ? ['Active IN (true, false)'] : [])];
  if (after !== null) conditions.push(`Id > '${quoteId(after)}'`);
  if (upper !== null) conditions.push(`Id <= '${quoteId(upper)}'`);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT * FROM ${type}${where} ORDERBY Id MAXRESULTS ${QBO_PAGE_SIZE}`;
}

const quoteId = (id: string) => id.replace(/\\/g, '\\\\').replace(/'/g, "\\'");

export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`Run ${runId} was taken over by another worker`);
    this.name = 'LeaseLostError';
  }
}
