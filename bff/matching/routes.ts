import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ConnectionId } from '../../shared/api/connections.ts';
import { HostId } from '../../shared/api/common.ts';
import { Candidate, CreateLinksBody, FieldSyncResult, Link, MatchingState, partyKinds, ProviderParty, PutHostRecordsBody, type HostRecord, type PartyKind } from '../../shared/api/matching.ts';
import { NeedsReconnectError } from '../connections/tokens.ts';
import { describeQboFault, QboError, reconnectMessage } from '../providers/qbo/faults.ts';
import { findConnection, type ConnectionRow } from '../connections/store.ts';
import { sessionViewer } from '../connections/viewer.ts';
import { requireRole, type Capability } from '../auth/roles.ts';
import type { AppEnv } from '../context.ts';
import { recordEvent } from '../events/record.ts';
import { ApiError, forbidden, notFound } from '../http/api-error.ts';
import { jsonBody, jsonResponse, serverRoute, widgetRoute } from '../http/routes.ts';
import { ensureOrganization, getSettings } from '../organizations/store.ts';
import { qboApiFor } from '../connections/provider.ts';
import { ProviderBudget } from '../sync/budget.ts';
import { ProviderCaller, qboBudgetKey } from '../sync/provider-caller.ts';
import { enqueuePendingFieldSync } from '../jobs/field-sync.ts';
import { createInProvider } from './create-party.ts';
import { syncSupplierFields } from './field-sync.ts';
import { providerParty, providerTypeOf } from './parties.ts';
import { candidates, matchingState } from './state.ts';
import { activeLinks, createLinks, hostRecords, LinkConflictError, putHostRecords, removeLink } from './store.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const matchingRoutes = apiRoutes();

const Kind = z.enum(partyKinds);
const ConnectionKind = z.object({ id: ConnectionId, kind: Kind });
const HostRecordsResult = z
  .object({
    upserted: z.number().int(),
    removed: z.number().int(),
    received: z.number().int(),
    field_sync: FieldSyncResult,
  })
  .meta({ id: 'HostRecordsResult' });

/**
 * After the host changed some suppliers: two-way field sync for those linked in each connected company.
 * The records are saved before this runs, so nothing here fails the request: refused fields come back per
 * record, and a company we cannot reach (reconnect needed, QuickBooks down or limiting) per connection,
 * its changes left pending and written by the field-sync job (queued here when QuickBooks is down or
 * limiting, after the reconnect's sync otherwise).
 */
