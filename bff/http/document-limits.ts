import type { OpenAPIHono } from '@hono/zod-openapi';
import { ErrorBody } from '../../shared/api/errors.ts';
import type { AppEnv } from '../context.ts';
import { bodyLimitOf } from './body-limit.ts';

const integerHeader = (description: string) => ({ description, schema: { type: 'integer' as const } });

/** The headers every answer carries once a limit applied to it; on a 429 they describe the limit that refused. */
export const rateLimitHeaders = {
  'RateLimit-Limit': integerHeader('Requests allowed per minute by the tightest limit this request met'),
  'RateLimit-Remaining': integerHeader('Requests left under that limit in the sliding minute'),
  'RateLimit-Reset': integerHeader('Seconds until the current one-minute window ends'),
  'RateLimit-Policy': { description: 'That limit, e.g. `600;w=60;policy="session"` (session, tenant, ip, anonymous, provider)', schema: { type: 'string' as const } },
};

/**
 * Adds to every published route the answers the limits give: 429 (with Retry-After and RateLimit-*) and,
 * where a body is taken, 413 with the route's limit. Done over the registry after all routes are declared,
 * so a route added later is documented without remembering to.
 */
export function documentLimits(app: OpenAPIHono<AppEnv>): void {
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const route = definition.route;
    route.responses[429] ??= {
      description: 'Too many requests: `rate_limited`; wait Retry-After seconds. details.policy names the limit.',
      headers: { 'Retry-After': integerHeader('Seconds to wait before trying again'), ...rateLimitHeaders },
      content: { 'application/json': { schema: ErrorBody } },
    };
    if (route.request?.body) {
      const path = route.path.replace(/\{(\w+)\}/g, ':$1');
      const max = bodyLimitOf(route.method, path);
      route.responses[413] ??= {
        description: `Body larger than ${max} bytes: \`payload_too_large\` (refused before it is read)`,
        content: { 'application/json': { schema: ErrorBody } },
      };
    }
  }
}
