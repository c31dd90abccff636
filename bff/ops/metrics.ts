import type { Context } from 'hono';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { AppEnv } from '../context.ts';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  /** What requests are counted into; the two metrics above read it when scraped. */
  http: HttpTally;
}

/** One registry per app instance (tests build several apps in one process). */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ledgerlink_' });
  const http = new HttpTally();
  return {
    registry,
    http,
    httpRequests: new Counter({
      name: 'ledgerlink_http_requests_total',
      help: 'HTTP requests by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
      collect() {
        // From the tally, whole: the counts only grow, so the counter stays monotonic.
        this.reset();
        for (const route of http.routes()) for (const [status, n] of route.statuses) this.inc({ method: route.method, route: route.route, status: String(status) }, n);
      },
    }),
    httpDuration: new TalliedDurations(http, {
      name: 'ledgerlink_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern',
      labelNames: ['method', 'route'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
  };
}

/** One method and route pattern's requests: counts by status, and durations by histogram bucket. */
interface RouteTally {
  method: string;
  route: string;
  statuses: Map<number, number>;
  /** Requests whose duration fell in each bucket (not cumulative), and beyond the last. */
  buckets: number[];
  count: number;
  sum: number;
}

/**
 * Requests counted per method and route pattern in plain numbers: a request costs two map lookups and a few
 * additions, where prom-client's labelled counter and histogram hash a label object twice per request. The
 * metrics read the tally when /metrics is scraped.
 */
export class HttpTally {
  readonly #byMethod = new Map<string, Map<string, RouteTally>>();

  record(method: string, route: string, status: number, seconds: number): void {
    let byRoute = this.#byMethod.get(method);
    if (!byRoute) this.#byMethod.set(method, (byRoute = new Map()));
    let tally = byRoute.get(route);
    if (!tally) byRoute.set(route, (tally = { method, route, statuses: new Map(), buckets: Array<number>(DURATION_BUCKETS.length + 1).fill(0), count: 0, sum: 0 }));
    tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]!) bucket++;
    tally.buckets[bucket]! += 1;
    tally.count += 1;
    tally.sum += seconds;
  }

  *routes(): Iterable<RouteTally> {
    for (const byRoute of this.#byMethod.values()) yield* byRoute.values();
  }

  reset(): void {
    this.#byMethod.clear();
  }
}

interface ExportedValue {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName: string;
  exemplar?: null;
}

/** The duration histogram, exported from the tally in the shape prom-client's Histogram gives the registry. */
class TalliedDurations extends Histogram<'method' | 'route'> {
  readonly #name: string;
  readonly #help: string;

  constructor(
    private readonly tally: HttpTally,
    config: ConstructorParameters<typeof Histogram<'method' | 'route'>>[0] & { name: string; help: string },
  ) {
    super(config);
    this.#name = config.name;
    this.#help = config.help;
  }

  /** What the registry reads for the text format (prom-client calls it in preference to get()). */
  async getForPromString() {
    const name = this.#name;
    const values: ExportedValue[] = [];
    for (const route of this.tally.routes()) {
      const sharedLabels = { method: route.method, route: route.route };
      let cumulative = 0;
      DURATION_BUCKETS.forEach((bound, i) => {
        cumulative += route.buckets[i]!;
        values.push({ labels: { le: bound }, sharedLabels, value: cumulative, metricName: `${name}_bucket`, exemplar: null });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels, value: route.count, metricName: `${name}_bucket`, exemplar: null },
        { labels: {}, sharedLabels, value: route.sum, metricName: `${name}_sum` },
        { labels: {}, sharedLabels, value: route.count, metricName: `${name}_count` },
      );
    }
    return { name, help: this.#help, type: 'histogram' as const, values, aggregator: 'sum' as const };
  }

  override async get() {
    const data = await this.getForPromString();
    return { ...data, values: data.values.map(({ sharedLabels, labels, ...value }) => ({ ...value, labels: { ...labels, ...sharedLabels } })) } as never;
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor resets too, before the tally is set.
    this.tally?.reset();
  }
}

/**
 * Counts and times one request, and writes its access-log line (path without the query: it may hold OAuth
 * codes). Called by the request pipeline (bff/http/pipeline.ts) once the answer is ready.
 */
export function recordRequest(metrics: Metrics, c: Context<AppEnv>, status: number, seconds: number): void {
  const method = c.req.method;
  // The matched pattern, not the raw path, keeps label cardinality bounded.
  const route = status === 404 || c.req.routePath === '/*' ? 'unmatched' : c.req.routePath;
  metrics.http.record(method, route, status, seconds);
  c.get('logger').info('request', {
    method,
    path: c.req.path,
    status,
    duration_ms: Math.round(seconds * 10_000) / 10,
  });
}
