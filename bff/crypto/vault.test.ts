import { randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import { open, seal } from './vault.ts';

test('seals and opens; the ciphertext does not contain the secret', () => {
  const key = randomBytes(32);
  const sealed = seal('refresh-token-123', key, 'k1');
  expect(sealed).not.toContain('refresh-token-123');
  expect(open(sealed, new Map([['k1', key]]))).toBe('refresh-token-123');
});

test('a rotated keyring still opens old rows; a tampered one is refused', () => {
  const oldKey = randomBytes(32);
  const sealed = seal('secret', oldKey, 'old');
  expect(open(sealed, new Map([['new', randomBytes(32)], ['old', oldKey]]))).toBe('secret');
  const parts = sealed.split('.');
  parts[4] = Buffer.from('tampered').toString('base64url');
  expect(() => open(parts.join('.'), new Map([['old', oldKey]]))).toThrow();
  expect(() => open(sealed, new Map([['other', oldKey]]))).toThrow(/No encryption key with id old/);
});