async function syncChangedSuppliers(c: Context<AppEnv>, scope: { tenantId: string; organizationId: string }, kind: PartyKind, changed: string[], records: HostRecord[]): Promise<FieldSyncResult> {
  const result: FieldSyncResult = { pushed: 0, reported: 0, conflicts: 0, failed: 0, outcomes: [], unreachable: [] };
  if (kind !== 'suppliers' || changed.length === 0) return result;
  const deps = c.get('deps');
  const connections = await deps.sql<ConnectionRow[]>`
    select * from connections where tenant_id = ${scope.tenantId} and organization_id = ${scope.organizationId} and provider = 'qbo' and status = 'connected'`;
  for (const connection of connections) {
    const caller = new ProviderCaller(qboApiFor(deps, connection), new ProviderBudget(deps.sql, qboBudgetKey(connection.external_id), deps.qboLimits));
    try {
      // Only the values this request stored: one a concurrent request replaced is that request's to write.
      const sent = new Map(records.map((record) => [record.id, record]));
      const totals = await syncSupplierFields(deps, connection, caller, changed, 'host', { sent });
      result.pushed += totals.pushed;
      result.reported += totals.reported;
      result.conflicts += totals.conflicts;
      result.failed += totals.failed;
      result.outcomes.push(...totals.outcomes);
    } catch (error) {
      if (!(error instanceof QboError || error instanceof NeedsReconnectError)) throw error;
      const fault = error instanceof QboError ? error : null;
      // QuickBooks down or limiting: the edit is saved and stays pending; the field-sync job writes it once
      // QuickBooks answers again (retried with backoff), so "we will try again" holds. A connection that needs
      // reconnecting cannot be helped by retrying: the sync that follows the reconnect queues the same job.
      if (fault && (fault.category === 'provider_down' || fault.category === 'rate_limited')) {
        await enqueuePendingFieldSync(deps.sql, connection.id, deps.now(), fault.retryAfterSeconds);
      }
      result.unreachable.push({
        connection_id: connection.id,
        category: fault?.category ?? 'needs_reconnect',
        action: fault?.action ?? 'reconnect',
        field: null,
        quickbooks_field: null,
        quickbooks_code: fault?.normalCode ?? null,
        message: fault ? describeQboFault(fault, 'your suppliers') : reconnectMessage,
      });
    }
  }
  return result;
}
const CandidatesQuery = z.object({
  host_id: z.string().min(1).max(128).optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
const LinkList = z.object({ data: z.array(Link) }).meta({ id: 'LinkList' });
const CreateResult = z
  .object({ link: Link, provider: ProviderParty })
  .meta({ id: 'CreatedInProvider' });

/** Who the caller is, for the decision log: the session's user, or "the host" for server calls. */
export type Actor = { tenantId: string; organizationId: string; by: string };

/** The session's user as the actor, once its role may do this (see bff/auth/roles.ts). */
export async function sessionActor(c: Context<AppEnv>, capability: Capability, action: string): Promise<Actor> {
  const session = c.get('session');
  await requireRole(c, capability, action);
  return { tenantId: session.tenantId, organizationId: session.organizationId, by: session.user.name ?? session.user.id };
}

export async function connectionFor(c: Context<AppEnv>, id: string, viaSession: boolean): Promise<ConnectionRow> {
  const sql = c.get('deps').sql;
  const row = viaSession ? await findConnection(sql, c.get('session'), id, await sessionViewer(c)) : await findConnection(sql, c.get('tenant'), id);
  if (!row) throw notFound('Connection');
  return row;
}

async function link(c: Context<AppEnv>, connection: ConnectionRow, kind: PartyKind, links: { host_id: string; provider_id: string; method: 'auto' | 'confirmed' | 'manual' | 'imported' }[], by: string) {
  const deps = c.get('deps');
  try {
    return await deps.sql.begin(async (tx) => {
      const created = await createLinks(tx, connection.id, kind, links, by);
      await recordEvent(tx, { tenantId: connection.tenant_id, organizationId: connection.organization_id, connectionId: connection.id, type: 'link.created', data: { kind, links: created } });
      return created;
    });
  } catch (error) {
    if (error instanceof LinkConflictError) throw new ApiError('conflict', error.message);
    throw error;
  }
}

async function unlink(c: Context<AppEnv>, connection: ConnectionRow, kind: PartyKind, hostId: string, by: string) {
  const removed = await c.get('deps').sql.begin(async (tx) => {
    const gone = await removeLink(tx, connection.id, kind, hostId, by);
    if (gone) await recordEvent(tx, { tenantId: connection.tenant_id, organizationId: connection.organization_id, connectionId: connection.id, type: 'link.removed', data: { kind, ...gone, removed_by: by } });
    return gone;
  });
  if (!removed) throw notFound('Link');
}

async function importRecord(c: Context<AppEnv>, connection: ConnectionRow, kind: PartyKind, providerId: string) {
  const deps = c.get('deps');
  const type = providerTypeOf[kind];
  const [row] = await deps.sql<{ data: Record<string, unknown> }[]>`
    select data from records where connection_id = ${connection.id} and type = ${type} and external_id = ${providerId} and deleted_at is null`;
  if (!row) throw notFound(`QuickBooks ${type.toLowerCase()} ${providerId}`);
  const linked = (await activeLinks(deps.sql, connection.id, kind)).find((existing) => existing.provider_id === providerId);
  // Never hand the host a duplicate of a record it already has.
  if (linked) throw new ApiError('conflict', `This ${type.toLowerCase()} is already linked to your record ${linked.host_id}`, { host_id: linked.host_id });
  const eventId = await recordEvent(deps.sql, {
    tenantId: connection.tenant_id,
    organizationId: connection.organization_id,
    connectionId: connection.id,
    type: kind === 'suppliers' ? 'supplier.imported' : 'customer.imported',
    data: { kind, provider_id: providerId, record: providerParty(providerId, row.data), quickbooks: row.data },
  });
  return { event_id: eventId };
}

async function createRecord(c: Context<AppEnv>, connection: ConnectionRow, kind: PartyKind, hostId: string, actor: Actor) {
  const deps = c.get('deps');
  const settings = await getSettings(deps.sql, actor.tenantId, connection.organization_id);
  if (settings.read_only) throw forbidden('This organization is read-only: nothing is written to QuickBooks.');
  const host = (await hostRecords(deps.sql, { tenantId: actor.tenantId, organizationId: connection.organization_id }, kind)).find((record) => record.id === hostId);
  if (!host) throw notFound(`Your record ${hostId}`);
  if ((await activeLinks(deps.sql, connection.id, kind)).some((existing) => existing.host_id === hostId)) throw new ApiError('conflict', 'This record is already linked');
  const outcome = await createInProvider(deps, connection, kind, host, actor.by);
  if (!outcome.created) {
    throw new ApiError('conflict', outcome.message, outcome.duplicate ? { provider_id: outcome.duplicate.id, provider_name: outcome.duplicate.name } : {});
  }
  return { link: outcome.link, provider: outcome.provider };
}

// ── Host records ─────────────────────────────────────────────────────────────────────────────────────────

matchingRoutes.openapi(
  serverRoute({
    method: 'put',
    path: '/v1/organizations/{org}/host-records/{kind}',
    summary: 'Bulk upsert of your own suppliers or customers, for matching (replace: true sends a full snapshot)',
    tags: ['Matching'],
    request: { params: z.object({ org: HostId, kind: Kind }), ...jsonBody(PutHostRecordsBody) },
    responses: { 200: jsonResponse('Counts', HostRecordsResult) },
  }),
  async (c) => {
    const { org, kind } = c.req.valid('param');
    const body = c.req.valid('json');
    const { sql } = c.get('deps');
    const scope = { tenantId: c.get('tenant').tenantId, organizationId: org };
    await ensureOrganization(sql, scope.tenantId, org);
    const { changed, ...counts } = await putHostRecords(sql, scope, kind, body.records, body.replace);
    return c.json({ ...counts, field_sync: await syncChangedSuppliers(c, scope, kind, changed, body.records) }, 200);
  },
);

matchingRoutes.openapi(
  widgetRoute({
    method: 'put',
    path: '/v1/widget/host-records/{kind}',
    summary: 'The same, from the page, for the session\'s organization (managers only)',
    tags: ['Widget', 'Matching'],
    request: { params: z.object({ kind: Kind }), ...jsonBody(PutHostRecordsBody) },
    responses: { 200: jsonResponse('Counts', HostRecordsResult) },
  }),
  async (c) => {
    const actor = await sessionActor(c, 'manage', 'change the records used for matching');
    const body = c.req.valid('json');
    const kind = c.req.valid('param').kind;
    const { changed, ...counts } = await putHostRecords(c.get('deps').sql, actor, kind, body.records, body.replace);
    return c.json({ ...counts, field_sync: await syncChangedSuppliers(c, actor, kind, changed, body.records) }, 200);
  },
);

// ── Matching state and candidates ────────────────────────────────────────────────────────────────────────

for (const surface of ['server', 'widget'] as const) {
  const route = surface === 'server' ? serverRoute : widgetRoute;
  const prefix = surface === 'server' ? '/v1/connections' : '/v1/widget/connections';
  const tags = surface === 'server' ? ['Matching'] : ['Widget', 'Matching'];
  const viaSession = surface === 'widget';
  const actorOf = async (c: Context<AppEnv>, capability: Capability, action: string): Promise<Actor> =>
    viaSession ? sessionActor(c, capability, action) : { tenantId: c.get('tenant').tenantId, organizationId: '', by: 'the host' };

  matchingRoutes.openapi(
    route({
      method: 'get',
      path: `${prefix}/{id}/matching/{kind}`,
      summary: 'Auto-matched, suggested, unmatched and linked records for one connection',
      tags,
      request: { params: ConnectionKind },
      responses: { 200: jsonResponse('The matching state', MatchingState) },
    }),
    async (c) => {
      const { id, kind } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession);
      return c.json(await matchingState(c.get('deps').sql, { tenantId: connection.tenant_id, organizationId: connection.organization_id }, connection.id, kind), 200);
    },
  );

  matchingRoutes.openapi(
    route({
      method: 'get',
      path: `${prefix}/{id}/matching/{kind}/candidates`,
      summary: 'Ranked QuickBooks records for a manual pick: for one of your records (host_id) or typed text (q)',
      tags,
      request: { params: ConnectionKind, query: CandidatesQuery },
      responses: { 200: jsonResponse('Candidates, best first', z.object({ data: z.array(Candidate) })) },
    }),
    async (c) => {
      const { id, kind } = c.req.valid('param');
      const query = c.req.valid('query');
      const connection = await connectionFor(c, id, viaSession);
      const ranked = await candidates(c.get('deps').sql, { tenantId: connection.tenant_id, organizationId: connection.organization_id }, connection.id, kind, {
        ...(query.host_id ? { hostId: query.host_id } : {}),
        ...(query.q ? { q: query.q } : {}),
        limit: query.limit,
      });
      if (!ranked) throw notFound(`Your record ${query.host_id}`);
      return c.json({ data: ranked }, 200);
    },
  );

  matchingRoutes.openapi(
    route({
      method: 'get',
      path: `${prefix}/{id}/links`,
      summary: 'Active links (your record ↔ QuickBooks record) with who, when and how',
      tags,
      request: { params: z.object({ id: ConnectionId }), query: z.object({ kind: Kind }) },
      responses: { 200: jsonResponse('Links', LinkList) },
    }),
    async (c) => {
      const connection = await connectionFor(c, c.req.valid('param').id, viaSession);
      return c.json({ data: await activeLinks(c.get('deps').sql, connection.id, c.req.valid('query').kind) }, 200);
    },
  );

  matchingRoutes.openapi(
    route({
      method: 'post',
      path: `${prefix}/{id}/links`,
      summary: 'Link records: confirm suggestions (one or all) or a manual pick; one link per record on each side',
      tags,
      request: { params: z.object({ id: ConnectionId }), ...jsonBody(CreateLinksBody) },
      responses: { 201: jsonResponse('The links made', LinkList), 409: jsonResponse('A record is already linked', z.object({ error: z.object({ code: z.string(), message: z.string() }) })) },
    }),
    async (c) => {
      const actor = await actorOf(c, 'manage', 'change how records are linked');
      const connection = await connectionFor(c, c.req.valid('param').id, viaSession);
      const body = c.req.valid('json');
      return c.json({ data: await link(c, connection, body.kind, body.links, actor.by) }, 201);
    },
  );

  matchingRoutes.openapi(
    route({
      method: 'delete',
      path: `${prefix}/{id}/links/{kind}/{host_id}`,
      summary: 'Unlink (or undo a link); the decision stays in the history',
      tags,
      request: { params: ConnectionKind.extend({ host_id: z.string().min(1).max(128) }) },
      responses: { 204: { description: 'Unlinked' } },
    }),
    async (c) => {
      const actor = await actorOf(c, 'manage', 'change how records are linked');
      const { id, kind, host_id } = c.req.valid('param');
      await unlink(c, await connectionFor(c, id, viaSession), kind, host_id, actor.by);
      return c.body(null, 204);
    },
  );

  matchingRoutes.openapi(
    route({
      method: 'post',
      path: `${prefix}/{id}/matching/{kind}/import`,
      summary: 'Import a QuickBooks record into your product: sends a supplier.imported / customer.imported event carrying it',
      tags,
      request: { params: ConnectionKind, ...jsonBody(z.object({ provider_id: z.string().min(1).max(64) }).strict()) },
      responses: { 202: jsonResponse('The event that carries the record', z.object({ event_id: z.string() })) },
    }),
    async (c) => {
      await actorOf(c, 'manage', 'import QuickBooks records');
      const { id, kind } = c.req.valid('param');
      return c.json(await importRecord(c, await connectionFor(c, id, viaSession), kind, c.req.valid('json').provider_id), 202);
    },
  );

  matchingRoutes.openapi(
    route({
      method: 'post',
      path: `${prefix}/{id}/matching/{kind}/create`,
      summary: 'Create the missing vendor or customer in QuickBooks from your record, then link them',
      description: 'A name QuickBooks already has answers 409 with details.provider_id, so the record can be linked instead.',
      tags,
      request: { params: ConnectionKind, ...jsonBody(z.object({ host_id: z.string().min(1).max(128) }).strict()) },
      responses: { 201: jsonResponse('Created and linked', CreateResult) },
    }),
    async (c) => {
      const actor = await actorOf(c, 'write', 'create records in QuickBooks');
      const { id, kind } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession);
      return c.json(await createRecord(c, connection, kind, c.req.valid('json').host_id, { ...actor, tenantId: connection.tenant_id }), 201);
    },
  );
}
