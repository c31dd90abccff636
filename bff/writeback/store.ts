import { createHash } from 'node:crypto';
import { parseDocumentCursor, type Document, type DocumentKind, type DocumentStatus, type MissingMapping, type SubmitDocumentBody } from '../../shared/api/documents.ts';
import type { ProviderFault } from '../../shared/api/errors.ts';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import type { ConnectionRow } from '../connections/store.ts';
import type { Queryable, Sql } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import { recordEvent, type EventType } from '../events/record.ts';
import { ApiError } from '../http/api-error.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { canonicalJson } from '../records/canonical-json.ts';

export const DOCUMENT_PUSH_JOB = 'document-push';

export interface DocumentRow {
  id: string;
  tenant_id: string;
  organization_id: string;
  connection_id: string;
  kind: DocumentKind;
  host_id: string;
  version: number;
  data: Record<string, unknown>;
  status: DocumentStatus;
  cancel_requested: boolean;
  generation: number;
  create_attempts: number;
  attempts: number;
  provider_type: string | null;
  provider_id: string | null;
  provider_doc_number: string | null;
  sync_token: string | null;
  pushed_version: number | null;
  /** A time entry's last create in this generation: what it sent, searched for after an uncertain outcome. */
  create_sent: { version: number; body: Record<string, unknown> } | null;
  fault: ProviderFault | null;
  missing: MissingMapping[] | null;
  variance: Document['variance'];
  payments: Document['payments'];
  due_at: Date;
  claimed_by: string | null;
  claim_until: Date | null;
  created_at: Date;
  updated_at: Date;
  pushed_at: Date | null;
}

/** QuickBooks' web page of one record, under the deployment's web app (`web`, see QboEndpoints). */
const quickbooksPage: Record<string, string> = {
  Invoice: 'invoice?txnId=',
  Bill: 'bill?txnId=',
  PurchaseOrder: 'purchaseorder?txnId=',
  TimeActivity: 'timeactivity?txnId=',
  Customer: 'customerdetail?nameId=',
  Vendor: 'vendordetail?nameId=',
};

export function quickbooksUrl(web: string | undefined, type: string | null, id: string | null): string | null {
  const page = type ? quickbooksPage[type] : undefined;
  return web && page && id ? `${web}/${page}${encodeURIComponent(id)}` : null;
}

export function presentDocument(row: DocumentRow, web?: string): Document {
  return {
    id: row.id,
    connection_id: row.connection_id,
    kind: row.kind,
    host_id: row.host_id,
    version: row.version,
    status: row.status,
    cancel_requested: row.cancel_requested,
    quickbooks_type: row.provider_type,
    quickbooks_id: row.provider_id,
    quickbooks_doc_number: row.provider_doc_number,
    quickbooks_url: row.status === 'cancelled' ? null : quickbooksUrl(web, row.provider_type, row.provider_id),
    pushed_version: row.pushed_version,
    attempts: row.attempts,
    fault: row.fault,
    missing: row.missing,
    variance: row.variance,
    payments: row.payments,
    data: row.data,
    due_at: row.due_at.toISOString(),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    pushed_at: row.pushed_at?.toISOString() ?? null,
  };
}

/** What a document event says: enough for a host to update its own record without reading ours. */
export function documentEventData(row: DocumentRow, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    document_id: row.id,
    kind: row.kind,
    host_id: row.host_id,
    version: row.version,
    status: row.status,
    quickbooks_type: row.provider_type,
    quickbooks_id: row.provider_id,
    quickbooks_doc_number: row.provider_doc_number,
    ...extra,
  };
}

export async function recordDocumentEvent(tx: Queryable, row: DocumentRow, type: Extract<EventType, `document.${string}`>, extra: Record<string, unknown> = {}): Promise<void> {
  await recordEvent(tx, { tenantId: row.tenant_id, organizationId: row.organization_id, connectionId: row.connection_id, type, data: documentEventData(row, extra) });
}

