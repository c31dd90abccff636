import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Ciphertext as stored: `v1.<key id>.<iv>.<tag>.<data>`, base64url parts. */
export type Sealed = string;

/**
 * AES-256-GCM for provider tokens at rest. The key id travels with the ciphertext; `keyring` maps ids to
 * keys so rows sealed under a previous key still open after rotation.
 */
export function seal(plaintext: string, key: Buffer, keyId: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

export function open(sealed: Sealed, keyring: ReadonlyMap<string, Buffer>): string {
  const [version, keyId, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || !keyId || !iv || !tag || data === undefined) throw new Error('Not a sealed value');
  const key = keyring.get(keyId);
  if (!key) throw new Error(`No encryption key with id ${keyId} is configured`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
