import { aggregationProblem, type AvailableData, type CreateMetric, type Metric, type MetricPreview } from '../../shared/api/metrics.ts';
import { withArticle } from '../../shared/text/article.ts';
import type { ConnectionRow } from '../connections/store.ts';
import type { Queryable } from '../db/client.ts';
import { newId } from '../db/ids.ts';
import { ApiError } from '../http/api-error.ts';
import { reportTotals, type Dataset } from './report.ts';
import { computeMetric, storeValues, wholePeriod, type MetricDefinitionRow, type MetricShape, type PartialReason, type PeriodValue } from './values.ts';

type Status = Metric['status'];

interface DatasetFacts {
  currency: string | null;
  fetched: boolean;
  /** dataset|basis → verified */
  verified: Map<string, boolean>;
}

async function facts(sql: Queryable, connectionId: string): Promise<DatasetFacts> {
  const rows = await sql<{ dataset: string; basis: string; verified: boolean; currency: string | null }[]>`
    select dataset, basis, bool_and(verified) as verified, max(currency) as currency from report_periods
    where connection_id = ${connectionId} group by dataset, basis`;
  const verified = new Map(rows.map((row) => [`${row.dataset}|${row.basis}`, row.verified]));
  // A refused answer (another basis, currency or range than asked) leaves its dataset unverified until one is accepted.
  const refused = await sql<{ dataset: string; basis: string }[]>`select distinct dataset, basis from report_refusals where connection_id = ${connectionId}`;
  for (const row of refused) verified.set(`${row.dataset}|${row.basis}`, false);
  return { currency: rows.find((row) => row.currency)?.currency ?? null, fetched: rows.length > 0, verified };
}

const statusOf = (connection: ConnectionRow, known: DatasetFacts): Status =>
  connection.status !== 'connected' ? 'stale' : known.fetched ? 'current' : 'not_imported';

const shapeOf = (input: { dataset: Dataset; line: string; include_sub_accounts: boolean; aggregation: MetricShape['aggregation']; period: MetricShape['period']; accounting_method: MetricShape['basis'] }): MetricShape => ({
  dataset: input.dataset,
  line: input.line,
  include_sub_accounts: input.include_sub_accounts,
  aggregation: input.aggregation,
  period: input.period,
  basis: input.accounting_method,
});

/** Which account classifications each report lists. */
const classificationsOf: Record<Dataset, readonly string[]> = { profit_and_loss: ['Revenue', 'Expense'], balance_sheet: ['Asset', 'Liability', 'Equity'] };

/**
 * A total must belong to the dataset; an account line must be an account of the company's chart (as last
 * synced: it may not have moved money yet) that the dataset's report lists. Anything else would read as zeros.
 */
async function checkLine(sql: Queryable, connectionId: string, dataset: Dataset, line: string, field = 'body.line'): Promise<void> {
  if (line.startsWith('total:')) {
    if (!(line in reportTotals[dataset])) throw new ApiError('invalid_request', `${field}: ${line} is not a total of ${dataset} (one of ${Object.keys(reportTotals[dataset]).join(', ')})`, { field });
    return;
  }
  if (!/^[1-9][0-9]{0,19}$/.test(line)) throw new ApiError('invalid_request', `${field}: ${JSON.stringify(line)} is neither a report total nor a QuickBooks account id`, { field });
  const [account] = await sql<{ classification: string | null }[]>`
    select data->>'Classification' as classification from records
    where connection_id = ${connectionId} and type = 'Account' and external_id = ${line} and deleted_at is null`;
  if (!account) throw new ApiError('invalid_request', `${field}: QuickBooks account ${line} is not in this company's chart of accounts`, { field });
  if (account.classification && !classificationsOf[dataset].includes(account.classification)) {
    throw new ApiError('invalid_request', `${field}: account ${line} is ${withArticle(`${account.classification} account`)}, which ${dataset === 'profit_and_loss' ? 'the Profit and Loss' : 'the Balance Sheet'} does not list`, { field });
  }
}

function toMetric(row: MetricDefinitionRow, values: PeriodValue[], connection: ConnectionRow, known: DatasetFacts): Metric {
  return {
    id: row.id,
    name: row.name,
    dataset: row.dataset,
    line: row.line,
    include_sub_accounts: row.include_sub_accounts,
    aggregation: row.aggregation,
    period: row.period,
    accounting_method: row.basis,
    currency: row.currency,
    connection_id: row.connection_id,
    created_at: row.created_at.toISOString(),
    status: statusOf(connection, known),
    verified: known.verified.get(`${row.dataset}|${row.basis}`) ?? true,
    values,
  };
}