/** When a document submitted now is due: at once, or at the next full hour for hourly organizations. */
export function dueAtFor(settings: OrganizationSettings, now: Date): Date {
  if (settings.writeback_schedule !== 'hourly') return now;
  const next = new Date(now);
  next.setUTCMinutes(0, 0, 0);
  next.setUTCHours(next.getUTCHours() + 1);
  return next;
}

/** Queues (or pulls forward) the connection's push job; one per connection, coalesced by the job queue. */
export async function enqueuePush(sql: Queryable, connectionId: string, dueAt: Date): Promise<void> {
  await enqueueJob(sql, { kind: DOCUMENT_PUSH_JOB, payload: { connection_id: connectionId }, dedupeKey: connectionId, dueAt, maxAttempts: 20 });
}

/**
 * A mapping or link was saved: documents held in needs_mapping waiting on it (what, and one of `hostIds`; any of
 * that kind when null, as for defaults) are due again and the push job queued, so fixing a mapping releases them
 * without a "push now". The push translates each again: one still missing something goes back to needs_mapping
 * (no QuickBooks call, no second event); the others are sent. In the saving transaction; the database's clock.
 */
export async function releaseWaitingDocuments(tx: Queryable, connectionId: string, what: MissingMapping['what'][], hostIds: string[] | null): Promise<number> {
  const rows = await tx`
    update documents set status = 'queued', due_at = now(), attempts = 0, updated_at = now()
    where connection_id = ${connectionId} and status = 'needs_mapping'
      and exists (select 1 from jsonb_array_elements(missing) m where m->>'what' in ${tx(what)}
        ${hostIds ? tx`and m->>'host_id' in ${tx(hostIds.length ? hostIds : [''])}` : tx``})
    returning id`;
  if (rows.length > 0) await enqueueJob(tx, { kind: DOCUMENT_PUSH_JOB, payload: { connection_id: connectionId }, dedupeKey: connectionId, maxAttempts: 20 });
  return rows.length;
}

export interface SubmitAnswer {
  status: 200 | 201;
  body: Document;
}

const hashOf = (value: unknown) => createHash('sha256').update(canonicalJson(value as never)).digest('hex');

/**
 * Accepts a document into the outbox. A new (kind, host_id) is created; a higher version is a revision of the
 * same QuickBooks record; the same version with the same data answers as before (a retried request), with
 * other data 409. With an Idempotency-Key, the first answer is stored and repeated for the same body forever.
 * Keys are per connection (the outbox is): the same key on another connection is a request of its own.
 */
export async function submitDocument(
  sql: Sql,
  connection: ConnectionRow,
  settings: OrganizationSettings,
  body: SubmitDocumentBody,
  now: Date,
  idempotencyKey?: string,
): Promise<SubmitAnswer> {
  return sql.begin(async (tx) => {
    const requestHash = hashOf({ connection: connection.id, body });
    if (idempotencyKey !== undefined) {
      await tx`select pg_advisory_xact_lock(hashtext(${`${connection.tenant_id}|${connection.id}|${idempotencyKey}`}))`;
      const [seen] = await tx<{ request_hash: string; status: number; response: Document }[]>`
        select request_hash, status, response from document_requests
        where tenant_id = ${connection.tenant_id} and connection_id = ${connection.id} and idempotency_key = ${idempotencyKey}`;
      if (seen) {
        if (seen.request_hash !== requestHash) {
          throw new ApiError('conflict', 'Idempotency-Key was already used with a different request body; use a new key for a new request.', { idempotency_key: idempotencyKey });
        }
        return { status: seen.status as 200 | 201, body: seen.response };
      }
    }
    const answer = await upsertDocument(tx, connection, settings, body, now);
    if (idempotencyKey !== undefined) {
      await tx`
        insert into document_requests (tenant_id, connection_id, idempotency_key, request_hash, document_id, status, response)
        values (${connection.tenant_id}, ${connection.id}, ${idempotencyKey}, ${requestHash}, ${answer.body.id}, ${answer.status}, ${tx.json(answer.body as never)})`;
    }
    return answer;
  });
}

