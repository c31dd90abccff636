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
  | 'sync.failed';

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
