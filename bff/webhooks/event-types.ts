import type { WebhookEventType } from '../../shared/api/webhooks.ts';
import type { EventType } from '../events/record.ts';

/**
 * Every event the backend records must be one hosts can subscribe to. Adding a type to `EventType`
 * without adding it to `webhookEventTypes` (shared/api/webhooks.ts) stops this line compiling.
 */
export const everyRecordedEventIsSubscribable: EventType extends WebhookEventType ? true : never = true;