async function storedValues(sql: Queryable, definition: Pick<MetricDefinitionRow, 'id' | 'period'>) {
  const rows = await sql<{ period: string; value: string; complete: boolean; to_date: string | null; months_from: string | null; months_to: string | null; partial: string[] }[]>`
    select period, value, complete, to_char(to_date, 'YYYY-MM-DD') as to_date, months_from, months_to, partial from metric_values where metric_id = ${definition.id} order by period`;
  return rows.map((row): PeriodValue => {
    // A row from before months and reasons were kept (rewritten at the next recompute): the whole period, and
    // the reason its completeness and to_date already give.
    const known = row.months_from !== null && row.months_to !== null;
    const partial = known ? (row.partial as PartialReason[]) : row.complete ? [] : row.to_date ? (['to_date'] as const) : (['months_missing'] as const);
    return {
      period: row.period,
      value: Number(row.value),
      complete: row.complete,
      to_date: row.to_date,
      months: known ? { from: row.months_from!, to: row.months_to! } : wholePeriod(definition.period, row.period),
      partial: [...partial],
    };
  });
}

/** Balances are points in time: adding month-end balances over a quarter or a year means nothing (shared rule). */
function checkAggregation(input: { dataset: Dataset; aggregation: MetricShape['aggregation']; period: MetricShape['period'] }, field: string): void {
  const problem = aggregationProblem(input);
  if (problem) throw new ApiError('invalid_request', `${field}: ${problem}`, { field });
}

export async function createMetric(sql: Queryable, connection: ConnectionRow, input: CreateMetric, createdBy: string | null, now: Date): Promise<Metric> {
  checkAggregation(input, 'body.aggregation');
  await checkLine(sql, connection.id, input.dataset, input.line);
  const known = await facts(sql, connection.id);
  if (input.currency && known.currency && input.currency !== known.currency) {
    throw new ApiError('invalid_request', `body.currency: the company reports in ${known.currency}; amounts are never converted, so a metric in ${input.currency} is refused`, { field: 'body.currency' });
  }
  const currency = input.currency ?? known.currency;
  if (!currency) throw new ApiError('invalid_request', 'body.currency: required until the company\'s reports have been imported (its currency is not known yet)', { field: 'body.currency' });
  const shape = shapeOf(input);
  const [row] = await sql<MetricDefinitionRow[]>`
    insert into metric_definitions (id, tenant_id, organization_id, connection_id, name, dataset, line, include_sub_accounts, aggregation, period, basis, currency, created_by)
    values (${newId('met')}, ${connection.tenant_id}, ${connection.organization_id}, ${connection.id}, ${input.name}, ${shape.dataset}, ${shape.line},
      ${shape.include_sub_accounts}, ${shape.aggregation}, ${shape.period}, ${shape.basis}, ${currency}, ${createdBy})
    returning *`;
  const values = await computeMetric(sql, connection.id, shape);
  await storeValues(sql, row!, values, now);
  return toMetric(row!, values, connection, known);
}

export async function listMetrics(sql: Queryable, connection: ConnectionRow): Promise<Metric[]> {
  const known = await facts(sql, connection.id);
  const rows = await sql<MetricDefinitionRow[]>`select * from metric_definitions where connection_id = ${connection.id} order by created_at, id`;
  return Promise.all(rows.map(async (row) => toMetric(row, await storedValues(sql, row), connection, known)));
}

export async function getMetric(sql: Queryable, connection: ConnectionRow, metricId: string): Promise<Metric | undefined> {
  const [row] = await sql<MetricDefinitionRow[]>`select * from metric_definitions where connection_id = ${connection.id} and id = ${metricId}`;
  return row ? toMetric(row, await storedValues(sql, row), connection, await facts(sql, connection.id)) : undefined;
}

export async function deleteMetric(sql: Queryable, connection: ConnectionRow, metricId: string): Promise<boolean> {
  const rows = await sql`delete from metric_definitions where connection_id = ${connection.id} and id = ${metricId} returning id`;
  return rows.length === 1;
}

