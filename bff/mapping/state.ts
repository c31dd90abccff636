import type { MappingState } from '../../shared/api/mappings.ts';
import { defaultKeys, type HostRecordOf, type MappingKind, type TargetRef } from '../../shared/mapping/types.ts';
import { defaultProblems, defaultTargets, mappingContext, planMappings, type MappingContext } from '../../shared/mapping/mapping-engine.ts';
import type { Queryable } from '../db/client.ts';
import { loadCompanyLists } from './lists.ts';
import { storedMappings, type MappingRecord } from './store.ts';

export interface Owner {
  id: string;
  tenant_id: string;
  organization_id: string;
}

export async function hostRecordsOf<K extends MappingKind>(sql: Queryable, connection: Owner, kind: K): Promise<HostRecordOf<K>[]> {
  const rows = await sql<{ data: HostRecordOf<K> }[]>`
    select data from host_records where tenant_id = ${connection.tenant_id} and organization_id = ${connection.organization_id} and kind = ${kind} order by host_id`;
  return rows.map((row) => row.data);
}

const refOf = (record: MappingRecord): TargetRef => ({ type: record.target_type as TargetRef['type'], id: record.target_id });

const present = (record: MappingRecord) => ({
  target: { type: record.target_type, id: record.target_id, name: record.target_name },
  method: record.method,
  version: record.version,
  updated_by: record.updated_by,
  updated_at: record.updated_at.toISOString(),
});

/** What the mapper shows: every host record with its mapping checked against the mirror, suggestions, choices and defaults. */
export async function mappingState<K extends MappingKind>(sql: Queryable, connection: Owner, kind: K, context?: MappingContext): Promise<MappingState> {
  const ctx = context ?? mappingContext(await loadCompanyLists(sql, connection.id));
  const [hosts, stored] = await Promise.all([hostRecordsOf(sql, connection, kind), storedMappings(sql, connection.id)]);
  const mine = new Map(stored.filter((record) => record.kind === kind).map((record) => [record.host_id, record]));
  const plan = planMappings(ctx, kind, hosts, new Map([...mine].map(([hostId, record]) => [hostId, refOf(record)])));
  const defaults = new Map(stored.filter((record) => record.kind === 'defaults').map((record) => [record.host_id, record]));
  const choices = defaultTargets(ctx);
  return {
    kind,
    mode: plan.mode,
    targets: plan.targets,
    rows: plan.rows.map((row) => {
      const record = mine.get(row.host.id);
      return { host: row.host as unknown as Record<string, unknown>, mapping: record ? present(record) : null, status: row.status, problems: row.problems, suggestion: row.suggestion, choices: row.choices };
    }),
    defaults: Object.fromEntries(
      defaultKeys.map((key) => {
        const record = defaults.get(key);
        return [key, { enabled: choices[key].enabled, value: record ? { id: record.target_id, name: record.target_name } : null, problems: defaultProblems(ctx, key, record?.target_id), targets: choices[key].targets }];
      }),
    ) as MappingState['defaults'],
  };
}
