/**
 * Reads a QuickBooks report (ProfitAndLoss or BalanceSheet with summarize_column_by=Month) in exactly the shape
 * the Reports API answers: Header, Columns.Column[], Rows.Row[] of Sections (Header, Rows, Summary, group) and Data
 * rows whose first ColData carries the account id. Amounts are keyed by account id, never by label; totals come
 * from Summary rows (a Section's Header cells are blank); the Total column is never read as a month. Every Section's
 * lines are checked against its Summary, and the P&L's derived rows against their parts, per month.
 */

export type Dataset = 'profit_and_loss' | 'balance_sheet';

export interface ReportAccount {
  id: string;
  label: string;
  /** The account whose Section the line sits in (a sub-account's parent), if any. */
  parentId: string | null;
  /** The report group the line sits under (Income, Expenses, BankAccounts, ...). */
  section: string;
}

export interface Difference {
  period: string;
  section: string;
  expected: string;
  found: string;
}

export interface ParsedReport {
  currency: string | null;
  /** First day of each month column, YYYY-MM-01, in column order. */
  periods: string[];
  /** Cents per month column, by line: an account id or a total ('total:revenue'). */
  lines: Map<string, number[]>;
  accounts: ReportAccount[];
  differences: Difference[];
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.map(obj) : []);
const colData = (row: unknown): Json[] => list(obj(row)['ColData']);

/** "1,234.56", "-12.00", "" → cents; anything else is a format QuickBooks does not send and fails the read. */
function cents(value: unknown): number {
  const text = String(value ?? '').replace(/,/g, '').trim();
  if (text === '') return 0;
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new ReportShapeError(`amount "${text.slice(0, 40)}" is not a number`);
  return Math.round(Number(text) * 100);
}

export class ReportShapeError extends Error {
  override name = 'ReportShapeError';
}

const monthStart = (year: number, month: number) => new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);

/** The months from StartPeriod to EndPeriod (which our requests always align to whole months). */
export function monthsBetween(start: string, end: string): string[] {
  const [sy, sm] = start.split('-').map(Number) as [number, number];
  const [ey, em] = end.split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let index = 0; sy * 12 + sm - 1 + index <= ey * 12 + em - 1 && index < 1200; index++) months.push(monthStart(sy, sm - 1 + index));
  return months;
}

/** P&L totals from the Summary of these top-level groups. */
const PROFIT_AND_LOSS_TOTALS: Record<string, string> = {
  Income: 'total:revenue',
  COGS: 'total:cost_of_sales',
  GrossProfit: 'total:gross_profit',
  Expenses: 'total:expenses',
  NetOperatingIncome: 'total:net_operating_income',
  OtherIncome: 'total:other_income',
  OtherExpenses: 'total:other_expenses',
  NetIncome: 'total:net_income',
};
const BALANCE_SHEET_TOTALS: Record<string, string> = {
  BankAccounts: 'total:cash',
  TotalAssets: 'total:assets',
  Liabilities: 'total:liabilities',
  Equity: 'total:equity',
};

/** The report totals a metric can track, per dataset, with their plain names. */
export const reportTotals: Record<Dataset, Record<string, string>> = {
  profit_and_loss: {
    'total:revenue': 'Total revenue',
    'total:cost_of_sales': 'Total cost of sales',
    'total:gross_profit': 'Gross profit',
    'total:expenses': 'Total expenses',
    'total:net_operating_income': 'Net operating income',
    'total:other_income': 'Total other income',
    'total:other_expenses': 'Total other expenses',
    'total:net_income': 'Net income',
  },
  balance_sheet: { 'total:cash': 'Cash (bank accounts)', 'total:assets': 'Total assets', 'total:liabilities': 'Total liabilities', 'total:equity': 'Total equity' },
};

/** P&L rows QuickBooks derives from other groups: [group, plus groups, minus groups]. */
const DERIVED: [string, string[], string[]][] = [
  ['GrossProfit', ['Income'], ['COGS']],
  ['NetOperatingIncome', ['GrossProfit'], ['Expenses']],
  ['NetOtherIncome', ['OtherIncome'], ['OtherExpenses']],
  ['NetIncome', ['NetOperatingIncome', 'NetOtherIncome'], []],
];

const money = (value: number) => (value / 100).toFixed(2);

