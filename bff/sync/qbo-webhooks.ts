import { createHmac, timingSafeEqual } from 'node:crypto';

/** Intuit signs the raw body: base64(HMAC-SHA256(body, verifier token)) in `intuit-signature`. */
export function validIntuitSignature(rawBody: string, signature: string | undefined, verifier: string): boolean {
  if (!signature) return false;
  const expected = createHmac('sha256', verifier).update(rawBody, 'utf8').digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The companies a notification is about, from either body Intuit sends: the legacy
 * `{eventNotifications:[{realmId, dataChangeEvent}]}` or the CloudEvents array (`intuitaccountid`).
 * We use notifications only as a trigger for an incremental sync, never as data.
 */
export function realmsInNotification(body: unknown): string[] {
  const realms = new Set<string>();
  if (Array.isArray(body)) {
    for (const event of body as Record<string, unknown>[]) {
      const realm = event.intuitaccountid ?? (event.data as Record<string, unknown> | undefined)?.realmId;
      if (typeof realm === 'string' || typeof realm === 'number') realms.add(String(realm));
    }
  } else if (body && typeof body === 'object') {
    for (const notification of ((body as { eventNotifications?: unknown[] }).eventNotifications ?? []) as Record<string, unknown>[]) {
      if (typeof notification.realmId === 'string' || typeof notification.realmId === 'number') realms.add(String(notification.realmId));
    }
  }
  return [...realms];
}
