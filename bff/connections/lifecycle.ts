import type { Deps } from '../context.ts';
import { recordEvent } from '../events/record.ts';
import type { QboOAuth } from '../providers/qbo/oauth-client.ts';
import { open } from '../crypto/vault.ts';
import type { ConnectionRow } from './store.ts';

/**
 * A person must act: the grant is gone (invalid_grant, or a 401 right after a refresh). Syncs for the
 * connection stop (they only run for `connected`), and the event is recorded once per transition.
 */
export async function markNeedsReconnect(deps: Pick<Deps, 'sql'>, connectionId: string, reason: string): Promise<boolean> {
  return deps.sql.begin(async (tx) => {
    const [row] = await tx<{ tenant_id: string; organization_id: string }[]>`
      update connections set status = 'needs_reconnect', status_reason = ${reason}
      where id = ${connectionId} and status = 'connected'
      returning tenant_id, organization_id`;
    if (!row) return false;
    await recordEvent(tx, {
      tenantId: row.tenant_id,
      organizationId: row.organization_id,
      connectionId,
      type: 'connection.needs_reconnect',
      data: { reason },
    });
    return true;
  });
}

/** Revokes the grant at the provider; a grant that is already dead is not an error. */
async function revokeStoredGrant(deps: Deps, oauth: QboOAuth | undefined, connectionId: string): Promise<void> {
  const [tokens] = await deps.sql<{ refresh_token: string }[]>`select refresh_token from connection_tokens where connection_id = ${connectionId}`;
  if (!tokens || !oauth) return;
  try {
    await oauth.revoke(open(tokens.refresh_token, deps.keys.keyring));
  } catch (error) {
    deps.logger.warn('revoke failed; unlinking anyway', { connection_id: connectionId, error: (error as Error).message });
  }
}

/** Unlink: revoke at the provider, forget the tokens, keep every synced record. Reconnecting restores it. */
export async function unlinkConnection(deps: Deps, oauth: QboOAuth | undefined, connection: ConnectionRow, by: string): Promise<ConnectionRow> {
  await revokeStoredGrant(deps, oauth, connection.id);
  return deps.sql.begin(async (tx) => {
    await tx`delete from connection_tokens where connection_id = ${connection.id}`;
    const [row] = await tx<ConnectionRow[]>`
      update connections set status = 'disconnected', status_reason = ${`Disconnected by ${by}`}
      where id = ${connection.id} returning *`;
    await recordEvent(tx, {
      tenantId: connection.tenant_id,
      organizationId: connection.organization_id,
      connectionId: connection.id,
      type: 'connection.disconnected',
      data: { by },
    });
    return row!;
  });
}

/** Delete with purge: revoke, then remove the connection and (by cascade) everything synced for it. */
export async function purgeConnection(deps: Deps, oauth: QboOAuth | undefined, connection: ConnectionRow, by: string): Promise<void> {
  await revokeStoredGrant(deps, oauth, connection.id);
  await deps.sql.begin(async (tx) => {
    await tx`delete from connections where id = ${connection.id}`;
    await recordEvent(tx, {
      tenantId: connection.tenant_id,
      organizationId: connection.organization_id,
      connectionId: connection.id,
      type: 'connection.deleted',
      data: { by, external_id: connection.external_id, company_name: connection.company_name },
    });
  });
}

/** The user removed the app inside QuickBooks: its tokens are already dead everywhere. */
export async function markDisconnectedByProvider(deps: Deps, connection: ConnectionRow): Promise<void> {
  await deps.sql.begin(async (tx) => {
    const [row] = await tx`
      update connections set status = 'disconnected', status_reason = 'The app was disconnected inside QuickBooks'
      where id = ${connection.id} and status <> 'disconnected' returning id`;
    if (!row) return;
    await tx`delete from connection_tokens where connection_id = ${connection.id}`;
    await recordEvent(tx, {
      tenantId: connection.tenant_id,
      organizationId: connection.organization_id,
      connectionId: connection.id,
      type: 'connection.disconnected',
      data: { by: 'quickbooks' },
    });
  });
}
