import { sign, verify } from 'hono/jwt';

/**
 * The OAuth `state`: signed (a forged one fails), short-lived (exp), naming the attempt it belongs to and
 * that attempt's tenant, organization and user (checked against the stored attempt), and bound to the
 * browser that opened the start link: `bnd` is the hash of the nonce that link set as a cookie
 * (bff/oauth/browser-binding.ts), so the state alone, leaked, completes nothing. Single use comes from the
 * attempt: its completion can be claimed once.
 */
export async function signState(
  key: Uint8Array,
  attempt: { id: string; tenant_id: string; organization_id: string; user_id: string; expires_at: Date },
  browserBinding: string,
): Promise<string> {
  return sign(
    { typ: 'll.oauth', att: attempt.id, ten: attempt.tenant_id, org: attempt.organization_id, sub: attempt.user_id, bnd: browserBinding, exp: Math.floor(attempt.expires_at.getTime() / 1000) },
    Buffer.from(key).toString('hex'),
    'HS256',
  );
}

export interface StateClaims {
  attemptId: string;
  tenantId: string;
  organizationId: string;
  userId: string;
  /** Hash of the browser nonce the start link set. */
  browserBinding: string;
}

export async function verifyState(key: Uint8Array, state: string, now: Date): Promise<StateClaims | undefined> {
  try {
    const claims = await verify(state, Buffer.from(key).toString('hex'), { alg: 'HS256', exp: false, nbf: false, iat: false });
    const { typ, att, ten, org, sub, bnd, exp } = claims as Record<string, unknown>;
    if (typ !== 'll.oauth' || typeof att !== 'string' || typeof ten !== 'string' || typeof org !== 'string' || typeof sub !== 'string') return undefined;
    if (typeof bnd !== 'string' || typeof exp !== 'number' || exp * 1000 <= now.getTime()) return undefined;
    return { attemptId: att, tenantId: ten, organizationId: org, userId: sub, browserBinding: bnd };
  } catch {
    return undefined;
  }
}
