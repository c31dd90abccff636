import { z } from '@hono/zod-openapi';
import { CreatedTenant, CreateTenantBody, Tenant, TenantSecretKey, UpdateTenantBody } from '../../shared/api/tenants.ts';
import type { AppEnv } from '../context.ts';
import { notFound } from '../http/api-error.ts';
import { adminRoute, jsonBody, jsonResponse } from '../http/routes.ts';
import { createSecretKey, createTenant, findTenant, listTenants, revokeSecretKey, updateTenant, type TenantRow } from './store.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const tenantRoutes = apiRoutes();

const TenantParams = z.object({ id: z.string().regex(/^ten_[0-9a-f]{20}$/, 'must be a tenant id such as ten_…') });

const present = (tenant: TenantRow) => ({ ...tenant, created_at: tenant.created_at.toISOString() });

tenantRoutes.openapi(
  adminRoute({
    method: 'post',
    path: '/v1/admin/tenants',
    summary: 'Create a tenant (one host product installation); its secret key is shown once',
    tags: ['Admin'],
    request: jsonBody(CreateTenantBody),
    responses: { 201: jsonResponse('The tenant and its first secret key', CreatedTenant) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const tenant = await createTenant(deps.sql, c.req.valid('json'));
    deps.origins.forget();
    deps.logger.info('tenant created', { tenant_id: tenant.id });
    return c.json({ ...present(tenant), secret_key: tenant.secret_key, key_id: tenant.key_id }, 201);
  },
);

tenantRoutes.openapi(
  adminRoute({
    method: 'get',
    path: '/v1/admin/tenants',
    summary: 'List tenants',
    tags: ['Admin'],
    responses: { 200: jsonResponse('Tenants', z.object({ data: z.array(Tenant) })) },
  }),
  async (c) => c.json({ data: (await listTenants(c.get('deps').sql)).map(present) }, 200),
);

tenantRoutes.openapi(
  adminRoute({
    method: 'patch',
    path: '/v1/admin/tenants/{id}',
    summary: 'Rename a tenant or replace its allowed browser origins',
    tags: ['Admin'],
    request: { params: TenantParams, ...jsonBody(UpdateTenantBody) },
    responses: { 200: jsonResponse('The tenant', Tenant) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const tenant = await updateTenant(deps.sql, c.req.valid('param').id, c.req.valid('json'));
    if (!tenant) throw notFound('Tenant');
    deps.origins.forget();
    return c.json(present(tenant), 200);
  },
);

tenantRoutes.openapi(
  adminRoute({
    method: 'post',
    path: '/v1/admin/tenants/{id}/secret-keys',
    summary: 'Add a secret key (rotation: add, deploy, then revoke the old one)',
    tags: ['Admin'],
    request: { params: TenantParams },
    responses: { 201: jsonResponse('The new key, shown once', TenantSecretKey) },
  }),
  async (c) => {
    const { sql } = c.get('deps');
    const { id } = c.req.valid('param');
    if (!(await findTenant(sql, id))) throw notFound('Tenant');
    const key = await createSecretKey(sql, id);
    return c.json({ tenant_id: id, ...key }, 201);
  },
);

tenantRoutes.openapi(
  adminRoute({
    method: 'delete',
    path: '/v1/admin/tenants/{id}/secret-keys/{key_id}',
    summary: 'Revoke a secret key; requests with it fail at once',
    tags: ['Admin'],
    request: { params: TenantParams.extend({ key_id: z.string().min(1).max(64) }) },
    responses: { 204: { description: 'Revoked' } },
  }),
  async (c) => {
    const { id, key_id } = c.req.valid('param');
    if (!(await revokeSecretKey(c.get('deps').sql, id, key_id))) throw notFound('Active secret key');
    return c.body(null, 204);
  },
);
