import { defaultProblems, mappingContext, mappingProblems, planMappings, type MappingContext } from '../../shared/mapping/mapping-engine.ts';
import type { DefaultKey, HostStaff, MappingKind, Problem } from '../../shared/mapping/types.ts';
import type { Queryable } from '../db/client.ts';
import { recordEvent } from '../events/record.ts';
import { loadCompanyLists } from './lists.ts';
import { hostRecordsOf, type Owner } from './state.ts';
import { decidedHostIds, lockMappings, saveMappings, storedMappings } from './store.ts';

const sameProblems = (a: Problem[], b: Problem[]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * After a sync: every stored mapping is checked against QuickBooks as the sync left it. One that broke turns
 * "needs attention" (naming its problems) and a `mapping.invalidated` event tells the host, in the caller's
 * transaction; one fixed in QuickBooks (the code switched back on) is mapped again. Staff whose name and email
 * both match an employee are mapped automatically, once: never over a person's decision (an unmapping included)
 * nor to an employee another staff member has; any weaker match stays a suggestion.
 */
export async function revalidateMappings(tx: Queryable, connection: Owner): Promise<{ invalidated: number; restored: number; auto: number }> {
  const stored = await storedMappings(tx, connection.id);
  const staff = await hostRecordsOf(tx, connection, 'staff');
  if (stored.length === 0 && staff.length === 0) return { invalidated: 0, restored: 0, auto: 0 };
  const context = mappingContext(await loadCompanyLists(tx, connection.id));
  const hosts = new Map<string, Map<string, unknown>>();
  const hostOf = async (kind: MappingKind, id: string) => {
    if (!hosts.has(kind)) hosts.set(kind, new Map((await hostRecordsOf(tx, connection, kind)).map((host) => [host.id, host])));
    return hosts.get(kind)!.get(id);
  };
  let invalidated = 0;
  let restored = 0;
  for (const record of stored) {
    const target = { type: record.target_type as never, id: record.target_id };
    let problems: Problem[];
    if (record.kind === 'defaults') problems = defaultProblems(context, record.host_id as DefaultKey, record.target_id);
    else {
      const host = await hostOf(record.kind, record.host_id);
      if (!host) continue; // the host no longer sends this record: nothing will be written with it
      problems = mappingProblems(context, record.kind, host as never, target);
    }
    if (problems.length > 0 && (record.status !== 'needs_attention' || !sameProblems(problems, record.problems))) {
      await tx`update mappings set status = 'needs_attention', problems = ${tx.json(problems as never)} where connection_id = ${connection.id} and kind = ${record.kind} and host_id = ${record.host_id}`;
      if (record.status === 'mapped') {
        invalidated++;
        await recordEvent(tx, {
          tenantId: connection.tenant_id,
          organizationId: connection.organization_id,
          connectionId: connection.id,
          type: 'mapping.invalidated',
          data: { kind: record.kind, host_id: record.host_id, target: { type: record.target_type, id: record.target_id, name: record.target_name }, problems },
        });
      }
    } else if (problems.length === 0 && record.status === 'needs_attention') {
      restored++;
      await tx`update mappings set status = 'mapped', problems = '[]' where connection_id = ${connection.id} and kind = ${record.kind} and host_id = ${record.host_id}`;
    }
  }
  const auto = await autoMapStaff(tx, connection, context, staff);
  return { invalidated, restored, auto };
}

/**
 * Maps staff whose name and email both match an employee, once: run after a sync and when the host posts its staff
 * (so they are mapped at once, not only after the next sync). Under the staff lock, so a person's save in between
 * is seen: a staff member with any mapping history (mapped, changed or unmapped by a person) is never auto-mapped,
 * and an employee already taken is never given twice.
 */
export async function autoMapStaff(tx: Queryable, connection: Owner, known?: MappingContext, hosts?: HostStaff[]): Promise<number> {
  const staff = hosts ?? (await hostRecordsOf(tx, connection, 'staff'));
  if (staff.length === 0) return 0;
  const context = known ?? mappingContext(await loadCompanyLists(tx, connection.id));
  await lockMappings(tx, connection.id, 'staff');
  const decided = await decidedHostIds(tx, connection.id, 'staff');
  const taken = new Set((await storedMappings(tx, connection.id, 'staff')).map((record) => record.target_id));
  const auto = planMappings(context, 'staff', staff, new Map())
    .rows.filter((row) => !decided.has(row.host.id) && row.suggestion?.confidence === 'auto' && !taken.has(row.suggestion.target.id))
    .map((row) => {
      taken.add(row.suggestion!.target.id);
      const employee = context.lists.employees.find((candidate) => String(candidate['Id']) === row.suggestion!.target.id);
      return { host_id: row.host.id, target: { type: 'Employee', id: row.suggestion!.target.id, name: String(employee?.['DisplayName'] ?? '') }, method: 'auto' as const };
    });
  if (auto.length > 0) await saveMappings(tx, connection.id, 'staff', auto, 'Ledgerlink (name and email match)');
  return auto.length;
}
