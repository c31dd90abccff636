import type { MetricPreview } from '../../shared/api/metrics.ts';
import type { MetricDefinition } from './metric-picker.ts';

type Value = MetricPreview['values'][number];
type PeriodType = MetricDefinition['period'];

const utc = (key: string) => new Date(`${key.length === 4 ? `${key}-01` : key}-01T00:00:00Z`);
const format = (locale: string | undefined, options: Intl.DateTimeFormatOptions, key: string) => new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(utc(key));

/** A period as people read it, in their locale: "Nov 2026", "Q4 2026", "2026", "12 months to Nov 2026". */
export function periodName(period: string, type: PeriodType, locale: string | undefined): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarter) return `Q${quarter[2]} ${format(locale, { year: 'numeric' }, quarter[1]!)}`;
  if (/^\d{4}$/.test(period)) return format(locale, { year: 'numeric' }, period);
  const month = format(locale, { month: 'short', year: 'numeric' }, period);
  return type === 'trailing_12_months' ? `12 months to ${month}` : month;
}

/** "Dec", "Oct–Nov": the months a partial value holds (month names only; a partial period never spans two years). */
function monthSpan(months: Value['months'], locale: string | undefined): string {
  const name = (key: string) => format(locale, { month: 'short' }, key);
  return months.from === months.to ? name(months.from) : `${name(months.from)}–${name(months.to)}`;
}

/**
 * Why a value is not its whole period, in words for the preview, the chart's description and its legend (empty for
 * a complete one): "Dec only: the window starts in Dec 2024", "so far: to 14 Dec 2026" (a balance: "as of"),
 * "Jun–Nov (the window starts in Jun 2026), so far: to 18 Nov 2026".
 */
export function partialWords(value: Value, dataset: MetricDefinition['dataset'], locale: string | undefined): string {
  const parts: string[] = [];
  if (value.partial.includes('window_start')) {
    const start = format(locale, { month: 'short', year: 'numeric' }, value.months.from);
    const span = monthSpan(value.months, locale);
    parts.push(value.partial.includes('to_date') ? `${span} (the window starts in ${start})` : `${span} only: the window starts in ${start}`);
  }
  if (value.partial.includes('to_date') && value.to_date) {
    const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${value.to_date}T00:00:00Z`));
    parts.push(dataset === 'balance_sheet' ? `not over: as of ${day}` : `so far: to ${day}`);
  }
  if (value.partial.includes('months_missing')) parts.push('some months are not imported yet');
  return parts.join(', ');
}
