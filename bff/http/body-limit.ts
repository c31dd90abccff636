import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../context.ts';
import { ApiError } from './api-error.ts';

const KB = 1024;
const MB = 1024 * KB;

/** Any body route not named below: settings, sessions, start URLs, visibility of one connection. */
export const DEFAULT_BODY_LIMIT = 64 * KB;

/**
 * Routes whose bodies may be larger, sized to what their schemas accept: 10,000 host records of about
 * 1 KB each, 10,000 links, 1,000 connection ids with 500 user ids, Intuit's notification batches.
 * Keyed by method and Hono path (`:param`), as matched.
 */
export const bodyLimits: Record<string, number> = {
  'PUT /v1/organizations/:org/host-records/:kind': 10 * MB,
  'PUT /v1/widget/host-records/:kind': 10 * MB,
  'PUT /v1/organizations/:org/host-records/tax-rates': 10 * MB,
  'PUT /v1/organizations/:org/host-records/billable-categories': 10 * MB,
  'PUT /v1/organizations/:org/host-records/staff': 10 * MB,
  'PUT /v1/connections/:id/mappings/:kind': 4 * MB,
  'PUT /v1/widget/connections/:id/mappings/:kind': 4 * MB,
  'POST /v1/connections/:id/links': 4 * MB,
  'POST /v1/widget/connections/:id/links': 4 * MB,
  'PUT /v1/widget/connections/visibility': 256 * KB,
  'POST /v1/webhooks/qbo': 1 * MB,
  // A document of up to 250 lines with long descriptions.
  'POST /v1/connections/:id/documents': 1 * MB,
};

/** The body limit of a route, by method and Hono path. */
export function bodyLimitOf(method: string, path: string): number {
  return bodyLimits[`${method.toUpperCase()} ${path}`] ?? DEFAULT_BODY_LIMIT;
}

/**
 * Refuses a body larger than its route takes with a 413 `payload_too_large`, before anything reads it:
 * a Content-Length over the limit is refused unread, and a chunked body is read only up to the limit.
 * Ahead of every other body reader (storableText, validators, the webhook's signature check).
 */
export function limitBodies(): MiddlewareHandler<AppEnv> {
  const limiters = new Map<number, MiddlewareHandler>();
  const limiterFor = (maxSize: number) => {
    let limiter = limiters.get(maxSize);
    if (!limiter) {
      limiter = bodyLimit({
        maxSize,
        onError: () => {
          throw new ApiError('payload_too_large', `The request body is larger than this route takes (${maxSize} bytes)`, { max_bytes: maxSize });
        },
      });
      limiters.set(maxSize, limiter);
    }
    return limiter;
  };
  return async function limitBodies(c, next) {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
    const endpoint = matchedRoutes(c).findLast((route) => route.method !== 'ALL');
    return limiterFor(endpoint ? bodyLimitOf(method, endpoint.path) : DEFAULT_BODY_LIMIT)(c, next);
  };
}
