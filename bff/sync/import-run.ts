import type { Deps } from '../context.ts';
import { everyRecordOf, QBO_PAGE_SIZE } from '../providers/qbo/entities.ts';
import { upsertQueryPage, upsertRecords, type ProviderRecord } from '../records/store.ts';
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
 * The first import: every enabled type, paged at QuickBooks' maximum, several types at once. Each page's
 * records and its checkpoint (done, next position) commit in one short transaction, so a crash resumes at
 * the last committed page with nothing lost or doubled. The watermark is the provider's clock before the
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

async function importType(ctx: RunContext, type: string, checkpoint: ProgressRow | undefined): Promise<void> {
  const { deps, run } = ctx;
  const where = everyRecordOf(type);
  let position = checkpoint?.next_position ?? 1;
  if (!checkpoint) {
    const counted = await ctx.caller.call((api) => api.get<QueryAnswer>('query', { query: `SELECT COUNT(*) FROM ${type}${where}` }));
    const total = Number(counted.QueryResponse.totalCount ?? 0);
    await deps.sql`
      insert into sync_progress (run_id, type, total) values (${run.id}, ${type}, ${total})
      on conflict (run_id, type) do nothing`;
  }
  for (;;) {
    ctx.signal.throwIfAborted();
    const answer = await ctx.caller.call((api) =>
      api.getText('query', { query: `SELECT * FROM ${type}${where} ORDERBY Id STARTPOSITION ${position} MAXRESULTS ${QBO_PAGE_SIZE}` }),
    );
    ctx.signal.throwIfAborted();
    const from = position;
    const finished = await deps.sql.begin(async (tx) => {
      // A page and its checkpoint commit together, so a commit lost in a crash loses its checkpoint too and
      // the page is simply fetched again: waiting for each page's WAL flush buys nothing.
      await tx`set local synchronous_commit = off`;
      const { received } = await upsertQueryPage(tx, ctx.connectionId, type, answer);
      // QuickBooks may answer one more than asked; only a short page ends the type.
      const done = received < QBO_PAGE_SIZE;
      const [moved] = await tx`
        update sync_progress set done = done + ${received}, next_position = ${from + received}, finished = ${done}
        where run_id = ${run.id} and type = ${type} and next_position = ${from}
        returning 1`;
      // Another worker took this run over and already committed this page: roll back, write nothing twice.
      if (!moved) throw new LeaseLostError(run.id);
      await tx`update sync_runs set records_done = records_done + ${received} where id = ${run.id}`;
      position = from + received;
      return done;
    });
    if (finished) return;
  }
}

export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`Run ${runId} was taken over by another worker`);
    this.name = 'LeaseLostError';
  }
}
