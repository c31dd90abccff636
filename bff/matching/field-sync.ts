import { effectiveSettings } from '../../shared/api/organizations.ts';
import type { ProviderFault } from '../../shared/api/errors.ts';
import type { FieldSyncOutcome, HostRecord, PartyKind } from '../../shared/api/matching.ts';
import type { ConnectionRow } from '../connections/store.ts';
import type { Deps } from '../context.ts';
import type { Queryable } from '../db/client.ts';
import { KeyedLock } from '../db/keyed-lock.ts';
import { recordEvent } from '../events/record.ts';
import { getSettings } from '../organizations/store.ts';
import { describeQboFault, QboError } from '../providers/qbo/faults.ts';
import { checkOutgoing } from '../providers/qbo/field-limits.ts';
import { upsertRecords } from '../records/store.ts';
import type { ProviderCaller } from '../sync/provider-caller.ts';
import { hostSupplierFields, planFieldSync, supplierFieldNames, supplierFieldOf, vendorSparseUpdate, vendorSupplierFields, type ConflictPolicy, type FieldBaseline, type SupplierField, type SupplierFields } from './supplier-fields.ts';

interface LinkedSupplier {
  host_id: string;
  provider_id: string;
  field_baseline: FieldBaseline | null;
  host: HostRecord | null;
  host_updated_at: Date | null;
  vendor: Record<string, any> | null;
}

/** Records what both sides say now as the point they agree on (a new link: differences in writing stay). */
export async function initialiseBaselines(tx: Queryable, connection: Pick<ConnectionRow, 'id' | 'tenant_id' | 'organization_id'>, kind: PartyKind, hostIds: string[]): Promise<void> {
  if (kind !== 'suppliers' || hostIds.length === 0) return;
  for (const link of await linkedSuppliers(tx, connection, hostIds, 'host')) {
    if (!link.host || !link.vendor) continue;
    const baseline: FieldBaseline = { host: hostSupplierFields(link.host), provider: vendorSupplierFields(link.vendor) };
    await tx`update party_links set field_baseline = ${tx.json(baseline as never)}
      where connection_id = ${connection.id} and kind = 'suppliers' and host_id = ${link.host_id} and removed_at is null`;
  }
}

/**
 * Linked suppliers whose host fields differ from the point both sides last agreed on: host edits QuickBooks
 * has not taken yet (it was down or limiting when they came, the connection needed reconnecting, or it refused
 * a field). Read-only organizations write nothing, so they have none. Returns the vendors' ids.
 */
export async function pendingHostEdits(sql: Queryable, connection: Pick<ConnectionRow, 'id' | 'tenant_id' | 'organization_id'>): Promise<string[]> {
  const [organization] = await sql<{ settings: Record<string, unknown> | null }[]>`
    select settings from organizations where tenant_id = ${connection.tenant_id} and id = ${connection.organization_id}`;
  if (effectiveSettings(organization?.settings).settings.read_only) return [];
  const links = await sql<{ provider_id: string; field_baseline: FieldBaseline; host: HostRecord }[]>`
    select l.provider_id, l.field_baseline, h.data as host
    from party_links l
    join host_records h on h.tenant_id = ${connection.tenant_id} and h.organization_id = ${connection.organization_id}
      and h.kind = 'suppliers' and h.host_id = l.host_id
    join records r on r.connection_id = l.connection_id and r.type = 'Vendor' and r.external_id = l.provider_id and r.deleted_at is null
    where l.connection_id = ${connection.id} and l.kind = 'suppliers' and l.removed_at is null and l.field_baseline is not null`;
  return links
    .filter((link) => {
      const host = hostSupplierFields(link.host);
      return supplierFieldNames.some((field) => host[field] !== (link.field_baseline.host[field] ?? null));
    })
    .map((link) => link.provider_id);
}

export interface FieldSyncTotals {
  pushed: number;
  reported: number;
  conflicts: number;
  /** Linked suppliers with at least one refused field. */
  failed: number;
  outcomes: FieldSyncOutcome[];
}

/** Faults that are about the connection or QuickBooks itself, not this record: the caller must hear of them. */
const propagates = (error: unknown) => !(error instanceof QboError) || error.category === 'needs_reconnect' || error.category === 'rate_limited' || error.category === 'provider_down';

