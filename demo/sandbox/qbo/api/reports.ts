import type { Company, Json } from '../company.ts';
import { formatDay, formatQboDateTime, parseDay } from '../qbo-time.ts';
import { faults } from './faults.ts';

interface AccountInfo {
  id: number;
  name: string;
  type: string;
  classification: string;
}

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
    if (template) list.push({ id, name: String(entity?.['Name'] ?? template.name), type: String(entity?.['AccountType'] ?? template.type), classification: String(entity?.['Classification'] ?? template.classification) });
  }
  for (const [id, entry] of company.overlayOf('Account')) {
    if (company.indexOf('Account', id) >= 0 || !entry.entity) continue;
    list.push({ id, name: String(entry.entity['Name'] ?? ''), type: String(entry.entity['AccountType'] ?? ''), classification: String(entry.entity['Classification'] ?? '') });
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

/** Net income (revenue minus expense, credit-positive) per period from the ledger. */
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
 * NetOperatingIncome, OtherIncome, OtherExpenses, NetOtherIncome, NetIncome).
 */
export function profitAndLoss(company: Company, query: Record<string, string>, nowMs: number): Json {
  const p = params(company, query);
  const list = accounts(company);
  const cols = periods(p.start, p.end, p.summarize);
  const byPeriod = cols.map((period) => profitAndLossTotals(company, list, period.from, period.to, p.basis));
  const group = (types: string[]) => list.filter((account) => types.includes(account.type) && byPeriod.some((totals) => (totals.get(account.id) ?? 0) !== 0));
  const sum = (accountsInGroup: AccountInfo[]) => byPeriod.map((totals) => accountsInGroup.reduce((total, account) => total + (totals.get(account.id) ?? 0), 0));
  const rowsOf = (accountsInGroup: AccountInfo[]) => accountsInGroup.map((account) => dataRow(account, byPeriod.map((totals) => totals.get(account.id) ?? 0)));

  const income = group(['Income']);
  const cogs = group(['Cost of Goods Sold']);
  const expenses = group(['Expense']);
  const otherIncome = group(['Other Income']);
  const otherExpenses = group(['Other Expense']);
  const gross = sum(income).map((value, i) => value - (sum(cogs)[i] ?? 0));
  const operating = gross.map((value, i) => value - (sum(expenses)[i] ?? 0));
  const other = sum(otherIncome).map((value, i) => value - (sum(otherExpenses)[i] ?? 0));
  const net = operating.map((value, i) => value + (other[i] ?? 0));

  const rows: Row[] = [section('Income', 'Income', rowsOf(income), sum(income))];
  if (cogs.length > 0) rows.push(section('COGS', 'Cost of Goods Sold', rowsOf(cogs), sum(cogs)));
  rows.push(summaryOnly('GrossProfit', 'Gross Profit', gross));
  rows.push(section('Expenses', 'Expenses', rowsOf(expenses), sum(expenses)));
  rows.push(summaryOnly('NetOperatingIncome', 'Net Operating Income', operating));
  if (otherIncome.length > 0) rows.push(section('OtherIncome', 'Other Income', rowsOf(otherIncome), sum(otherIncome)));
  if (otherExpenses.length > 0) rows.push(section('OtherExpenses', 'Other Expenses', rowsOf(otherExpenses), sum(otherExpenses)));
  rows.push(summaryOnly('NetOtherIncome', 'Net Other Income', other));
  rows.push(summaryOnly('NetIncome', 'Net Income', net));
  return { Header: header(company, 'ProfitAndLoss', p, nowMs), Columns: columns(cols), Rows: { Row: rows } };
}

