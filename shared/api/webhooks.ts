import { z } from 'zod';
import { Timestamp } from './common.ts';

/**
 * Event types a webhook endpoint can subscribe to. Stable names: hosts key their handlers on them.
 * The list is the contract; bff/webhooks/event-types.ts fails to compile when the backend records a type
 * missing here. Types announced but not yet emitted are accepted so hosts can subscribe ahead.
 */
export const webhookEventTypes = [
  'connection.connected',
  'connection.reconnected',
  'connection.needs_reconnect',
  'connection.disconnected',
  'connection.deleted',
  'link.created',
  'link.removed',
  'supplier.imported',
  'supplier.updated',
  'customer.imported',
  'list.imported',
  'list.updated',
  'sync.completed',
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * https only, except http to this machine (a developer's receiver). The server also refuses http entirely
 * when it runs in production.
 */
export const WebhookUrl = z
  .string()
  .max(2048)
  .url()
  .superRefine((value, ctx) => {
    // Refinements run even when .url() already failed; that failure is the one to report.
    if (!URL.canParse(value)) return;
    const url = new URL(value);
    if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain credentials' });
    else if (url.protocol === 'http:' && !loopbackHosts.has(url.hostname)) {
      ctx.addIssue({ code: 'custom', message: 'must be an https:// URL (http:// only for localhost or 127.0.0.1 outside production)' });
    } else if (url.protocol !== 'https:' && url.protocol !== 'http:') ctx.addIssue({ code: 'custom', message: 'must be an https:// URL' });
  })
  .meta({ example: 'https://api.host.example/ledgerlink/webhooks' });

export const WebhookEventFilter = z
  .enum([...webhookEventTypes, '*'])
  .meta({ description: 'An event type, or "*" for every type (including ones added later).' });

export const CreateWebhookEndpointBody = z
  .object({
    url: WebhookUrl,
    events: z
      .array(WebhookEventFilter)
      .min(1, 'must list at least one event type, or "*"')
      .max(50)
      .transform((events) => [...new Set(events)]),
    description: z.string().max(500).optional(),
  })
  .strict()
  .meta({ id: 'CreateWebhookEndpoint' });

export const WebhookEndpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    created_at: Timestamp,
  })
  .meta({ id: 'WebhookEndpoint' });

export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const CreatedWebhookEndpoint = WebhookEndpoint.extend({
  secret: z.string().meta({
    description: 'Signing secret (whsec_…), shown only here and on rotation. Verify Ledgerlink-Signature with it.',
  }),
}).meta({ id: 'CreatedWebhookEndpoint' });

export const WebhookEndpointList = z.object({ data: z.array(WebhookEndpoint) }).meta({ id: 'WebhookEndpointList' });

export const WebhookSecret = z
  .object({ secret: z.string().meta({ description: 'The new signing secret; the previous one stops being used at once.' }) })
  .meta({ id: 'WebhookSecret' });

export const webhookDeliveryStatuses = ['pending', 'delivering', 'delivered', 'failed'] as const;

export const WebhookDelivery = z
  .object({
    event_id: z.string(),
    event_type: z.string(),
    status: z.enum(webhookDeliveryStatuses).meta({
      description: 'pending: waiting for its next attempt; delivering: a request is in flight; delivered: a 2xx came back; failed: retries exhausted.',
    }),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable().meta({ description: 'HTTP status of the last attempt; null when no answer came.' }),
    last_error: z.string().nullable(),
    last_attempt_at: Timestamp.nullable(),
    next_attempt_at: Timestamp.nullable().meta({ description: 'null once delivered or failed.' }),
    delivered_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .meta({ id: 'WebhookDelivery' });

export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryList = z.object({ data: z.array(WebhookDelivery) }).meta({ id: 'WebhookDeliveryList' });

/** The JSON body of every webhook request. Deliveries are at least once: dedupe by `id`. */
export const WebhookEvent = z
  .object({
    id: z.string().meta({ description: 'Event id (evt_…); the same on every retry. Hosts dedupe by it.' }),
    type: z.string(),
    created_at: Timestamp,
    tenant_id: z.string(),
    organization_id: z.string(),
    connection_id: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'WebhookEvent' });

export type WebhookEvent = z.infer<typeof WebhookEvent>;
