import type { Context, MiddlewareHandler } from 'hono';
import type { Company } from '../company.ts';
import type { Grant } from '../oauth/grants.ts';
import { formatResponseTime } from '../qbo-time.ts';
import type { QboState } from '../state.ts';
import type { ThrottleReason } from '../stats.ts';
import { latencyFor } from '../../settings.ts';
import { authenticationFailedBody, authorizationFailedBody, faultBody, faults, throttleXml } from './faults.ts';

/** `entities`: how many entities the answer carries, set by routes that answer lists (the latency model's per-entity cost). */
export type ApiEnv = { Variables: { company: Company; grant: Grant; kind: string; entities?: number } };

/** Entities in an answer whose route did not say: one for a read or write of one record, none for anything else. */
const defaultEntities = (kind: string) => (kind === 'read' || kind === 'write' || kind === 'update' || kind === 'delete' || kind === 'void' || kind === 'companyinfo' || kind === 'preferences' ? 1 : 0);

/** What kind of call a path under /v3/company/{realm}/ is, for limits and stats. */
export function pathKind(method: string, rest: string, operation: string | undefined): string {
  const first = (rest.split('/')[0] ?? '').toLowerCase();
  if (first === 'query') return 'query';
  if (first === 'cdc') return 'cdc';
  if (first === 'reports') return 'report';
  if (first === 'companyinfo' || first === 'preferences' || first === 'taxservice' || first === 'batch') return first;
  if (method === 'GET') return 'read';
  return operation === 'delete' || operation === 'void' ? operation : operation === 'update' ? 'update' : 'write';
}

/** Waits `ms`, or less when the sandbox closes or the client goes away (its slot is then freed at once). */
function hold(state: QboState, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      state.pending.delete(entry);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const entry = { cancel: done };
    state.pending.add(entry);
    signal?.addEventListener('abort', done);
  });
}

/**
 * Runs before every Accounting API call, in Intuit's order: authenticate the bearer token (401 with the
 * lower-case fault body), check it is for this company (403), throttle per realm and minute, reports per minute
 * and concurrent requests per app (429, XML), then inject configured faults, answer, and hold the answer for the
 * latency model (settings.ts).
 */
export function accountingGuard(state: QboState): MiddlewareHandler<ApiEnv> {
  return async function accountingGuard(c, next) {
    const realmId = c.req.param('realmId') ?? '';
    const nowMs = state.clock.nowMs();
    const match = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
    const grant = match?.[1] ? state.grants.grantForAccessToken(match[1].trim(), nowMs) : null;
    if (!grant) {
      if (state.companies.has(realmId)) state.stats(realmId).status(401);
      c.header('www-authenticate', 'Bearer realm="Intuit", error="invalid_token"');
      return c.json(authenticationFailedBody(nowMs), 401);
    }
    const company = state.companies.get(realmId);
    if (!company || grant.realmId !== realmId) {
      return c.json(authorizationFailedBody(), 403);
    }
    const rest = c.req.path.split(`/v3/company/${realmId}/`)[1] ?? '';
    const kind = pathKind(c.req.method, rest, c.req.query('operation'));
    const stats = state.stats(realmId);
    const settings = state.settings();
    stats.count(kind);
    const attemptDone = stats.attempt(nowMs);
    const throttled = (reason: ThrottleReason): Response => {
      stats.refuse(reason);
      stats.status(429);
      attemptDone();
      return throttleResponse(c, state, company);
    };
    if (!stats.window.tryAdd(nowMs, settings.rate_limit_per_minute)) return throttled('per_minute');
    if (kind === 'report' && !stats.reportWindow.tryAdd(nowMs, settings.report_limit_per_minute)) return throttled('report_per_minute');
    if (kind === 'batch' && !stats.batchWindow.tryAdd(nowMs, settings.batch_limit_per_minute)) return throttled('batch_per_minute');
    const appFlight = stats.appFlight(grant.clientId);
    if (!appFlight.tryEnter(settings.max_concurrent)) return throttled('concurrent');
    stats.inFlight.tryEnter(Number.MAX_SAFE_INTEGER);
    stats.admitted++;
    const admittedAt = performance.now();
    try {
      company.nowMs = nowMs;
      c.set('company', company);
      c.set('grant', grant);
      c.set('kind', kind);
      const injected = await injectFault(state, c, company, () => stats.faultsInjected++, next);
      if (injected) {
        stats.status(injected.status);
        return injected;
      }
      const answering = performance.now();
      await next();
      // The latency model is how long QuickBooks takes to answer, its own work included (base + per entity it
      // carries ± jitter): the finished answer is held for what is left of it once built. What was really taken
      // (timers run late on a busy loop; a big page can take longer to build than the model allows) is what the
      // stats keep, so benches read it, not assume it.
      const entities = c.get('entities') ?? defaultEntities(kind);
      const wanted = latencyFor(settings, entities);
      if (wanted > 0) {
        const left = wanted - (performance.now() - answering);
        if (left > 0) await hold(state, left, c.req.raw.signal);
        stats.latencyApplied(performance.now() - answering);
      } else {
        stats.latencyApplied(0);
      }
      stats.entitiesReturned += entities;
      stats.status(c.res.status);
      stats.served(performance.now() - admittedAt);
      stats.logCall(kind, admittedAt, performance.now(), entities, c.res.status, kind === 'query' ? c.req.query('query') : undefined);
    } finally {
      appFlight.leave();
      stats.inFlight.leave();
      attemptDone();
    }
    return undefined;
  };
}