type Refusal = { field: SupplierField; fault: ProviderFault };

/**
 * Two-way sync of the eight supplier fields for some linked suppliers (those whose host record or vendor
 * just changed): host edits are written to QuickBooks as sparse updates, QuickBooks edits are reported to
 * the host as a `supplier.updated` event with field-level diffs, and conflicts follow the organization's
 * policy. Every decision is logged, and each record's outcome returned.
 *
 * A field QuickBooks refuses, before sending (field-limits.ts) or after (6240 duplicate name, 2050, 6000,
 * a stale copy twice…), is dropped from the write, the rest is written, and the refusal is logged and
 * returned: it never throws, so it cannot fail a read sync nor stop QuickBooks-side edits from being
 * reported. Only a dead connection, a throttle or QuickBooks being down propagate.
 */
export async function syncSupplierFields(
  deps: Deps,
  connection: ConnectionRow,
  caller: ProviderCaller,
  ids: string[],
  by: 'host' | 'provider',
  options: { sent?: ReadonlyMap<string, HostRecord> } = {},
): Promise<FieldSyncTotals> {
  const totals: FieldSyncTotals = { pushed: 0, reported: 0, conflicts: 0, failed: 0, outcomes: [] };
  if (ids.length === 0) return totals;
  const settings = await getSettings(deps.sql, connection.tenant_id, connection.organization_id);
  const lock = linkLock(deps);
  for (const listed of await linkedSuppliers(deps.sql, connection, ids, by)) {
    if (!listed.host || !listed.vendor) continue;
    // One request at a time per link, here and in other replicas: reading, planning, writing to QuickBooks
    // and storing the new baseline must not interleave, or an older value written first looks like a
    // QuickBooks edit to a newer one planned against the old baseline, and the policy may let it win.
    // The link is read again once held, so the decision starts from what the previous holder stored.
    await lock.run(`field-sync:${connection.id}:suppliers:${listed.host_id}`, async () => {
      const [link] = await linkedSuppliers(deps.sql, connection, [listed.host_id], 'host');
      if (link?.host && link.vendor) await syncLink(link as LinkedSupplier & { host: HostRecord; vendor: Record<string, any> });
    });
  }
  return totals;

  /** The answer for a record a later request replaced: that request writes its values; this one wrote nothing. */
  function unchanged(link: LinkedSupplier): FieldSyncOutcome {
    return { connection_id: connection.id, host_id: link.host_id, provider_id: link.provider_id, status: 'unchanged', pushed: [], reported: [], conflicts: [], refused: [] };
  }

  async function syncLink(link: LinkedSupplier & { host: HostRecord; vendor: Record<string, any> }): Promise<void> {
    const sent = options.sent?.get(link.host_id);
    if (sent && !sameFields(hostSupplierFields(sent), hostSupplierFields(link.host))) {
      // A later request replaced this record before its fields were written: that request writes its own
      // values and says so. This one wrote nothing, and answers so, rather than claim the later values.
      totals.outcomes.push(unchanged(link));
      return;
    }
    if (!link.field_baseline) {
      await initialiseBaselines(deps.sql, connection, 'suppliers', [link.host_id]);
      return;
    }
    const baseline = link.field_baseline;
    let vendor = link.vendor;
    const log: { field: string; action: string; host: string | null; quickbooks: string | null; winner: string | null; fault?: ProviderFault }[] = [];
    const refused: Refusal[] = [];
    let pushed: SupplierField[] = [];
    let skipped = false;
    let superseded = false;
    let plan = planFor({ field_baseline: baseline, host: link.host, host_updated_at: link.host_updated_at }, vendor, settings.field_conflict_policy);
    if (settings.read_only) {
      // Keep the old baseline for these fields, so the change is written if the organization allows writes later.
      for (const field of Object.keys(plan.push) as SupplierField[]) {
        log.push({ field, action: 'skipped_read_only', host: plan.push[field] ?? null, quickbooks: null, winner: null });
        plan.baseline.host[field] = baseline.host[field];
        plan.baseline.provider[field] = baseline.provider[field];
        skipped = true;
      }
    } else {
      let reread = false;
      for (let pending = writable(plan.push, vendor, refused); Object.keys(pending).length > 0; ) {
        try {
          vendor = (await caller.call((api) => api.post<{ Vendor: Record<string, any> }>('vendor', vendorSparseUpdate(vendor, pending)))).Vendor;
        } catch (error) {
          if (propagates(error)) throw error;
          const fault = error as QboError;
          if (fault.category === 'conflict' && !reread) {
            // Our copy was stale: someone changed the vendor in QuickBooks. Re-read it and decide again, so
            // the policy (not the order of events) settles a conflict.
            reread = true;
            try {
              vendor = (await caller.call((api) => api.get<{ Vendor: Record<string, any> }>(`vendor/${encodeURIComponent(String(vendor.Id))}`))).Vendor;
            } catch (again) {
              // The vendor cannot be read back (gone, 610): nothing of this record can be written now.
              if (propagates(again)) throw again;
              for (const each of Object.keys(pending) as SupplierField[]) refused.push({ field: each, fault: faultOf(again as QboError, each) });
              pending = {};
              continue;
            }
            await upsertRecords(deps.sql, connection.id, 'Vendor', [vendor]);
            // The vendor changed under us, perhaps by a later request for this same record that wrote first:
            // deciding again with our older host values would overwrite its newer ones. If the host record was
            // replaced since this request stored it, that request's answer covers it; this one writes nothing.
            if (sent) {
              const [fresh] = await linkedSuppliers(deps.sql, connection, [link.host_id], 'host');
              if (fresh?.host && !sameFields(hostSupplierFields(sent), hostSupplierFields(fresh.host))) {
                superseded = true;
                break;
              }
            }
            plan = planFor({ field_baseline: baseline, host: link.host, host_updated_at: link.host_updated_at }, vendor, settings.field_conflict_policy);
            pending = writable(plan.push, vendor, refused);
            continue;
          }
          // A refusal naming one of several fields: drop that field and write the others.
          const field = supplierFieldOf(fault.field ?? '');
          const blamed = field && field in pending && Object.keys(pending).length > 1 ? [field] : (Object.keys(pending) as SupplierField[]);
          for (const each of blamed) {
            refused.push({ field: each, fault: faultOf(fault, each) });
            delete pending[each];
          }
          continue;
        }
        await upsertRecords(deps.sql, connection.id, 'Vendor', [vendor]);
        pushed = Object.keys(pending) as SupplierField[];
        plan.baseline.provider = vendorSupplierFields(vendor);
        for (const field of pushed) log.push({ field, action: 'pushed', host: pending[field] ?? null, quickbooks: null, winner: 'host' });
        break;
      }
    }
    if (superseded) {
      totals.outcomes.push(unchanged(link));
      return;
    }
    const current = vendorSupplierFields(vendor);
    for (const { field, fault } of refused) {
      // The host's change stays pending and QuickBooks' value stays the one it last agreed to: the next
      // sync tries again, and a later QuickBooks edit of this field is still seen as a change.
      plan.baseline.host[field] = baseline.host[field];
      plan.baseline.provider[field] = baseline.provider[field];
      log.push({ field, action: 'refused', host: plan.push[field] ?? hostSupplierFields(link.host)[field], quickbooks: current[field], winner: null, fault });
    }
    for (const conflict of plan.conflicts) log.push({ field: conflict.field, action: 'conflict', host: conflict.host, quickbooks: conflict.quickbooks, winner: conflict.winner });

    await deps.sql.begin(async (tx) => {
      if (Object.keys(plan.report).length > 0) {
        await recordEvent(tx, {
          tenantId: connection.tenant_id,
          organizationId: connection.organization_id,
          connectionId: connection.id,
          type: 'supplier.updated',
          data: { host_id: link.host_id, provider_id: link.provider_id, changes: plan.report },
        });
        for (const [field, change] of Object.entries(plan.report)) log.push({ field, action: 'reported', host: null, quickbooks: change?.to ?? null, winner: 'quickbooks' });
      }
      for (const entry of log) {
        await tx`insert into field_sync_log (connection_id, host_id, provider_id, field, action, host_value, quickbooks_value, winner, policy, fault)
          values (${connection.id}, ${link.host_id}, ${link.provider_id}, ${entry.field}, ${entry.action}, ${entry.host}, ${entry.quickbooks}, ${entry.winner}, ${settings.field_conflict_policy}, ${entry.fault ? tx.json(entry.fault as never) : null})`;
      }
      await tx`update party_links set field_baseline = ${tx.json(plan.baseline as never)}
        where connection_id = ${connection.id} and kind = 'suppliers' and host_id = ${link.host_id} and removed_at is null`;
    });
    const reported = Object.keys(plan.report);
    if (pushed.length > 0) totals.pushed += 1;
    if (reported.length > 0) totals.reported += 1;
    if (refused.length > 0) totals.failed += 1;
    totals.conflicts += plan.conflicts.length;
    totals.outcomes.push({
      connection_id: connection.id,
      host_id: link.host_id,
      provider_id: link.provider_id,
      status: refused.length > 0 ? (pushed.length > 0 ? 'partly_refused' : 'refused') : skipped ? 'skipped_read_only' : pushed.length + reported.length + plan.conflicts.length > 0 ? 'synced' : 'unchanged',
      pushed,
      reported,
      conflicts: plan.conflicts.map((conflict) => conflict.field),
      refused: refused.map((refusal) => refusal.fault),
    });
  }
}

