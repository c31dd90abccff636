import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ConnectionId } from '../../shared/api/connections.ts';
import { Document, documentDataComponent, documentDataSchemas, documentKinds, DocumentList, DocumentListQuery, IdempotencyKey, PushResult, SubmitDocumentBody, type DocumentStatus } from '../../shared/api/documents.ts';
import { requireRole } from '../auth/roles.ts';
import { findConnection, type ConnectionRow } from '../connections/store.ts';
import { sessionViewer } from '../connections/viewer.ts';
import type { AppEnv } from '../context.ts';
import { forbidden, notFound } from '../http/api-error.ts';
import { jsonBody, jsonResponse, serverRoute, widgetRoute } from '../http/routes.ts';
import { getSettings } from '../organizations/store.ts';
import { findDocument, listDocuments, presentDocument, pushNow, requestCancel, submitDocument } from './store.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const documentRoutes = apiRoutes();

// `data` is checked per kind inside SubmitDocument, so no route names these schemas: registered so the OpenAPI
// document holds each kind's schema as a component (SubmitDocument.data refers to them). Registered as copies made
// here: a zod schema built before @hono/zod-openapi was first imported lacks the .openapi() the registry calls.
for (const kind of documentKinds) documentRoutes.openAPIRegistry.register(documentDataComponent[kind], documentDataSchemas[kind].meta({ id: documentDataComponent[kind] }));

const Params = z.object({ id: ConnectionId });
const DocumentParams = z.object({ id: ConnectionId, doc: z.string().min(1).max(64).regex(/^doc_[0-9a-f]+$/, 'must be a document id (doc_…)') });

const readOnlyRefusal = 'This organization is read-only, so nothing is written to QuickBooks; allow write-back in its settings first.';

const kindsDescription =
  'Kinds: purchase_order and bill (PurchaseDocumentData: supplier_id linked to a vendor; lines with a product become item lines, others ' +
  'account lines through the category mapping), invoice (InvoiceDocumentData: customer_id; lines through billable-category or product mappings), ' +
  'customer and vendor (PartyDocumentData: pushed with a duplicate check by name, a record of the same name is linked instead of created), ' +
  'time_activity (TimeActivityDocumentData: approved time of a staff member mapped to a QuickBooks employee). ' +
  'Each is pushed exactly once: every retry reuses one QuickBooks requestid, and a record an uncertain attempt may have made is found by its marker and adopted.';

async function serverConnection(c: Context<AppEnv>, id: string): Promise<ConnectionRow> {
  const row = await findConnection(c.get('deps').sql, c.get('tenant'), id);
  if (!row) throw notFound('Connection');
  return row;
}

async function widgetConnection(c: Context<AppEnv>, id: string, write: boolean): Promise<ConnectionRow> {
  const settings = write ? await requireRole(c, 'write', 'push documents to QuickBooks') : undefined;
  const row = await findConnection(c.get('deps').sql, c.get('session'), id, await sessionViewer(c, settings));
  if (!row) throw notFound('Connection');
  return row;
}

async function ownDocument(c: Context<AppEnv>, connection: ConnectionRow, id: string) {
  const row = await findDocument(c.get('deps').sql, connection.id, id);
  if (!row) throw notFound('Document');
  return row;
}

async function writableSettings(c: Context<AppEnv>, connection: ConnectionRow) {
  const settings = await getSettings(c.get('deps').sql, connection.tenant_id, connection.organization_id);
  if (settings.read_only) throw forbidden(readOnlyRefusal);
  return settings;
}

