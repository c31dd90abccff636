import type { Company, Json } from '../company.ts';
import { formatDay, formatQboDateTime, parseDay } from '../qbo-time.ts';
import { faults } from './faults.ts';

interface AccountInfo {
  id: number;
  name: string;
  type: string;
  classification: string;
  /** ParentRef of a sub-account: QuickBooks nests it under its parent in every report. */
  parentId: number | null;
}

const parentOf = (entity: Json | null | undefined): number | null => {
  const value = Number((entity?.['ParentRef'] as Json | undefined)?.['value']);
  return Number.isInteger(value) ? value : null;
};

type Row = Json;

const fmt = (cents: number) => (Math.round(cents) / 100).toFixed(2);

function accounts(company: Company): AccountInfo[] {
  const list: AccountInfo[] = [];
  const count = company.countOf('Account');
  for (let index = 0; index < count; index++) {
    const template = company.chart[index];
    const id = company.idOf('Account', index);
    const current = company.entry('Account', id);
    if (current && !current.entity) continue;
    const entity = current?.entity;
    if (template) list.push({ id, name: String(entity?.['Name'] ?? template.name), type: String(entity?.['AccountType'] ?? template.type), classification: String(entity?.['Classification'] ?? template.classification), parentId: parentOf(entity) });
  }
  for (const [id, entry] of company.overlayOf('Account')) {
    if (company.indexOf('Account', id) >= 0 || !entry.entity) continue;
    list.push({ id, name: String(entry.entity['Name'] ?? ''), type: String(entry.entity['AccountType'] ?? ''), classification: String(entry.entity['Classification'] ?? ''), parentId: parentOf(entry.entity) });
  }
  return list;
}

function dataRow(account: AccountInfo, values: number[]): Row {
  return { ColData: [{ value: account.name, id: String(account.id) }, ...values.map((value) => ({ value: fmt(value) }))], type: 'Data' };
}

function section(group: string, title: string, rows: Row[], totals: number[], summaryTitle = `Total ${title}`): Row {
  const blanks = totals.map(() => ({ value: '' }));
  return {
    Header: { ColData: [{ value: title }, ...blanks] },
    Rows: { Row: rows },
    Summary: { ColData: [{ value: summaryTitle }, ...totals.map((total) => ({ value: fmt(total) }))] },
    type: 'Section',
    group,
  };
}

function summaryOnly(group: string, title: string, totals: number[]): Row {
  return { Summary: { ColData: [{ value: title }, ...totals.map((total) => ({ value: fmt(total) }))] }, type: 'Section', group };
}

interface Period {
  title: string;
  from: number;
  to: number;
}

function periods(start: number, end: number, summarize: string): Period[] {
  if (summarize !== 'Month') return [{ title: 'Total', from: start, to: end }];
  const list: Period[] = [];
  let cursor = start;
  while (cursor <= end) {
    const date = new Date(cursor * 86_400_000);
    const nextMonth = Math.floor(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 86_400_000);
    const to = Math.min(end, nextMonth - 1);
    list.push({ title: `${date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${date.getUTCFullYear()}`, from: cursor, to });
    cursor = nextMonth;
  }
  list.push({ title: 'Total', from: start, to: end });
  return list;
}

interface ReportParams {
  start: number;
  end: number;
  basis: 'Accrual' | 'Cash';
  summarize: string;
}

type PeriodKind = 'Week' | 'Month' | 'Fiscal Quarter' | 'Fiscal Year' | 'Calendar Quarter' | 'Calendar Year';
const dayOfDate = (year: number, month: number, date: number) => Math.floor(Date.UTC(year, month, date) / 86_400_000);

/** First and last day of the period of `kind` containing `day`, moved by `shift` periods (-1 last, +1 next). */
function periodAround(company: Company, kind: PeriodKind, day: number, shift: number): [number, number] {
  if (kind === 'Week') {
    // QuickBooks weeks run Sunday to Saturday; 1970-01-01 (day 0) was a Thursday.
    const start = day - ((day + 4) % 7) + 7 * shift;
    return [start, start + 6];
  }
  const date = new Date(day * 86_400_000);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const months = kind === 'Month' ? 1 : kind.endsWith('Quarter') ? 3 : 12;
  const anchor = kind.startsWith('Fiscal') ? company.fiscalYearStartMonth() : 0;
  // Months since the anchor month that starts the containing period.
  const into = (((month - anchor) % 12) + 12) % 12 % months;
  const startMonth = month - into + shift * months;
  return [dayOfDate(year, startMonth, 1), dayOfDate(year, startMonth + months, 1) - 1];
}

/**
 * Intuit's report `date_macro` values (ProfitAndLoss, BalanceSheet ... "Predefined date range"): Today, Yesterday,
 * This/Last/Next Week|Month|Fiscal Quarter|Fiscal Year (and Calendar Quarter|Year), their "-to-date" forms, Next 4 Weeks.
 */
