import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ConnectionId } from '../../shared/api/connections.ts';
import { BulkVisibilityBody, ConnectionSync, SetVisibilityBody, StartedSync, StartSyncBody, SyncRun } from '../../shared/api/sync.ts';
import { Connection } from '../../shared/api/connections.ts';
import { findConnection, listConnections, presentConnection, type ConnectionRow } from '../connections/store.ts';
import { sessionViewer } from '../connections/viewer.ts';
import { requireRole } from '../auth/roles.ts';
import type { AppEnv, Deps } from '../context.ts';
import { ApiError, notFound } from '../http/api-error.ts';
import { takeProviderAction } from '../http/rate-limit.ts';
import { jsonBody, jsonResponse, serverRoute, widgetRoute } from '../http/routes.ts';
import { SingleFlight } from '../http/single-flight.ts';
import { loadProgress, presentRun, requestSync, type RunRow } from './runs.ts';
import { POLL_ACTIVE_MS, POLL_IDLE_MS, presentActiveRun, syncStatus } from './status.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const syncRoutes = apiRoutes();

const Params = z.object({ id: ConnectionId });
const StatusEntry = z.object({ connection: Connection, sync: ConnectionSync });
const StatusList = z.object({ data: z.array(StatusEntry), poll_after_ms: z.number().int() }).meta({ id: 'SyncStatusList' });
const RunList = z.object({ data: z.array(SyncRun) }).meta({ id: 'SyncRunList' });

/** "Sync now" requests in flight in this process, by connection (and full or not): concurrent ones are one. */
const syncRequests = new WeakMap<Deps, SingleFlight<{ runId: string; coalesced: boolean }>>();

async function startSync(c: Context<AppEnv>, connection: ConnectionRow, full: boolean) {
  const deps = c.get('deps');
  if (connection.status !== 'connected') {
    throw new ApiError('conflict', connection.status === 'needs_reconnect' ? 'Reconnect this company before syncing it' : 'This company is not connected');
  }
  let flights = syncRequests.get(deps);
  if (!flights) syncRequests.set(deps, (flights = new SingleFlight()));
  let joined = true;
  const started = await flights.run(`${connection.id}:${full}`, undefined, async () => {
    joined = false;
    takeProviderAction(c, connection.id);
    const requested = await requestSync(deps.sql, connection.id, { trigger: 'manual', full });
    deps.wakeWorker?.();
    return requested;
  });
  return { run_id: started.runId, coalesced: joined || started.coalesced };
}

async function runHistory(deps: Deps, connectionId: string) {
  const rows = await deps.sql<RunRow[]>`select * from sync_runs where connection_id = ${connectionId} order by queued_at desc limit 50`;
  const now = deps.now();
  // An active run reads as the status does (totals only once every type is counted), so history and row agree.
  return Promise.all(rows.map(async (run) => (run.status === 'running' || run.status === 'queued' ? presentActiveRun(run, await loadProgress(deps.sql, run.id), now) : presentRun(run, [], now))));
}

async function statusOf(deps: Deps, rows: ConnectionRow[]) {
  const statuses = await syncStatus(deps.sql, rows, deps.now());
  const data = rows.map((row) => ({ connection: presentConnection(row), sync: statuses.get(row.id)! }));
  const active = data.some((entry) => entry.sync.current_run !== null);
  return { data, poll_after_ms: active ? POLL_ACTIVE_MS : POLL_IDLE_MS };
}

