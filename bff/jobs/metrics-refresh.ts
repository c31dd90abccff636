import { qboApiFor } from '../connections/provider.ts';
import type { ConnectionRow } from '../connections/store.ts';
import type { Queryable } from '../db/client.ts';
import { refreshDatasets } from '../metrics/datasets.ts';
import { recomputeMetrics } from '../metrics/values.ts';
import { getSettings } from '../organizations/store.ts';
import { ProviderBudget } from '../sync/budget.ts';
import { ProviderCaller, qboBudgetKey } from '../sync/provider-caller.ts';
import { enqueueJob } from './queue.ts';
import type { JobHandler } from './run-job.ts';

export const METRICS_REFRESH_JOB = 'metrics-refresh';

interface MetricsRefreshPayload {
  connection_id: string;
  /** Transactions stored from this time on are the changes whose months are fetched again. */
  since: string;
}

/**
 * Called in the transaction that commits a sync run as succeeded: the financial datasets and metrics are brought
 * up to date by their own job after the commit, so report calls never slow the record import and a failed report
 * never fails the sync. One job per connection at a time; a coalesced request keeps the earlier `since`.
 */
export async function enqueueMetricsRefreshAfterRun(tx: Queryable, connection: Pick<ConnectionRow, 'id' | 'provider'>, runStartedAt: Date): Promise<string | undefined> {
  if (connection.provider !== 'qbo') return undefined;
  const payload: MetricsRefreshPayload = { connection_id: connection.id, since: runStartedAt.toISOString() };
  return (await enqueueJob(tx, { kind: METRICS_REFRESH_JOB, payload: { ...payload }, dedupeKey: connection.id, maxAttempts: 5 })).id;
}

/**
 * Fetches the months of the ProfitAndLoss and BalanceSheet datasets that are missing from the organization's
 * window or that the synced changes can touch (read-only, inside the company's report budget), then recomputes
 * every metric of the connection and reports changed values as metric.updated. A connection that is not
 * connected is left alone: its values are kept and shown as stale until a reconnect and sync resume it.
 */
export const metricsRefreshJob: JobHandler = {
  kind: METRICS_REFRESH_JOB,
  async run(deps, job, signal) {
    const payload = job.payload as unknown as MetricsRefreshPayload;
    const [connection] = await deps.sql<ConnectionRow[]>`select * from connections where id = ${payload.connection_id}`;
    if (!connection) return { skipped: 'connection deleted' };
    if (connection.status !== 'connected') return { skipped: `connection ${connection.status}` };
    const settings = await getSettings(deps.sql, connection.tenant_id, connection.organization_id);
    const caller = new ProviderCaller(qboApiFor(deps, connection), new ProviderBudget(deps.sql, qboBudgetKey(connection.external_id), deps.qboLimits), undefined, signal);
    const refreshed = await refreshDatasets(deps.sql, connection, caller, {
      now: deps.now(),
      windowMonths: settings.metric_window_months,
      since: new Date(payload.since),
      signal,
    });
    const metrics = await deps.sql.begin((tx) => recomputeMetrics(tx, connection.id, deps.now()));
    return { report_calls: refreshed.calls, fetched: refreshed.fetched.map((plan) => ({ ...plan })), refused: refreshed.refused.map((range) => ({ ...range })), ...metrics };
  },
};