const linkLocks = new WeakMap<Deps, KeyedLock>();

/** The per-link lock of this app (each test app stands for a replica, so each has its own queue). */
function linkLock(deps: Deps): KeyedLock {
  let lock = linkLocks.get(deps);
  if (!lock) {
    lock = new KeyedLock(deps.sql, { onTimeout: (key, waitedMs) => deps.logger.warn('field sync went on without the link lock: another replica held it too long', { key, waited_ms: waitedMs }) });
    linkLocks.set(deps, lock);
  }
  return lock;
}

const sameFields = (a: SupplierFields, b: SupplierFields) => supplierFieldNames.every((field) => a[field] === b[field]);

/** The planned writes minus those already refused and those QuickBooks' documented limits would refuse. */
function writable(push: Partial<SupplierFields>, vendor: Record<string, any>, refused: Refusal[]): Partial<SupplierFields> {
  const pending: Partial<SupplierFields> = { ...push };
  for (const { field } of refused) delete pending[field];
  for (const issue of checkOutgoing('Vendor', vendorSparseUpdate(vendor, pending))) {
    const field = supplierFieldOf(issue.path);
    if (!field || !(field in pending) || refused.some((refusal) => refusal.field === field)) continue;
    refused.push({ field, fault: { category: 'validation', action: 'fix_record', field, quickbooks_field: issue.path, quickbooks_code: null, message: issue.message } });
    delete pending[field];
  }
  return pending;
}

