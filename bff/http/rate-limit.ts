import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv, SessionScope } from '../context.ts';
import { ApiError } from './api-error.ts';
import { clientAddress } from './client-address.ts';
import type { RateDecision } from './rate-limiter.ts';

/**
 * Records a decision: the RateLimit-* headers describe the limit met so far on this request with the fewest
 * requests remaining (written with the answer, bff/http/answer.ts), and a refusal is a 429
 * `rate_limited` with Retry-After, before any work is done.
 */
function apply(c: Context<AppEnv>, decision: RateDecision): void {
  const tightest = c.get('rateLimit');
  if (!decision.allowed || !tightest || decision.remaining < tightest.remaining) c.set('rateLimit', decision);
  if (!decision.allowed) {
    // On the context, so the error answer renderError builds carries them too.
    for (const [name, value] of rateLimitHeaders(decision)) c.header(name, value);
    // renderError adds Retry-After from the details, also for callers who joined a refused provider action.
    throw new ApiError('rate_limited', `Too many requests (${describe[decision.policy] ?? decision.policy}: ${decision.limit} a minute); try again in ${decision.retryAfterSeconds} s`, {
      policy: decision.policy,
      limit_per_minute: decision.limit,
      retry_after_seconds: decision.retryAfterSeconds,
    });
  }
}

export function rateLimitHeaders(decision: RateDecision): [string, string][] {
  return [
    ['RateLimit-Limit', String(decision.limit)],
    ['RateLimit-Remaining', String(decision.remaining)],
    ['RateLimit-Reset', String(decision.resetSeconds)],
    ['RateLimit-Policy', `${decision.limit};w=60;policy="${decision.policy}"`],
  ];
}

const describe: Record<string, string> = {
  session: 'this user',
  tenant: 'this tenant',
  ip: 'this address',
  anonymous: 'unauthenticated calls from this address',
  provider: 'QuickBooks calls started on this connection',
};

function take(c: Context<AppEnv>, policy: string, bucket: string, limit: number): void {
  if (limit <= 0) return;
  apply(c, c.get('rateLimiter').take(policy, bucket, limit));
}

/**
 * How long a caller who keeps sending after a 429 waits for the next one. A client that waits for each answer
 * (any browser, most scripts) then sends about one request per connection per second, so a storm costs the
 * server a timer per connection instead of all its time; a well-behaved client that honours Retry-After never
 * meets it. Requests are not queued behind it: Node answers one request per connection at a time.
 */
export const REPEAT_REFUSAL_DELAY_MS = 1_000;

/**
 * Every request, before anything else (the request pipeline calls it): a credential refused moments ago is
 * refused again (no token check, no parsing) after REPEAT_REFUSAL_DELAY_MS, and so is an address past its
 * limit; then the per-address limit (LEDGERLINK_RATE_LIMIT_IP) counts the request. The RateLimit-* headers
 * of the tightest limit met are written with the answer (bff/http/answer.ts).
 */
export function checkAddress(c: Context<AppEnv>): Promise<void> | undefined {
  const { config } = c.get('deps');
  const limiter = c.get('rateLimiter');
  const credential = c.req.header('authorization');
  const refused = credential ? limiter.refusalOf(credential) : undefined;
  if (refused) return refuseSlowly(c, refused);
  if (config.rateLimits.ip > 0) {
    const decision = limiter.take('ip', `ip:${clientAddress(c, config.trustedProxies)}`, config.rateLimits.ip);
    if (!decision.allowed) return refuseSlowly(c, decision);
    apply(c, decision);
  }
  return undefined;
}

async function refuseSlowly(c: Context<AppEnv>, decision: RateDecision): Promise<never> {
  await new Promise((resolve) => setTimeout(resolve, Math.min(REPEAT_REFUSAL_DELAY_MS, decision.retryAfterSeconds * 1000)));
  apply(c, decision);
  throw new Error('unreachable: apply() throws for a refusal');
}

/** Routes without credentials (OAuth pages, Intuit's Disconnect URL): a tighter per-address limit. */
export function limitAnonymous(): MiddlewareHandler<AppEnv> {
  return async function limitAnonymous(c, next) {
    const { config } = c.get('deps');
    take(c, 'anonymous', `anon:${clientAddress(c, config.trustedProxies)}`, config.rateLimits.anonymousIp);
    await next();
  };
}

/**
 * After authentication: the session's user (widget routes) and then the tenant. A refused user does not
 * spend the tenant's allowance, so one storming user cannot lock out the rest of their tenant.
 */
export const limitCaller: MiddlewareHandler<AppEnv> = async function limitCaller(c, next) {
  limitCallerNow(c);
  await next();
};

/** limitCaller's counting, without a layer of its own (widget routes run it inside requireWidgetCaller). */
export function limitCallerNow(c: Context<AppEnv>): void {
  const { rateLimits } = c.get('deps').config;
  const session = c.get('session');
  try {
    if (session) take(c, 'session', sessionBucket(session), rateLimits.session);
    take(c, 'tenant', `tenant:${c.get('tenant').tenantId}`, rateLimits.tenant);
  } catch (error) {
    const refused = c.get('rateLimit');
    const credential = c.req.header('authorization');
    if (refused && !refused.allowed && credential) c.get('rateLimiter').rememberRefusal(credential, refused);
    throw error;
  }
}

/** A session's bucket name, remembered per verified session (its scope object is cached per token). */
const sessionBuckets = new WeakMap<SessionScope, string>();

function sessionBucket(session: SessionScope): string {
  let bucket = sessionBuckets.get(session);
  if (bucket === undefined) sessionBuckets.set(session, (bucket = `session:${session.tenantId}:${session.organizationId}:${session.user.id}`));
  return bucket;
}

/**
 * One provider action (a check, a Sync now, a disconnect check) actually started on a connection. Called by
 * the caller that starts it, not by those who join one in flight: N concurrent callers spend one.
 */
export function takeProviderAction(c: Context<AppEnv>, connectionId: string): void {
  take(c, 'provider', `provider:${connectionId}`, c.get('deps').config.rateLimits.providerActions);
}
