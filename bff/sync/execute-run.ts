import { revalidateMappings } from '../mapping/revalidate.ts';
import { setMaxListeners } from 'node:events';
import type { SyncError } from '../../shared/api/sync.ts';
import { qboApiFor } from '../connections/provider.ts';
import type { ConnectionRow } from '../connections/store.ts';
import type { Deps } from '../context.ts';
import { recordSyncCompleted, recordSyncFailed, recordSyncStarted, summariseRun } from '../events/sync-events.ts';
import { enqueueFieldSyncAfterRun } from '../jobs/field-sync.ts';
import { enqueueMetricsRefreshAfterRun } from '../jobs/metrics-refresh.ts';
import { enqueuePaymentImportAfterRun } from '../writeback/payments.ts';
import { qboEntityTypes } from '../providers/qbo/entities.ts';
import { ProviderBudget, qboLimits, type BudgetLimits } from './budget.ts';
import { classifySyncError, retryDelaySeconds } from './classify.ts';
import { computeHealth } from './health.ts';
import { LeaseLostError, runImport, type RunContext } from './import-run.ts';
import { reconcileDeletions, rereadAllParties, runIncremental } from './incremental-run.ts';
import { ProviderCaller, defaultRetryPolicy, qboBudgetKey, type RetryPolicy } from './provider-caller.ts';
import { heartbeat, type RunRow } from './runs.ts';

export interface EngineOptions {
  owner: string;
  leaseMs: number;
  limits: BudgetLimits;
  retryPolicy: RetryPolicy;
  /** Pages one run holds between fetch and commit (RunContext.pagesInFlight). */
  pagesInFlight: number;
  /** Bytes of those pages in hand at most (RunContext.pageBytesInFlight). */
  pageBytesInFlight: number;
  /** Automatic re-queues for rate limits and outages before a run is marked failed. */
  maxAttempts: number;
  types: readonly string[];
}

export const defaultEngineOptions: Omit<EngineOptions, 'owner'> = {
  leaseMs: 30_000,
  limits: qboLimits,
  retryPolicy: defaultRetryPolicy,
  // Half for plans (a type's plan holds up to MAX_RANGES_PER_TYPE pages at once), half for ranges: QuickBooks'
  // 10 calls in flight and pages committing meanwhile (sharePagesInFlight).
  pagesInFlight: 32,
  // Pages waiting on commits (PageBytes): a few pages of 1,000 transactions (~1.6 MB as JSON) beyond the two committing.
  pageBytesInFlight: 8 * 1024 * 1024,
  maxAttempts: 8,
  types: qboEntityTypes,
};

/**
 * Runs one claimed sync to its end: import or incremental, then the bookkeeping that makes it visible
 * (watermark, last success, health) or the classified error with the next automatic attempt. The lease is
 * renewed while it works; if another worker takes the run over, this one stops without writing.
 * Hosts hear of it as sync.started (once per run), then sync.completed or, once no attempt is left, sync.failed,
 * each recorded with the status it reports. Work reacting to the synced changes is queued as jobs in the
 * commit that marks the run succeeded, and runs after it: a reaction that fails cannot fail the sync.
 */
export async function executeRun(deps: Deps, run: RunRow, options: EngineOptions, stop: AbortSignal): Promise<void> {
  const [connection] = await deps.sql<ConnectionRow[]>`select * from connections where id = ${run.connection_id}`;
  if (!connection) return;
  const lease = new AbortController();
  const signal = AbortSignal.any([lease.signal, stop]);
  // Every call the run has under way listens to this signal (its budget wait, a back-off, the request), and so
  // does every range waiting for a page of its own: up to a few per page in flight and one per range (at most
  // pagesInFlight per type). Node's default of 10 would warn about a leak that is not one.
  setMaxListeners(Math.max(10, (options.types.length + 4) * options.pagesInFlight), signal);
  const beat = setInterval(() => {
    heartbeat(deps.sql, run.id, options.owner, options.leaseMs).then(
      (held) => held || lease.abort(new LeaseLostError(run.id)),
      () => {},
    );
  }, options.leaseMs / 3);

  try {
    await deps.sql.begin((tx) => recordSyncStarted(tx, connection, run));
    const caller = new ProviderCaller(qboApiFor(deps, connection), new ProviderBudget(deps.sql, qboBudgetKey(connection.external_id), options.limits), options.retryPolicy, signal);
    const ctx: RunContext = {
      deps,
      run,
      connectionId: connection.id,
      realmId: connection.external_id,
      types: options.types,
      caller,
      pagesInFlight: options.pagesInFlight,
      pageBytesInFlight: options.pageBytesInFlight,
      callsInFlight: options.limits.concurrent,
      signal,
    };
    let watermark: Date;
    let slowListsChecked = true;
    if (run.kind === 'initial' || !connection.watermark) {
      // Asked before the import writes anything: on a fresh mirror an index probe finds none at once, where
      // asking afterwards means reading every record the import stored (a quarter of a second at 200,000).
      const olderRecords = await mirrorPredatesRun(ctx);
      await runImport(ctx);
      watermark = run.watermark!;
      // The import paged parties after every transaction, so their balances are as new as the stored
      // transactions; only transactions the deletion check changed afterwards call for a second read of them.
      if (olderRecords && (await dropWhatQboDeleted(ctx))) await rereadAllParties(ctx);
    } else {
      ({ watermark, slowListsChecked } = await runIncremental(ctx, connection.watermark, connection.slow_lists_checked_at));
    }
    await succeed(deps, run, connection, watermark, options.owner, slowListsChecked);
  } catch (error) {
    if (lease.signal.aborted || stop.aborted || error instanceof LeaseLostError) return; // someone else owns the run now, or we are shutting down
    await fail(deps, run, connection, classifySyncError(error, deps.now(), connection.company_name ?? undefined), options);
    if (classifySyncError(error, deps.now()).category === 'internal') deps.logger.error('sync failed', { run_id: run.id, error });
  } finally {
    clearInterval(beat);
  }
}

