import type { Deps } from '../context.ts';
import { ApiError } from '../http/api-error.ts';
import { SingleFlight } from '../http/single-flight.ts';
import { readCompany } from '../providers/qbo/company.ts';
import { QboError } from '../providers/qbo/faults.ts';
import { QboGrantError } from '../providers/qbo/oauth-client.ts';
import { ProviderBudget } from '../sync/budget.ts';
import { budgetedApi, ProviderCaller, qboBudgetKey } from '../sync/provider-caller.ts';
import { qboApiFor } from './provider.ts';
import { findConnection, type ConnectionRow } from './store.ts';
import { NeedsReconnectError } from './tokens.ts';

export interface CheckOptions {
  /** The caller's request: when every caller waiting for this check has gone, the check stops. */
  signal?: AbortSignal;
  /** Called once by the caller that starts a check (not by those joining one in flight): the place for a limit. */
  onStart?: () => void;
}

/** Checks in flight in this process, by connection id: N concurrent callers make one provider call. */
const inFlight = new WeakMap<Deps, SingleFlight<ConnectionRow>>();

/**
 * Proves a connection still works with one real call (CompanyInfo + Preferences), refreshing the company
 * details it shows. A dead grant turns the connection needs_reconnect (the answer says so); a provider
 * outage is an error to retry, and leaves the connection as it was. Concurrent checks of one connection are
 * one check; it stops (even while waiting for the company's budget) once nobody waits for it.
 */
export async function checkConnection(deps: Deps, connection: ConnectionRow, options: CheckOptions = {}): Promise<ConnectionRow> {
  if (connection.status !== 'connected') return connection;
  let flights = inFlight.get(deps);
  if (!flights) inFlight.set(deps, (flights = new SingleFlight()));
  return flights.run(connection.id, options.signal, (signal) => {
    options.onStart?.();
    return checkOnce(deps, connection, signal);
  });
}

async function checkOnce(deps: Deps, connection: ConnectionRow, signal: AbortSignal): Promise<ConnectionRow> {
  try {
    // Widget reads share the company's budget with syncs and write-back, across replicas.
    const budget = new ProviderBudget(deps.sql, qboBudgetKey(connection.external_id), deps.qboLimits);
    const caller = new ProviderCaller(qboApiFor(deps, connection), budget, undefined, signal);
    const company = await readCompany(budgetedApi(caller), connection.external_id);
    signal.throwIfAborted();
    const [row] = await deps.sql<ConnectionRow[]>`
      update connections set company_name = ${company.companyName}, legal_name = ${company.legalName},
        country = ${company.country}, plan = ${company.plan}, last_checked_at = ${deps.now()}
      where id = ${connection.id} returning *`;
    return row ?? connection;
  } catch (error) {
    if (error instanceof NeedsReconnectError || (error instanceof QboError && error.kind === 'unauthorized')) {
      return (await findConnection(deps.sql, { tenantId: connection.tenant_id }, connection.id)) ?? connection;
    }
    // The token endpoint failing (5xx, past our deadline) is an outage too, not our bug.
    if (error instanceof QboError || (error instanceof QboGrantError && error.kind === 'transient')) {
      throw new ApiError('provider_unavailable', `QuickBooks did not answer the check (${error.message}); try again in a minute`);
    }
    throw error;
  }
}
