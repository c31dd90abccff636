import { createHash } from 'node:crypto';
import type { HostRecord, Link, PartyKind, ProviderParty } from '../../shared/api/matching.ts';
import { qboApiFor } from '../connections/provider.ts';
import type { ConnectionRow } from '../connections/store.ts';
import type { Deps } from '../context.ts';
import { recordEvent } from '../events/record.ts';
import { ApiError } from '../http/api-error.ts';
import { describeQboFault, QboError } from '../providers/qbo/faults.ts';
import { checkOutgoing } from '../providers/qbo/field-limits.ts';
import { upsertRecords } from '../records/store.ts';
import { ProviderBudget } from '../sync/budget.ts';
import { ProviderCaller, qboBudgetKey } from '../sync/provider-caller.ts';
import { canonicalJson } from '../records/canonical-json.ts';
import { hostFieldOf, providerBodyFrom, providerParty, providerTypeOf } from './parties.ts';
import { createLinks } from './store.ts';

export type CreateOutcome = { created: true; link: Link; provider: ProviderParty } | { created: false; duplicate: ProviderParty | null; message: string };

/**
 * Creates the missing vendor (or customer) in QuickBooks from a host record, mirrors it and links it
 * (method "created"). The request id is derived from the record's content, so a retried or doubled click
 * replays QuickBooks' first answer instead of creating a second vendor. A name QuickBooks already has
 * (fault 6240) is answered with that record, so the person can link to it instead.
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
  const requestId = createHash('sha256').update(`${connection.id}|${kind}|${host.id}|${canonicalJson(body)}`).digest('hex').slice(0, 40);
  const caller = new ProviderCaller(qboApiFor(deps, connection), new ProviderBudget(deps.sql, qboBudgetKey(connection.external_id), deps.qboLimits));
  let answer: Record<string, Record<string, unknown>>;
  try {
    answer = await caller.call((api) => api.post<Record<string, Record<string, unknown>>>(type.toLowerCase(), body, { requestid: requestId }));
  } catch (error) {
    if (!(error instanceof QboError)) throw error;
    const what = `the ${type.toLowerCase()}`;
    if (error.normalCode === '6240') {
      const [row] = await deps.sql<{ external_id: string; data: Record<string, unknown> }[]>`
        select external_id, data from records where connection_id = ${connection.id} and type = ${type} and deleted_at is null
          and lower(regexp_replace(name, ' \\(deleted\\)$', '')) = lower(${host.name}) limit 1`;
      return {
        created: false,
        duplicate: row ? providerParty(row.external_id, row.data) : null,
        message: row ? `QuickBooks already has a record named "${host.name}"; link to it instead.` : describeQboFault(error, what),
      };
    }
    throw apiErrorOf(error, what);
  }
  const created = answer[type]!;
  const id = String(created.Id);
  const link = await deps.sql.begin(async (tx) => {
    await upsertRecords(tx, connection.id, type, [created]);
    const [made] = await createLinks(tx, connection.id, kind, [{ host_id: host.id, provider_id: id, method: 'created' }], by);
    await recordEvent(tx, {
      tenantId: connection.tenant_id,
      organizationId: connection.organization_id,
      connectionId: connection.id,
      type: 'link.created',
      data: { kind, links: [made] },
    });
    return made!;
  });
  return { created: true, link, provider: providerParty(id, created) };
}

/**
 * A QuickBooks refusal of a create, as the API answers it: the record's fault is a 400 naming the field,
 * the plan's a 403, a dead connection a 409 asking for a reconnect (as starting a sync does), and only
 * QuickBooks itself being down or limiting us a 502 or 429.
 */
export function apiErrorOf(error: QboError, what: string): ApiError {
  const details = { category: error.category, action: error.action, quickbooks_code: error.normalCode ?? null, quickbooks_field: error.field };
  const message = describeQboFault(error, what);
  switch (error.category) {
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
