import type { HostRecord, Link, PartyKind, ProviderParty } from '../../shared/api/matching.ts';
import type { ConnectionRow } from '../connections/store.ts';
import type { Deps } from '../context.ts';
import { ApiError } from '../http/api-error.ts';
import type { PartyDocumentData } from '../../shared/api/documents.ts';
import type { ProviderFault } from '../../shared/api/errors.ts';
import { getSettings } from '../organizations/store.ts';
import { claimDocument, pushEnvFor } from '../writeback/job.ts';
import { pushDocument } from '../writeback/push.ts';
import { pushNow, submitDocument, type DocumentRow } from '../writeback/store.ts';
import { checkOutgoing } from '../providers/qbo/field-limits.ts';
import { canonicalJson } from '../records/canonical-json.ts';
import { hostFieldOf, providerBodyFrom, providerParty, providerTypeOf } from './parties.ts';
import { activeLinks } from './store.ts';

export type CreateOutcome = { created: true; link: Link; provider: ProviderParty } | { created: false; duplicate: ProviderParty | null; message: string };

/**
 * Creates the missing vendor (or customer) in QuickBooks from a host record, through the write-back outbox:
 * the record becomes a `vendor` / `customer` document, pushed at once for the person waiting on it, exactly
 * once (one requestid per push, the record found and adopted after a lost answer), then mirrored and linked
 * (method "created"). A name QuickBooks already holds is answered with that record, so the person can link it.
 * When QuickBooks is down or limiting, the document stays queued and the worker creates it later (link.created
 * is sent then); the person is told so.
 */
export async function createInProvider(deps: Deps, connection: ConnectionRow, kind: PartyKind, host: HostRecord, by: string): Promise<CreateOutcome> {
  const type = providerTypeOf[kind];
  const body = providerBodyFrom(host, kind);
  // What QuickBooks would refuse is answered here, naming the host's field, instead of after a round trip.
  const issues = checkOutgoing(type, body);
  if (issues.length > 0) {
    const named = issues.map((issue) => ({ field: `host_record.${hostFieldOf(issue.path)}`, quickbooks_field: issue.path, message: issue.message }));
    throw new ApiError('invalid_request', `${named[0]!.field}: ${named[0]!.message}${named.length > 1 ? ` (and ${named.length - 1} more)` : ''}`, { host_id: host.id, issues: named });
  }
  const documentKind = kind === 'suppliers' ? 'vendor' : 'customer';
  const data = partyDocumentData(host, kind);
  const settings = await getSettings(deps.sql, connection.tenant_id, connection.organization_id);
  const [existing] = await deps.sql<DocumentRow[]>`select * from documents where connection_id = ${connection.id} and kind = ${documentKind} and host_id = ${host.id}`;
  const version = !existing ? 1 : canonicalJson(existing.data) === canonicalJson(data) ? existing.version : existing.version + 1;
  const { body: submitted } = await submitDocument(deps.sql, connection, { ...settings, writeback_schedule: 'immediate' }, { kind: documentKind, host_id: host.id, version, data }, deps.now());
  await pushNow(deps.sql, connection.id, deps.now(), submitted.id);
  const owner = `create-${submitted.id}-${Date.now()}`;
  const claimed = await claimDocument(deps.sql, connection.id, owner, deps.now(), submitted.id);
  if (!claimed) throw new ApiError('conflict', `This ${type.toLowerCase()} is being created in QuickBooks right now; it appears here once QuickBooks answers.`);
  const done = await pushDocument(await pushEnvFor(deps, connection, settings, owner), claimed);
  if (done && (done.status === 'pushed' || done.status === 'pushed_with_variance')) {
    const [row] = await deps.sql<{ data: Record<string, unknown> }[]>`
      select data from records where connection_id = ${connection.id} and type = ${type} and external_id = ${done.provider_id}`;
    const link = (await activeLinks(deps.sql, connection.id, kind)).find((candidate) => candidate.host_id === host.id);
    if (link) return { created: true, link, provider: providerParty(done.provider_id!, row?.data ?? {}) };
  }
  const fault = done?.fault;
  if (done?.status === 'rejected' && fault?.quickbooks_code === '6240') {
    const [row] = await deps.sql<{ external_id: string; data: Record<string, unknown> }[]>`
      select external_id, data from records where connection_id = ${connection.id} and type = ${type} and deleted_at is null
        and lower(regexp_replace(name, ' \\(deleted\\)$', '')) = lower(${host.name}) limit 1`;
    return {
      created: false,
      duplicate: row ? providerParty(row.external_id, row.data) : null,
      message: row ? `QuickBooks already has a record named "${host.name}"; link to it instead.` : fault.message,
    };
  }
  throw apiErrorOf(fault, `the ${type.toLowerCase()}`);
}

/** A host supplier or customer as a write-back party document. */
function partyDocumentData(host: HostRecord, kind: PartyKind): PartyDocumentData {
  const data: PartyDocumentData = { name: host.name };
  for (const field of ['email', 'phone', 'address_line1', 'address_line2', 'city', 'region', 'postal_code', 'country'] as const) {
    if (host[field]) data[field] = host[field];
  }
  if (host.account_number && kind === 'suppliers') data.account_number = host.account_number;
  return data;
}

/**
 * A QuickBooks refusal of a create, as the API answers it: the record's fault is a 400 naming the field,
 * the plan's a 403, a dead connection a 409 asking for a reconnect (as starting a sync does), and only
 * QuickBooks itself being down or limiting us a 502 or 429 (the document stays queued and is created later).
 */
function apiErrorOf(fault: ProviderFault | null | undefined, what: string): ApiError {
  if (!fault) return new ApiError('internal', `Creating ${what} did not finish; it will be tried again.`);
  const message = fault.category === 'provider_down' || fault.category === 'rate_limited' ? `${fault.message} It will be created then, and linked.` : fault.message;
  return apiErrorForFault({ ...fault, message });
}

/** A provider fault as the API answers it (see apiErrorOf for the statuses). */
export function apiErrorForFault(fault: ProviderFault): ApiError {
  const details = { category: fault.category, action: fault.action, quickbooks_code: fault.quickbooks_code, quickbooks_field: fault.quickbooks_field };
  const message = fault.message;
  switch (fault.category) {
    case 'needs_reconnect':
      return new ApiError('conflict', message, details);
    case 'rate_limited':
      return new ApiError('rate_limited', message, details);
    case 'provider_down':
      return new ApiError('provider_unavailable', message, details);
    case 'plan_or_region_unsupported':
      return new ApiError('forbidden', message, details);
    case 'internal':
      return new ApiError('internal', message, details);
    default:
      return new ApiError('invalid_request', message, details);
  }
}
