import type { OAuthResultMessage } from '../../shared/api/oauth.ts';
import { findConnection, presentConnection, listConnections, type ConnectionRow } from '../connections/store.ts';
import { storeTokens } from '../connections/tokens.ts';
import type { Deps } from '../context.ts';
import { newId } from '../db/ids.ts';
import { recordEvent } from '../events/record.ts';
import { getSettings } from '../organizations/store.ts';
import { QboApi } from '../providers/qbo/api-client.ts';
import { readCompany } from '../providers/qbo/company.ts';
import { ProviderBudget } from '../sync/budget.ts';
import { budgetedApi, ProviderCaller, qboBudgetKey } from '../sync/provider-caller.ts';
import type { QboOAuth, QboTokenSet } from '../providers/qbo/oauth-client.ts';
import type { AttemptRow } from './attempts.ts';
import { connectRefusal } from './policy.ts';
import { requestSync } from '../sync/runs.ts';
import { resumeAfterReconnect } from '../writeback/store.ts';

/**
 * The heart of the callback, after state and single use are settled: exchange the code (once), read the
 * company, apply the organization's policies, then store the connection and its sealed tokens in one
 * transaction. A refused company leaves nothing stored and its fresh grant released.
 */
export async function completeQboConnect(
  deps: Deps,
  oauth: QboOAuth,
  attempt: AttemptRow,
  callback: { code: string; realmId: string },
): Promise<OAuthResultMessage> {
  const tokens = await oauth.exchangeCode(callback.code, callback.realmId);
  const api = new QboApi({
    apiBase: oauth.endpoints.api,
    realmId: callback.realmId,
    tokens: { current: async () => tokens.access_token, renewAfterRejection: async () => tokens.access_token },
  });
  // The company may already be synced by another organization: its reads count against the same budget.
  const company = await readCompany(budgetedApi(new ProviderCaller(api, new ProviderBudget(deps.sql, qboBudgetKey(callback.realmId), deps.qboLimits))), callback.realmId);

  // Reconnecting names its company: any other company the person picks in QuickBooks is refused, never
  // connected in its place, or the broken connection would stay broken beside a new one nobody asked for.
  const target = attempt.connection_id
    ? await findConnection(deps.sql, { tenantId: attempt.tenant_id, organizationId: attempt.organization_id }, attempt.connection_id)
    : undefined;
  if (target && (target.provider !== 'qbo' || target.external_id !== callback.realmId)) {
    await releaseGrant(deps, oauth, callback.realmId, tokens);
    const wanted = target.company_name ?? target.legal_name ?? 'the company connected before';
    return {
      source: 'ledgerlink',
      type: 'oauth-result',
      outcome: 'refused',
      code: 'reconnect_wrong_company',
      message: `You chose ${company.companyName}; choose ${wanted} to reconnect it.`,
      connection: presentConnection(target),
    };
  }

  const settings = await getSettings(deps.sql, attempt.tenant_id, attempt.organization_id);
  const existing = await listConnections(deps.sql, attempt.tenant_id, attempt.organization_id);
  const refusal = connectRefusal(settings, { externalId: callback.realmId, ...company }, existing.filter((row) => row.provider === 'qbo'));
  if (refusal) {
    await releaseGrant(deps, oauth, callback.realmId, tokens);
    return { source: 'ledgerlink', type: 'oauth-result', outcome: 'refused', code: 'policy_refused', message: refusal };
  }

  const connection = await saveConnection(deps, attempt, callback.realmId, company, tokens);
  deps.wakeWorker?.();
  return { source: 'ledgerlink', type: 'oauth-result', outcome: 'connected', connection: presentConnection(connection) };
}

/**
 * Gives back the grant of a refused company, so no unused access to it is left behind. Intuit documents its
 * revoke endpoint as disconnecting the app from the company, which would also cut a working connection to the
 * same company held by this deployment (another organization, or the same one): then the fresh grant is just
 * left unused, and it lapses on its own (access in an hour, the refresh token after 100 days unused).
 */
async function releaseGrant(deps: Deps, oauth: QboOAuth, realmId: string, tokens: QboTokenSet): Promise<void> {
  const [live] = await deps.sql`
    select 1 from connections where provider = 'qbo' and external_id = ${realmId} and status <> 'disconnected' limit 1`;
  if (live) return;
  await oauth.revoke(tokens.refresh_token).catch((error: unknown) => {
    deps.logger.warn('revoking a refused company\'s grant failed', { error: (error as Error).message });
  });
}

async function saveConnection(
  deps: Deps,
  attempt: AttemptRow,
  realmId: string,
  company: Awaited<ReturnType<typeof readCompany>>,
  tokens: QboTokenSet,
): Promise<ConnectionRow> {
  const now = deps.now();
  return deps.sql.begin(async (tx) => {
    // The same company in the same organization is the same connection: reconnecting keeps its id and data.
    const [row] = await tx<(ConnectionRow & { inserted: boolean })[]>`
      insert into connections (id, tenant_id, organization_id, provider, external_id, company_name, legal_name, country, plan,
                               status, connected_by, connected_at, last_refreshed_at, last_checked_at)
      values (${newId('con')}, ${attempt.tenant_id}, ${attempt.organization_id}, 'qbo', ${realmId}, ${company.companyName},
              ${company.legalName}, ${company.country}, ${company.plan}, 'connected', ${attempt.user_id}, ${now}, ${now}, ${now})
      on conflict (tenant_id, organization_id, provider, external_id) do update set
        company_name = excluded.company_name, legal_name = excluded.legal_name, country = excluded.country, plan = excluded.plan,
        status = 'connected', status_reason = null, connected_by = excluded.connected_by, connected_at = excluded.connected_at,
        last_refreshed_at = excluded.last_refreshed_at, last_checked_at = excluded.last_checked_at
      returning *, (xmax = 0) as inserted`;
    await storeTokens(tx, deps, row!.id, tokens);
    // A new connection imports everything; a reconnect catches up on what changed while it was down.
    await requestSync(tx, row!.id, { trigger: 'connect' });
    // ...and pushes the documents the outage held back.
    if (!row!.inserted) await resumeAfterReconnect(tx, row!.id, now);
    await recordEvent(tx, {
      tenantId: attempt.tenant_id,
      organizationId: attempt.organization_id,
      connectionId: row!.id,
      type: row!.inserted ? 'connection.connected' : 'connection.reconnected',
      data: { external_id: realmId, company_name: company.companyName, by: attempt.user_id },
    });
    const { inserted: _inserted, ...connection } = row!;
    return connection;
  });
}
