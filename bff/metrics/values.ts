import type { Queryable } from '../db/client.ts';
import { recordEvent } from '../events/record.ts';
import type { Basis } from './datasets.ts';
import type { Dataset } from './report.ts';

export type Aggregation = 'sum' | 'last' | 'average';
export type MetricPeriod = 'month' | 'quarter' | 'year' | 'trailing_12_months';

export interface MetricDefinitionRow {
  id: string;
  tenant_id: string;
  organization_id: string;
  connection_id: string;
  name: string;
  dataset: Dataset;
  line: string;
  include_sub_accounts: boolean;
  aggregation: Aggregation;
  period: MetricPeriod;
  basis: Basis;
  currency: string;
  created_by: string | null;
  created_at: Date;
}

export type MetricShape = Pick<MetricDefinitionRow, 'dataset' | 'line' | 'include_sub_accounts' | 'aggregation' | 'period' | 'basis'>;

export interface PeriodValue {
  period: string;
  value: number;
  /** false while some month of the period is not fetched yet (or still to come). */
  complete: boolean;
}

const month = (day: Date | string) => (typeof day === 'string' ? day : day.toISOString()).slice(0, 7);

/** The account and every account below it (ParentRef of the mirrored accounts, else the reports' nesting). */
export async function withSubAccounts(sql: Queryable, connectionId: string, accountId: string): Promise<string[]> {
  const rows = await sql<{ id: string; parent: string | null }[]>`
    select external_id as id, data->'ParentRef'->>'value' as parent from records where connection_id = ${connectionId} and type = 'Account'
    union all
    select account_id, parent_id from report_accounts a where connection_id = ${connectionId}
      and not exists (select 1 from records r where r.connection_id = a.connection_id and r.type = 'Account' and r.external_id = a.account_id)`;
  const children = new Map<string, string[]>();
  for (const row of rows) if (row.parent) children.set(row.parent, [...(children.get(row.parent) ?? []), row.id]);
  const found = new Set([accountId]);
  const queue = [accountId];
  while (queue.length > 0) for (const child of children.get(queue.shift()!) ?? []) if (!found.has(child)) (found.add(child), queue.push(child));
  return [...found];
}

/** The line's value for every fetched month (YYYY-MM → cents), sub-accounts added when asked. */
export async function monthlySeries(sql: Queryable, connectionId: string, shape: MetricShape): Promise<Map<string, number>> {
  const lines = !shape.line.startsWith('total:') && shape.include_sub_accounts ? await withSubAccounts(sql, connectionId, shape.line) : [shape.line];
  const rows = await sql<{ period: Date; cents: string | null }[]>`
    select p.period, (select sum(c.cents) from report_cells c where c.connection_id = p.connection_id and c.dataset = p.dataset
        and c.basis = p.basis and c.period = p.period and c.line in ${sql(lines)}) as cents
    from report_periods p where p.connection_id = ${connectionId} and p.dataset = ${shape.dataset} and p.basis = ${shape.basis}
    order by p.period`;
  return new Map(rows.map((row) => [month(row.period), Number(row.cents ?? 0)]));
}

const addMonths = (key: string, count: number) => {
  const [year, m] = key.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m - 1 + count, 1)).toISOString().slice(0, 7);
};

function aggregate(values: number[], aggregation: Aggregation): number {
  if (values.length === 0) return 0;
  if (aggregation === 'last') return values[values.length - 1]!;
  const sum = values.reduce((total, value) => total + value, 0);
  return aggregation === 'sum' ? sum : Math.round(sum / values.length);
}

/** Every period's value from the monthly series: calendar months, quarters, years, or trailing twelve months. */
export function periodValues(series: Map<string, number>, shape: Pick<MetricShape, 'aggregation' | 'period'>): PeriodValue[] {
  const months = [...series.keys()].sort();
  const result: PeriodValue[] = [];
  const toMoney = (cents: number) => Math.round(cents) / 100;
  if (shape.period === 'month') return months.map((key) => ({ period: key, value: toMoney(series.get(key)!), complete: true }));
  if (shape.period === 'trailing_12_months') {
    for (const key of months) {
      const span = Array.from({ length: 12 }, (_, index) => addMonths(key, index - 11));
      if (span.every((part) => series.has(part))) result.push({ period: key, value: toMoney(aggregate(span.map((part) => series.get(part)!), shape.aggregation)), complete: true });
    }
    return result;
  }
  const size = shape.period === 'quarter' ? 3 : 12;
  const keyOf = (key: string) => {
    const [year, m] = key.split('-').map(Number) as [number, number];
    return size === 3 ? `${year}-Q${Math.floor((m - 1) / 3) + 1}` : String(year);
  };
  const groups = new Map<string, string[]>();
  for (const key of months) groups.set(keyOf(key), [...(groups.get(keyOf(key)) ?? []), key]);
  for (const [period, parts] of groups) {
    result.push({ period, value: toMoney(aggregate(parts.map((part) => series.get(part)!), shape.aggregation)), complete: parts.length === size });
  }
  return result;
}

export async function computeMetric(sql: Queryable, connectionId: string, shape: MetricShape): Promise<PeriodValue[]> {
  return periodValues(await monthlySeries(sql, connectionId, shape), shape);
}

export interface ValueChange {
  period: string;
  old: number | null;
  new: number;
}

/**
 * Recomputes every metric of a connection from the stored datasets; writes only the values that changed and
 * records one metric.updated event per metric that changed, with the old and new value of each period.
 */
export async function recomputeMetrics(sql: Queryable, connectionId: string, now: Date): Promise<{ metrics: number; updated: number; events: number }> {
  const definitions = await sql<MetricDefinitionRow[]>`select * from metric_definitions where connection_id = ${connectionId} order by created_at, id`;
  let updated = 0;
  let events = 0;
  for (const definition of definitions) {
    const changes = await storeValues(sql, definition, await computeMetric(sql, connectionId, definition), now);
    updated += changes.length;
    if (changes.length === 0) continue;
    events += 1;
    await recordEvent(sql, {
      tenantId: definition.tenant_id,
      organizationId: definition.organization_id,
      connectionId,
      type: 'metric.updated',
      data: { metric_id: definition.id, name: definition.name, period_type: definition.period, currency: definition.currency, changes },
    });
  }
  return { metrics: definitions.length, updated, events };
}

/** Upserts the values that differ from what is stored; returns those changes. */
export async function storeValues(sql: Queryable, definition: Pick<MetricDefinitionRow, 'id'>, values: PeriodValue[], now: Date): Promise<ValueChange[]> {
  const stored = await sql<{ period: string; value: string; complete: boolean }[]>`select period, value, complete from metric_values where metric_id = ${definition.id}`;
  const old = new Map(stored.map((row) => [row.period, row]));
  const changes: ValueChange[] = [];
  for (const value of values) {
    const before = old.get(value.period);
    if (before && Number(before.value) === value.value && before.complete === value.complete) continue;
    await sql`
      insert into metric_values (metric_id, period, value, complete, computed_at) values (${definition.id}, ${value.period}, ${value.value.toFixed(2)}, ${value.complete}, ${now})
      on conflict (metric_id, period) do update set value = excluded.value, complete = excluded.complete, computed_at = excluded.computed_at`;
    if (!before || Number(before.value) !== value.value) changes.push({ period: value.period, old: before ? Number(before.value) : null, new: value.value });
  }
  return changes.sort((a, b) => a.period.localeCompare(b.period));
}
