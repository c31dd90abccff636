import type { Queryable } from '../db/client.ts';
import { recordEvent } from '../events/record.ts';
import { fetchedToDate, type Basis } from './datasets.ts';
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

/**
 * Why a value does not cover its whole period: window_start (the period began before the first month the
 * datasets hold, so its earlier months are not in it: a first quarter of "Dec only"), to_date (a month was not over
 * when fetched, or months of the period are still to come), months_missing (months inside the window not fetched).
 */
export type PartialReason = 'window_start' | 'to_date' | 'months_missing';
export const partialReasons: readonly PartialReason[] = ['window_start', 'to_date', 'months_missing'];

export interface PeriodValue {
  period: string;
  value: number;
  /** false while some month of the period is not fetched yet, still to come, or was not over when fetched. */
  complete: boolean;
  /**
   * YYYY-MM-DD when the period was not over at the fetch: the value runs to that day (a Balance Sheet line is the
   * balance as of that day, not at the month end); null when every month was fetched after it ended.
   */
  to_date: string | null;
  /** The first and last month (YYYY-MM) the value is made of. */
  months: { from: string; to: string };
  /** Why it is not the whole period (empty when complete). */
  partial: PartialReason[];
}

/** One month of a line: its amount, and the day it runs to when the month was not over at the fetch. */
export interface MonthFigure {
  cents: number;
  toDate: string | null;
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

/**
 * The line's value for every fetched month (YYYY-MM → figure), sub-accounts added when asked. A month fetched
 * before it was over (the current month) runs to the day of that fetch: QuickBooks had nothing later yet.
 */
export async function monthlySeries(sql: Queryable, connectionId: string, shape: MetricShape): Promise<Map<string, MonthFigure>> {
  const lines = !shape.line.startsWith('total:') && shape.include_sub_accounts ? await withSubAccounts(sql, connectionId, shape.line) : [shape.line];
  const rows = await sql<{ period: Date; fetched_at: Date; cents: string | null }[]>`
    select p.period, p.fetched_at, (select sum(c.cents) from report_cells c where c.connection_id = p.connection_id and c.dataset = p.dataset
        and c.basis = p.basis and c.period = p.period and c.line in ${sql(lines)}) as cents
    from report_periods p where p.connection_id = ${connectionId} and p.dataset = ${shape.dataset} and p.basis = ${shape.basis}
    order by p.period`;
  return new Map(
    rows.map((row) => {
      const key = month(row.period);
      return [key, { cents: Number(row.cents ?? 0), toDate: fetchedToDate(`${key}-01`, row.fetched_at) }];
    }),
  );
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

/** The latest day any of the months runs to (null when all were fetched after they ended). */
const toDateOf = (figures: MonthFigure[]) => figures.reduce<string | null>((latest, figure) => (figure.toDate && (!latest || figure.toDate > latest) ? figure.toDate : latest), null);

/** The months (YYYY-MM) a period is made of: a month, its quarter or year, or the twelve months ending it. */
function spanOf(period: MetricPeriod, key: string): string[] {
  if (period === 'month') return [key];
  if (period === 'trailing_12_months') return Array.from({ length: 12 }, (_, index) => addMonths(key, index - 11));
  const [year, m] = key.split('-').map(Number) as [number, number];
  const first = period === 'quarter' ? Math.floor((m - 1) / 3) * 3 + 1 : 1;
  return Array.from({ length: period === 'quarter' ? 3 : 12 }, (_, index) => addMonths(`${year}-${String(first).padStart(2, '0')}`, index));
}

/** The whole months of a period as the API names it (YYYY-MM, YYYY-Qn, YYYY; trailing 12 months by their last month). */
export function wholePeriod(period: MetricPeriod, name: string): { from: string; to: string } {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(name);
  const key = quarter ? `${quarter[1]}-${String(Number(quarter[2]) * 3 - 2).padStart(2, '0')}` : /^\d{4}$/.test(name) ? `${name}-01` : name;
  const span = spanOf(period, key);
  return { from: span[0]!, to: span.at(-1)! };
}

/**
 * Every period's value from the monthly series: calendar months, quarters, years, or trailing twelve months. A
 * period that includes a month not over at its fetch is incomplete and says the day it runs to ("to date"); one
 * that began before the first month held (the window's start) says so and which months it covers.
 */
export function periodValues(series: Map<string, MonthFigure>, shape: Pick<MetricShape, 'aggregation' | 'period'>): PeriodValue[] {
  const months = [...series.keys()].sort();
  const first = months[0];
  const last = months.at(-1);
  const result: PeriodValue[] = [];
  const toMoney = (cents: number) => Math.round(cents) / 100;
  const valueOf = (period: string, parts: string[], span: string[]): PeriodValue => {
    const figures = parts.map((part) => series.get(part)!);
    const toDate = toDateOf(figures);
    const missing = span.filter((part) => !series.has(part));
    const reasons = new Set<PartialReason>();
    if (missing.some((part) => part < first!)) reasons.add('window_start');
    if (toDate) reasons.add('to_date');
    // Months after the last one held are still to come when the period runs to date, else not fetched (yet).
    if (missing.some((part) => part > first! && (part < last! || !toDate))) reasons.add('months_missing');
    const partial = partialReasons.filter((reason) => reasons.has(reason));
    return {
      period,
      value: toMoney(aggregate(figures.map((figure) => figure.cents), shape.aggregation)),
      complete: partial.length === 0,
      to_date: toDate,
      months: { from: parts[0]!, to: parts.at(-1)! },
      partial,
    };
  };
  if (shape.period === 'month') return months.map((key) => valueOf(key, [key], [key]));
  if (shape.period === 'trailing_12_months') {
    for (const key of months) {
      const span = spanOf('trailing_12_months', key);
      if (span.every((part) => series.has(part))) result.push(valueOf(key, span, span));
    }
    return result;
  }
  const keyOf = (key: string) => {
    const [year, m] = key.split('-').map(Number) as [number, number];
    return shape.period === 'quarter' ? `${year}-Q${Math.floor((m - 1) / 3) + 1}` : String(year);
  };
  const groups = new Map<string, string[]>();
  for (const key of months) groups.set(keyOf(key), [...(groups.get(keyOf(key)) ?? []), key]);
  for (const [period, parts] of groups) result.push(valueOf(period, parts, spanOf(shape.period, parts[0]!)));
  return result;
}

export async function computeMetric(sql: Queryable, connectionId: string, shape: MetricShape): Promise<PeriodValue[]> {
  return periodValues(await monthlySeries(sql, connectionId, shape), shape);
}

export interface ValueChange {
  period: string;
  old: number | null;
  /** null when the period is no longer computed: its months left the window (the window shrank or moved on). */
  new: number | null;
  /** The day the new value runs to when its period is not over ("to date"), else null. */
  to_date: string | null;
}

/**
 * Recomputes every metric of a connection from the stored datasets; writes only the values that changed and
 * records one metric.updated event per metric that changed, with the old and new value of each period (new: null
 * for a period dropped from the window, as old: null is one that joined it).
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

/** What a stored value row holds (months and partial are null/empty on rows written before they were kept). */
interface StoredValue {
  period: string;
  value: string;
  complete: boolean;
  to_date: string | null;
  months_from: string | null;
  months_to: string | null;
  partial: string[];
}

const sameFacts = (before: StoredValue, value: PeriodValue) =>
  Number(before.value) === value.value &&
  before.complete === value.complete &&
  before.to_date === value.to_date &&
  before.months_from === value.months.from &&
  before.months_to === value.months.to &&
  before.partial.join() === value.partial.join();

/**
 * Upserts the values that differ from what is stored (in amount, completeness, the day they run to or the months
 * they cover), drops the periods no longer computed; returns the amount changes, a dropped period as new: null.
 */
export async function storeValues(sql: Queryable, definition: Pick<MetricDefinitionRow, 'id'>, values: PeriodValue[], now: Date): Promise<ValueChange[]> {
  const stored = await sql<StoredValue[]>`
    select period, value, complete, to_char(to_date, 'YYYY-MM-DD') as to_date, months_from, months_to, partial from metric_values where metric_id = ${definition.id}`;
  const old = new Map(stored.map((row) => [row.period, row]));
  const changes: ValueChange[] = [];
  for (const value of values) {
    const before = old.get(value.period);
    if (before && sameFacts(before, value)) continue;
    await sql`
      insert into metric_values (metric_id, period, value, complete, to_date, months_from, months_to, partial, computed_at)
      values (${definition.id}, ${value.period}, ${value.value.toFixed(2)}, ${value.complete}, ${value.to_date}, ${value.months.from}, ${value.months.to}, ${value.partial}::text[], ${now})
      on conflict (metric_id, period) do update set value = excluded.value, complete = excluded.complete, to_date = excluded.to_date,
        months_from = excluded.months_from, months_to = excluded.months_to, partial = excluded.partial, computed_at = excluded.computed_at`;
    if (!before || Number(before.value) !== value.value) changes.push({ period: value.period, old: before ? Number(before.value) : null, new: value.value, to_date: value.to_date });
  }
  // Periods the datasets no longer hold (the window shrank or moved on) are no longer kept current: never served as
  // if they were, and reported like any other change, so a consumer holding them learns they are gone.
  const gone = stored.filter((row) => !values.some((value) => value.period === row.period));
  if (gone.length > 0) await sql`delete from metric_values where metric_id = ${definition.id} and period in ${sql(gone.map((row) => row.period))}`;
  for (const row of gone) changes.push({ period: row.period, old: Number(row.value), new: null, to_date: null });
  return changes.sort((a, b) => a.period.localeCompare(b.period));
}
