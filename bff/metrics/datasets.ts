import type { ConnectionRow } from '../connections/store.ts';
import type { Queryable, Sql } from '../db/client.ts';
import { ProviderBudget, qboReportLimits, type BudgetLimits } from '../sync/budget.ts';
import { qboReportBudgetKey, type ProviderCaller } from '../sync/provider-caller.ts';
import { describeMismatches, headerMismatches, type Mismatch } from './answer-check.ts';
import { monthsBetween, parseReport, ReportShapeError, type Dataset, type ParsedReport } from './report.ts';

export type Basis = 'accrual' | 'cash';
export const datasets: readonly Dataset[] = ['profit_and_loss', 'balance_sheet'];
export const bases: readonly Basis[] = ['accrual', 'cash'];

/** Intuit advises report ranges of at most six months; each call asks for one such range with month columns. */
export const MAX_MONTHS_PER_CALL = 6;

/** Transactions that post to the ledger (a purchase order or time entry moves no figure). */
const POSTING_TYPES = ['Invoice', 'Bill', 'Payment', 'BillPayment', 'JournalEntry', 'Purchase', 'Deposit', 'CreditMemo', 'VendorCredit', 'SalesReceipt', 'RefundReceipt', 'Transfer'];

const monthOf = (day: Date | string) => `${(typeof day === 'string' ? day : day.toISOString()).slice(0, 7)}-01`;

/** The months of the window, oldest first, ending with the month of `now`. */
export function windowMonths(now: Date, months: number): string[] {
  const end = monthOf(now);
  const [year, month] = end.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(year, month - 1 - (months - 1), 1)).toISOString().slice(0, 10);
  return monthsBetween(start, end);
}

/** The first day of the month after `month` (YYYY-MM-01): the moment the month is over. */
function monthEnd(month: string): Date {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 1));
}

/**
 * When `month` (YYYY-MM-01) is over for every company: QuickBooks dates are the company's local days, and its time
 * zone is not known here, so the month counts as over only once its last day has ended in the westernmost zone a
 * supported region uses (Hawaii, UTC-10; 12 hours of margin). Until then a fetch of it is "to date".
 */
export function monthOverEverywhere(month: string): Date {
  return new Date(monthEnd(month).getTime() + 12 * 3_600_000);
}

/** The day a month's figures run to when fetched at `fetchedAt`, or null when the month was over by then. */
export function fetchedToDate(month: string, fetchedAt: Date): string | null {
  if (fetchedAt >= monthOverEverywhere(month)) return null;
  const day = fetchedAt.toISOString().slice(0, 10);
  const last = lastDay(month);
  return day < last ? day : last;
}

const lastDay = (month: string) => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
};

/** Contiguous months, cut into ranges of at most `size`: [first, last] month starts. */
export function ranges(months: readonly string[], size = MAX_MONTHS_PER_CALL): [string, string][] {
  const sorted = [...new Set(months)].sort();
  const result: [string, string][] = [];
  let run: string[] = [];
  const flush = () => {
    for (let index = 0; index < run.length; index += size) {
      const part = run.slice(index, index + size);
      result.push([part[0]!, part[part.length - 1]!]);
    }
    run = [];
  };
  for (const month of sorted) {
    const previous = run[run.length - 1];
    if (previous && monthsBetween(previous, month).length !== 2) flush();
    run.push(month);
  }
  flush();
  return result;
}

interface Touched {
  /** Months whose activity may have changed, per basis (cash basis moves income to the days it was paid). */
  accrual: Set<string>;
  cash: Set<string>;
}

/**
 * The months a sync's changes can move: the old and new date of every posting transaction stored since `since`
 * (deleted ones included), and on cash basis the dates of the payments that settle a changed invoice or bill.
 */