/**
 * An import reads what exists, so over a mirror that predates it (a full refresh, or a first import retried
 * after a failed one) it never learns what QuickBooks deleted meanwhile. Types with such older records get
 * a deletion check; a fresh mirror has nothing to check. True when some type was checked.
 */
async function dropWhatQboDeleted(ctx: RunContext): Promise<boolean> {
  const rows = await ctx.deps.sql<{ type: string }[]>`select distinct type from records where ${olderThanRun(ctx)}`;
  for (const { type } of rows) await reconcileDeletions(ctx, type, ctx.run.watermark!);
  return rows.length > 0;
}

/** Live records of the run's types written before the run started: what dropWhatQboDeleted checks. */
const olderThanRun = (ctx: RunContext) => ctx.deps.sql`
  connection_id = ${ctx.connectionId} and type in ${ctx.deps.sql(ctx.types as string[])} and deleted_at is null
  and updated_at < (select started_at from sync_runs where id = ${ctx.run.id})`;

/**
 * Whether the mirror holds records from before this run, so dropWhatQboDeleted has anything to check. Every
 * write sets updated_at to its own time, so none can become older than the run while it runs.
 */
async function mirrorPredatesRun(ctx: RunContext): Promise<boolean> {
  const [row] = await ctx.deps.sql<{ found: boolean }[]>`select exists (select 1 from records where ${olderThanRun(ctx)}) as found`;
  return row!.found;
}

async function succeed(deps: Deps, run: RunRow, connection: ConnectionRow, watermark: Date, owner: string, slowListsChecked: boolean): Promise<void> {
  const now = deps.now();
  const summary = await summariseRun(deps.sql, connection.id, run, now);
  const finished = await deps.sql.begin(async (tx) => {
    const [mine] = await tx`
      update sync_runs set status = 'succeeded', finished_at = ${now}, lease_owner = null, lease_until = null, error = null
      where id = ${run.id} and lease_owner = ${owner} and status = 'running' returning id`;
    if (!mine) return false;
    await tx`
      update connections set watermark = ${watermark}, initial_import_done = true, last_successful_sync_at = ${now},
        last_synced_at = ${now}, last_error = null,
        slow_lists_checked_at = ${slowListsChecked ? watermark : connection.slow_lists_checked_at}
      where id = ${connection.id}`;
    await recordSyncCompleted(tx, connection, summary);
    // Mappings are checked against what this run stored, in its commit: a broken one is flagged exactly when
    // the change that broke it is visible.
    await revalidateMappings(tx, connection);
    // Queued only when the run changed a linked supplier's vendor (a full re-import can too).
    if (run.started_at) await enqueueFieldSyncAfterRun(tx, connection.id, run.started_at);
    // Financial datasets and metrics follow every successful run, in their own job (report calls never slow the import).
    if (run.started_at) await enqueueMetricsRefreshAfterRun(tx, connection, run.started_at);
    // Payments of pushed invoices and bills, reported when the organization imports them.
    await enqueuePaymentImportAfterRun(tx, connection);
    return true;
  });
  if (!finished) return;
  const health = await computeHealth(deps.sql, connection.id, connection.country, now);
  await deps.sql`update connections set health = ${deps.sql.json(health as never)} where id = ${connection.id}`;
}

async function fail(deps: Deps, run: RunRow, connection: ConnectionRow, error: SyncError, options: EngineOptions): Promise<void> {
  const delay = retryDelaySeconds(error, run.attempts);
  const retryAt = error.retry_at ? new Date(error.retry_at) : delay !== undefined ? new Date(deps.now().getTime() + delay * 1000) : undefined;
  const requeue = retryAt !== undefined && run.attempts < options.maxAttempts;
  const shown: SyncError = { ...error, retry_at: requeue ? retryAt.toISOString() : null };
  const now = deps.now();
  const summary = requeue ? undefined : await summariseRun(deps.sql, connection.id, run, now);
  await deps.sql.begin(async (tx) => {
    if (requeue) {
      await tx`
        update sync_runs set status = 'queued', due_at = ${retryAt}, lease_owner = null, lease_until = null, error = ${tx.json(shown as never)}
        where id = ${run.id} and lease_owner = ${options.owner}`;
    } else {
      const [mine] = await tx`
        update sync_runs set status = 'failed', finished_at = ${now}, lease_owner = null, lease_until = null, error = ${tx.json(shown as never)}
        where id = ${run.id} and lease_owner = ${options.owner} returning id`;
      // Only the final failure is news to the host; a re-queued attempt is the same run still going.
      if (mine && summary) await recordSyncFailed(tx, connection, summary, shown);
    }
    await tx`update connections set last_error = ${tx.json(shown as never)} where id = ${connection.id}`;
  });
}
