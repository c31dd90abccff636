import { createHmac, randomUUID } from 'node:crypto';
import type { Change } from './company.ts';

/** A change as both webhook formats describe it. */
export interface WebhookEvent {
  realmId: string;
  change: Change;
}

const PAST_TENSE: Record<Change['operation'], string> = { Create: 'created', Update: 'updated', Delete: 'deleted', Void: 'voided', Merge: 'merged' };

/** Legacy body: one eventNotifications entry per realm, its changes under dataChangeEvent.entities. */
export function legacyBody(events: WebhookEvent[]): unknown {
  const byRealm = new Map<string, WebhookEvent[]>();
  for (const event of events) byRealm.set(event.realmId, [...(byRealm.get(event.realmId) ?? []), event]);
  return {
    eventNotifications: [...byRealm].map(([realmId, list]) => ({
      realmId,
      dataChangeEvent: {
        entities: list.map(({ change }) => ({ name: change.type, id: String(change.id), operation: change.operation, lastUpdated: new Date(change.timeMs).toISOString() })),
      },
    })),
  };
}

/** CloudEvents body (Intuit's format from 2026): an array of events typed qbo.<entity>.<past tense>.v1. */
export function cloudEventsBody(events: WebhookEvent[]): unknown {
  return events.map(({ realmId, change }) => ({
    specversion: '1.0',
    id: randomUUID(),
    source: 'intuit.qbo',
    type: `qbo.${change.type.toLowerCase()}.${PAST_TENSE[change.operation]}.v1`,
    datacontenttype: 'application/json',
    time: new Date(change.timeMs).toISOString(),
    intuitentityid: String(change.id),
    intuitaccountid: realmId,
    data: {},
  }));
}

/** intuit-signature: base64(HMAC-SHA256(raw body, verifier token)). */
export function signature(body: string, verifier: string): string {
  return createHmac('sha256', verifier).update(body).digest('base64');
}
