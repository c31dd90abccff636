import { z } from '@hono/zod-openapi';
import { HostId } from '../../shared/api/common.ts';
import { OrganizationSettings, UpdateOrganizationSettings } from '../../shared/api/organizations.ts';
import type { AppEnv } from '../context.ts';
import { jsonBody, jsonResponse, serverRoute, widgetRoute } from '../http/routes.ts';
import { getSettings, updateSettings } from './store.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const organizationRoutes = apiRoutes();

const OrgParams = z.object({ org: HostId });

organizationRoutes.openapi(
  serverRoute({
    method: 'put',
    path: '/v1/organizations/{org}/settings',
    summary: 'Set an organization\'s policies (partial: omitted fields keep their value)',
    tags: ['Organizations'],
    request: { params: OrgParams, ...jsonBody(UpdateOrganizationSettings) },
    responses: { 200: jsonResponse('The effective settings', OrganizationSettings) },
  }),
  async (c) => {
    const { org } = c.req.valid('param');
    const change = c.req.valid('json');
    return c.json(await updateSettings(c.get('deps').sql, c.get('tenant').tenantId, org, change), 200);
  },
);

organizationRoutes.openapi(
  serverRoute({
    method: 'get',
    path: '/v1/organizations/{org}/settings',
    summary: 'Read an organization\'s effective policies',
    tags: ['Organizations'],
    request: { params: OrgParams },
    responses: { 200: jsonResponse('The effective settings', OrganizationSettings) },
  }),
  async (c) => {
    const { org } = c.req.valid('param');
    return c.json(await getSettings(c.get('deps').sql, c.get('tenant').tenantId, org), 200);
  },
);

organizationRoutes.openapi(
  widgetRoute({
    method: 'get',
    path: '/v1/widget/settings',
    summary: 'The session organization\'s effective policies (components use them to explain disabled actions)',
    tags: ['Widget'],
    responses: { 200: jsonResponse('The effective settings', OrganizationSettings) },
  }),
  async (c) => {
    const { tenantId, organizationId } = c.get('session');
    return c.json(await getSettings(c.get('deps').sql, tenantId, organizationId), 200);
  },
);
