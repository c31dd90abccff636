import { sign, verify } from 'hono/jwt';
import type { SessionUser } from '../../shared/api/sessions.ts';
import type { SessionScope } from '../context.ts';

/** Claims of a widget session token. `typ` keeps other tokens signed with the same key from passing as one. */
interface SessionClaims {
  [claim: string]: unknown;
  typ: 'll.session';
  /** The secret key that minted it: revoking the key ends the session. */
  kid: string;
  ten: string;
  org: string;
  sub: string;
  role: string;
  name?: string;
  email?: string;
  iat: number;
  /** Issued at, in milliseconds: "end this user's sessions" must not spare a token minted in the same second. */
  ims: number;
  exp: number;
}

export async function signSessionToken(
  key: Uint8Array,
  scope: { tenantId: string; keyId: string; organizationId: string; user: SessionUser },
  now: Date,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now.getTime() / 1000);
  const claims: SessionClaims = {
    typ: 'll.session',
    kid: scope.keyId,
    ten: scope.tenantId,
    org: scope.organizationId,
    sub: scope.user.id,
    role: scope.user.role,
    ...(scope.user.name ? { name: scope.user.name } : {}),
    ...(scope.user.email ? { email: scope.user.email } : {}),
    iat,
    ims: now.getTime(),
    exp: iat + ttlSeconds,
  };
  return { token: await sign(claims, secretOf(key), 'HS256'), expiresAt: new Date(claims.exp * 1000) };
}

/**
 * Tokens whose signature this process already verified, per signing key: a component sends the same token
 * for minutes, and an HMAC check per request is most of what a cheap read costs (and all a refused storm
 * costs). Expiry is still checked on every use; the cache only skips re-proving a signature already proven.
 */
const verified = new WeakMap<Uint8Array, Map<string, SessionScope>>();
const MAX_VERIFIED = 20_000;

/**
 * The session a token proves when this process already verified its signature and it has not expired;
 * undefined otherwise (then verifySessionToken decides). Synchronous: a cached read needs no promise.
 */
export function knownSessionToken(key: Uint8Array, token: string, now: Date): SessionScope | undefined {
  const known = verified.get(key)?.get(token);
  return known && known.expiresAt.getTime() > now.getTime() ? known : undefined;
}

/** The session a token proves, or undefined when it is malformed, tampered, expired or not a session token. */
export async function verifySessionToken(key: Uint8Array, token: string, now: Date): Promise<SessionScope | undefined> {
  let byToken = verified.get(key);
  if (!byToken) verified.set(key, (byToken = new Map()));
  const known = byToken.get(token);
  if (known) return known.expiresAt.getTime() > now.getTime() ? known : undefined;
  const scope = await verifyUncached(key, token, now);
  if (scope) {
    if (byToken.size >= MAX_VERIFIED) byToken.clear();
    byToken.set(token, scope);
  }
  return scope;
}

async function verifyUncached(key: Uint8Array, token: string, now: Date): Promise<SessionScope | undefined> {
  let claims: Record<string, unknown>;
  try {
    // exp is checked below against our clock (tests move it); signature and algorithm are checked here.
    claims = await verify(token, secretOf(key), { alg: 'HS256', exp: false, nbf: false, iat: false });
  } catch {
    return undefined;
  }
  const { typ, kid, ten, org, sub, role, name, email, ims, exp } = claims;
  if (typ !== 'll.session' || typeof ten !== 'string' || typeof org !== 'string' || typeof sub !== 'string') return undefined;
  if (typeof kid !== 'string' || typeof ims !== 'number') return undefined;
  if (typeof role !== 'string' || typeof exp !== 'number' || exp * 1000 <= now.getTime()) return undefined;
  return {
    tenantId: ten,
    keyId: kid,
    issuedAt: new Date(ims),
    organizationId: org,
    user: {
      id: sub,
      role,
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof email === 'string' ? { email } : {}),
    },
    expiresAt: new Date(exp * 1000),
  };
}

function secretOf(key: Uint8Array): string {
  return Buffer.from(key).toString('hex');
}
