import type { OpenAPIHono } from '@hono/zod-openapi';
import { connectionRoutes } from './connections/routes.ts';
import type { AppEnv, Deps } from './context.ts';
import { apiRoutes } from './http/api-routes.ts';
import { renderError, renderNotFound } from './http/errors.ts';
import { documentLimits } from './http/document-limits.ts';
import { limitBodies } from './http/body-limit.ts';
import { requestPipeline } from './http/pipeline.ts';
import { SharedRateLimiter } from './http/rate-limiter.ts';
import { PerMethodRouter } from './http/router.ts';
import { storableText } from './http/storable-text.ts';
import { createMetrics, type Metrics } from './ops/metrics.ts';
import { opsRoutes } from './ops/routes.ts';
import { listRoutes } from './lists/routes.ts';
import { mappingRoutes } from './mapping/routes.ts';
import { matchingRoutes } from './matching/routes.ts';
import { metricRoutes } from './metrics/routes.ts';
import { oauthRoutes } from './oauth/routes.ts';
import { organizationRoutes } from './organizations/routes.ts';
import { recordRoutes } from './records/routes.ts';
import { sessionRoutes } from './sessions/routes.ts';
import { syncRoutes } from './sync/routes.ts';
import { webhookRoutes } from './sync/webhook-routes.ts';
import { tenantRoutes } from './tenants/routes.ts';
import { webhookEndpointRoutes } from './webhooks/routes.ts';
import { documentRoutes } from './writeback/routes.ts';

export interface App {
  app: OpenAPIHono<AppEnv>;
  metrics: Metrics;
  rateLimiter: SharedRateLimiter;
}

/** The whole HTTP surface, without a listener: tests call `app.request(...)`, main.ts serves it. */
export function createApp(deps: Deps): App {
  const metrics = createMetrics();
  const app = apiRoutes({ router: new PerMethodRouter() });

  const rateLimiter = new SharedRateLimiter(deps.sql);

  // One layer ahead of every route: request id, deps, CORS for /v1/widget, the per-address limits (per user
  // and tenant once authenticated, bff/http/routes.ts), then, before anything reads a body, the body limit
  // (a body larger than its route takes is refused unread) and storable text (text no column can store never
  // reaches a query); on the way out the security and RateLimit-* headers, metrics and the access log.
  app.use(requestPipeline({ deps, metrics, rateLimiter, onError: renderError, bodyChecks: [limitBodies(), storableText()] }));
  app.onError(renderError);
  app.notFound(renderNotFound);

  app.route('/', opsRoutes(metrics));
  app.route('/', tenantRoutes);
  app.route('/', sessionRoutes);
  app.route('/', organizationRoutes);
  app.route('/', connectionRoutes);
  app.route('/', oauthRoutes);
  app.route('/', syncRoutes);
  app.route('/', recordRoutes);
  app.route('/', webhookRoutes);
  app.route('/', webhookEndpointRoutes);
  // Before matchingRoutes: its host-records/{kind} route would refuse the mapping kinds.
  app.route('/', mappingRoutes);
  app.route('/', matchingRoutes);
  app.route('/', listRoutes);
  app.route('/', metricRoutes);
  app.route('/', documentRoutes);

  documentLimits(app);
  app.openAPIRegistry.registerComponent('securitySchemes', 'secretKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'Tenant secret key (llsk_…), server to server only',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionToken', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Short-lived session token from POST /v1/sessions, used by the components',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'LEDGERLINK_ADMIN_TOKEN, for operators',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Ledgerlink API',
      version: '1.0.0',
      description:
        'QuickBooks Online and Xero integration for host products. Errors are always {error:{code, message, details?}}; ' +
        'invalid input is a 400 whose message names the field. Text in paths, queries and JSON bodies must be well-formed ' +
        'Unicode (percent-encoded as UTF-8 in URLs) without U+0000, which no database column stores.',
    },
  });

  return { app, metrics, rateLimiter };
}
