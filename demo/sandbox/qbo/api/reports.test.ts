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
});