documentRoutes.openapi(
  serverRoute({
    method: 'post',
    path: '/v1/connections/{id}/documents',
    summary: 'Submit a document (or a new version of one) to be pushed to QuickBooks',
    description:
      `${kindsDescription} A higher version of the same (kind, host_id) is a revision of the same QuickBooks record; the same version again answers ` +
      'as before, with other data 409. Pushed invoices are read-only (409) unless the organization allows invoice revisions. A read-only organization ' +
      'gets 403. With Idempotency-Key, the first answer is kept and given again for the same body, forever; another body with the key gets 409.',
    tags: ['Write-back'],
    request: { params: Params, headers: z.object({ 'idempotency-key': IdempotencyKey.optional() }), ...jsonBody(SubmitDocumentBody) },
    responses: { 201: jsonResponse('Queued: a new document', Document), 200: jsonResponse('A revision queued, or the same request answered again', Document) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const connection = await serverConnection(c, c.req.valid('param').id);
    const settings = await writableSettings(c, connection);
    const answer = await submitDocument(deps.sql, connection, settings, c.req.valid('json'), deps.now(), c.req.valid('header')['idempotency-key']);
    deps.wakeWorker?.();
    return c.json(answer.body, answer.status);
  },
);

for (const surface of ['server', 'widget'] as const) {
  const route = surface === 'server' ? serverRoute : widgetRoute;
  const prefix = surface === 'server' ? '/v1/connections' : '/v1/widget/connections';
  const tags = surface === 'server' ? ['Write-back'] : ['Widget', 'Write-back'];
  const connectionOf = (c: Context<AppEnv>, id: string, write: boolean) => (surface === 'server' ? serverConnection(c, id) : widgetConnection(c, id, write));
  const who = surface === 'widget' ? ' From the page: the organization\'s connect_roles, and never while it is read-only.' : '';

  documentRoutes.openapi(
    route({
      method: 'get',
      path: `${prefix}/{id}/documents`,
      summary: 'Documents of a connection, newest first, filtered by status, kind, host_id, QuickBooks id or DocNumber (an unknown parameter is a 400)',
      tags,
      request: { params: Params, query: DocumentListQuery },
      responses: { 200: jsonResponse('A page of documents', DocumentList) },
    }),
    async (c) => {
      const connection = await connectionOf(c, c.req.valid('param').id, false);
      const query = c.req.valid('query');
      return c.json(
        await listDocuments(c.get('deps').sql, connection.id, {
          statuses: query.status ? (query.status.split(',') as DocumentStatus[]) : undefined,
          kind: query.kind,
          hostId: query.host_id,
          quickbooksId: query.quickbooks_id,
          docNumber: query.doc_number,
          cursor: query.cursor,
          limit: query.limit,
        }, c.get('deps').qbo?.endpoints.web),
        200,
      );
    },
  );

  documentRoutes.openapi(
    route({
      method: 'get',
      path: `${prefix}/{id}/documents/{doc}`,
      summary: 'One document: its status, QuickBooks id and DocNumber, and the exact fault or missing mappings',
      tags,
      request: { params: DocumentParams },
      responses: { 200: jsonResponse('The document', Document) },
    }),
    async (c) => {
      const { id, doc } = c.req.valid('param');
      const connection = await connectionOf(c, id, false);
      return c.json(presentDocument(await ownDocument(c, connection, doc), c.get('deps').qbo?.endpoints.web), 200);
    },
  );

  documentRoutes.openapi(
    route({
      method: 'post',
      path: `${prefix}/{id}/documents/{doc}/push`,
      summary: '"Push now" (or "Retry") for one document: due at once; a rejected or unmapped one is tried again',
      description: `Use after fixing the record, a mapping or a link.${who}`,
      tags,
      request: { params: DocumentParams },
      responses: { 202: jsonResponse('Queued', PushResult) },
    }),
    async (c) => {
      const { id, doc } = c.req.valid('param');
      const deps = c.get('deps');
      const connection = await connectionOf(c, id, true);
      await writableSettings(c, connection);
      await ownDocument(c, connection, doc);
      const queued = await pushNow(deps.sql, connection.id, deps.now(), doc);
      deps.wakeWorker?.();
      return c.json({ queued }, 202);
    },
  );

  documentRoutes.openapi(
    route({
      method: 'post',
      path: `${prefix}/{id}/documents/push`,
      summary: '"Push all now": every unfinished document of the connection due at once (hourly organizations included)',
      description: `Rejected and unmapped documents are tried again too.${who}`,
      tags,
      request: { params: Params },
      responses: { 202: jsonResponse('Queued', PushResult) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const connection = await connectionOf(c, c.req.valid('param').id, true);
      await writableSettings(c, connection);
      const queued = await pushNow(deps.sql, connection.id, deps.now());
      deps.wakeWorker?.();
      return c.json({ queued }, 202);
    },
  );
}

documentRoutes.openapi(
  serverRoute({
    method: 'post',
    path: '/v1/connections/{id}/documents/{doc}/cancel',
    summary: 'Cancel a document: QuickBooks voids (invoices) or deletes (bills, purchase orders, time) it; vendors and customers are made inactive',
    description:
      'A document QuickBooks never saw is cancelled at once. Otherwise the worker does it and reports document.cancelled, or document.rejected ' +
      'when QuickBooks refuses (an invoice with payments applied, a closed period), saying why.',
    tags: ['Write-back'],
    request: { params: DocumentParams },
    responses: { 202: jsonResponse('Cancellation queued (or done)', Document) },
  }),
  async (c) => {
    const { id, doc } = c.req.valid('param');
    const deps = c.get('deps');
    const connection = await serverConnection(c, id);
    await writableSettings(c, connection);
    const row = await requestCancel(deps.sql, await ownDocument(c, connection, doc), deps.now());
    deps.wakeWorker?.();
    return c.json(presentDocument(row), 202);
  },
);
