import { OpenAPIHono, z } from '@hono/zod-openapi';
import { HostId } from '../../shared/api/common.ts';
import { Connection, ConnectionList } from '../../shared/api/connections.ts';
import type { AppEnv } from '../context.ts';
import { notFound } from '../http/api-error.ts';
import { validationHook } from '../http/errors.ts';
import { jsonResponse, serverRoute, widgetRoute } from '../http/routes.ts';
import { findConnection, listConnections, presentConnection } from './store.ts';

export const connectionRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

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
    const rows = await listConnections(c.get('deps').sql, tenantId, organizationId);
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
    const row = await findConnection(c.get('deps').sql, c.get('session'), c.req.valid('param').id);
    if (!row) throw notFound('Connection');
    return c.json(presentConnection(row), 200);
  },
);