async function touchedMonths(sql: Queryable, connectionId: string, since: Date): Promise<Touched> {
  const rows = await sql<{ type: string; external_id: string; txn_date: Date | null; previous: Date | null }[]>`
    select r.type, r.external_id, r.txn_date, d.txn_date as previous
    from records r left join report_txn_dates d on d.connection_id = r.connection_id and d.type = r.type and d.external_id = r.external_id
    where r.connection_id = ${connectionId} and r.type in ${sql(POSTING_TYPES)} and r.updated_at >= ${since}`;
  const accrual = new Set<string>();
  for (const row of rows) for (const day of [row.txn_date, row.previous]) if (day) accrual.add(monthOf(day));
  const cash = new Set(accrual);
  const settled = rows.filter((row) => row.type === 'Invoice' || row.type === 'Bill').map((row) => `${row.type}:${row.external_id}`);
  if (settled.length > 0) {
    const payments = await sql<{ txn_date: Date }[]>`
      select distinct p.txn_date from records p,
        jsonb_array_elements(case when jsonb_typeof(p.data->'Line') = 'array' then p.data->'Line' else '[]'::jsonb end) line,
        jsonb_array_elements(case when jsonb_typeof(line->'LinkedTxn') = 'array' then line->'LinkedTxn' else '[]'::jsonb end) link
      where p.connection_id = ${connectionId} and p.type in ('Payment', 'BillPayment') and p.txn_date is not null
        and (link->>'TxnType') || ':' || (link->>'TxnId') in ${sql(settled)}`;
    for (const payment of payments) cash.add(monthOf(payment.txn_date));
  }
  return { accrual, cash };
}

/** Remembers the dates the datasets now account for (after the fetch, so a failed fetch is retried in full). */
async function rememberDates(sql: Queryable, connectionId: string, since: Date | null): Promise<void> {
  const changed = since ? sql`and updated_at >= ${since}` : sql``;
  await sql`
    delete from report_txn_dates d using records r
    where d.connection_id = ${connectionId} and r.connection_id = d.connection_id and r.type = d.type and r.external_id = d.external_id
      and r.deleted_at is not null ${since ? sql`and r.updated_at >= ${since}` : sql``}`;
  await sql`
    insert into report_txn_dates (connection_id, type, external_id, txn_date)
    select connection_id, type, external_id, txn_date from records
    where connection_id = ${connectionId} and type in ${sql(POSTING_TYPES)} and deleted_at is null ${changed}
    on conflict (connection_id, type, external_id) do update set txn_date = excluded.txn_date`;
}

export interface RefreshPlan {
  dataset: Dataset;
  basis: Basis;
  months: string[];
}

/**
 * What to fetch: months of the window never fetched (or whose last answer was refused), months fetched before they
 * were over (their figures were "to date"; once over they are fetched once more, in full), plus the months the
 * changes since `since` can touch (a P&L month only itself; a balance sheet every month end from the earliest
 * touched month on).
 */
export async function planRefresh(sql: Queryable, connectionId: string, window: readonly string[], since: Date | null, now: Date): Promise<{ plans: RefreshPlan[]; first: boolean }> {
  const fetched = await sql<{ dataset: Dataset; basis: Basis; period: Date; fetched_at: Date }[]>`
    select dataset, basis, period, fetched_at from report_periods where connection_id = ${connectionId}`;
  const refused = await sql<{ dataset: Dataset; basis: Basis; period: Date }[]>`
    select dataset, basis, period from report_refusals where connection_id = ${connectionId}`;
  const again = new Set(refused.map((row) => `${row.dataset}|${row.basis}|${monthOf(row.period)}`));
  for (const row of fetched) {
    const month = monthOf(row.period);
    if (fetchedToDate(month, row.fetched_at) !== null && monthOverEverywhere(month) <= now) again.add(`${row.dataset}|${row.basis}|${month}`);
  }
  const have = new Set(fetched.map((row) => `${row.dataset}|${row.basis}|${monthOf(row.period)}`));
  const touched = since && fetched.length > 0 ? await touchedMonths(sql, connectionId, since) : { accrual: new Set<string>(), cash: new Set<string>() };
  const plans: RefreshPlan[] = [];
  for (const dataset of datasets) {
    for (const basis of bases) {
      const months = new Set(window.filter((month) => !have.has(`${dataset}|${basis}|${month}`) || again.has(`${dataset}|${basis}|${month}`)));
      const hit = [...touched[basis]].sort();
      if (dataset === 'profit_and_loss') for (const month of hit) if (window.includes(month)) months.add(month);
      // A change moves every later balance: from the earliest touched month (or the window's start) on.
      if (dataset === 'balance_sheet' && hit.length > 0) for (const month of window) if (month >= hit[0]!) months.add(month);
      if (months.size > 0) plans.push({ dataset, basis, months: [...months].sort() });
    }
  }
  return { plans, first: fetched.length === 0 };
}

