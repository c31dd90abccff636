import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { realmsInNotification, validIntuitSignature } from './qbo-webhooks.ts';

const examples = JSON.parse(readFileSync(new URL('../../../shared/contracts/qbo/webhooks.examples.json', import.meta.url), 'utf8')) as { cloudevents: unknown[]; legacy: unknown };
const REALM = '9341455322581846';

test('signature: base64 HMAC-SHA256 of the raw body with the verifier token', () => {
  const body = '{"eventNotifications":[]}';
  const signature = createHmac('sha256', 'verifier').update(body).digest('base64');
  expect(validIntuitSignature(body, signature, 'verifier')).toBe(true);
  expect(validIntuitSignature(body + ' ', signature, 'verifier')).toBe(false);
  expect(validIntuitSignature(body, signature, 'other')).toBe(false);
  expect(validIntuitSignature(body, undefined, 'verifier')).toBe(false);
  expect(validIntuitSignature(body, createHmac('sha256', 'verifier').update(body).digest('hex'), 'verifier')).toBe(false);
});

// Each format on its own: a test that either format alone could pass hides the other one breaking.
test('CloudEvents (mandatory from 2026): the company is intuitaccountid, once however many events name it', () => {
  expect(realmsInNotification(examples.cloudevents)).toEqual([REALM]);
  const batch = [...examples.cloudevents, { ...(examples.cloudevents[0] as object), intuitaccountid: '123145' }];
  expect(realmsInNotification(batch).sort()).toEqual(['123145', REALM]);
});

test('legacy eventNotifications: the company is realmId', () => {
  expect(realmsInNotification(examples.legacy)).toEqual([REALM]);
  expect(realmsInNotification({ eventNotifications: [{ realmId: '1' }, { realmId: '2' }, { realmId: '1' }] }).sort()).toEqual(['1', '2']);
});

test('bodies of neither format name no company', () => {
  expect(realmsInNotification({})).toEqual([]);
  expect(realmsInNotification([])).toEqual([]);
  expect(realmsInNotification('9341455322581846')).toEqual([]);
  expect(realmsInNotification([{ specversion: '1.0', type: 'qbo.vendor.updated.v1' }])).toEqual([]);
});
