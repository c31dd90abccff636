import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tenant secret keys look like `llsk_<key id>_<secret>`. The key id finds the row; only a SHA-256 of the
 * secret is stored, and the comparison is constant-time.
 */
export interface ParsedSecretKey {
  keyId: string;
  secret: string;
}

const pattern = /^llsk_(key_[0-9a-f]{20})_([A-Za-z0-9_-]{43})$/;

export function mintSecretKey(keyId: string): { secretKey: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secretKey: `llsk_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

export function parseSecretKey(text: string): ParsedSecretKey | undefined {
  const match = pattern.exec(text);
  return match ? { keyId: match[1]!, secret: match[2]! } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
