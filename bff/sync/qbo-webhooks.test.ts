import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { realmsInNotification, validIntuitSignature } from './qbo-webhooks.ts';

const examples = JSON.parse(readFileSync(new URL('../../../shared/contracts/qbo/webhooks.examples.json', import.meta.url), 'utf8')) as Record<string, unknown>;

test('signature: base64 HMAC-SHA256 of the raw body with the verifier token', () => {
  const body = '{"eventNotifications":[]}';
  const signature = createHmac('sha256', 'verifier').update(body).digest('base64');
  expect(validIntuitSignature(body, signature, 'verifier')).toBe(true);
  expect(validIntuitSignature(body + ' ', signature, 'verifier')).toBe(false);
  expect(validIntuitSignature(body, signature, 'other')).toBe(false);
  expect(validIntuitSignature(body, undefined, 'verifier')).toBe(false);
});

test('realms from the contract examples, legacy and CloudEvents', () => {
  const found = Object.values(examples).flatMap((example) => realmsInNotification(example));
  expect(found.length).toBeGreaterThan(0);
  expect(found.every((realm) => /^\d+$/.test(realm))).toBe(true);
});
