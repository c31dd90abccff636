import { z } from 'zod';
import { Timestamp } from './common.ts';
import { DeletedListRecord, ListRecord, MirrorListName } from './lists.ts';
import { Link, ProviderParty } from './matching.ts';
import { SyncError } from './sync.ts';
import { documentKinds, documentStatuses, DocumentPayments, DocumentVariance, MissingMapping } from './documents.ts';
import { ProviderFault } from './errors.ts';

/**
 * Event types a webhook endpoint can subscribe to. Stable names: hosts key their handlers on them.
 * The list is the contract, and it is exactly what the product emits: bff/webhooks/event-types.ts fails to
 * compile when the backend records a type missing here or this list names one the backend never records, and
 * test/events.test.ts subscribes to "*", drives every path and sees every type with its payload below.
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
  'sync.started',
  'sync.completed',
  'sync.failed',
  'mapping.invalidated',
  'metric.updated',
  'document.pushed',
  'document.rejected',
  'document.needs_mapping',
  'document.cancelled',
  'document.paid',
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

/** This machine, as a developer's receiver names it: localhost, *.localhost, 127.0.0.0/8, [::1]. */
const isLoopbackHost = (hostname: string) =>
  hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);

/**
 * https only, except http to this machine (a developer's receiver). The server decides the rest: loopback at
 * all only with LEDGERLINK_WEBHOOK_ALLOW_LOOPBACK outside production, and never private, link-local or
 * reserved addresses.
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
    else if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
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

const ConnectionMade = z.object({
  external_id: z.string().meta({ description: 'The QuickBooks realm id.' }),
  company_name: z.string().nullable(),
  by: z.string().meta({ description: 'The host user who connected.' }),
});

/** What every sync event says about its run. */
const SyncRunFacts = z.object({
  run_id: z.string(),
  kind: z.enum(['initial', 'incremental']).meta({ description: 'initial: a full import; incremental: changes since the last sync. As in SyncRun.' }),
  trigger: z.enum(['connect', 'schedule', 'manual', 'webhook']),
  full_refresh: z.boolean().meta({ description: 'True when the run was asked to re-import everything.' }),
  started_at: Timestamp.meta({ description: 'When the first attempt started.' }),
});

const SyncRunEnd = SyncRunFacts.extend({
  finished_at: Timestamp,
  duration_ms: z.number().int().meta({ description: 'From the first attempt\'s start to the end, waits between attempts included.' }),
  attempts: z.number().int().meta({ description: 'Attempts the run took (rate limits and outages re-queue the same run).' }),
  records_read: z.number().int().meta({ description: 'Records read from QuickBooks and stored (the progress count).' }),
  counts: z.record(z.string(), z.number().int()).meta({
    description: 'Per QuickBooks entity type, the mirrored records this run created, changed or deleted (unchanged records are not counted). Read them with GET /v1/connections/{id}/records/{type}?updated_since=.',
    example: { Invoice: 12, Customer: 1 },
  }),
});

/** What every document event says about its document. */
const DocumentFacts = z.object({
  document_id: z.string(),
  kind: z.enum(documentKinds),
  host_id: z.string(),
  version: z.number().int(),
  status: z.enum(documentStatuses),
  quickbooks_type: z.string().nullable(),
  quickbooks_id: z.string().nullable(),
  quickbooks_doc_number: z.string().nullable(),
});

/**
 * The `data` of each event type: the documented payloads. Sync events are recorded in the transaction that
 * gives the run its status, so a host sees sync.completed exactly when the run's data is committed.
 */
