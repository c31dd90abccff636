import type { Deps } from '../context.ts';
import { ApiError } from '../http/api-error.ts';
import { readCompany } from '../providers/qbo/company.ts';
import { QboError } from '../providers/qbo/faults.ts';
import { QboGrantError } from '../providers/qbo/oauth-client.ts';
import { ProviderBudget } from '../sync/budget.ts';
import { budgetedApi, ProviderCaller, qboBudgetKey } from '../sync/provider-caller.ts';
import { qboApiFor } from './provider.ts';
import { findConnection, type ConnectionRow } from './store.ts';
import { NeedsReconnectError } from './tokens.ts';

/**
 * Proves a connection still works with one real call (CompanyInfo + Preferences), refreshing the company
 * details it shows. A dead grant turns the connection needs_reconnect (the answer says so); a provider
 * outage is an error to retry, and leaves the connection as it was.
 */
export async function checkConnection(deps: Deps, connection: ConnectionRow): Promise<ConnectionRow> {
  if (connection.status !== 'connected') return connection;
  try {
    // Widget reads share the company's budget with syncs and write-back, across replicas.
    const caller = new ProviderCaller(qboApiFor(deps, connection), new ProviderBudget(deps.sql, qboBudgetKey(connection.external_id), deps.qboLimits));
    const company = await readCompany(budgetedApi(caller), connection.external_id);
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
