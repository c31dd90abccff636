import { InFlight, RollingWindow } from './api/limits.ts';

/** Request counters of one company, as `GET /_sandbox/qbo/companies/{realm}/stats` reports them. */
export class RealmStats {
  requests = 0;
  byKind: Record<string, number> = {};
  byStatus: Record<string, number> = {};
  throttled = 0;
  faultsInjected = 0;
  tokenGrants = 0;
  refreshes = 0;
  revocations = 0;
  webhooksDelivered = 0;
  webhooksFailed = 0;
  readonly window = new RollingWindow();
  readonly reportWindow = new RollingWindow();
  readonly batchWindow = new RollingWindow();
  /** In flight across all apps, for the "max concurrent observed" counter. */
  readonly inFlight = new InFlight();
  /** In flight per app: the limit Intuit enforces. */
  readonly inFlightByApp = new Map<string, InFlight>();

  count(kind: string): void {
    this.requests++;
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
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
      max_concurrent_observed: this.inFlight.peak,
      max_requests_per_minute_observed: this.window.peak,
    };
  }
}
