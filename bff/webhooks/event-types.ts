import type { WebhookEventType } from '../../shared/api/webhooks.ts';
import type { EventType } from '../events/record.ts';

/**
 * The published list (shared/api/webhooks.ts) and what the backend records must be the same set, checked
 * both ways: a type recorded but not subscribable, or offered but never recorded, stops this file compiling.
 * That each type is really recorded on its path is what test/events.test.ts shows at run time.
 */
export const everyRecordedEventIsSubscribable: [EventType] extends [WebhookEventType] ? true : never = true;
export const everySubscribableEventIsRecorded: [WebhookEventType] extends [EventType] ? true : never = true;
