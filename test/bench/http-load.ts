// A bounded HTTP load loop over keep-alive connections, for the load benches: `concurrency` loops, each sending
// its next request when the last is answered, for a warm-up and then a measured period. Run in-process, or as
// `node --import tsx test/bench/http-load.ts '<json LoadSpec>'` to drive a storm from a process of its own.
import { Agent, request } from 'node:http';

export interface Target {
  port: number;
  method?: string;
  path: string;
  headers: Record<string, string>;
}

export interface Result {
  rps: number;
  p50: number;
  p99: number;
  /** Network failures, plus non-2xx answers unless refusals were expected. */
  errors: number;
  statuses: Record<string, number>;
}

export interface LoadOptions {
  concurrency: number;
  warmupMs: number;
  measureMs: number;
  /** A storm's 429s are the point, not errors. */
  refusalsExpected?: boolean;
}

export function describe(result: Result): string {
  return `${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms${result.errors ? `, ${result.errors} errors` : ''}`;
}

export async function load(agent: Agent, next: () => Target, options: LoadOptions): Promise<Result> {
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const stopAt = measureFrom + options.measureMs;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const loop = async () => {
    while (performance.now() < stopAt) {
      const target = next();
      const sent = performance.now();
      try {
        const answer = await send(agent, target.port, target.method ?? 'GET', target.path, target.headers);
        if (sent >= measureFrom) {
          latencies.push(performance.now() - sent);
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        }
      } catch {
        if (sent >= measureFrom) errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const ok = Object.entries(statuses).filter(([status]) => Number(status) < 300).reduce((sum, [, n]) => sum + n, 0);
  const refused = options.refusalsExpected ? 0 : latencies.length - ok;
  return { rps: latencies.length / (options.measureMs / 1000), p50: at(0.5), p99: at(0.99), errors: errors + refused, statuses };
}

export function send(agent: Agent, port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers, agent, timeout: 30_000 }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      incoming.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** What a storm process sends: one target, flat out. */
export interface LoadSpec extends LoadOptions {
  target: Target;
}

if (process.argv[1]?.endsWith('http-load.ts') && process.argv[2]) {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const result = await load(agent, () => spec.target, spec);
  agent.destroy();
  process.stdout.write(JSON.stringify(result));
}
