/**
 * Whether a report QuickBooks answered is the report that was asked for, read from its own Header: a report in
 * another accounting basis (QuickBooks falls back to the company's default basis when the method is not taken),
 * another currency, another date range or without month columns would otherwise be stored under the basis and
 * months of the request, silently wrong. Any mismatch refuses the whole answer.
 */
import type { Dataset } from './report.ts';

export interface ReportRequest {
  dataset: Dataset;
  /** YYYY-MM-DD, as sent in start_date / end_date. */
  start: string;
  end: string;
  /** As sent in accounting_method. */
  method: 'Accrual' | 'Cash';
}

export interface Mismatch {
  /** The header field that differs: 'Header.ReportBasis', 'Header.Currency', ... */
  field: string;
  expected: string;
  found: string;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const text = (value: unknown) => (value === undefined || value === null ? '(missing)' : String(value).slice(0, 60));

/**
 * The header facts that differ from the request. `currency` is the company's reporting currency as its earlier
 * answers gave it (null before the first one): the reports of one company never change currency, and metrics are
 * never converted, so an answer in another currency is refused rather than mixed in.
 */
export function headerMismatches(body: unknown, request: ReportRequest, currency: string | null): Mismatch[] {
  const header = obj(obj(body)['Header']);
  const expected: [string, string][] = [
    ['ReportName', request.dataset === 'profit_and_loss' ? 'ProfitAndLoss' : 'BalanceSheet'],
    ['ReportBasis', request.method],
    ['StartPeriod', request.start],
    ['EndPeriod', request.end],
    ['SummarizeColumnsBy', 'Month'],
  ];
  const mismatches: Mismatch[] = [];
  for (const [field, value] of expected) {
    if (header[field] !== value) mismatches.push({ field: `Header.${field}`, expected: value, found: text(header[field]) });
  }
  const found = header['Currency'];
  if (typeof found !== 'string' || !/^[A-Z]{3}$/.test(found)) mismatches.push({ field: 'Header.Currency', expected: currency ?? 'an ISO 4217 code', found: text(found) });
  else if (currency && found !== currency) mismatches.push({ field: 'Header.Currency', expected: currency, found });
  return mismatches;
}

/** One sentence for people: what QuickBooks answered instead of what was asked. */
export function describeMismatches(mismatches: readonly Mismatch[]): string {
  return `QuickBooks answered ${mismatches.map((m) => `${m.field.replace(/^Header\./, '')} ${m.found} where ${m.expected} was asked`).join('; ')}`;
}
