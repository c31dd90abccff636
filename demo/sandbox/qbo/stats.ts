import type { FaultKind } from '../settings.ts';
import { InFlight, RollingWindow } from './api/limits.ts';

/** Why a request was refused with 429: the limit it would have broken. */
export type ThrottleReason = 'per_minute' | 'report_per_minute' | 'batch_per_minute' | 'concurrent';

/** One admitted call as the call log keeps it. */
export type LoggedCall = { n: number; kind: string; admitted_ms: number; answered_ms: number; entities: number; status: number; query?: string };

const CALL_LOG_LIMIT = 20_000;

/** A performance.now() reading as ms since the epoch, to a tenth of a ms. */
const epochMs = (now: number) => Math.round((performance.timeOrigin + now) * 10) / 10;

/** Request counters of one company, as `GET /_sandbox/qbo/companies/{realm}/stats` reports them. */
export class RealmStats {
  requests = 0;
  byKind: Record<string, number> = {};
  byStatus: Record<string, number> = {};
  /** Requests refused with 429 because a limit was reached (earned throttles; injected ones are faults). */
  throttled = 0;
  throttledBy: Record<ThrottleReason, number> = { per_minute: 0, report_per_minute: 0, batch_per_minute: 0, concurrent: 0 };
  /** Requests that passed every limit. */
  admitted = 0;
  faultsInjected = 0;
  tokenGrants = 0;
  refreshes = 0;
  revocations = 0;
  webhooksDelivered = 0;
  webhooksFailed = 0;
  readonly window = new RollingWindow();
  readonly reportWindow = new RollingWindow();
  readonly batchWindow = new RollingWindow();
  /** Every authenticated request, admitted or refused: what the client really sent per minute. */
  readonly attemptWindow = new RollingWindow();
  /** In flight across all apps, for the "max concurrent observed" counter. */
  readonly inFlight = new InFlight();
  /** Requests in flight across all apps, refused ones included until their 429 is sent. */
  readonly attemptsInFlight = new InFlight();
  /** In flight per app: the limit Intuit enforces. */
  readonly inFlightByApp = new Map<string, InFlight>();
  /** Latency the model really applied to admitted calls (ms, summed) and over how many calls. */
  latencyMsTotal = 0;
  latencyCalls = 0;
  /** Admission to answer of admitted, unfaulted calls (ms, summed): latency plus the sandbox's own work. */
  serviceMsTotal = 0;
  serviceCalls = 0;
  entitiesReturned = 0;
  /**
   * The latest admitted, unfaulted calls in order (at most CALL_LOG_LIMIT): when each was admitted and answered, in
   * ms since the epoch on the sandbox's monotonic clock (performance.timeOrigin + now, so comparable with the
   * machine's other clocks to the ms), so a bench can see how full the in-flight budget was over an import.
   */
  readonly calls: LoggedCall[] = [];
  /** Calls ever logged: `GET …/calls?after=N` answers the calls numbered after N. */
  callsLogged = 0;
  /** Faults the control API scheduled for this company's next admitted calls, in order (before `fault_rate`). */
  scheduledFaults: FaultKind[] = [];

  count(kind: string): void {
    this.requests++;
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
  }

  /**
   * A request reached the throttles: counted in the attempt window and in flight until the returned function
   * is called (when its answer, 429 or not, is done).
   */
  attempt(nowMs: number): () => void {
    this.attemptWindow.add(nowMs);
    this.attemptsInFlight.enter();
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.attemptsInFlight.leave();
    };
  }

  latencyApplied(ms: number): void {
    this.latencyMsTotal += ms;
    this.latencyCalls++;
  }

  served(ms: number): void {
    this.serviceMsTotal += ms;
    this.serviceCalls++;
  }

  logCall(kind: string, admittedMs: number, answeredMs: number, entities: number, status: number, query?: string): void {
    if (this.calls.length >= CALL_LOG_LIMIT) this.calls.splice(0, CALL_LOG_LIMIT / 2);
    this.callsLogged++;
    this.calls.push({ n: this.callsLogged, kind, admitted_ms: epochMs(admittedMs), answered_ms: epochMs(answeredMs), entities, status, ...(query === undefined ? {} : { query: query.slice(0, 160) }) });
  }

  refuse(reason: ThrottleReason): void {
    this.throttled++;
    this.throttledBy[reason]++;
  }

  status(status: number): void {
    this.byStatus[String(status)] = (this.byStatus[String(status)] ?? 0) + 1;
  }

  appFlight(clientId: string): InFlight {
    let flight = this.inFlightByApp.get(clientId);
    if (!flight) {
      flight = new InFlight();
      this.inFlightByApp.set(clientId, flight);
    }
    return flight;
  }

  toJSON(): Record<string, unknown> {
    return {
      requests_total: this.requests,
      requests_by_kind: this.byKind,
      requests_by_status: this.byStatus,
      throttled: this.throttled,
      faults_injected: this.faultsInjected,
      token_grants: this.tokenGrants,
      refreshes: this.refreshes,
      revocations: this.revocations,
      webhooks_delivered: this.webhooksDelivered,
      webhooks_failed: this.webhooksFailed,
      // Of admitted requests: capped by the limits themselves, so they cannot show a client breaking them.
      max_concurrent_observed: this.inFlight.peak,
      max_requests_per_minute_observed: this.window.peak,
      // Of attempts (refused included): what a check that the client keeps within the limits must read.
      requests_attempted: this.requests,
      requests_admitted: this.admitted,
      requests_refused: this.throttled,
      requests_refused_by: this.throttledBy,
      max_attempted_in_flight: this.attemptsInFlight.peak,
      max_attempted_per_minute: this.attemptWindow.peak,
      faults_scheduled: this.scheduledFaults.length,
      // The latency model as applied: totals let a bench take the mean over just its own calls (difference of two reads).
      latency_applied_ms_total: Math.round(this.latencyMsTotal),
      latency_applied_calls: this.latencyCalls,
      latency_mean_ms: this.latencyCalls === 0 ? null : Math.round((this.latencyMsTotal / this.latencyCalls) * 10) / 10,
      service_ms_total: Math.round(this.serviceMsTotal),
      service_calls: this.serviceCalls,
      service_mean_ms: this.serviceCalls === 0 ? null : Math.round((this.serviceMsTotal / this.serviceCalls) * 10) / 10,
      entities_returned: this.entitiesReturned,
    };
  }
}
