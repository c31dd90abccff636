import type { Queryable } from '../db/client.ts';
import { newId } from '../db/ids.ts';

/** Event types hosts can subscribe to. Stable names: hosts key their webhook handlers on them. */
export type EventType =
  | 'connection.connected'
  | 'connection.reconnected'
  | 'connection.needs_reconnect'
  | 'connection.disconnected'
  | 'connection.deleted'
  | 'link.created'
  | 'link.removed'
  | 'supplier.imported'
  | 'supplier.updated'
  | 'customer.imported'
  | 'list.imported'
  | 'list.updated'
  | 'sync.started'
  | 'sync.completed'
  | 'sync.failed'
  | 'mapping.invalidated'
  | 'metric.updated'
  | 'document.pushed'
  | 'document.rejected'
  | 'document.needs_mapping'
  | 'document.cancelled'
  | 'document.paid';

export interface EventInput {
  tenantId: string;
  organizationId: string;
  connectionId?: string;
  type: EventType;
  data?: Record<string, unknown>;
}

/** Recorded in the caller's transaction when given one, so an event exists exactly when its change does. */
export async function recordEvent(sql: Queryable, event: EventInput): Promise<string> {
  const id = newId('evt');
  await sql`
    insert into events (id, tenant_id, organization_id, connection_id, type, data)
    values (${id}, ${event.tenantId}, ${event.organizationId}, ${event.connectionId ?? null}, ${event.type}, ${sql.json((event.data ?? {}) as never)})`;
  return id;
}

/**
 * Long enough for any delivery (retries stop after about 3 days) and for a host to look back at a month of
 * deliveries; every sync run records events, so without a limit the table only grows.
 */
export const EVENT_RETENTION_DAYS = 30;

/** Deletes events (and, by cascade, their deliveries) past retention, a bounded batch per call. */
export async function pruneEvents(sql: Queryable, now: Date): Promise<number> {
  const rows = await sql`
    delete from events where id in (
      select id from events where created_at < ${new Date(now.getTime() - EVENT_RETENTION_DAYS * 86_400_000)} limit 1000)
    returning id`;
  return rows.length;
}
