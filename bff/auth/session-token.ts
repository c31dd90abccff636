import { sign, verify } from 'hono/jwt';
import type { SessionUser } from '../../shared/api/sessions.ts';
import type { SessionScope } from '../context.ts';

/** Claims of a widget session token. `typ` keeps other tokens signed with the same key from passing as one. */
interface SessionClaims {
  [claim: string]: unknown;
  typ: 'll.session';
  ten: string;
  org: string;
  sub: string;
  role: string;
  name?: string;
  email?: string;
  iat: number;
  exp: number;
}

export async function signSessionToken(
  key: Uint8Array,
  scope: { tenantId: string; organizationId: string; user: SessionUser },
  now: Date,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now.getTime() / 1000);
  const claims: SessionClaims = {
    typ: 'll.session',
    ten: scope.tenantId,
    org: scope.organizationId,
    sub: scope.user.id,
    role: scope.user.role,
    ...(scope.user.name ? { name: scope.user.name } : {}),
    ...(scope.user.email ? { email: scope.user.email } : {}),
    iat,
    exp: iat + ttlSeconds,
  };
  return { token: await sign(claims, secretOf(key), 'HS256'), expiresAt: new Date(claims.exp * 1000) };
}

/** The session a token proves, or undefined when it is malformed, tampered, expired or not a session token. */
export async function verifySessionToken(key: Uint8Array, token: string, now: Date): Promise<SessionScope | undefined> {
  let claims: Record<string, unknown>;
  try {
    // exp is checked below against our clock (tests move it); signature and algorithm are checked here.
    claims = await verify(token, secretOf(key), { alg: 'HS256', exp: false, nbf: false, iat: false });
  } catch {
    return undefined;
  }
  const { typ, ten, org, sub, role, name, email, exp } = claims;
  if (typ !== 'll.session' || typeof ten !== 'string' || typeof org !== 'string' || typeof sub !== 'string') return undefined;
  if (typeof role !== 'string' || typeof exp !== 'number' || exp * 1000 <= now.getTime()) return undefined;
  return {
    tenantId: ten,
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
