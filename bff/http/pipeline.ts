import type { Context, ErrorHandler, MiddlewareHandler, Next } from 'hono';
import { corsForRequest, widgetCorsPreflight } from '../auth/widget-cors.ts';
import type { AppEnv, Deps } from '../context.ts';
import { recordRequest, type Metrics } from '../ops/metrics.ts';
import { isOwnPath, securityValues } from '../ops/security-headers.ts';
import { Answer } from './answer.ts';
import { checkAddress, limitAnonymous, rateLimitHeaders } from './rate-limit.ts';
import type { SharedRateLimiter } from './rate-limiter.ts';

/**
 * What every request goes through before its route's own middleware, as one function instead of nine
 * `app.use` layers (each an async call, a closure and a promise per request): the request id, deps, the
 * per-address limit (and the anonymous one under /v1/oauth), CORS for /v1/widget, body limits and storable
 * text; then, on the way out, the headers (see Answer: request id, CORS, RateLimit-*, security headers), the
 * metrics and the access log. Steps only some requests need (a preflight, a body, an escaped URL) still run
 * as their own middleware, in the order they had as layers.
 */
export function requestPipeline(options: {
  deps: Deps;
  metrics: Metrics;
  rateLimiter: SharedRateLimiter;
  onError: ErrorHandler<AppEnv>;
  /** Body limits then storable text, for requests that carry a body or an escaped URL. */
  bodyChecks: MiddlewareHandler<AppEnv>[];
}): MiddlewareHandler<AppEnv> {
  const { deps, metrics, rateLimiter, onError, bodyChecks } = options;
  const security = securityValues(deps.config);
  const anonymous = limitAnonymous();

  const withBodyChecks = (c: Context<AppEnv>, next: Next, i = 0): Promise<void> => {
    const layer = bodyChecks[i];
    if (!layer) return next();
    return Promise.resolve(layer(c, () => withBodyChecks(c, next, i + 1))).then(() => undefined);
  };

  const afterLimits = (c: Context<AppEnv>, next: Next, path: string): Promise<void> => {
    if (path === '/v1/oauth' || path.startsWith('/v1/oauth/')) {
      return Promise.resolve(anonymous(c, () => withBodyChecks(c, next))).then(() => undefined);
    }
    const method = c.req.method;
    // Most requests: a bodiless GET whose URL is printable ASCII without escapes: no body to limit and no
    // text that cannot be stored (the checks' own first test; this skips their layers).
    if ((method === 'GET' || method === 'HEAD') && plainUrl.test(c.req.url)) return next();
    return withBodyChecks(c, next);
  };

  return async function requestPipeline(c, next) {
    const started = performance.now();
    const path = c.req.path;
    const answer = new Answer(c, security, isOwnPath(path), rateLimitHeaders);
    // The caller's request id when it is a plain token, else a new one.
    let id = c.req.header('x-request-id');
    if (!id || id.length > 255 || /[^\w\-=]/.test(id)) id = crypto.randomUUID();
    answer.set('x-request-id', id);
    c.set('requestId', id);
    c.set('deps', deps);
    c.set('rateLimiter', rateLimiter);
    c.set('logger', deps.logger.child({ request_id: id }));

    try {
      const widget = path === '/v1/widget' || path.startsWith('/v1/widget/');
      if (widget && c.req.method === 'OPTIONS') {
        // A preflight carries no credential: Hono's cors() answers it, and no limit counts it (as before).
        const preflight = await widgetCorsPreflight(c, () => afterLimits(c, next, path));
        if (preflight && !c.finalized) c.res = preflight;
      } else {
        const granting = widget ? corsForRequest(c, answer) : undefined;
        if (granting) await granting;
        const refusing = checkAddress(c);
        if (refusing) await refusing;
        await afterLimits(c, next, path);
      }
    } catch (error) {
      // As Hono's compose does for a layer that throws: the app's error answer, and what follows still runs.
      if (!(error instanceof Error)) throw error;
      c.error = error;
      c.res = await onError(error, c);
    }

    const res = c.res;
    answer.writeOnto(res);
    recordRequest(metrics, c, res.status, (performance.now() - started) / 1000);
  };
}

/** The same test storableText() makes first: printable ASCII without percent escapes. */
const plainUrl = /^[\x21-\x24\x26-\x7e]*$/;