/** The values a definition would have now (the component's live preview), without storing anything. */
export async function previewMetric(sql: Queryable, connection: ConnectionRow, input: Parameters<typeof shapeOf>[0], last: number): Promise<MetricPreview> {
  checkAggregation(input, 'query.aggregation');
  await checkLine(sql, connection.id, input.dataset, input.line, 'query.line');
  const known = await facts(sql, connection.id);
  const shape = shapeOf(input);
  const values = await computeMetric(sql, connection.id, shape);
  return { status: statusOf(connection, known), currency: known.currency, verified: known.verified.get(`${shape.dataset}|${shape.basis}`) ?? true, values: values.slice(-last) };
}

/** What the datasets hold: per dataset and basis the months, when fetched, and whether they add up; the account tree. */
export async function availableData(sql: Queryable, connection: ConnectionRow, windowMonths: number): Promise<AvailableData> {
  const known = await facts(sql, connection.id);
  type Differences = AvailableData['datasets'][number]['differences'];
  const periods = await sql<{ dataset: Dataset; basis: 'accrual' | 'cash'; first: Date | null; last: Date | null; count: number; fetched: Date | null; verified: boolean; differences: Differences }[]>`
    select dataset, basis, min(period) as first, max(period) as last, count(distinct period)::int as count, max(fetched_at) as fetched, bool_and(verified) as verified,
      coalesce(jsonb_agg(d) filter (where d is not null), '[]') as differences
    from report_periods left join lateral jsonb_array_elements(differences) d on true
    where connection_id = ${connection.id} group by dataset, basis`;
  const refusals = await sql<{ dataset: Dataset; basis: 'accrual' | 'cash'; differences: Differences }[]>`
    select dataset, basis, coalesce(jsonb_agg(d order by period), '[]') as differences
    from report_refusals, jsonb_array_elements(differences) d
    where connection_id = ${connection.id} group by dataset, basis`;
  const datasets: AvailableData['datasets'] = [];
  for (const dataset of ['profit_and_loss', 'balance_sheet'] as const) {
    for (const basis of ['accrual', 'cash'] as const) {
      const row = periods.find((candidate) => candidate.dataset === dataset && candidate.basis === basis);
      // Refusals first: why the latest answer was not stored matters more than an old line that did not add up.
      const refused = refusals.find((candidate) => candidate.dataset === dataset && candidate.basis === basis)?.differences ?? [];
      datasets.push({
        dataset,
        accounting_method: basis,
        first_period: row?.first ? row.first.toISOString().slice(0, 7) : null,
        last_period: row?.last ? row.last.toISOString().slice(0, 7) : null,
        periods: row ? Number(row.count) : 0,
        last_fetched_at: row?.fetched ? row.fetched.toISOString() : null,
        verified: (row?.verified ?? true) && refused.length === 0,
        differences: [...refused, ...(row?.differences ?? [])].slice(0, 50),
      });
    }
  }
  const accounts = await sql<{ id: string; dataset: Dataset; label: string; report_parent: string | null; data: Record<string, any> | null }[]>`
    select a.account_id as id, a.dataset, a.label, a.parent_id as report_parent, r.data
    from report_accounts a
    left join records r on r.connection_id = a.connection_id and r.type = 'Account' and r.external_id = a.account_id
    where a.connection_id = ${connection.id}
    order by a.dataset, coalesce(r.data->>'FullyQualifiedName', a.label)`;
  return {
    status: statusOf(connection, known),
    currency: known.currency,
    window_months: windowMonths,
    datasets,
    totals: (['profit_and_loss', 'balance_sheet'] as const).flatMap((dataset) => Object.entries(reportTotals[dataset]).map(([line, name]) => ({ line, name, dataset }))),
    accounts: accounts.map((row) => ({
      id: row.id,
      // The name QuickBooks holds now (mirrored Account), else the report's label: a rename shows the new name.
      name: String(row.data?.['Name'] ?? row.label),
      dataset: row.dataset,
      classification: typeof row.data?.['Classification'] === 'string' ? row.data['Classification'] : null,
      account_type: typeof row.data?.['AccountType'] === 'string' ? row.data['AccountType'] : null,
      parent_id: row.data ? (row.data['ParentRef']?.['value'] ?? null) : row.report_parent,
      active: row.data ? row.data['Active'] !== false : true,
    })),
  };
}
