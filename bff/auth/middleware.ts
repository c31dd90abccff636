import type { Context, MiddlewareHandler } from 'hono';
import { timingSafeEqual } from 'node:crypto';
import type { AppEnv, SessionScope } from '../context.ts';
import { ApiError, unauthorized } from '../http/api-error.ts';
import { limitCallerNow } from '../http/rate-limit.ts';
import { secretKeyOwner } from '../tenants/store.ts';
import { knownSessionStanding, sessionStands, type SessionOrigin } from './session-revocation.ts';
import { knownSessionToken, verifySessionToken } from './session-token.ts';
import { checkTenantOrigin } from './widget-cors.ts';

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Server-to-server routes: a tenant secret key, and nothing else (a session token is refused). */
export const requireSecretKey: MiddlewareHandler<AppEnv> = async function requireSecretKey(c, next) {
  const token = bearer(c.req.header('authorization'));
  if (!token) throw unauthorized('Send the tenant secret key as "Authorization: Bearer llsk_…"');
  if (!token.startsWith('llsk_')) throw unauthorized('This route takes a tenant secret key; session tokens are for /v1/widget routes');
  const owner = await secretKeyOwner(c.get('deps').sql, token);
  if (!owner) throw unauthorized('The secret key is not valid or has been revoked');
  const { tenantId } = owner;
  c.set('tenant', owner);
  c.set('logger', c.get('logger').child({ tenant_id: tenantId }));
  await next();
};

/**
 * Widget routes, as one layer: a signed, unexpired session token whose tenant, organization and user scope
 * everything; the caller's limits (limitCallerNow); then the caller's origin must be one of the tenant's
 * (checkTenantOrigin), in that order. What this process already proved or read (the
 * token's signature, the session's standing, the tenant's origins) is used without a promise.
 */
export const requireWidgetCaller: MiddlewareHandler<AppEnv> = async function requireWidgetCaller(c, next) {
  const proving = establishSession(c);
  if (proving) await proving;
  limitCallerNow(c);
  const checking = checkTenantOrigin(c);
  if (checking) await checking;
  await next();
};

/** The session check: synchronous (undefined) when the token and the session's standing are known here. */
function establishSession(c: Context<AppEnv>): Promise<void> | undefined {
  const token = bearer(c.req.header('authorization'));
  if (!token) throw unauthorized('Send the session token as "Authorization: Bearer <token>"');
  if (token.startsWith('llsk_')) throw unauthorized('Widget routes take a session token; never send a secret key to the browser');
  const deps = c.get('deps');
  const now = deps.now();
  const known = knownSessionToken(deps.keys.signing, token, now);
  if (known) {
    const stands = knownSessionStanding(deps.sql, originOf(known));
    if (stands !== undefined) return adoptSession(c, known, stands);
  }
  return (async () => {
    const session = known ?? (await verifySessionToken(deps.keys.signing, token, now));
    if (!session) throw unauthorized('The session token is invalid or has expired; fetch a new one');
    adoptSession(c, session, await sessionStands(deps.sql, originOf(session)));
  })();
}

/** Per verified session (the scope object is cached per token), so a request builds none. */
const origins = new WeakMap<SessionScope, SessionOrigin>();

function originOf(session: SessionScope): SessionOrigin {
  let origin = origins.get(session);
  if (!origin) {
    origin = {
      tenantId: session.tenantId,
      organizationId: session.organizationId,
      userId: session.user.id,
      keyId: session.keyId,
      issuedAtMs: session.issuedAt.getTime(),
    };
    origins.set(session, origin);
  }
  return origin;
}

function adoptSession(c: Context<AppEnv>, session: SessionScope, stands: boolean): undefined {
  if (!stands) throw unauthorized('The session has been ended (its secret key was revoked or the host signed the user out); fetch a new one');
  c.set('session', session);
  c.set('tenant', { tenantId: session.tenantId, keyId: session.keyId });
  c.set('logger', c.get('logger').child({ tenant_id: session.tenantId, organization_id: session.organizationId }));
  return undefined;
}

/** Operator routes: the admin token from configuration. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async function requireAdmin(c, next) {
  const token = bearer(c.req.header('authorization'));
  const expected = Buffer.from(c.get('deps').keys.adminToken);
  const given = Buffer.from(token ?? '');
  if (!token || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ApiError('unauthorized', 'Admin routes need "Authorization: Bearer <LEDGERLINK_ADMIN_TOKEN>"');
  }
  await next();
};
