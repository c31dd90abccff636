import { z } from 'zod';
import { Timestamp } from './common.ts';
import { metricAggregations, metricBases, metricDatasets, metricPartialReasons, metricPeriods } from '../metrics/choices.ts';

export { aggregationProblem, metricAggregations, metricBases, metricDatasets, metricPartialReasons, metricPeriods } from '../metrics/choices.ts';

export const MetricId = z.string().regex(/^met_[0-9a-f]{20}$/, 'must be a metric id such as met_…');

export const MetricDataset = z.enum(metricDatasets).meta({ description: 'profit_and_loss: QuickBooks Profit and Loss by month. balance_sheet: QuickBooks Balance Sheet at each month end.' });

/** What a metric tracks and how; the same object the component emits and the API stores. */
export const MetricShape = z.object({
  dataset: MetricDataset,
  line: z
    .string()
    .regex(/^(\d{1,20}|total:[a-z_]{1,40})$/, 'must be a QuickBooks account id such as 42 or a report total such as total:revenue')
    .meta({ description: 'A QuickBooks account id (kept when the account is renamed), or a report total: total:revenue, total:cost_of_sales, total:gross_profit, total:expenses, total:net_operating_income, total:other_income, total:other_expenses, total:net_income (profit_and_loss); total:cash, total:assets, total:liabilities, total:equity (balance_sheet).' }),
  include_sub_accounts: z.boolean().default(true).meta({ description: 'Add the amounts of the account\'s sub-accounts (at every depth). Ignored for totals.' }),
  aggregation: z.enum(metricAggregations).meta({ description: 'How months combine into a longer period: sum (flows such as revenue), last (balances such as cash), average.' }),
  period: z.enum(metricPeriods).meta({ description: 'Calendar month, calendar quarter, calendar year, or the trailing 12 months ending each month.' }),
  accounting_method: z.enum(metricBases).meta({ description: 'Always explicit: QuickBooks reports differ between accrual and cash basis.' }),
});

export const CreateMetric = MetricShape.extend({
  name: z.string().trim().min(1).max(120),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
    .optional()
    .meta({ description: 'The company\'s currency (the reports\' Currency); defaults to it, and any other is refused: amounts are never converted.' }),
})
  .strict()
  .meta({ id: 'CreateMetric' });
export type CreateMetric = z.infer<typeof CreateMetric>;

export const MetricValue = z
  .object({
    period: z.string().meta({ description: 'YYYY-MM (month; trailing 12 months ending that month), YYYY-Qn, or YYYY.' }),
    value: z.number().meta({ description: 'In the metric\'s currency, major units (2 decimals).' }),
    complete: z.boolean().meta({ description: 'false while some month of the period is still to come, not fetched, or was not over when fetched (see to_date).' }),
    to_date: z
      .string()
      .nullable()
      .meta({ description: 'YYYY-MM-DD when the period is not over (the current month, or a quarter, year or trailing 12 months that includes it): the value runs only to that day ("to date"), and a Balance Sheet line is the balance as of that day, not at the month end. null once every month of the period was fetched after it ended.' }),
    months: z
      .object({ from: z.string(), to: z.string() })
      .meta({ description: 'The first and last month (YYYY-MM) the value is made of. Less than the whole period when partial says why: a first quarter of the window may hold only its last month (from = to = YYYY-12: "Dec only").' }),
    partial: z
      .array(z.enum(metricPartialReasons))
      .meta({ description: 'Why the value is not the whole period; empty when complete. window_start: the period began before the first month of the organization\'s window, so its earlier months are not in it (see months). to_date: a month was not over when fetched, or months of the period are still to come (see to_date). months_missing: months inside the window are not fetched yet.' }),
  })
  .meta({ id: 'MetricValue' });

export const MetricStatus = z
  .enum(['not_imported', 'current', 'stale'])
  .meta({ description: 'not_imported: no report fetched yet. current: updated after each sync. stale: the connection is not connected; the last values are kept and stop updating until it is reconnected.' });

export const Metric = MetricShape.extend({
  id: MetricId,
  name: z.string(),
  currency: z.string(),
  connection_id: z.string(),
  created_at: Timestamp,
  status: MetricStatus,
  verified: z.boolean().meta({ description: 'false when a fetched month of its dataset did not add up to QuickBooks\' own totals (see available data).' }),
  values: z.array(MetricValue),
}).meta({ id: 'Metric' });
export type Metric = z.infer<typeof Metric>;

export const MetricList = z.object({ data: z.array(Metric) }).meta({ id: 'MetricList' });

export const PreviewQuery = MetricShape.extend({
  include_sub_accounts: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  last: z.coerce.number().int().min(1).max(60).default(12).meta({ description: 'How many of the latest periods to return.' }),
});

export const MetricPreview = z
  .object({ status: MetricStatus, currency: z.string().nullable(), verified: z.boolean(), values: z.array(MetricValue) })
  .meta({ id: 'MetricPreview' });
export type MetricPreview = z.infer<typeof MetricPreview>;

export const DatasetAvailability = z
  .object({
    dataset: MetricDataset,
    accounting_method: z.enum(metricBases),
    first_period: z.string().nullable(),
    last_period: z.string().nullable(),
    periods: z.number().int(),
    last_fetched_at: Timestamp.nullable(),
    verified: z.boolean(),
    differences: z
      .array(z.object({ period: z.string(), section: z.string(), expected: z.string(), found: z.string() }))
      .meta({ description: 'Where the account lines did not add up to the report\'s own total: month, section, the total QuickBooks printed, the sum of its lines.' }),
  })
  .meta({ id: 'DatasetAvailability' });

export const MetricAccount = z
  .object({
    id: z.string(),
    name: z.string(),
    dataset: MetricDataset,
    classification: z.string().nullable(),
    account_type: z.string().nullable(),
    parent_id: z.string().nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'MetricAccount' });

export const AvailableData = z
  .object({
    status: MetricStatus,
    currency: z.string().nullable(),
    window_months: z.number().int(),
    datasets: z.array(DatasetAvailability),
    totals: z.array(z.object({ line: z.string(), name: z.string(), dataset: MetricDataset })),
    accounts: z.array(MetricAccount).meta({ description: 'Accounts that appear in the datasets, with their tree (parent_id) so sub-accounts roll up.' }),
  })
  .meta({ id: 'AvailableMetricData' });
export type AvailableData = z.infer<typeof AvailableData>;