export const webhookEventData = {
  'connection.connected': ConnectionMade.meta({ description: 'A company was connected for the first time in this organization; its first import is queued.' }),
  'connection.reconnected': ConnectionMade.meta({ description: 'A known company was connected again; the same connection id, an incremental catch-up is queued.' }),
  'connection.needs_reconnect': z.object({ reason: z.string() }).meta({ description: 'QuickBooks stopped accepting the grant; syncing stops until someone reconnects.' }),
  'connection.disconnected': z
    .object({ by: z.string().meta({ description: 'Who unlinked: the caller, or "quickbooks" when the app was removed there.' }) })
    .meta({ description: 'Unlinked: the grant is revoked, synced data is kept, syncing stops.' }),
  'connection.deleted': z.object({ by: z.string(), external_id: z.string(), company_name: z.string().nullable() }).meta({ description: 'Deleted with its synced data.' }),
  'link.created': z.object({ kind: z.enum(['suppliers', 'customers']), links: z.array(Link) }).meta({ description: 'Host records were linked to QuickBooks records (matched, confirmed, or created in QuickBooks).' }),
  'link.removed': Link.extend({ kind: z.enum(['suppliers', 'customers']), removed_by: z.string() }).meta({ description: 'A link was removed; both records are kept.' }),
  'supplier.imported': z
    .object({ kind: z.literal('suppliers'), provider_id: z.string(), record: ProviderParty, quickbooks: z.record(z.string(), z.unknown()) })
    .meta({ description: 'A person chose to import a QuickBooks vendor into the host product: the record, and the raw QuickBooks object.' }),
  'customer.imported': z
    .object({ kind: z.literal('customers'), provider_id: z.string(), record: ProviderParty, quickbooks: z.record(z.string(), z.unknown()) })
    .meta({ description: 'A person chose to import a QuickBooks customer into the host product.' }),
  'supplier.updated': z.object({
    host_id: z.string(),
    provider_id: z.string(),
    changes: z.record(z.string(), z.object({ from: z.string().nullable(), to: z.string().nullable() })).meta({ description: 'Field-level diff of a linked supplier edited in QuickBooks.' }),
  }).meta({ description: 'A linked supplier was edited in QuickBooks; sent by the field sync that runs after a sync run.' }),
  'list.imported': z
    .object({ list: MirrorListName, type: z.string(), ids: z.array(z.string()), records: z.array(ListRecord) })
    .meta({ description: 'One "Import new" page of a mirrored list.' }),
  'list.updated': z
    .object({ list: MirrorListName, type: z.string(), ids: z.array(z.string()), records: z.array(ListRecord), deleted: z.array(DeletedListRecord) })
    .meta({ description: 'One "Update existing" page of a mirrored list: changed records and flagged deletions.' }),
  'mapping.invalidated': z
    .object({
      kind: z.enum(['tax-rates', 'billable-categories', 'staff', 'defaults']),
      host_id: z.string().meta({ description: 'Your tax rate, category or staff id; for defaults the default\'s key (tax_agency, class, ...).' }),
      target: z.object({ type: z.string(), id: z.string(), name: z.string() }).meta({ description: 'The QuickBooks record it maps to.' }),
      problems: z.array(z.object({ code: z.string(), message: z.string() })),
    })
    .meta({ description: 'A sync found a mapping broken (tax code switched off, item deleted, account type changed): it needs attention and write-back leaves it out until someone maps it again.' }),
  'sync.started': SyncRunFacts.extend({ queued_at: Timestamp }).meta({ description: 'Once per run, when its first attempt starts.' }),
  'sync.completed': SyncRunEnd.meta({ description: 'The run succeeded and its data is committed.' }),
  'sync.failed': SyncRunEnd.extend({
    error: SyncError.meta({ description: 'category, plain-words message, action; retry_at is null, as nothing retries this run automatically any more.' }),
  }).meta({
    description:
      'The run failed for good: once per run, never for an attempt that is re-queued (rate limits and outages retry the same run automatically, and only the last failure is reported). counts and records_read cover what was stored before it stopped.',
  }),
  'metric.updated': z
    .object({
      metric_id: z.string(),
      name: z.string(),
      period_type: z.enum(['month', 'quarter', 'year', 'trailing_12_months']),
      currency: z.string(),
      changes: z
        .array(z.object({ period: z.string(), old: z.number().nullable(), new: z.number().nullable(), to_date: z.string().nullable() }))
        .meta({ description: 'Each period whose value changed: YYYY-MM (month, trailing 12 months ending that month), YYYY-Qn, YYYY; old is null for a new period (the window grew or moved on), new is null for a period dropped (its months left the window: it shrank or moved on); to_date (YYYY-MM-DD) is set when the period is not over yet and the new value runs only to that day.' }),
    })
    .meta({ description: 'A metric\'s values changed after a sync brought new QuickBooks figures: one event per metric, with the old and new value of every changed period.' }),
  'document.pushed': DocumentFacts.extend({
    how: z.enum(['created', 'adopted', 'linked_existing', 'updated']).meta({
      description: 'created: a new QuickBooks record; adopted: the record an earlier attempt made, found by its marker; linked_existing: a vendor or customer of the same name already there, linked instead of created twice; updated: a revision applied.',
    }),
    variance: DocumentVariance.nullable().meta({ description: 'Set when QuickBooks\' total or tax differs from yours by more than 0.01 (status pushed_with_variance).' }),
  }).meta({ description: 'QuickBooks holds this version of the document.' }),
  'document.rejected': DocumentFacts.extend({
    fault: ProviderFault,
    operation: z.literal('cancel').optional().meta({ description: 'Present when it was the cancellation that QuickBooks refused; the record stays in QuickBooks.' }),
  }).meta({ description: 'QuickBooks refused the document for good (or refused to void or delete it); fault says why and what to do.' }),
  'document.needs_mapping': DocumentFacts.extend({ missing: z.array(MissingMapping) }).meta({ description: 'Nothing was sent: links or mappings are missing, each named.' }),
  'document.cancelled': DocumentFacts.extend({
    action: z.enum(['voided', 'deleted', 'deactivated', 'unlinked', 'withdrawn']).meta({ description: 'voided (invoices), deleted (bills, purchase orders, time), deactivated (vendors, customers we created: QuickBooks never deletes names), unlinked (a vendor or customer that was already in QuickBooks and only linked: left as it is, only our link removed), withdrawn (never reached QuickBooks).' }),
    message: z.string(),
  }).meta({ description: 'The document is cancelled, in QuickBooks as it allows for its kind.' }),
  'document.paid': DocumentFacts.extend({ payments: DocumentPayments }).meta({ description: 'A payment or bill payment in QuickBooks changed what is paid of a pushed document (partial or full), when the organization imports payments.' }),
} as const satisfies Record<WebhookEventType, z.ZodType>;

export type WebhookEventData<T extends WebhookEventType> = z.input<(typeof webhookEventData)[T]>;
