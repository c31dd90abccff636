import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HostId } from '../../shared/api/common.ts';
import { Connection, ConnectionList } from '../../shared/api/connections.ts';
import type { AppEnv } from '../context.ts';
import { notFound } from '../http/api-error.ts';
import { takeProviderAction } from '../http/rate-limit.ts';
import { jsonResponse, serverRoute, widgetRoute } from '../http/routes.ts';
import { requireRole } from '../auth/roles.ts';
import { checkConnection } from './check.ts';
import { purgeConnection, unlinkConnection } from './lifecycle.ts';
import { findConnection, findPresentedConnection, listConnections, listPresentedConnections, presentConnection, type ConnectionRow } from './store.ts';
import { sessionViewer } from './viewer.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const connectionRoutes = apiRoutes();

/**
 * The rows the session's user may see, as `sessionViewer` rules: everyone sees organization-wide connections
 * and those naming them; people who manage connections see all. The organization's settings (who manages)
 * are read only when some row is restricted to others, so the common read is one query.
 */
async function visibleToSession<Row extends Visibility>(c: Context<AppEnv>, rows: (Row | undefined)[]): Promise<Row[]> {
  const userId = c.get('session').user.id;
  const open = (row: Row) => isOpenTo(row, userId);
  const present = rows.filter((row): row is Row => row !== undefined);
  if (present.every(open)) return present;
  return (await sessionViewer(c)).seesAll ? present : present.filter(open);
}

type Visibility = Pick<ConnectionRow, 'visibility_mode' | 'visible_user_ids'>;

function isOpenTo(row: Visibility, userId: string): boolean {
  return row.visibility_mode === 'organization' || row.visible_user_ids.includes(userId);
}

const ConnectionParams = z.object({ id: z.string().regex(/^con_[0-9a-f]{20}$/, 'must be a connection id such as con_…') });

connectionRoutes.openapi(
  serverRoute({
    method: 'get',
    path: '/v1/connections',
    summary: 'List connections, optionally of one organization',
    tags: ['Connections'],
    request: { query: z.object({ organization_id: HostId.optional() }) },
    responses: { 200: jsonResponse('Connections', ConnectionList) },
  }),
  async (c) => {
    const { organization_id } = c.req.valid('query');
    const rows = await listConnections(c.get('deps').sql, c.get('tenant').tenantId, organization_id);
    return c.json({ data: rows.map(presentConnection) }, 200);
  },
);

connectionRoutes.openapi(
  serverRoute({
    method: 'get',
    path: '/v1/connections/{id}',
    summary: 'Read one connection',
    tags: ['Connections'],
    request: { params: ConnectionParams },
    responses: { 200: jsonResponse('The connection', Connection) },
  }),
  async (c) => {
    const row = await findConnection(c.get('deps').sql, c.get('tenant'), c.req.valid('param').id);
    if (!row) throw notFound('Connection');
    return c.json(presentConnection(row), 200);
  },
);

connectionRoutes.openapi(
  widgetRoute({
    method: 'get',
    path: '/v1/widget/connections',
    summary: 'Connections of the session\'s organization',
    tags: ['Widget'],
    responses: { 200: jsonResponse('Connections', ConnectionList) },
  }),
  async (c) => {
    const { tenantId, organizationId } = c.get('session');
    const rows = await visibleToSession(c, await listPresentedConnections(c.get('deps').sql, tenantId, organizationId));
    return c.json({ data: rows.map(presentConnection) }, 200);
  },
);

connectionRoutes.openapi(
  widgetRoute({
    method: 'get',
    path: '/v1/widget/connections/{id}',
    summary: 'One connection of the session\'s organization',
    tags: ['Widget'],
    request: { params: ConnectionParams },
    responses: { 200: jsonResponse('The connection', Connection) },
  }),
  async (c) => {
    const found = await findPresentedConnection(c.get('deps').sql, c.get('session'), c.req.valid('param').id);
    // An organization-wide row (the common read) needs no viewer: answered without another promise.
    const row = found && isOpenTo(found, c.get('session').user.id) ? found : (await visibleToSession(c, [found]))[0];
    if (!row) throw notFound('Connection');
    return c.json(presentConnection(row), 200);
  },
);

