import { afterEach, describe, expect, it } from 'vitest';
import { harness, q, US, type Harness } from '../../testing.ts';

type Json = Record<string, unknown>;
let h: Harness;
afterEach(() => h?.sandbox.close());

function section(report: Json, group: string): Json {
  return ((report['Rows'] as Json)['Row'] as Json[]).find((row) => row['group'] === group) as Json;
}

function summary(report: Json, group: string, column = 1): number {
  return Number((((section(report, group)['Summary'] as Json)['ColData'] as Json[])[column] as Json)['value']);
}

function salesCents(documents: Json[]): number {
  return documents
    .flatMap((document) => (document['Line'] as Json[]).filter((line) => line['DetailType'] === 'SalesItemLineDetail'))
    .reduce((sum, line) => sum + Math.round(Number(line['Amount']) * 100), 0);
}

describe('reports', () => {
  it('recognises income when paid on cash basis and when invoiced on accrual', async () => {
    h = harness();
    const { access_token: token } = await h.connect(US);
    const get = async (path: string) => (await (await h.api(token, US, path)).json()) as Json;
    const range = 'start_date=2000-01-01&end_date=2100-12-31';
    const accrual = await get(`reports/ProfitAndLoss?${range}&accounting_method=Accrual`);
    const cash = await get(`reports/ProfitAndLoss?${range}&accounting_method=Cash`);
    expect((cash['Header'] as Json)['ReportBasis']).toBe('Cash');
    const invoices = ((await get(q('SELECT * FROM Invoice MAXRESULTS 1000')))['QueryResponse'] as Json)['Invoice'] as Json[];
    const memos = ((await get(q('SELECT * FROM CreditMemo MAXRESULTS 1000')))['QueryResponse'] as Json)['CreditMemo'] as Json[];
    const paid = invoices.filter((invoice) => invoice['Balance'] === 0);
    expect(paid.length).toBeGreaterThan(0);
    expect(paid.length).toBeLessThan(invoices.length);
    expect(Math.round(summary(accrual, 'Income') * 100)).toBe(salesCents(invoices) - salesCents(memos));
    expect(Math.round(summary(cash, 'Income') * 100)).toBe(salesCents(paid) - salesCents(memos));
  });

  it('splits by month with month columns that add up to the total', async () => {
    h = harness();
    const { access_token: token } = await h.connect(US);
    const report = (await (await h.api(token, US, 'reports/ProfitAndLoss?start_date=2025-01-01&end_date=2025-06-30&summarize_column_by=Month')).json()) as Json;
    const columns = (report['Columns'] as Json)['Column'] as Json[];
    expect(columns.map((column) => column['ColTitle'])).toEqual(['', 'Jan 2025', 'Feb 2025', 'Mar 2025', 'Apr 2025', 'May 2025', 'Jun 2025', 'Total']);
    const months = [1, 2, 3, 4, 5, 6].map((column) => summary(report, 'NetIncome', column));
    expect(months.reduce((a, b) => a + b, 0)).toBeCloseTo(summary(report, 'NetIncome', 7), 2);
  });

  it('nests sub-accounts under their parent as QuickBooks does: a Section with the parent id, its own Data row, "Total <parent>"', async () => {
    h = harness();
    const { access_token: token } = await h.connect(US);
    const call = async (path: string, json?: unknown) => (await (await h.api(token, US, path, json === undefined ? {} : { method: 'POST', json })).json()) as Json;
    const accounts = ((await call(q("SELECT * FROM Account WHERE AccountType = 'Expense'")))['QueryResponse'] as Json)['Account'] as Json[];
    const banks = ((await call(q("SELECT * FROM Account WHERE AccountType = 'Bank'")))['QueryResponse'] as Json)['Account'] as Json[];
    const parent = String(accounts[0]!['Id']);
    const sub = (await call('account', { Name: 'Nested fuel', AccountType: 'Expense', ParentRef: { value: parent } }))['Account'] as Json;
    const spend = (account: string, amount: number) =>
      call('purchase', { PaymentType: 'Cash', AccountRef: { value: banks[0]!['Id'] }, TxnDate: '2025-03-10', Line: [{ Amount: amount, DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: { value: account } } }] });
    await spend(String(sub['Id']), 40);
    await spend(parent, 2);
    const report = await call('reports/ProfitAndLoss?start_date=2025-03-01&end_date=2025-03-31');
    const expenses = section(report, 'Expenses');
    const nested = ((expenses['Rows'] as Json)['Row'] as Json[]).find((row) => ((row['Header'] as Json | undefined)?.['ColData'] as Json[] | undefined)?.[0]?.['id'] === parent)!;
    expect(nested['type']).toBe('Section');
    const rows = (nested['Rows'] as Json)['Row'] as Json[];
    const own = rows.find((row) => (row['ColData'] as Json[])[0]!['id'] === parent)!;
    const child = rows.find((row) => (row['ColData'] as Json[])[0]!['id'] === String(sub['Id']))!;
    expect(Number((child['ColData'] as Json[])[1]!['value'])).toBe(40);
    const summary = (nested['Summary'] as Json)['ColData'] as Json[];
    expect(summary[0]!['value']).toBe(`Total ${String(accounts[0]!['Name'])}`);
    expect(Number(summary[1]!['value'])).toBeCloseTo(Number((own['ColData'] as Json[])[1]!['value']) + 40, 2);
  });

  it('gives a Balance Sheet at each month end with summarize_column_by=Month (no Total column), and a cash basis without A/R and A/P', async () => {
    h = harness();
    const { access_token: token } = await h.connect(US);
    const get = async (path: string) => (await (await h.api(token, US, path)).json()) as Json;
    const monthly = await get('reports/BalanceSheet?start_date=2025-01-01&end_date=2025-03-31&summarize_column_by=Month');
    expect(((monthly['Columns'] as Json)['Column'] as Json[]).map((column) => column['ColTitle'])).toEqual(['', 'Jan 2025', 'Feb 2025', 'Mar 2025']);
    const bankAt = (report: Json, column: number) => {
      const current = ((section(report, 'TotalAssets')['Rows'] as Json)['Row'] as Json[])[0] as Json;
      const bank = ((current['Rows'] as Json)['Row'] as Json[]).find((row) => row['group'] === 'BankAccounts')!;
      return Number((((bank['Summary'] as Json)['ColData'] as Json[])[column] as Json)['value']);
    };
    for (const [column, end] of [[1, '2025-01-31'], [3, '2025-03-31']] as const) {
      expect(bankAt(monthly, column)).toBeCloseTo(bankAt(await get(`reports/BalanceSheet?end_date=${end}`), 1), 2);
    }
    const cash = await get('reports/BalanceSheet?end_date=2025-03-31&accounting_method=Cash');
    expect((cash['Header'] as Json)['ReportBasis']).toBe('Cash');
    expect(JSON.stringify(cash)).not.toContain('"group":"AR"');
    expect(JSON.stringify(cash)).not.toContain('"group":"AP"');
    expect(bankAt(cash, 1)).toBeCloseTo(bankAt(monthly, 3), 2);
  });
});