async function upsertDocument(tx: Queryable, connection: ConnectionRow, settings: OrganizationSettings, body: SubmitDocumentBody, now: Date): Promise<SubmitAnswer> {
  const dueAt = dueAtFor(settings, now);
  const [existing] = await tx<DocumentRow[]>`
    select * from documents where connection_id = ${connection.id} and kind = ${body.kind} and host_id = ${body.host_id} for update`;
  if (!existing) {
    const [row] = await tx<DocumentRow[]>`
      insert into documents (id, tenant_id, organization_id, connection_id, kind, host_id, version, data, due_at, created_at, updated_at)
      values (${newId('doc')}, ${connection.tenant_id}, ${connection.organization_id}, ${connection.id}, ${body.kind}, ${body.host_id}, ${body.version},
        ${tx.json(body.data as never)}, ${dueAt}, ${now}, ${now})
      returning *`;
    await enqueuePush(tx, connection.id, dueAt);
    return { status: 201, body: presentDocument(row!) };
  }
  const what = `${body.kind} ${body.host_id}`;
  if (body.version === existing.version) {
    if (canonicalJson(body.data as never) === canonicalJson(existing.data as never)) return { status: 200, body: presentDocument(existing) };
    throw new ApiError('conflict', `Version ${body.version} of ${what} was already submitted with other data; send the change as version ${existing.version + 1}.`, { version: existing.version });
  }
  if (body.version < existing.version) {
    throw new ApiError('conflict', `${what} is already at version ${existing.version}; version ${body.version} is older and was not applied.`, { version: existing.version });
  }
  if (existing.cancel_requested || existing.status === 'cancelled') {
    throw new ApiError('conflict', `${what} was cancelled; a cancelled document takes no further versions. Submit it under a new host_id.`, { status: existing.status });
  }
  if (existing.kind === 'invoice' && existing.pushed_version !== null && !settings.allow_invoice_revisions) {
    throw new ApiError(
      'conflict',
      `Invoice ${body.host_id} was pushed to QuickBooks and is processed there: this organization does not allow revisions of pushed invoices. Change it in QuickBooks, or allow invoice revisions in the settings.`,
      { quickbooks_id: existing.provider_id },
    );
  }
  const [row] = await tx<DocumentRow[]>`
    update documents set version = ${body.version}, data = ${tx.json(body.data as never)},
      status = case when status = 'pushing' then status else 'queued' end,
      fault = null, missing = null, attempts = 0, due_at = ${dueAt}, updated_at = ${now}
    where id = ${existing.id} returning *`;
  await enqueuePush(tx, connection.id, dueAt);
  return { status: 200, body: presentDocument(row!) };
}

export async function findDocument(sql: Queryable, connectionId: string, id: string): Promise<DocumentRow | undefined> {
  const [row] = await sql<DocumentRow[]>`select * from documents where connection_id = ${connectionId} and id = ${id}`;
  return row;
}

export interface ListFilter {
  statuses?: DocumentStatus[];
  kind?: DocumentKind;
  hostId?: string;
  quickbooksId?: string;
  docNumber?: string;
  cursor?: string;
  limit: number;
}

/** Newest first; the cursor is the last row's (created_at, id). */
export async function listDocuments(sql: Queryable, connectionId: string, filter: ListFilter, web?: string): Promise<{ data: Document[]; next_cursor: string | null }> {
  const cursor = filter.cursor ? parseDocumentCursor(filter.cursor) : null;
  const after = !cursor ? sql`` : cursor.id ? sql`and (created_at, id) < (${new Date(cursor.ms)}, ${cursor.id})` : sql`and created_at < ${new Date(cursor.ms)}`;
  const rows = await sql<DocumentRow[]>`
    select * from documents where connection_id = ${connectionId}
      ${filter.statuses?.length ? sql`and status in ${sql(filter.statuses)}` : sql``}
      ${filter.kind ? sql`and kind = ${filter.kind}` : sql``}
      ${filter.hostId ? sql`and host_id = ${filter.hostId}` : sql``}
      ${filter.quickbooksId ? sql`and provider_id = ${filter.quickbooksId}` : sql``}
      ${filter.docNumber ? sql`and provider_doc_number = ${filter.docNumber}` : sql``}
      ${after}
    order by created_at desc, id desc limit ${filter.limit + 1}`;
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  const next = rows.length > filter.limit && last ? Buffer.from(`${last.created_at.getTime()}.${last.id}`).toString('base64url') : null;
  return { data: page.map((row) => presentDocument(row, web)), next_cursor: next };
}