const DeleteQuery = z.object({
  purge: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .meta({ description: 'true: revoke and delete the connection with all its synced data. false: unlink, keep the data.' }),
});

const deleteResponses = {
  200: jsonResponse('Unlinked: the grant is revoked, status is disconnected, synced data is kept', Connection),
  204: { description: 'Purged: the connection and all its data are gone' },
};

connectionRoutes.openapi(
  serverRoute({
    method: 'delete',
    path: '/v1/connections/{id}',
    summary: 'Unlink a connection (data kept), or delete it with ?purge=true',
    tags: ['Connections'],
    request: { params: ConnectionParams, query: DeleteQuery },
    responses: deleteResponses,
  }),
  async (c) => {
    const deps = c.get('deps');
    const row = await findConnection(deps.sql, c.get('tenant'), c.req.valid('param').id);
    if (!row) throw notFound('Connection');
    if (c.req.valid('query').purge) {
      await purgeConnection(deps, deps.qbo, row, 'the host');
      return c.body(null, 204);
    }
    return c.json(presentConnection(await unlinkConnection(deps, deps.qbo, row, 'the host')), 200);
  },
);

connectionRoutes.openapi(
  widgetRoute({
    method: 'delete',
    path: '/v1/widget/connections/{id}',
    summary: 'Disconnect a company of the session\'s organization (roles allowed by policy)',
    tags: ['Widget'],
    request: { params: ConnectionParams, query: DeleteQuery },
    responses: deleteResponses,
  }),
  async (c) => {
    const deps = c.get('deps');
    const session = c.get('session');
    await requireRole(c, 'manage', 'disconnect QuickBooks');
    const row = await findConnection(deps.sql, session, c.req.valid('param').id);
    if (!row) throw notFound('Connection');
    const by = session.user.name ?? session.user.id;
    if (c.req.valid('query').purge) {
      await purgeConnection(deps, deps.qbo, row, by);
      return c.body(null, 204);
    }
    return c.json(presentConnection(await unlinkConnection(deps, deps.qbo, row, by)), 200);
  },
);

/** A check stops when its callers go away, and the caller that starts one spends the connection's allowance. */
const checkOptions = (c: Context<AppEnv>, row: ConnectionRow) => ({ signal: c.req.raw.signal, onStart: () => takeProviderAction(c, row.id) });

const checkResponses = { 200: jsonResponse('The connection after the check (status needs_reconnect when the grant is gone)', Connection) };

connectionRoutes.openapi(
  serverRoute({
    method: 'post',
    path: '/v1/connections/{id}/check',
    summary: 'Test a connection with one real provider call and refresh its company details',
    tags: ['Connections'],
    request: { params: ConnectionParams },
    responses: checkResponses,
  }),
  async (c) => {
    const deps = c.get('deps');
    const row = await findConnection(deps.sql, c.get('tenant'), c.req.valid('param').id);
    if (!row) throw notFound('Connection');
    return c.json(presentConnection(await checkConnection(deps, row, checkOptions(c, row))), 200);
  },
);

connectionRoutes.openapi(
  widgetRoute({
    method: 'post',
    path: '/v1/widget/connections/{id}/check',
    summary: 'Test a connection of the session\'s organization (roles in connect_roles or sync_roles: it calls QuickBooks)',
    tags: ['Widget'],
    request: { params: ConnectionParams },
    responses: checkResponses,
  }),
  async (c) => {
    const deps = c.get('deps');
    const settings = await requireRole(c, 'check', 'check the connection to QuickBooks');
    const row = await findConnection(deps.sql, c.get('session'), c.req.valid('param').id, await sessionViewer(c, settings));
    if (!row) throw notFound('Connection');
    return c.json(presentConnection(await checkConnection(deps, row, checkOptions(c, row))), 200);
  },
);