function macroRange(company: Company, macro: string, today: number): [number, number] | null {
  const text = macro.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text === 'today') return [today, today];
  if (text === 'yesterday') return [today - 1, today - 1];
  if (text === 'next 4 weeks') return [periodAround(company, 'Week', today, 1)[0], periodAround(company, 'Week', today, 4)[1]];
  const match = /^(this|last|next) (week|month|fiscal quarter|fiscal year|calendar quarter|calendar year)(-to-date)?$/.exec(text);
  if (!match) return null;
  const kind = (match[2] ?? 'month').replace(/\b\w/g, (letter) => letter.toUpperCase()) as PeriodKind;
  const shift = match[1] === 'last' ? -1 : match[1] === 'next' ? 1 : 0;
  const [start, end] = periodAround(company, kind, today, shift);
  if (!match[3]) return [start, end];
  if (shift === 1) return null;
  // "-to-date" runs from the period's start as far into it as today is into the current one.
  const elapsed = today - periodAround(company, kind, today, 0)[0];
  return [start, Math.min(end, start + elapsed)];
}

function params(company: Company, query: Record<string, string>): ReportParams {
  const today = company.today();
  const todayDate = new Date(today * 86_400_000);
  const fiscalMonth = company.fiscalYearStartMonth();
  const fiscalYear = todayDate.getUTCMonth() >= fiscalMonth ? todayDate.getUTCFullYear() : todayDate.getUTCFullYear() - 1;
  const fiscalStart = Math.floor(Date.UTC(fiscalYear, fiscalMonth, 1) / 86_400_000);
  let defaultStart = fiscalStart;
  let defaultEnd = today;
  if (query['date_macro']) {
    const range = macroRange(company, query['date_macro'], today);
    if (!range) throw faults.invalidField('date_macro', 'date_macro');
    [defaultStart, defaultEnd] = range;
  }
  // Explicit dates win over the macro, as Intuit documents date_macro for when start_date/end_date are not given.
  const start = query['start_date'] ? parseDay(query['start_date']) : defaultStart;
  const end = query['end_date'] ? parseDay(query['end_date']) : defaultEnd;
  if (start === null) throw faults.invalidField('start_date', 'start_date');
  if (end === null) throw faults.invalidField('end_date', 'end_date');
  const basis = query['accounting_method'] === 'Cash' ? 'Cash' : 'Accrual';
  return { start, end, basis, summarize: query['summarize_column_by'] ?? 'Total' };
}

function header(company: Company, name: string, p: ReportParams, nowMs: number): Json {
  return {
    Time: formatQboDateTime(nowMs, company.timeZone),
    ReportName: name,
    ReportBasis: p.basis,
    StartPeriod: formatDay(p.start),
    EndPeriod: formatDay(p.end),
    SummarizeColumnsBy: p.summarize === 'Month' ? 'Month' : 'Total',
    Currency: company.region.currency.value,
    Option: [
      { Name: 'AccountingStandard', Value: 'GAAP' },
      { Name: 'NoReportData', Value: 'false' },
    ],
  };
}

function columns(list: Period[]): Json {
  return {
    Column: [
      { ColTitle: '', ColType: 'Account', MetaData: [{ Name: 'ColKey', Value: 'account' }] },
      ...list.map((period) => ({ ColTitle: period.title, ColType: 'Money', MetaData: [{ Name: 'ColKey', Value: period.title === 'Total' ? 'total' : period.title } ] })),
    ],
  };
}

/**
 * The rows of one report section with sub-accounts nested as QuickBooks nests them: a parent with sub-accounts
 * becomes a Section (no group) whose Header names the parent with its id, whose Rows hold the parent's own amounts
 * as a Data row (when not zero) then its sub-accounts, and whose Summary is "Total <parent>". Accounts with nothing
 * in any column are left out. Returns the rows and the section's total per column.
 */