/** Intuit's 429: the XML throttle fault, with `Retry-After` only when the settings ask for one. */
function throttleResponse(c: Context<ApiEnv>, state: QboState, company: Company): Response {
  const retryAfter = state.settings().throttle_retry_after_seconds;
  const headers: Record<string, string> = { 'content-type': 'application/xml' };
  if (retryAfter !== null) headers['retry-after'] = String(retryAfter);
  return c.body(throttleXml(formatResponseTime(state.clock.nowMs(), company.timeZone)), 429, headers);
}

/** A fault the control API scheduled for this company's next call, else one drawn at `fault_rate`. */
async function injectFault(state: QboState, c: Context<ApiEnv>, company: Company, counted: () => void, next: () => Promise<void>): Promise<Response | null> {
  const settings = state.settings();
  const scheduled = state.stats(company.realmId).scheduledFaults.shift();
  if (!scheduled && (settings.fault_rate <= 0 || Math.random() >= settings.fault_rate)) return null;
  const kind = scheduled ?? settings.fault_kinds[Math.floor(Math.random() * settings.fault_kinds.length)] ?? '500';
  counted();
  const time = formatResponseTime(state.clock.nowMs(), company.timeZone);
  switch (kind) {
    case '500':
      return c.json(faultBody(faults.internal(), time), 500);
    case '503':
      return c.body('<html><body><h1>503 Service Unavailable</h1>No server is available to handle this request.</body></html>', 503, { 'content-type': 'text/html' });
    case 'timeout':
      await hold(state, settings.timeout_ms, c.req.raw.signal);
      return c.body('<html><body><h1>504 Gateway Time-out</h1></body></html>', 504, { 'content-type': 'text/html' });
    case 'slow':
      await hold(state, settings.slow_ms, c.req.raw.signal);
      return null;
    case 'reset': {
      const incoming = (c.env as { incoming?: { socket?: { destroy: () => void } } } | undefined)?.incoming;
      if (incoming?.socket) {
        incoming.socket.destroy();
        return c.body(null, 500);
      }
      // Without a socket (app.request in tests) the nearest thing to a reset is an empty 502.
      return c.body(null, 502);
    }
    case 'throttle':
      return throttleResponse(c, state, company);
    case 'lost':
      // The call runs to the end (a write is committed and its requestid remembered); only the answer is lost.
      // Hono keeps a finished response unless it is replaced, so the 504 is set on the context, not just returned.
      await next();
      c.res = new Response('<html><body><h1>504 Gateway Time-out</h1></body></html>', { status: 504, headers: { 'content-type': 'text/html' } });
      return c.res;
  }
}
