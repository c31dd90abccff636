import type { Context, Next } from 'hono';
import { cors } from 'hono/cors';
import type { Sql } from '../db/client.ts';
import type { AppEnv } from '../context.ts';
import { forbidden } from '../http/api-error.ts';
import { Answer } from '../http/answer.ts';

/**
 * Which browser origins may call widget routes. Reads are cached briefly: every widget request asks,
 * and a tenant's origin list changes rarely (a change is live within `ttlMs`).
 */
export class AllowedOrigins {
  #any: { origins: Set<string>; at: number } | undefined;
  #byTenant = new Map<string, { origins: Set<string>; at: number }>();

  constructor(
    private readonly sql: Sql,
    private readonly ttlMs = 5_000,
  ) {}

  /** Allowed for some tenant: enough to answer a preflight, which carries no credentials. */
  async allowedForAnyTenant(origin: string): Promise<boolean> {
    if (!this.#any || Date.now() - this.#any.at > this.ttlMs) {
      const rows = await this.sql<{ origin: string }[]>`select distinct unnest(allowed_origins) as origin from tenants`;
      this.#any = { origins: new Set(rows.map((row) => row.origin)), at: Date.now() };
    }
    return this.#any.origins.has(origin);
  }

  /** allowedForTenant's answer while its cached list is fresh; undefined when the list must be read. */
  knownForTenant(tenantId: string, origin: string): boolean | undefined {
    const entry = this.#byTenant.get(tenantId);
    return entry && Date.now() - entry.at <= this.ttlMs ? entry.origins.has(origin) : undefined;
  }

  /** allowedForAnyTenant's answer while the cached list is fresh; undefined when it must be read. */
  knownForAnyTenant(origin: string): boolean | undefined {
    const any = this.#any;
    return any && Date.now() - any.at <= this.ttlMs ? any.origins.has(origin) : undefined;
  }

  async allowedForTenant(tenantId: string, origin: string): Promise<boolean> {
    let entry = this.#byTenant.get(tenantId);
    if (!entry || Date.now() - entry.at > this.ttlMs) {
      const [row] = await this.sql<{ allowed_origins: string[] }[]>`select allowed_origins from tenants where id = ${tenantId}`;
      entry = { origins: new Set(row?.allowed_origins ?? []), at: Date.now() };
      this.#byTenant.set(tenantId, entry);
    }
    return entry.origins.has(origin);
  }

  forget(): void {
    this.#any = undefined;
    this.#byTenant.clear();
  }
}

const exposeHeaders = ['X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy'].join(',');

/**
 * CORS for /v1/widget/* (the request pipeline, bff/http/pipeline.ts, calls these): grants only origins some
 * tenant allows, so 401s stay readable by the widget. Preflights go through Hono's cors(); actual requests
 * get their two headers (and Vary) with the answer's other headers (bff/http/answer.ts), because cors()
 * writes them onto a response it creates early, which makes Hono copy every answer into a new Response and
 * Node write it as a stream (a third of a cheap read's cost).
 */
const preflight = cors({
  origin: async (origin, c) => (origin && (await (c as Context<AppEnv>).get('deps').origins.allowedForAnyTenant(origin)) ? origin : null),
  allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  exposeHeaders: exposeHeaders.split(','),
  maxAge: 600,
});

/** A preflight (OPTIONS) under /v1/widget: Hono's cors() answers it. */
export function widgetCorsPreflight(c: Context<AppEnv>, next: Next): Promise<Response | void> {
  return preflight(c, next);
}

/** An actual request under /v1/widget: the grant for an origin some tenant allows, and Vary: Origin (synchronous when cached). */
export function corsForRequest(c: Context<AppEnv>, answer: Answer): Promise<void> | undefined {
  answer.set('vary', 'Origin');
  const origin = c.req.header('origin');
  if (!origin) return undefined;
  const origins = c.get('deps').origins;
  const known = origins.knownForAnyTenant(origin);
  if (known !== undefined) {
    if (known) grant(answer, origin);
    return undefined;
  }
  return origins.allowedForAnyTenant(origin).then((allowed) => {
    if (allowed) grant(answer, origin);
  });
}

function grant(answer: Answer, origin: string): void {
  answer.set('access-control-allow-origin', origin);
  answer.set('access-control-expose-headers', exposeHeaders);
}

/**
 * After the session is known: a browser origin must be one of *that* tenant's. Otherwise the grant given
 * by `corsForRequest` is withdrawn and the call refused, so tenant A's page cannot use tenant B's token.
 * Synchronous (undefined) when the tenant's origins are cached.
 */
export function checkTenantOrigin(c: Context<AppEnv>): Promise<void> | undefined {
  const origin = c.req.header('origin');
  if (!origin) return undefined;
  const origins = c.get('deps').origins;
  const tenantId = c.get('session').tenantId;
  const known = origins.knownForTenant(tenantId, origin);
  if (known === true) return undefined;
  if (known === false) refuseOrigin(c, origin);
  return origins.allowedForTenant(tenantId, origin).then((allowed) => {
    if (!allowed) refuseOrigin(c, origin);
  });
}

function refuseOrigin(c: Context<AppEnv>, origin: string): never {
  const answer = Answer.of(c);
  answer?.drop('Access-Control-Allow-Origin');
  answer?.drop('Access-Control-Expose-Headers');
  c.header('Access-Control-Allow-Origin', undefined);
  c.header('Access-Control-Allow-Credentials', undefined);
  throw forbidden(`The origin ${origin} is not in this tenant's allowed origins`);
}