function accountRows(members: AccountInfo[], value: (account: AccountInfo, column: number) => number, columnCount: number): { rows: Row[]; totals: number[] } {
  const ids = new Set(members.map((account) => account.id));
  const childrenOf = new Map<number | null, AccountInfo[]>();
  for (const account of members) {
    const parent = account.parentId !== null && ids.has(account.parentId) ? account.parentId : null;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), account]);
  }
  const indexes = Array.from({ length: columnCount }, (_, column) => column);
  const node = (account: AccountInfo, depth: number): { row: Row; totals: number[] } | null => {
    const own = indexes.map((column) => value(account, column));
    const kids = depth > 20 ? [] : (childrenOf.get(account.id) ?? []).map((child) => node(child, depth + 1)).filter((kid) => kid !== null);
    const ownRow = own.some((cents) => cents !== 0) ? dataRow(account, own) : null;
    if (kids.length === 0) return ownRow ? { row: ownRow, totals: own } : null;
    const totals = indexes.map((column) => kids.reduce((sum, kid) => sum + (kid.totals[column] ?? 0), own[column] ?? 0));
    const row: Row = {
      Header: { ColData: [{ value: account.name, id: String(account.id) }, ...indexes.map(() => ({ value: '' }))] },
      Rows: { Row: [...(ownRow ? [ownRow] : []), ...kids.map((kid) => kid.row)] },
      Summary: { ColData: [{ value: `Total ${account.name}` }, ...totals.map((total) => ({ value: fmt(total) }))] },
      type: 'Section',
    };
    return { row, totals };
  };
  const roots = (childrenOf.get(null) ?? []).map((account) => node(account, 0)).filter((root) => root !== null);
  return { rows: roots.map((root) => root.row), totals: indexes.map((column) => roots.reduce((sum, root) => sum + (root.totals[column] ?? 0), 0)) };
}

/** Revenue and expense (credit-positive for revenue, debit-positive for expense) per account over a period. */
function profitAndLossTotals(company: Company, list: AccountInfo[], from: number, to: number, basis: 'Accrual' | 'Cash'): Map<number, number> {
  const totals = company.ledger.totalsBetween(from, to, basis);
  const result = new Map<number, number>();
  for (const account of list) {
    const debit = totals.get(account.id) ?? 0;
    if (account.classification === 'Revenue') result.set(account.id, -debit);
    if (account.classification === 'Expense') result.set(account.id, debit);
  }
  return result;
}

/**
 * ProfitAndLoss from the company's own postings, in QuickBooks' section layout (Income, COGS, GrossProfit, Expenses,
 * NetOperatingIncome, OtherIncome, OtherExpenses, NetOtherIncome, NetIncome), sub-accounts nested under parents.
 */
export function profitAndLoss(company: Company, query: Record<string, string>, nowMs: number): Json {
  const p = params(company, query);
  const list = accounts(company);
  const cols = periods(p.start, p.end, p.summarize);
  const byPeriod = cols.map((period) => profitAndLossTotals(company, list, period.from, period.to, p.basis));
  const group = (types: string[]) => accountRows(list.filter((account) => types.includes(account.type)), (account, column) => byPeriod[column]?.get(account.id) ?? 0, cols.length);

  const income = group(['Income']);
  const cogs = group(['Cost of Goods Sold']);
  const expenses = group(['Expense']);
  const otherIncome = group(['Other Income']);
  const otherExpenses = group(['Other Expense']);
  const gross = income.totals.map((value, i) => value - (cogs.totals[i] ?? 0));
  const operating = gross.map((value, i) => value - (expenses.totals[i] ?? 0));
  const other = otherIncome.totals.map((value, i) => value - (otherExpenses.totals[i] ?? 0));
  const net = operating.map((value, i) => value + (other[i] ?? 0));

  const rows: Row[] = [section('Income', 'Income', income.rows, income.totals)];
  if (cogs.rows.length > 0) rows.push(section('COGS', 'Cost of Goods Sold', cogs.rows, cogs.totals));
  rows.push(summaryOnly('GrossProfit', 'Gross Profit', gross));
  rows.push(section('Expenses', 'Expenses', expenses.rows, expenses.totals));
  rows.push(summaryOnly('NetOperatingIncome', 'Net Operating Income', operating));
  if (otherIncome.rows.length > 0) rows.push(section('OtherIncome', 'Other Income', otherIncome.rows, otherIncome.totals));
  if (otherExpenses.rows.length > 0) rows.push(section('OtherExpenses', 'Other Expenses', otherExpenses.rows, otherExpenses.totals));
  rows.push(summaryOnly('NetOtherIncome', 'Net Other Income', other));
  rows.push(summaryOnly('NetIncome', 'Net Income', net));
  return { Header: header(company, 'ProfitAndLoss', p, nowMs), Columns: columns(cols), Rows: { Row: rows } };
}

/** Balance-sheet columns: one "as of" date each (month ends with summarize_column_by=Month, else end_date). */
function balanceColumns(p: ReportParams): Period[] {
  if (p.summarize !== 'Month') return [{ title: 'Total', from: p.start, to: p.end }];
  return periods(p.start, p.end, 'Month').filter((period) => period.title !== 'Total');
}

/**
 * BalanceSheet as of end_date (or as of each month end with summarize_column_by=Month: balances do not add up over
 * time, so there is no Total column), with Retained Earnings and Net Income derived. On cash basis, income and
 * expense count when paid and Accounts Receivable / Accounts Payable drop out, as in QuickBooks.
 */
