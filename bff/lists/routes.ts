import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ConnectionId } from '../../shared/api/connections.ts';
import { ImportNewResult, ListBatchQuery, ListMirrorStatus, MirrorListName, mirrorListTypes, UpdateExistingResult } from '../../shared/api/lists.ts';
import { findConnection, type ConnectionRow } from '../connections/store.ts';
import { sessionViewer } from '../connections/viewer.ts';
import { requireRole } from '../auth/roles.ts';
import type { AppEnv } from '../context.ts';
import { recordEvent } from '../events/record.ts';
import { notFound } from '../http/api-error.ts';
import { jsonResponse, serverRoute, widgetRoute } from '../http/routes.ts';
import { importNew, mirrorStatus, updateExisting } from './store.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const listRoutes = apiRoutes();

const ConnectionList = z.object({ id: ConnectionId, list: MirrorListName });

const listsDescription =
  'Lists: accounts (Account: GL accounts), customers (Customer: customers and their projects; a project is a sub-customer with ' +
  'is_project true and parent_id naming its customer, so you can rebuild the hierarchy), classes (Class), departments (Department: ' +
  'QuickBooks "locations"), items (Item: products and services). Records come parents first (QuickBooks Level), then in change order.';

/** Widget callers must be managers (settings.connect_roles) to take records; anyone who sees the connection may read status. */
async function connectionFor(c: Context<AppEnv>, id: string, viaSession: boolean, needsManager: boolean): Promise<ConnectionRow> {
  const sql = c.get('deps').sql;
  if (!viaSession) {
    const row = await findConnection(sql, c.get('tenant'), id);
    if (!row) throw notFound('Connection');
    return row;
  }
  const session = c.get('session');
  const settings = needsManager ? await requireRole(c, 'manage', 'import QuickBooks lists') : undefined;
  const row = await findConnection(sql, session, id, await sessionViewer(c, settings));
  if (!row) throw notFound('Connection');
  return row;
}

const scopeOf = (connection: ConnectionRow) => ({ tenantId: connection.tenant_id, organizationId: connection.organization_id, connectionId: connection.id });

for (const surface of ['server', 'widget'] as const) {
  const route = surface === 'server' ? serverRoute : widgetRoute;
  const prefix = surface === 'server' ? '/v1/connections' : '/v1/widget/connections';
  const tags = surface === 'server' ? ['Lists'] : ['Widget', 'Lists'];
  const viaSession = surface === 'widget';
  const who = viaSession ? ' From the page: managers only (the organization\'s connect_roles).' : '';

  listRoutes.openapi(
    route({
      method: 'post',
      path: `${prefix}/{id}/lists/{list}/import-new`,
      summary: '"Import new": QuickBooks list records you have not mirrored yet; they count as mirrored from now on',
      description:
        `${listsDescription} Active records only. Each record is handed over once: call again while has_more. ` +
        `A call that hands over records also records one list.imported event carrying them (data: list, type, ids, records), ` +
        `so a webhook endpoint receives what the page imported.${who}`,
      tags,
      request: { params: ConnectionList, query: ListBatchQuery },
      responses: { 200: jsonResponse('The records, now mirrored', ImportNewResult) },
    }),
    async (c) => {
      const { id, list } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession, true);
      const result = await c.get('deps').sql.begin(async (tx) => {
        const batch = await importNew(tx, connection.id, list, c.req.valid('query').limit);
        if (batch.count > 0) {
          await recordEvent(tx, {
            ...scopeOf(connection),
            type: 'list.imported',
            data: { list, type: mirrorListTypes[list], ids: batch.records.map((record) => record.id), records: batch.records },
          });
        }
        return batch;
      });
      return c.json(result, 200);
    },
  );

  listRoutes.openapi(
    route({
      method: 'post',
      path: `${prefix}/{id}/lists/{list}/update-existing`,
      summary: '"Update existing": mirrored records QuickBooks changed since you took them; deletions flagged, never applied',
      description:
        `${listsDescription} records: mirrored records changed since the last time you took them, as they are now. ` +
        'deleted: mirrored records QuickBooks has since deactivated (its "delete" for lists; the name gains " (deleted)") or removed. ' +
        'Each deletion is flagged once and nothing is removed on your side: you decide what it means. Call again while has_more. ' +
        `A call with anything to report records one list.updated event (data: list, type, ids, records, deleted).${who}`,
      tags,
      request: { params: ConnectionList, query: ListBatchQuery },
      responses: { 200: jsonResponse('Changes and flagged deletions', UpdateExistingResult) },
    }),
    async (c) => {
      const { id, list } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession, true);
      const deps = c.get('deps');
      const result = await deps.sql.begin(async (tx) => {
        const batch = await updateExisting(tx, connection.id, list, c.req.valid('query').limit, deps.now());
        if (batch.count > 0 || batch.deleted.length > 0) {
          await recordEvent(tx, {
            ...scopeOf(connection),
            type: 'list.updated',
            data: { list, type: mirrorListTypes[list], ids: batch.records.map((record) => record.id), records: batch.records, deleted: batch.deleted },
          });
        }
        return batch;
      });
      return c.json(result, 200);
    },
  );

  listRoutes.openapi(
    route({
      method: 'get',
      path: `${prefix}/{id}/lists/{list}/status`,
      summary: 'What "Import new" and "Update existing" would hand over now, and what is mirrored',
      description: `${listsDescription} Read-only.`,
      tags,
      request: { params: ConnectionList },
      responses: { 200: jsonResponse('Counts', ListMirrorStatus) },
    }),
    async (c) => {
      const { id, list } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession, false);
      return c.json(await mirrorStatus(c.get('deps').sql, connection.id, list), 200);
    },
  );
}
