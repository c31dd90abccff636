import { createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import { ApiError, unauthorized } from '../http/api-error.ts';
import { validationError } from '../http/errors.ts';
import { realmsInNotification, validIntuitSignature } from './qbo-webhooks.ts';
import { requestSync } from './runs.ts';
import { apiRoutes } from '../http/api-routes.ts';

/** Changes arriving together become one sync: the run waits this long for more notifications. */
export const WEBHOOK_DEBOUNCE_MS = 10_000;

export const webhookRoutes = apiRoutes();

/** A QuickBooks company id: digits (a number in some CloudEvents bodies). */
const RealmId = z.union([
  z.string().regex(/^[0-9]{1,32}$/, 'must be a QuickBooks company id (digits only)'),
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
]);

/**
 * The two bodies Intuit sends, checked only as far as we read them (realm ids); everything else passes, so
 * a field Intuit adds later is no reason to refuse a notification. Not a zod-openapi body: the signature is
 * over the raw bytes, so the route reads the text itself and validates after the signature matched.
 */
const LegacyNotification = z.looseObject({
  eventNotifications: z.array(z.looseObject({ realmId: RealmId.optional() })).optional(),
});
const CloudEvents = z.array(
  z.looseObject({
    intuitaccountid: RealmId.optional(),
    data: z.looseObject({ realmId: RealmId.optional() }).nullish(),
  }),
);

webhookRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/v1/webhooks/qbo',
    summary: 'QuickBooks webhook notifications (legacy or CloudEvents); trigger a debounced incremental sync',
    description: 'Signed by Intuit with intuit-signature = base64(HMAC-SHA256(raw body, verifier token)); answered within milliseconds.',
    tags: ['Webhooks'],
    responses: {
      200: { description: 'Accepted', content: { 'application/json': { schema: z.object({ queued: z.number().int() }) } } },
      400: { description: 'Not JSON, or a company id (realmId, intuitaccountid) that is not one' },
      401: { description: 'Bad signature' },
      404: { description: 'QuickBooks webhooks are not configured on this server (QBO_WEBHOOK_VERIFIER is unset)' },
    },
  }),
  async (c) => {
    const deps = c.get('deps');
    const verifier = deps.config.QBO_WEBHOOK_VERIFIER;
    // Not configured is a fact about this server, not an outage: a 4xx Intuit will not mistake for a failure of
    // ours (a 5xx is logged as an error and retried for hours), and the body names the setting that enables it.
    if (!verifier) {
      throw new ApiError('not_found', 'QuickBooks webhooks are not configured on this server: set QBO_WEBHOOK_VERIFIER to the verifier token of your Intuit app', { reason: 'not_configured', setting: 'QBO_WEBHOOK_VERIFIER' });
    }
    const raw = await c.req.text();
    if (!validIntuitSignature(raw, c.req.header('intuit-signature'), verifier)) throw unauthorized('The intuit-signature header does not match the body');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new ApiError('malformed_json', 'The request body is not valid JSON');
    }
    const checked = (Array.isArray(body) ? CloudEvents : LegacyNotification).safeParse(body);
    if (!checked.success) throw validationError(checked.error, 'json');
    const realms = realmsInNotification(checked.data);
    if (realms.length === 0) return c.json({ queued: 0 }, 200);
    // One array parameter, however many companies one notification names (a list of parameters has a ceiling).
    const connections = await deps.sql<{ id: string }[]>`
      select id from connections where provider = 'qbo' and status = 'connected' and initial_import_done and external_id = any(${realms})`;
    const dueAt = new Date(deps.now().getTime() + WEBHOOK_DEBOUNCE_MS);
    for (const connection of connections) await requestSync(deps.sql, connection.id, { trigger: 'webhook', dueAt });
    return c.json({ queued: connections.length }, 200);
  },
);