/** Stores one fetched range: its cells replace the old ones, its months say when and whether they add up. */
async function store(sql: Sql, connectionId: string, dataset: Dataset, basis: Basis, report: ParsedReport, now: Date): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`delete from report_cells where connection_id = ${connectionId} and dataset = ${dataset} and basis = ${basis} and period in ${tx(report.periods)}`;
    await tx`delete from report_refusals where connection_id = ${connectionId} and dataset = ${dataset} and basis = ${basis} and period in ${tx(report.periods)}`;
    const rows: { period: string; line: string; cents: string }[] = [];
    for (const [line, values] of report.lines) {
      values.forEach((cents, index) => {
        if (cents !== 0 || line.startsWith('total:')) rows.push({ period: report.periods[index]!, line, cents: String(cents) });
      });
    }
    if (rows.length > 0) {
      await tx`
        insert into report_cells (connection_id, dataset, basis, period, line, cents)
        select ${connectionId}, ${dataset}, ${basis}, period::date, line, cents::bigint
        from unnest(${tx.array(rows.map((row) => row.period))}::text[], ${tx.array(rows.map((row) => row.line))}::text[], ${tx.array(rows.map((row) => row.cents))}::text[]) as t(period, line, cents)`;
    }
    for (const period of report.periods) {
      const differences = report.differences.filter((difference) => difference.period === period);
      await tx`
        insert into report_periods (connection_id, dataset, basis, period, fetched_at, currency, verified, differences)
        values (${connectionId}, ${dataset}, ${basis}, ${period}, ${now}, ${report.currency}, ${differences.length === 0}, ${tx.json(differences as never)})
        on conflict (connection_id, dataset, basis, period) do update set fetched_at = excluded.fetched_at, currency = excluded.currency,
          verified = excluded.verified, differences = excluded.differences`;
    }
    const accounts = new Map(report.accounts.map((account) => [account.id, account]));
    for (const account of accounts.values()) {
      await tx`
        insert into report_accounts (connection_id, account_id, dataset, label, parent_id, section)
        values (${connectionId}, ${account.id}, ${dataset}, ${account.label}, ${account.parentId}, ${account.section})
        on conflict (connection_id, account_id) do update set dataset = excluded.dataset, label = excluded.label, parent_id = excluded.parent_id, section = excluded.section`;
    }
  });
}

/**
 * Records an answer that is not the report asked for: nothing of it is stored as figures (the months keep what was
 * last accepted, if anything), each month says why, and the next refresh asks again.
 */
async function refuse(sql: Queryable, connectionId: string, dataset: Dataset, basis: Basis, months: readonly string[], mismatches: readonly Mismatch[], now: Date): Promise<void> {
  const reason = describeMismatches(mismatches);
  for (const period of months) {
    const differences = mismatches.map((m) => ({ period, section: m.field, expected: m.expected, found: m.found }));
    await sql`
      insert into report_refusals (connection_id, dataset, basis, period, refused_at, reason, differences)
      values (${connectionId}, ${dataset}, ${basis}, ${period}, ${now}, ${reason}, ${sql.json(differences as never)})
      on conflict (connection_id, dataset, basis, period) do update set refused_at = excluded.refused_at, reason = excluded.reason, differences = excluded.differences`;
  }
}

