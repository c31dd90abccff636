import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ConnectionId } from '../../shared/api/connections.ts';
import { AvailableData, CreateMetric, Metric, MetricId, MetricList, MetricPreview, PreviewQuery } from '../../shared/api/metrics.ts';
import { requireRole } from '../auth/roles.ts';
import { findConnection, type ConnectionRow } from '../connections/store.ts';
import { sessionViewer } from '../connections/viewer.ts';
import type { AppEnv } from '../context.ts';
import { notFound } from '../http/api-error.ts';
import { jsonBody, jsonResponse, serverRoute, widgetRoute } from '../http/routes.ts';
import { getSettings } from '../organizations/store.ts';
import { availableData, createMetric, deleteMetric, getMetric, listMetrics, previewMetric } from './store.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const metricRoutes = apiRoutes();

const ConnectionParam = z.object({ id: ConnectionId });
const MetricParam = z.object({ id: ConnectionId, metric_id: MetricId });

const about =
  'Metrics track one line of a QuickBooks report dataset: Profit and Loss by month or Balance Sheet at each month end, fetched ' +
  'read-only after every sync for the organization\'s window (settings.metric_window_months, default 24), in accrual and cash basis. ' +
  'A line is a QuickBooks account id (a rename keeps the metric) or a report total. Values are recomputed after each sync; ' +
  'changed values are sent as metric.updated. A period not over when fetched (the current month, and any quarter, year or trailing ' +
  '12 months including it) is complete: false with to_date, the day its value runs to (a balance: as of that day). A report ' +
  'QuickBooks answered in another basis, currency or range than asked is refused, never stored: its dataset is verified: false ' +
  'with a Header.* difference until the next refresh asks again. A disconnected connection keeps its last values, shown as stale.';

/** Widget callers: anyone who sees the connection reads; defining or deleting a metric needs the manage role. */
async function connectionFor(c: Context<AppEnv>, id: string, viaSession: boolean, action?: string): Promise<ConnectionRow> {
  const sql = c.get('deps').sql;
  if (!viaSession) {
    const row = await findConnection(sql, c.get('tenant'), id);
    if (!row) throw notFound('Connection');
    return row;
  }
  const settings = action ? await requireRole(c, 'manage', action) : undefined;
  const row = await findConnection(sql, c.get('session'), id, await sessionViewer(c, settings));
  if (!row) throw notFound('Connection');
  return row;
}

for (const surface of ['server', 'widget'] as const) {
  const route = surface === 'server' ? serverRoute : widgetRoute;
  const prefix = surface === 'server' ? '/v1/connections' : '/v1/widget/connections';
  const tags = surface === 'server' ? ['Metrics'] : ['Widget', 'Metrics'];
  const viaSession = surface === 'widget';
  const managers = viaSession ? ' From the page: managers only (the organization\'s connect_roles).' : '';

  metricRoutes.openapi(
    route({
      method: 'get',
      path: `${prefix}/{id}/metric-data`,
      summary: 'Available data: datasets, months, when last fetched, whether they add up, and the account tree',
      description: `${about} A dataset whose account lines did not add up to QuickBooks' own totals is verified: false and says where.`,
      tags,
      request: { params: ConnectionParam },
      responses: { 200: jsonResponse('What the datasets hold', AvailableData) },
    }),
    async (c) => {
      const connection = await connectionFor(c, c.req.valid('param').id, viaSession);
      const settings = await getSettings(c.get('deps').sql, connection.tenant_id, connection.organization_id);
      return c.json(await availableData(c.get('deps').sql, connection, settings.metric_window_months), 200);
    },
  );

  metricRoutes.openapi(
    route({
      method: 'get',
      path: `${prefix}/{id}/metric-preview`,
      summary: 'The latest values a metric definition would have, without saving it',
      description: `${about} Read-only; nothing reaches QuickBooks.`,
      tags,
      request: { params: ConnectionParam, query: PreviewQuery },
      responses: { 200: jsonResponse('Values of the latest periods', MetricPreview) },
    }),
    async (c) => {
      const connection = await connectionFor(c, c.req.valid('param').id, viaSession);
      const query = c.req.valid('query');
      return c.json(await previewMetric(c.get('deps').sql, connection, query, query.last), 200);
    },
  );

  metricRoutes.openapi(
    route({
      method: 'get',
      path: `${prefix}/{id}/metrics`,
      summary: 'The connection\'s metrics with their values',
      description: about,
      tags,
      request: { params: ConnectionParam },
      responses: { 200: jsonResponse('Metrics', MetricList) },
    }),
    async (c) => {
      const connection = await connectionFor(c, c.req.valid('param').id, viaSession);
      return c.json({ data: await listMetrics(c.get('deps').sql, connection) }, 200);
    },
  );

  metricRoutes.openapi(
    route({
      method: 'post',
      path: `${prefix}/{id}/metrics`,
      summary: 'Define a metric; its values are computed at once from the imported datasets',
      description: `${about}${managers}`,
      tags,
      request: { params: ConnectionParam, ...jsonBody(CreateMetric) },
      responses: { 201: jsonResponse('The metric', Metric) },
    }),
    async (c) => {
      const connection = await connectionFor(c, c.req.valid('param').id, viaSession, 'define metrics');
      const deps = c.get('deps');
      const by = viaSession ? c.get('session').user.id : null;
      const metric = await deps.sql.begin((tx) => createMetric(tx, connection, c.req.valid('json'), by, deps.now()));
      return c.json(metric, 201);
    },
  );

  metricRoutes.openapi(
    route({
      method: 'get',
      path: `${prefix}/{id}/metrics/{metric_id}`,
      summary: 'One metric with its values',
      description: about,
      tags,
      request: { params: MetricParam },
      responses: { 200: jsonResponse('The metric', Metric) },
    }),
    async (c) => {
      const { id, metric_id } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession);
      const metric = await getMetric(c.get('deps').sql, connection, metric_id);
      if (!metric) throw notFound('Metric');
      return c.json(metric, 200);
    },
  );

  metricRoutes.openapi(
    route({
      method: 'delete',
      path: `${prefix}/{id}/metrics/{metric_id}`,
      summary: 'Delete a metric and its values',
      description: `Nothing in QuickBooks changes.${managers}`,
      tags,
      request: { params: MetricParam },
      responses: { 200: jsonResponse('Deleted', z.object({ id: MetricId, deleted: z.literal(true) })) },
    }),
    async (c) => {
      const { id, metric_id } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession, 'delete metrics');
      if (!(await deleteMetric(c.get('deps').sql, connection, metric_id))) throw notFound('Metric');
      return c.json({ id: metric_id, deleted: true as const }, 200);
    },
  );
}