syncRoutes.openapi(
  serverRoute({
    method: 'post',
    path: '/v1/connections/{id}/sync',
    summary: 'Start a sync now (coalesces with a queued or running one)',
    tags: ['Sync'],
    request: { params: Params, body: { required: false, content: { 'application/json': { schema: StartSyncBody } } } },
    responses: { 202: jsonResponse('Queued', StartedSync) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const row = await findConnection(deps.sql, c.get('tenant'), c.req.valid('param').id);
    if (!row) throw notFound('Connection');
    const body = (c.req.valid('json') as { full?: boolean } | undefined) ?? {};
    return c.json(await startSync(c, row, body.full ?? false), 202);
  },
);

syncRoutes.openapi(
  serverRoute({
    method: 'get',
    path: '/v1/connections/{id}/runs',
    summary: 'Sync run history, newest first (50)',
    tags: ['Sync'],
    request: { params: Params },
    responses: { 200: jsonResponse('Runs', RunList) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const row = await findConnection(deps.sql, c.get('tenant'), c.req.valid('param').id);
    if (!row) throw notFound('Connection');
    return c.json({ data: await runHistory(deps, row.id) }, 200);
  },
);

syncRoutes.openapi(
  serverRoute({
    method: 'put',
    path: '/v1/connections/{id}/visibility',
    summary: 'Who in the organization sees this connection: everyone, or the named users (plus managers)',
    tags: ['Sync'],
    request: { params: Params, ...jsonBody(SetVisibilityBody) },
    responses: { 200: jsonResponse('The connection', Connection) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const [row] = await deps.sql<ConnectionRow[]>`
      update connections set visibility_mode = ${body.mode}, visible_user_ids = ${body.user_ids}
      where id = ${c.req.valid('param').id} and tenant_id = ${c.get('tenant').tenantId} returning *`;
    if (!row) throw notFound('Connection');
    return c.json(presentConnection(row), 200);
  },
);

syncRoutes.openapi(
  widgetRoute({
    method: 'get',
    path: '/v1/widget/sync-status',
    summary: 'Every connection this user may see, with its sync state; poll again after poll_after_ms',
    tags: ['Widget', 'Sync'],
    responses: { 200: jsonResponse('Sync status', StatusList) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const session = c.get('session');
    const rows = await listConnections(deps.sql, session.tenantId, session.organizationId, await sessionViewer(c));
    return c.json(await statusOf(deps, rows), 200);
  },
);

syncRoutes.openapi(
  widgetRoute({
    method: 'get',
    path: '/v1/widget/sync-status/{id}',
    summary: 'One connection\'s sync state',
    tags: ['Widget', 'Sync'],
    request: { params: Params },
    responses: { 200: jsonResponse('Sync status', StatusEntry.extend({ poll_after_ms: z.number().int() })) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const row = await findConnection(deps.sql, c.get('session'), c.req.valid('param').id, await sessionViewer(c));
    if (!row) throw notFound('Connection');
    const { data, poll_after_ms } = await statusOf(deps, [row]);
    return c.json({ ...data[0]!, poll_after_ms }, 200);
  },
);

syncRoutes.openapi(
  widgetRoute({
    method: 'post',
    path: '/v1/widget/connections/{id}/sync',
    summary: '"Sync now" (roles allowed by the organization\'s sync_roles)',
    tags: ['Widget', 'Sync'],
    request: { params: Params, body: { required: false, content: { 'application/json': { schema: StartSyncBody } } } },
    responses: { 202: jsonResponse('Queued', StartedSync) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const session = c.get('session');
    const settings = await requireRole(c, 'sync', 'start a sync');
    const row = await findConnection(deps.sql, session, c.req.valid('param').id, await sessionViewer(c, settings));
    if (!row) throw notFound('Connection');
    const body = (c.req.valid('json') as { full?: boolean } | undefined) ?? {};
    return c.json(await startSync(c, row, body.full ?? false), 202);
  },
);

syncRoutes.openapi(
  widgetRoute({
    method: 'get',
    path: '/v1/widget/connections/{id}/runs',
    summary: 'Sync run history of a connection this user may see',
    tags: ['Widget', 'Sync'],
    request: { params: Params },
    responses: { 200: jsonResponse('Runs', RunList) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const row = await findConnection(deps.sql, c.get('session'), c.req.valid('param').id, await sessionViewer(c));
    if (!row) throw notFound('Connection');
    return c.json({ data: await runHistory(deps, row.id) }, 200);
  },
);

syncRoutes.openapi(
  widgetRoute({
    method: 'put',
    path: '/v1/widget/connections/{id}/visibility',
    summary: 'Change who sees one connection (managers only)',
    tags: ['Widget', 'Sync'],
    request: { params: Params, ...jsonBody(SetVisibilityBody) },
    responses: { 200: jsonResponse('The new sync state', ConnectionSync) },
  }),
  async (c) => {
    await requireRole(c, 'manage', 'change who sees a connection');
    const deps = c.get('deps');
    const session = c.get('session');
    const body = c.req.valid('json');
    const [row] = await deps.sql<ConnectionRow[]>`
      update connections set visibility_mode = ${body.mode}, visible_user_ids = ${body.user_ids}
      where id = ${c.req.valid('param').id} and tenant_id = ${session.tenantId} and organization_id = ${session.organizationId}
      returning *`;
    if (!row) throw notFound('Connection');
    return c.json((await syncStatus(deps.sql, [row], deps.now())).get(row.id)!, 200);
  },
);

syncRoutes.openapi(
  widgetRoute({
    method: 'put',
    path: '/v1/widget/connections/visibility',
    summary: 'Change who sees several connections at once (managers only)',
    tags: ['Widget', 'Sync'],
    request: jsonBody(BulkVisibilityBody),
    responses: { 200: jsonResponse('How many changed', z.object({ updated: z.number().int() })) },
  }),
  async (c) => {
    await requireRole(c, 'manage', 'change who sees connections');
    const session = c.get('session');
    const body = c.req.valid('json');
    const rows = await c.get('deps').sql`
      update connections set visibility_mode = ${body.mode}, visible_user_ids = ${body.user_ids}
      where id in ${c.get('deps').sql(body.connection_ids)} and tenant_id = ${session.tenantId} and organization_id = ${session.organizationId}
      returning id`;
    return c.json({ updated: rows.length }, 200);
  },
);