/** "Push now": the document (or every unfinished one) due at once, a refused or unmapped one tried again. */
export async function pushNow(sql: Sql, connectionId: string, now: Date, documentId?: string): Promise<number> {
  return sql.begin(async (tx) => {
    const rows = await tx`
      update documents set due_at = ${now}, status = case when status in ('needs_mapping', 'rejected', 'pushed', 'pushed_with_variance') then 'queued' else status end,
        attempts = case when status in ('needs_mapping', 'rejected') then 0 else attempts end, updated_at = ${now}
      where connection_id = ${connectionId} ${documentId ? tx`and id = ${documentId}` : tx``}
        and (status in ('queued', 'failed_retrying', 'needs_mapping', 'rejected') or (status in ('pushed', 'pushed_with_variance') and (cancel_requested or pushed_version < version)))
      returning id`;
    if (rows.length > 0) await enqueuePush(tx, connectionId, now);
    return rows.length;
  });
}

/**
 * After a reconnect: documents held because QuickBooks stopped accepting the connection (AuthenticationFault,
 * a dead grant) are due at once instead of an hour later, and the connection's push job is queued, so what waited
 * through the outage (queued documents included: a connection that needs reconnecting pushes nothing) goes out
 * without anyone pressing "push now". In the reconnect's own transaction.
 */
export async function resumeAfterReconnect(tx: Queryable, connectionId: string, now: Date): Promise<number> {
  const held = await tx`
    update documents set status = 'queued', due_at = ${now}, attempts = 0, fault = null, updated_at = ${now}
    where connection_id = ${connectionId} and status = 'failed_retrying' and fault->>'category' = 'needs_reconnect'
    returning id`;
  const [waiting] = await tx`select 1 from documents where connection_id = ${connectionId} and status in ('queued', 'failed_retrying') limit 1`;
  if (waiting) await enqueuePush(tx, connectionId, now);
  return held.length;
}

/**
 * Asks for a document's cancellation. One QuickBooks never saw (no record, no create in doubt) is cancelled at
 * once; otherwise the worker voids or deletes the record as QuickBooks allows for its kind.
 */
export async function requestCancel(sql: Sql, row: DocumentRow, now: Date): Promise<DocumentRow> {
  return sql.begin(async (tx) => {
    const [locked] = await tx<DocumentRow[]>`select * from documents where id = ${row.id} for update`;
    if (!locked) throw new ApiError('not_found', 'Document was not found');
    if (locked.status === 'cancelled') return locked;
    if (locked.provider_id === null && locked.create_attempts === 0 && locked.status !== 'pushing') {
      const [done] = await tx<DocumentRow[]>`
        update documents set status = 'cancelled', cancel_requested = true, fault = null, updated_at = ${now} where id = ${row.id} returning *`;
      await recordDocumentEvent(tx, done!, 'document.cancelled', { action: 'withdrawn', message: 'Cancelled before anything was written to QuickBooks.' });
      return done!;
    }
    const [queued] = await tx<DocumentRow[]>`
      update documents set cancel_requested = true, status = case when status = 'pushing' then status else 'queued' end,
        attempts = 0, fault = null, due_at = ${now}, updated_at = ${now}
      where id = ${row.id} returning *`;
    await enqueuePush(tx, row.connection_id, now);
    return queued!;
  });
}
