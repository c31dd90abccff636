import type { Deps } from '../context.ts';
import { ApiError } from '../http/api-error.ts';
import { QboApi } from '../providers/qbo/api-client.ts';
import type { ConnectionRow } from './store.ts';
import { connectionTokens } from './tokens.ts';

/** The QuickBooks API of one connection, with its tokens refreshed exactly once across replicas. */
export function qboApiFor(deps: Deps, connection: ConnectionRow): QboApi {
  if (!deps.qbo) throw new ApiError('provider_unavailable', 'QuickBooks is not configured on this server (set QBO_CLIENT_ID and QBO_CLIENT_SECRET)');
  return new QboApi({
    apiBase: deps.qbo.endpoints.api,
    realmId: connection.external_id,
    tokens: connectionTokens(deps, deps.qbo, connection.id),
  });
}