/** The company's reporting currency as its accepted answers gave it (null before the first). */
async function knownCurrency(sql: Queryable, connectionId: string): Promise<string | null> {
  const [row] = await sql<{ currency: string | null }[]>`select max(currency) as currency from report_periods where connection_id = ${connectionId}`;
  return row?.currency ?? null;
}

/**
 * Months outside the window are no longer kept up to date, so they are dropped, never served as current: a
 * window that shrinks (or rolls into a new month) loses them, and one that grows again fetches them afresh.
 */
export async function dropOutsideWindow(sql: Queryable, connectionId: string, window: readonly string[]): Promise<void> {
  if (window.length === 0) return;
  const first = window[0]!;
  const last = window[window.length - 1]!;
  await sql`delete from report_cells where connection_id = ${connectionId} and (period < ${first}::date or period > ${last}::date)`;
  await sql`delete from report_periods where connection_id = ${connectionId} and (period < ${first}::date or period > ${last}::date)`;
  await sql`delete from report_refusals where connection_id = ${connectionId} and (period < ${first}::date or period > ${last}::date)`;
}

export interface RefreshResult {
  calls: number;
  fetched: { dataset: Dataset; basis: Basis; months: string[] }[];
  /** Ranges whose answer was not the report asked for, with why. */
  refused: { dataset: Dataset; basis: Basis; months: string[]; reason: string }[];
}

/**
 * Fetches what the plan needs, read-only, one report call per range of at most six months, each inside the
 * company's budget and its report budget (200 a minute), then remembers the transaction dates it covered.
 */
export async function refreshDatasets(
  sql: Sql,
  connection: ConnectionRow,
  caller: ProviderCaller,
  options: { now: Date; windowMonths: number; since: Date | null; reportLimits?: BudgetLimits; signal?: AbortSignal },
): Promise<RefreshResult> {
  const window = windowMonths(options.now, options.windowMonths);
  await dropOutsideWindow(sql, connection.id, window);
  const { plans, first } = await planRefresh(sql, connection.id, window, options.since, options.now);
  const reportBudget = new ProviderBudget(sql, qboReportBudgetKey(connection.external_id), options.reportLimits ?? qboReportLimits);
  const result: RefreshResult = { calls: 0, fetched: [], refused: [] };
  let currency = await knownCurrency(sql, connection.id);
  for (const plan of plans) {
    for (const [first, last] of ranges(plan.months)) {
      options.signal?.throwIfAborted();
      const query = {
        start_date: first,
        end_date: lastDay(last),
        accounting_method: plan.basis === 'cash' ? ('Cash' as const) : ('Accrual' as const),
        summarize_column_by: 'Month',
      };
      const body = await caller.call((api) => reportBudget.run(() => api.get<unknown>(`reports/${plan.dataset === 'profit_and_loss' ? 'ProfitAndLoss' : 'BalanceSheet'}`, query), options.signal));
      result.calls += 1;
      const mismatches = headerMismatches(body, { dataset: plan.dataset, start: query.start_date, end: query.end_date, method: query.accounting_method }, currency);
      let parsed: ParsedReport | undefined;
      if (mismatches.length === 0) {
        try {
          parsed = parseReport(plan.dataset, body);
        } catch (error) {
          // Columns that are not the months asked for (or rows in a shape QuickBooks does not send): refused, never misread.
          if (!(error instanceof ReportShapeError)) throw error;
          mismatches.push({ field: 'Columns', expected: `${monthsBetween(first, last).length} month columns`, found: error.message });
        }
      }
      if (parsed) {
        await store(sql, connection.id, plan.dataset, plan.basis, parsed, options.now);
        currency ??= parsed.currency;
      } else {
        const months = monthsBetween(first, last);
        await refuse(sql, connection.id, plan.dataset, plan.basis, months, mismatches, options.now);
        result.refused.push({ dataset: plan.dataset, basis: plan.basis, months, reason: describeMismatches(mismatches) });
      }
    }
    result.fetched.push(plan);
  }
  await rememberDates(sql, connection.id, first ? null : options.since);
  return result;
}
