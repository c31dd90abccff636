import type { Context } from 'hono';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { AppEnv } from '../context.ts';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
}

/** One registry per app instance (tests build several apps in one process). */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ledgerlink_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'ledgerlink_http_requests_total',
      help: 'HTTP requests by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'ledgerlink_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

/**
 * Counts and times one request, and writes its access-log line (path without the query: it may hold OAuth
 * codes). Called by the request pipeline (bff/http/pipeline.ts) once the answer is ready.
 */
export function recordRequest(metrics: Metrics, c: Context<AppEnv>, status: number, seconds: number): void {
  const method = c.req.method;
  // The matched pattern, not the raw path, keeps label cardinality bounded.
  const route = status === 404 || c.req.routePath === '/*' ? 'unmatched' : c.req.routePath;
  metrics.httpRequests.inc({ method, route, status: String(status) });
  metrics.httpDuration.observe({ method, route }, seconds);
  c.get('logger').info('request', {
    method,
    path: c.req.path,
    status,
    duration_ms: Math.round(seconds * 10_000) / 10,
  });
}
