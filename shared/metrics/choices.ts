// The choices a metric definition is made of and the rule between them, without zod: <metric-picker> offers what the
// API accepts by the same function, and the widget bundle must not pull zod in (shared/api/metrics.ts builds the
// schemas from these lists).

export const metricDatasets = ['profit_and_loss', 'balance_sheet'] as const;
export const metricBases = ['accrual', 'cash'] as const;
export const metricAggregations = ['sum', 'last', 'average'] as const;
export const metricPeriods = ['month', 'quarter', 'year', 'trailing_12_months'] as const;
export const metricPartialReasons = ['window_start', 'to_date', 'months_missing'] as const;

export type AggregationChoice = { dataset: (typeof metricDatasets)[number]; aggregation: (typeof metricAggregations)[number]; period: (typeof metricPeriods)[number] };
const spanWords: Record<(typeof metricPeriods)[number], string> = { month: 'a month', quarter: 'a quarter', year: 'a year', trailing_12_months: '12 months' };

/**
 * Why an aggregation does not fit the dataset and period, in plain words (null when it fits). Isomorphic: the BFF
 * refuses by it and <metric-picker> disables the choice by it, so what the picker offers is what the API accepts.
 */
export function aggregationProblem(choice: AggregationChoice): string | null {
  if (choice.dataset === 'balance_sheet' && choice.aggregation === 'sum' && choice.period !== 'month') {
    return `A Balance Sheet line is a balance at each month end: adding balances up over ${spanWords[choice.period]} means nothing. Use Last (closing balance) or Average.`;
  }
  return null;
}

