import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../http/api-error.ts';
import type { Metrics } from './metrics.ts';

const distDir = fileURLToPath(new URL('../../dist/', import.meta.url));

/** Health, readiness, metrics and the widget bundle: unauthenticated, for operators and host pages. */
export function opsRoutes(metrics: Metrics) {
  const routes = new Hono<AppEnv>();

  routes.get('/healthz', (c) => c.json({ status: 'ok' }));

  routes.get('/readyz', async (c) => {
    const started = performance.now();
    try {
      await Promise.race([
        c.get('deps').sql`select 1`,
        new Promise((_, reject) => setTimeout(() => reject(new Error('database check timed out after 2 s')), 2_000).unref()),
      ]);
      return c.json({ status: 'ready', database: { ok: true, latency_ms: Math.round(performance.now() - started) } });
    } catch (error) {
      return c.json({ status: 'not_ready', database: { ok: false, error: (error as Error).message } }, 503);
    }
  });

  // Route patterns, tenants' traffic and process figures are for operators: with LEDGERLINK_METRICS_TOKEN set
  // (do, in production), the scraper must present it.
  routes.get('/metrics', async (c) => {
    const token = c.get('deps').config.LEDGERLINK_METRICS_TOKEN;
    if (token && !presents(c.req.header('authorization'), token)) {
      c.header('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new ApiError('unauthorized', 'GET /metrics needs Authorization: Bearer <LEDGERLINK_METRICS_TOKEN>');
    }
    c.header('Content-Type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });

  // Module scripts load cross-origin only with a CORS grant; the bundle holds no secrets, so anyone may load it.
  routes.use('/widget/*', async (c, next) => {
    await next();
    if (c.res.status === 200) {
      c.header('Access-Control-Allow-Origin', '*');
      c.header('Cache-Control', 'public, max-age=300');
    }
  });
  if (existsSync(distDir)) routes.get('/widget/*', serveStatic({ root: distDir }));
  routes.get('/widget/*', () => {
    throw new ApiError('not_found', 'The widget bundle is not built; run `npm run build`');
  });

  return routes;
}

/** Whether an Authorization header carries exactly this bearer token, compared in constant time. */
function presents(header: string | undefined, token: string): boolean {
  const presented = createHash('sha256').update(/^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '').digest();
  return timingSafeEqual(presented, createHash('sha256').update(token).digest());
}