export function parseReport(dataset: Dataset, body: unknown): ParsedReport {
  const report = obj(body);
  const header = obj(report['Header']);
  const expectedName = dataset === 'profit_and_loss' ? 'ProfitAndLoss' : 'BalanceSheet';
  if (header['ReportName'] !== undefined && header['ReportName'] !== expectedName) throw new ReportShapeError(`expected ${expectedName}, got ${String(header['ReportName'])}`);
  const start = String(header['StartPeriod'] ?? '');
  const end = String(header['EndPeriod'] ?? '');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !/^\d{4}-\d{2}-\d{2}$/.test(end)) throw new ReportShapeError('StartPeriod/EndPeriod missing');
  // A report summarized by Total has one column for the whole range: read as one period (its first month).
  const totalOnly = header['SummarizeColumnsBy'] === 'Total';
  const periods = totalOnly ? [`${start.slice(0, 7)}-01`] : monthsBetween(start, end);
  // Month columns are the Money columns other than the Total column (ColKey "total").
  const columns = list(obj(report['Columns'])['Column']);
  const moneyColumns: number[] = [];
  columns.forEach((column, index) => {
    const key = list(column['MetaData']).find((meta) => meta['Name'] === 'ColKey')?.['Value'];
    const isTotal = key === 'total' || column['ColTitle'] === 'Total';
    if (index > 0 && column['ColType'] === 'Money' && isTotal === totalOnly) moneyColumns.push(index);
  });
  const noData = list(header['Option']).some((option) => option['Name'] === 'NoReportData' && option['Value'] === 'true');
  if (moneyColumns.length !== periods.length && !(noData && moneyColumns.length === 0)) {
    throw new ReportShapeError(`${moneyColumns.length} month columns for ${periods.length} months (${start} to ${end})`);
  }
  const valuesOf = (cells: Json[]) => moneyColumns.map((index) => cents(cells[index]?.['value']));
  const zeros = () => periods.map(() => 0);

  const lines = new Map<string, number[]>();
  const accounts: ReportAccount[] = [];
  const differences: Difference[] = [];
  const groupTotals = new Map<string, number[]>();
  const add = (line: string, values: number[]) => {
    const current = lines.get(line) ?? zeros();
    lines.set(line, current.map((value, index) => value + (values[index] ?? 0)));
  };
  const check = (section: string, expected: number[], found: number[]) => {
    periods.forEach((period, index) => {
      if ((expected[index] ?? 0) !== (found[index] ?? 0)) differences.push({ period, section, expected: money(expected[index] ?? 0), found: money(found[index] ?? 0) });
    });
  };

  /** Walks rows; returns the sum of their amounts per month (Data values and Section summaries). */
  const walk = (rows: Json[], group: string, parentId: string | null, depth: number): number[] => {
    const sum = zeros();
    if (depth > 40) throw new ReportShapeError('sections nested too deep');
    for (const row of rows) {
      const own = row['group'] ? String(row['group']) : null;
      if (row['type'] === 'Data' || (row['ColData'] && !row['Rows'])) {
        const cells = colData(row);
        const values = valuesOf(cells);
        const id = cells[0]?.['id'];
        if (id !== undefined && id !== null && String(id) !== '') {
          add(String(id), values);
          // A parent's own amounts sit in its Section as a Data row with its own id: it is not its own sub-account.
          if (String(id) !== parentId) accounts.push({ id: String(id), label: String(cells[0]?.['value'] ?? ''), parentId, section: group });
        }
        values.forEach((value, index) => (sum[index]! += value));
        continue;
      }
      const sectionHeader = colData(row['Header']);
      const sectionId = sectionHeader[0]?.['id'];
      const childParent = sectionId !== undefined && sectionId !== null && String(sectionId) !== '' ? String(sectionId) : parentId;
      if (childParent !== parentId) accounts.push({ id: childParent!, label: String(sectionHeader[0]?.['value'] ?? ''), parentId, section: own ?? group });
      const children = list(obj(row['Rows'])['Row']);
      const inner = walk(children, own ?? group, childParent, depth + 1);
      const summaryCells = colData(row['Summary']);
      const label = String(summaryCells[0]?.['value'] ?? sectionHeader[0]?.['value'] ?? own ?? 'section');
      let total = inner;
      if (summaryCells.length > 0) {
        total = valuesOf(summaryCells);
        // A summary-only row (Gross Profit, Net Income) has no lines of its own to add up.
        if (children.length > 0 || !own) check(label, total, inner);
      }
      if (own) groupTotals.set(own, total);
      total.forEach((value, index) => (sum[index]! += value));
    }
    return sum;
  };
  walk(list(obj(report['Rows'])['Row']), '', null, 0);

  if (dataset === 'profit_and_loss') {
    for (const [group, plus, minus] of DERIVED) {
      const found = groupTotals.get(group);
      if (!found) continue;
      const expected = zeros().map((_, index) => plus.reduce((sum, part) => sum + (groupTotals.get(part)?.[index] ?? 0), 0) - minus.reduce((sum, part) => sum + (groupTotals.get(part)?.[index] ?? 0), 0));
      check(group, expected, found);
    }
  }
  for (const [group, line] of Object.entries(dataset === 'profit_and_loss' ? PROFIT_AND_LOSS_TOTALS : BALANCE_SHEET_TOTALS)) {
    lines.set(line, groupTotals.get(group) ?? zeros());
  }
  const currency = typeof header['Currency'] === 'string' ? header['Currency'] : null;
  return { currency, periods, lines, accounts, differences };
}
