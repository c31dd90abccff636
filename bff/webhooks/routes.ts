import { z } from '@hono/zod-openapi';
import {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointBody,
  WebhookDeliveryList,
  WebhookEndpointList,
  WebhookEvent,
  webhookEventData,
  webhookEventTypes,
  WebhookSecret,
} from '../../shared/api/webhooks.ts';
import { ErrorBody } from '../../shared/api/errors.ts';
import type { AppEnv } from '../context.ts';
import { ApiError, notFound } from '../http/api-error.ts';
import { jsonBody, jsonResponse, serverRoute } from '../http/routes.ts';
import { recentDeliveries } from './deliveries.ts';
import { addressPolicy, webhookUrlRefusal } from './target.ts';
import { createEndpoint, deleteEndpoint, findEndpoint, listEndpoints, presentEndpoint, rotateEndpointSecret } from './endpoints.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const webhookEndpointRoutes = apiRoutes();

const Params = z.object({ id: z.string().regex(/^whe_[0-9a-f]{20}$/, 'must be a webhook endpoint id such as whe_…') });
const tags = ['Webhooks'];

webhookEndpointRoutes.openapi(
  serverRoute({
    method: 'post',
    path: '/v1/webhook-endpoints',
    summary: 'Subscribe a URL to events; the signing secret is in this answer only',
    description:
      'Each matching event is POSTed as JSON with `Ledgerlink-Event-Id` and `Ledgerlink-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, retried with backoff for about 3 days until a 2xx. Delivery is at least once: dedupe by event id. ' +
      'The URL must be https:// on a public address: private, loopback, link-local (cloud metadata), shared, multicast and reserved addresses are refused in every spelling, here and again after DNS resolution at each delivery. Redirects are not followed. A tenant has at most LEDGERLINK_WEBHOOK_MAX_ENDPOINTS endpoints (409 beyond).',
    tags,
    request: jsonBody(CreateWebhookEndpointBody),
    responses: {
      201: jsonResponse('The endpoint and its secret', CreatedWebhookEndpoint),
      409: jsonResponse('The tenant already has the most endpoints allowed', ErrorBody),
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const { sql, keys, config } = c.get('deps');
    const refusal = webhookUrlRefusal(body.url, addressPolicy(config));
    if (refusal) throw new ApiError('invalid_request', `body.url: ${refusal}`, { issues: [{ field: 'body.url', message: refusal }] });
    const max = config.LEDGERLINK_WEBHOOK_MAX_ENDPOINTS;
    const created = await createEndpoint(sql, keys, c.get('tenant').tenantId, body, max);
    if (!created) throw new ApiError('conflict', `This tenant already has ${max} webhook endpoints, the most allowed; delete one first`);
    const { endpoint, secret } = created;
    return c.json({ ...presentEndpoint(endpoint), secret }, 201);
  },
);

webhookEndpointRoutes.openapi(
  serverRoute({
    method: 'get',
    path: '/v1/webhook-endpoints',
    summary: 'List webhook endpoints (secrets are never shown again)',
    tags,
    responses: { 200: jsonResponse('Endpoints', WebhookEndpointList) },
  }),
  async (c) => c.json({ data: (await listEndpoints(c.get('deps').sql, c.get('tenant').tenantId)).map(presentEndpoint) }, 200),
);

webhookEndpointRoutes.openapi(
  serverRoute({
    method: 'delete',
    path: '/v1/webhook-endpoints/{id}',
    summary: 'Remove an endpoint; pending deliveries to it are dropped',
    tags,
    request: { params: Params },
    responses: { 204: { description: 'Removed' } },
  }),
  async (c) => {
    if (!(await deleteEndpoint(c.get('deps').sql, c.get('tenant').tenantId, c.req.valid('param').id))) throw notFound('Webhook endpoint');
    return c.body(null, 204);
  },
);

webhookEndpointRoutes.openapi(
  serverRoute({
    method: 'post',
    path: '/v1/webhook-endpoints/{id}/rotate-secret',
    summary: 'Replace the signing secret; attempts from now on are signed with the new one',
    tags,
    request: { params: Params },
    responses: { 200: jsonResponse('The new secret', WebhookSecret) },
  }),
  async (c) => {
    const { sql, keys } = c.get('deps');
    const secret = await rotateEndpointSecret(sql, keys, c.get('tenant').tenantId, c.req.valid('param').id);
    if (!secret) throw notFound('Webhook endpoint');
    return c.json({ secret }, 200);
  },
);

webhookEndpointRoutes.openapi(
  serverRoute({
    method: 'get',
    path: '/v1/webhook-endpoints/{id}/deliveries',
    summary: 'Recent deliveries to an endpoint, newest first: status, attempts, last answer, next attempt',
    tags,
    request: {
      params: Params,
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
    },
    responses: { 200: jsonResponse('Deliveries', WebhookDeliveryList) },
  }),
  async (c) => {
    const { sql } = c.get('deps');
    const endpoint = await findEndpoint(sql, c.get('tenant').tenantId, c.req.valid('param').id);
    if (!endpoint) throw notFound('Webhook endpoint');
    return c.json({ data: await recentDeliveries(sql, endpoint.id, c.req.valid('query').limit) }, 200);
  },
);

// Each event type and its payload, in the OpenAPI document's `webhooks` section: what a host's handler receives.
for (const type of webhookEventTypes) {
  webhookEndpointRoutes.openAPIRegistry.registerWebhook({
    method: 'post',
    path: type,
    summary: `${type}: ${webhookEventData[type].description ?? 'see data'}`,
    tags,
    request: {
      body: {
        content: { 'application/json': { schema: WebhookEvent.extend({ type: z.literal(type), data: webhookEventData[type] }) } },
      },
    },
    responses: { 200: { description: 'Any 2xx acknowledges the event; anything else is retried with backoff.' } },
  });
}