/** BalanceSheet as of end_date: every posting up to then, with Retained Earnings and Net Income derived. */
export function balanceSheet(company: Company, query: Record<string, string>, nowMs: number): Json {
  const p = params(company, query);
  // Cash-basis balance sheets (AR/AP removed) are not modelled; say so in the header rather than mislabel figures.
  const p2 = { ...p, summarize: 'Total', basis: 'Accrual' as const };
  const list = accounts(company);
  const totals = company.ledger.totalsBetween(-1e9, p.end);
  const endDate = new Date(p.end * 86_400_000);
  const fiscalMonth = company.fiscalYearStartMonth();
  const fiscalYear = endDate.getUTCMonth() >= fiscalMonth ? endDate.getUTCFullYear() : endDate.getUTCFullYear() - 1;
  const fiscalStart = Math.floor(Date.UTC(fiscalYear, fiscalMonth, 1) / 86_400_000);
  const incomeMinusExpense = (from: number, to: number) => {
    const t = company.ledger.totalsBetween(from, to);
    return list.reduce((sum, account) => sum + (account.classification === 'Revenue' ? -(t.get(account.id) ?? 0) : account.classification === 'Expense' ? -(t.get(account.id) ?? 0) : 0), 0);
  };
  const netIncome = incomeMinusExpense(fiscalStart, p.end);
  const retained = incomeMinusExpense(-1e9, fiscalStart - 1);
  const value = (account: AccountInfo) => (account.classification === 'Asset' ? 1 : -1) * (totals.get(account.id) ?? 0);
  const pick = (types: string[]) => list.filter((account) => types.includes(account.type) && value(account) !== 0);
  const total = (items: AccountInfo[]) => items.reduce((sum, account) => sum + value(account), 0);
  const sectionOf = (group: string, title: string, items: AccountInfo[]) => section(group, title, items.map((account) => dataRow(account, [value(account)])), [total(items)]);

  const bank = pick(['Bank']);
  const ar = pick(['Accounts Receivable']);
  const otherCurrent = pick(['Other Current Asset']);
  const fixed = pick(['Fixed Asset', 'Other Asset']);
  const currentAssets = total(bank) + total(ar) + total(otherCurrent);
  const assets = currentAssets + total(fixed);
  const ap = pick(['Accounts Payable']);
  const cards = pick(['Credit Card']);
  const otherLiabilities = pick(['Other Current Liability']);
  const longTerm = pick(['Long Term Liability']);
  const currentLiabilities = total(ap) + total(cards) + total(otherLiabilities);
  const liabilities = currentLiabilities + total(longTerm);
  const equityAccounts = pick(['Equity']);
  const equity = total(equityAccounts) + retained + netIncome;

  const assetRows: Row[] = [
    section('CurrentAssets', 'Current Assets', [sectionOf('BankAccounts', 'Bank Accounts', bank), sectionOf('AR', 'Accounts Receivable', ar), sectionOf('OtherCurrentAssets', 'Other Current Assets', otherCurrent)], [currentAssets]),
    sectionOf('FixedAssets', 'Fixed Assets', fixed),
  ];
  const liabilityRows: Row[] = [
    section(
      'Liabilities',
      'Liabilities',
      [
        section('CurrentLiabilities', 'Current Liabilities', [sectionOf('AP', 'Accounts Payable', ap), sectionOf('CreditCards', 'Credit Cards', cards), sectionOf('OtherCurrentLiabilities', 'Other Current Liabilities', otherLiabilities)], [currentLiabilities]),
        sectionOf('LongTermLiabilities', 'Long-Term Liabilities', longTerm),
      ],
      [liabilities],
    ),
    section(
      'Equity',
      'Equity',
      [
        ...equityAccounts.map((account) => dataRow(account, [value(account)])),
        { ColData: [{ value: 'Retained Earnings' }, { value: fmt(retained) }], type: 'Data' },
        { ColData: [{ value: 'Net Income' }, { value: fmt(netIncome) }], type: 'Data', group: 'NetIncome' },
      ],
      [equity],
    ),
  ];
  return {
    Header: header(company, 'BalanceSheet', p2, nowMs),
    Columns: columns([{ title: 'Total', from: p.start, to: p.end }]),
    Rows: {
      Row: [
        section('TotalAssets', 'ASSETS', assetRows, [assets], 'TOTAL ASSETS'),
        section('TotalLiabilitiesAndEquity', 'LIABILITIES AND EQUITY', liabilityRows, [liabilities + equity], 'TOTAL LIABILITIES AND EQUITY'),
      ],
    },
  };
}

export const REPORTS: Record<string, (company: Company, query: Record<string, string>, nowMs: number) => Json> = {
  ProfitAndLoss: profitAndLoss,
  BalanceSheet: balanceSheet,
};

