import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** Intuit's issuer, which intuit-oauth's validateIdToken hard-codes. */
export const ID_TOKEN_ISSUER = 'https://oauth.platform.intuit.com/op/v1';
const KEY_ID = 'sandbox-rs256-1';

let keys: { privateKey: KeyObject; jwk: Record<string, unknown> } | null = null;

/** One RSA key per process, made on first use (it takes a few tens of milliseconds). */
function signingKeys() {
  if (!keys) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    keys = { privateKey: pair.privateKey, jwk: { ...jwk, kid: KEY_ID, alg: 'RS256', use: 'sig' } };
  }
  return keys;
}

export function jwks(): { keys: Record<string, unknown>[] } {
  return { keys: [signingKeys().jwk] };
}

/** An OpenID Connect id_token like Intuit's: RS256, aud = [client id], realmid claim. */
export function signIdToken(claims: { sub: string; aud: string; realmid: string; nowMs: number }): string {
  const header = { kid: KEY_ID, alg: 'RS256' };
  const iat = Math.floor(claims.nowMs / 1000);
  const payload = { sub: claims.sub, aud: [claims.aud], realmid: claims.realmid, auth_time: iat, iss: ID_TOKEN_ISSUER, exp: iat + 3600, iat };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(signingKeys().privateKey).toString('base64url');
  return `${input}.${signature}`;
}