export function balanceSheet(company: Company, query: Record<string, string>, nowMs: number): Json {
  const p = params(company, query);
  const list = accounts(company);
  const cols = balanceColumns(p);
  const fiscalMonth = company.fiscalYearStartMonth();
  const onCash = p.basis === 'Cash';
  const incomeMinusExpense = (from: number, to: number) => {
    const t = company.ledger.totalsBetween(from, to, p.basis);
    return list.reduce((sum, account) => sum + (account.classification === 'Revenue' || account.classification === 'Expense' ? -(t.get(account.id) ?? 0) : 0), 0);
  };
  const perColumn = cols.map((column) => {
    const endDate = new Date(column.to * 86_400_000);
    const fiscalYear = endDate.getUTCMonth() >= fiscalMonth ? endDate.getUTCFullYear() : endDate.getUTCFullYear() - 1;
    const fiscalStart = Math.floor(Date.UTC(fiscalYear, fiscalMonth, 1) / 86_400_000);
    return { totals: company.ledger.totalsBetween(-1e9, column.to), netIncome: incomeMinusExpense(fiscalStart, column.to), retained: incomeMinusExpense(-1e9, fiscalStart - 1) };
  });
  const value = (account: AccountInfo, column: number) => (account.classification === 'Asset' ? 1 : -1) * (perColumn[column]?.totals.get(account.id) ?? 0);
  const cashDrops = new Set(onCash ? ['Accounts Receivable', 'Accounts Payable'] : []);
  const pick = (types: string[]) => accountRows(list.filter((account) => types.includes(account.type) && !cashDrops.has(account.type)), value, cols.length);
  const add = (...parts: number[][]) => cols.map((_, column) => parts.reduce((sum, part) => sum + (part[column] ?? 0), 0));
  const sectionOf = (group: string, title: string, part: { rows: Row[]; totals: number[] }) => section(group, title, part.rows, part.totals);

  const bank = pick(['Bank']);
  const ar = pick(['Accounts Receivable']);
  const otherCurrent = pick(['Other Current Asset']);
  const fixed = pick(['Fixed Asset', 'Other Asset']);
  const currentAssets = add(bank.totals, ar.totals, otherCurrent.totals);
  const assets = add(currentAssets, fixed.totals);
  const ap = pick(['Accounts Payable']);
  const cards = pick(['Credit Card']);
  const otherLiabilities = pick(['Other Current Liability']);
  const longTerm = pick(['Long Term Liability']);
  const currentLiabilities = add(ap.totals, cards.totals, otherLiabilities.totals);
  const liabilities = add(currentLiabilities, longTerm.totals);
  const equityAccounts = pick(['Equity']);
  const retained = perColumn.map((column) => column.retained);
  const netIncome = perColumn.map((column) => column.netIncome);
  const equity = add(equityAccounts.totals, retained, netIncome);
  const money = (values: number[]) => values.map((cents) => ({ value: fmt(cents) }));

  const currentAssetRows = [sectionOf('BankAccounts', 'Bank Accounts', bank), ...(onCash ? [] : [sectionOf('AR', 'Accounts Receivable', ar)]), sectionOf('OtherCurrentAssets', 'Other Current Assets', otherCurrent)];
  const currentLiabilityRows = [...(onCash ? [] : [sectionOf('AP', 'Accounts Payable', ap)]), sectionOf('CreditCards', 'Credit Cards', cards), sectionOf('OtherCurrentLiabilities', 'Other Current Liabilities', otherLiabilities)];
  const assetRows: Row[] = [section('CurrentAssets', 'Current Assets', currentAssetRows, currentAssets), sectionOf('FixedAssets', 'Fixed Assets', fixed)];
  const liabilityRows: Row[] = [
    section('Liabilities', 'Liabilities', [section('CurrentLiabilities', 'Current Liabilities', currentLiabilityRows, currentLiabilities), sectionOf('LongTermLiabilities', 'Long-Term Liabilities', longTerm)], liabilities),
    section(
      'Equity',
      'Equity',
      [...equityAccounts.rows, { ColData: [{ value: 'Retained Earnings' }, ...money(retained)], type: 'Data' }, { ColData: [{ value: 'Net Income' }, ...money(netIncome)], type: 'Data', group: 'NetIncome' }],
      equity,
    ),
  ];
  return {
    Header: header(company, 'BalanceSheet', p, nowMs),
    Columns: columns(cols),
    Rows: {
      Row: [
        section('TotalAssets', 'ASSETS', assetRows, assets, 'TOTAL ASSETS'),
        section('TotalLiabilitiesAndEquity', 'LIABILITIES AND EQUITY', liabilityRows, add(liabilities, equity), 'TOTAL LIABILITIES AND EQUITY'),
      ],
    },
  };
}

export const REPORTS: Record<string, (company: Company, query: Record<string, string>, nowMs: number) => Json> = {
  ProfitAndLoss: profitAndLoss,
  BalanceSheet: balanceSheet,
};

