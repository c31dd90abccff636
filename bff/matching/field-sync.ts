import type { HostRecord, PartyKind } from '../../shared/api/matching.ts';
import type { ConnectionRow } from '../connections/store.ts';
import type { Deps } from '../context.ts';
import type { Queryable } from '../db/client.ts';
import { recordEvent } from '../events/record.ts';
import { getSettings } from '../organizations/store.ts';
import { QboError } from '../providers/qbo/faults.ts';
import { upsertRecords } from '../records/store.ts';
import type { ProviderCaller } from '../sync/provider-caller.ts';
import { hostSupplierFields, planFieldSync, vendorSparseUpdate, vendorSupplierFields, type ConflictPolicy, type FieldBaseline } from './supplier-fields.ts';

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
 * Two-way sync of the eight supplier fields for some linked suppliers (those whose host record or vendor
 * just changed): host edits are written to QuickBooks as sparse updates, QuickBooks edits are reported to
 * the host as a `supplier.updated` event with field-level diffs, and conflicts follow the organization's
 * policy. Every decision is logged. Returns counts for the caller to report.
 */
export async function syncSupplierFields(
  deps: Deps,
  connection: ConnectionRow,
  caller: ProviderCaller,
  ids: string[],
  by: 'host' | 'provider',
): Promise<{ pushed: number; reported: number; conflicts: number }> {
  const totals = { pushed: 0, reported: 0, conflicts: 0 };
  if (ids.length === 0) return totals;
  const settings = await getSettings(deps.sql, connection.tenant_id, connection.organization_id);
  for (const link of await linkedSuppliers(deps.sql, connection, ids, by)) {
    if (!link.host || !link.vendor) continue;
    if (!link.field_baseline) {
      await initialiseBaselines(deps.sql, connection, 'suppliers', [link.host_id]);
      continue;
    }
    const baseline = link.field_baseline;
    let vendor = link.vendor;
    const log: { field: string; action: string; host: string | null; quickbooks: string | null; winner: string | null }[] = [];
    let plan = planFor({ field_baseline: baseline, host: link.host, host_updated_at: link.host_updated_at }, vendor, settings.field_conflict_policy);
    for (let attempt = 0; ; attempt++) {
      const pushFields = Object.keys(plan.push) as (keyof typeof plan.push)[];
      if (pushFields.length === 0) break;
      if (settings.read_only) {
        // Keep the old baseline for these fields, so the change is written if the organization allows writes later.
        for (const field of pushFields) {
          log.push({ field, action: 'skipped_read_only', host: plan.push[field] ?? null, quickbooks: null, winner: null });
          plan.baseline.host[field] = baseline.host[field];
          plan.baseline.provider[field] = baseline.provider[field];
        }
        break;
      }
      try {
        vendor = (await caller.call((api) => api.post<{ Vendor: Record<string, any> }>('vendor', vendorSparseUpdate(vendor, plan.push)))).Vendor;
      } catch (error) {
        // Our copy was stale: someone changed the vendor in QuickBooks. Re-read it and decide again, so the
        // policy (not the order of events) settles a conflict.
        if (!(error instanceof QboError && error.kind === 'stale_object') || attempt > 0) throw error;
        vendor = (await caller.call((api) => api.get<{ Vendor: Record<string, any> }>(`vendor/${encodeURIComponent(String(vendor.Id))}`))).Vendor;
        await upsertRecords(deps.sql, connection.id, 'Vendor', [vendor]);
        plan = planFor({ field_baseline: baseline, host: link.host, host_updated_at: link.host_updated_at }, vendor, settings.field_conflict_policy);
        continue;
      }
      await upsertRecords(deps.sql, connection.id, 'Vendor', [vendor]);
      plan.baseline.provider = vendorSupplierFields(vendor);
      for (const field of pushFields) log.push({ field, action: 'pushed', host: plan.push[field] ?? null, quickbooks: null, winner: 'host' });
      totals.pushed += 1;
      break;
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
        totals.reported += 1;
      }
      for (const entry of log) {
        await tx`insert into field_sync_log (connection_id, host_id, provider_id, field, action, host_value, quickbooks_value, winner, policy)
          values (${connection.id}, ${link.host_id}, ${link.provider_id}, ${entry.field}, ${entry.action}, ${entry.host}, ${entry.quickbooks}, ${entry.winner}, ${settings.field_conflict_policy})`;
      }
      await tx`update party_links set field_baseline = ${tx.json(plan.baseline as never)}
        where connection_id = ${connection.id} and kind = 'suppliers' and host_id = ${link.host_id} and removed_at is null`;
    });
    totals.conflicts += plan.conflicts.length;
  }
  return totals;
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
