import { z } from 'zod';
import { Timestamp } from './common.ts';

export const syncErrorCategories = [
  'needs_reconnect',
  'rate_limited',
  'provider_unavailable',
  'plan_or_region_unsupported',
  'validation',
  'internal',
] as const;

/** A classified sync failure: what happened in plain words, and the one action that fixes it. */
export const SyncError = z
  .object({
    category: z.enum(syncErrorCategories),
    message: z.string().meta({ example: 'QuickBooks limited how often we can ask for data.' }),
    action: z
      .enum(['reconnect', 'wait', 'retry', 'upgrade_plan', 'contact_support'])
      .meta({ description: 'What the person can do: reconnect, wait (retry_at says until when), retry now, upgrade the plan, contact support.' }),
    retry_at: Timestamp.nullable().meta({ description: 'When the next automatic attempt runs (rate limits, outages).' }),
    field: z.string().nullable().meta({ description: 'For validation errors: the offending field.' }),
  })
  .meta({ id: 'SyncError' });

export type SyncError = z.infer<typeof SyncError>;

export const EntityProgress = z.object({
  type: z.string().meta({ example: 'Invoice' }),
  total: z.number().int().nullable().meta({ description: 'From COUNT(*) at the start; null until known.' }),
  done: z.number().int(),
});

/**
 * One sync run. Hosts subscribed to webhooks also hear of each run: sync.started once, then sync.completed or
 * sync.failed (only when no automatic attempt is left); payloads in shared/api/webhooks.ts (webhookEventData).
 */
export const SyncRun = z
  .object({
    id: z.string(),
    connection_id: z.string(),
    kind: z.enum(['initial', 'incremental']),
    trigger: z.enum(['connect', 'schedule', 'manual', 'webhook']),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    progress: z.object({
      total: z.number().int().nullable().meta({
        description: 'Records in the whole company: null until every enabled record type is counted (a first import counts each type as it reaches it).',
      }),
      done: z.number().int(),
      entities: z.array(EntityProgress),
      types_counted: z.number().int().optional().meta({ description: 'Active first import: record types counted so far.' }),
      types_total: z.number().int().optional().meta({ description: 'Active first import: record types this import reads.' }),
    }),
    records_per_second: z.number().nullable().meta({ description: 'Measured over the run so far.' }),
    eta_seconds: z.number().int().nullable().meta({ description: 'From measured throughput; null until measurable.' }),
    queued_at: Timestamp,
    started_at: Timestamp.nullable(),
    finished_at: Timestamp.nullable(),
    error: SyncError.nullable(),
  })
  .meta({ id: 'SyncRun' });

export type SyncRun = z.infer<typeof SyncRun>;

export const HealthCheck = z.object({
  id: z.string().meta({ example: 'overdue_invoices' }),
  label: z.string().meta({ example: 'Overdue invoices' }),
  count: z.number().int(),
  weight: z.number(),
  examples: z.array(z.object({ id: z.string(), name: z.string() })).max(5),
});

export const Health = z
  .object({
    score: z.number().int().min(0).max(100),
    computed_at: Timestamp,
    checks: z.array(HealthCheck),
  })
  .meta({ id: 'Health' });

export type Health = z.infer<typeof Health>;

/** Sync state of one connection, as lists and the status component show it. */
export const ConnectionSync = z
  .object({
    connection_id: z.string(),
    current_run: SyncRun.nullable().meta({ description: 'Queued or running, if any.' }),
    last_run: SyncRun.nullable().meta({ description: 'The most recent finished run.' }),
    last_successful_sync_at: Timestamp.nullable(),
    next_scheduled_at: Timestamp.nullable(),
    throttled_until: Timestamp.nullable().meta({
      description: 'QuickBooks limited how often we may call it for this company (a 429): no call goes out until then.',
    }),
    health: Health.nullable(),
    stale: z.boolean().meta({ description: 'True when the last success is older than the schedule promises.' }),
    visibility: z.object({ mode: z.enum(['organization', 'restricted']), user_ids: z.array(z.string()) }),
    documents: z
      .object({
        waiting: z.number().int().meta({ description: 'Queued or being sent.' }),
        attention: z.number().int().meta({ description: 'Need a person or will retry: needs_mapping, rejected, failed_retrying.' }),
      })
      .meta({ description: 'Write-back documents of this connection not yet in QuickBooks (the list: GET …/documents).' }),
  })
  .meta({ id: 'ConnectionSync' });

export type ConnectionSync = z.infer<typeof ConnectionSync>;

export const StartSyncBody = z
  .object({ full: z.boolean().default(false).meta({ description: 'Re-import everything instead of only changes.' }) })
  .strict()
  .meta({ id: 'StartSync' });

export const StartedSync = z
  .object({ run_id: z.string(), coalesced: z.boolean().meta({ description: 'True when a queued or running sync was reused.' }) })
  .meta({ id: 'StartedSync' });

export const SetVisibilityBody = z
  .object({
    mode: z.enum(['organization', 'restricted']),
    user_ids: z.array(z.string().min(1).max(128)).max(500).default([]),
  })
  .strict()
  .meta({ id: 'SetVisibility' });

export const BulkVisibilityBody = SetVisibilityBody.extend({
  connection_ids: z.array(z.string().regex(/^con_[0-9a-f]{20}$/)).min(1).max(1000),
})
  .strict()
  .meta({ id: 'BulkVisibility' });
