import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import { ApiError, unauthorized } from '../http/api-error.ts';
import { validationHook } from '../http/errors.ts';
import { realmsInNotification, validIntuitSignature } from './qbo-webhooks.ts';
import { requestSync } from './runs.ts';

/** Changes arriving together become one sync: the run waits this long for more notifications. */
export const WEBHOOK_DEBOUNCE_MS = 10_000;

export const webhookRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

webhookRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/v1/webhooks/qbo',
    summary: 'QuickBooks webhook notifications (legacy or CloudEvents); trigger a debounced incremental sync',
    description: 'Signed by Intuit with intuit-signature = base64(HMAC-SHA256(raw body, verifier token)); answered within milliseconds.',
    tags: ['Webhooks'],
    responses: {
      200: { description: 'Accepted', content: { 'application/json': { schema: z.object({ queued: z.number().int() }) } } },
      400: { description: 'Not JSON' },
      401: { description: 'Bad signature' },
    },
  }),
  async (c) => {
    const deps = c.get('deps');
    const verifier = deps.config.QBO_WEBHOOK_VERIFIER;
    if (!verifier) throw new ApiError('provider_unavailable', 'QuickBooks webhooks are not configured (set QBO_WEBHOOK_VERIFIER)');
    const raw = await c.req.text();
    if (!validIntuitSignature(raw, c.req.header('intuit-signature'), verifier)) throw unauthorized('The intuit-signature header does not match the body');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new ApiError('malformed_json', 'The request body is not valid JSON');
    }
    const realms = realmsInNotification(body);
    if (realms.length === 0) return c.json({ queued: 0 }, 200);
    const connections = await deps.sql<{ id: string }[]>`
      select id from connections where provider = 'qbo' and status = 'connected' and initial_import_done and external_id in ${deps.sql(realms)}`;
    const dueAt = new Date(deps.now().getTime() + WEBHOOK_DEBOUNCE_MS);
    for (const connection of connections) await requestSync(deps.sql, connection.id, { trigger: 'webhook', dueAt });
    return c.json({ queued: connections.length }, 200);
  },
);