function faultOf(error: QboError, field: SupplierField): ProviderFault {
  return {
    category: error.category,
    action: error.action,
    field,
    quickbooks_field: error.field,
    quickbooks_code: error.normalCode ?? null,
    message: describeQboFault(error, 'your supplier'),
  };
}

function planFor(link: { field_baseline: FieldBaseline; host: HostRecord; host_updated_at: Date | null }, vendor: Record<string, any>, policy: ConflictPolicy) {
  return planFieldSync({
    baseline: link.field_baseline,
    host: hostSupplierFields(link.host),
    provider: vendorSupplierFields(vendor),
    hostChangedAt: link.host_updated_at ?? new Date(0),
    providerChangedAt: new Date(vendor.MetaData?.LastUpdatedTime ?? 0),
    policy,
  });
}

async function linkedSuppliers(sql: Queryable, connection: Pick<ConnectionRow, 'id' | 'tenant_id' | 'organization_id'>, ids: string[], by: 'host' | 'provider'): Promise<LinkedSupplier[]> {
  return sql<LinkedSupplier[]>`
    select l.host_id, l.provider_id, l.field_baseline, h.data as host, h.updated_at as host_updated_at, r.data as vendor
    from party_links l
    left join host_records h on h.tenant_id = ${connection.tenant_id} and h.organization_id = ${connection.organization_id}
      and h.kind = 'suppliers' and h.host_id = l.host_id
    left join records r on r.connection_id = l.connection_id and r.type = 'Vendor' and r.external_id = l.provider_id and r.deleted_at is null
    where l.connection_id = ${connection.id} and l.kind = 'suppliers' and l.removed_at is null
      and ${by === 'host' ? sql`l.host_id` : sql`l.provider_id`} in ${sql(ids)}`;
}
