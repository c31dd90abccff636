import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeKey, type Config } from '../config.ts';

export interface Keys {
  /** AES-256-GCM key for secrets at rest. */
  encryption: Buffer;
  /** Short fingerprint stored beside each ciphertext, so a rotated key can still decrypt old rows. */
  encryptionKeyId: string;
  /** Every key that may open a stored value, by id: the current one and those rotated out. */
  keyring: ReadonlyMap<string, Buffer>;
  /** HMAC key for session tokens and OAuth state, derived so one secret configures both. */
  signing: Uint8Array;
  adminToken: string;
}

/**
 * Production reads both secrets from the environment (config enforces it). Development generates them
 * once into the data dir (mode 0600) so a restart keeps sessions and encrypted tokens readable.
 */
export function loadKeys(config: Config): Keys {
  const encryptionText = config.LEDGERLINK_ENCRYPTION_KEY ?? persisted(config, 'encryption.key', () => randomBytes(32).toString('base64'));
  const adminToken = config.LEDGERLINK_ADMIN_TOKEN ?? persisted(config, 'admin.token', () => `lladm_${randomBytes(24).toString('base64url')}`);
  const encryption = decodeKey(encryptionText.trim());
  if (!encryption) throw new Error(`The encryption key in ${config.LEDGERLINK_DATA_DIR} is not 32 bytes; remove it to generate a new one.`);
  const previous = (config.LEDGERLINK_PREVIOUS_ENCRYPTION_KEYS ?? '').split(',').flatMap((text) => decodeKey(text.trim()) ?? []);
  return deriveKeys(encryption, adminToken.trim(), previous);
}

/** The session-signing key follows the current encryption key: a rotation asks every component for a new session. */
export function deriveKeys(encryption: Buffer, adminToken: string, previous: readonly Buffer[] = []): Keys {
  const encryptionKeyId = keyIdOf(encryption);
  return {
    encryption,
    encryptionKeyId,
    keyring: new Map([...previous.map((key) => [keyIdOf(key), key] as const), [encryptionKeyId, encryption]]),
    signing: new Uint8Array(hkdfSync('sha256', encryption, Buffer.alloc(0), 'ledgerlink session signing v1', 32)),
    adminToken,
  };
}

function persisted(config: Config, file: string, create: () => string): string {
  const path = join(config.LEDGERLINK_DATA_DIR, file);
  if (existsSync(path)) return readFileSync(path, 'utf8');
  mkdirSync(config.LEDGERLINK_DATA_DIR, { recursive: true });
  const value = create();
  writeFileSync(path, value, { mode: 0o600 });
  return value;
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}
