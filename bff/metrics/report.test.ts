import { describe, expect, test } from 'vitest';
import { capturedJson } from '../../test/contracts/key-paths.ts';
import { describeMismatches, headerMismatches } from './answer-check.ts';
import { fetchedToDate, ranges, windowMonths } from './datasets.ts';
import { parseReport } from './report.ts';
import { periodValues } from './values.ts';

type Json = Record<string, any>;
/** A ProfitAndLoss Intuit answered (shared/contracts/qbo/captured-json): Total column, flat accounts. */
const captured = (): Json => structuredClone(capturedJson('captured-json/profit_and_loss.json')) as Json;

const cell = (value: string, id?: string) => (id ? { value, id } : { value });
const data = (name: string, id: string, ...values: string[]) => ({ ColData: [cell(name, id), ...values.map((v) => cell(v))], type: 'Data' });

/** Two months and a Total column; Automobile has a sub-account Fuel and its own amounts, as QuickBooks nests them. */
function monthly(fuelFeb = '30.00'): Json {
  const money = (title: string) => ({ ColTitle: title, ColType: 'Money', MetaData: [{ Name: 'ColKey', Value: title === 'Total' ? 'total' : title }] });
  return {
    Header: { ReportName: 'ProfitAndLoss', StartPeriod: '2026-01-01', EndPeriod: '2026-02-28', SummarizeColumnsBy: 'Month', Currency: 'GBP', Option: [{ Name: 'NoReportData', Value: 'false' }] },
    Columns: { Column: [{ ColTitle: '', ColType: 'Account' }, money('Jan 2026'), money('Feb 2026'), money('Total')] },
    Rows: {
      Row: [
        { type: 'Section', group: 'Income', Header: { ColData: [cell('Income'), cell(''), cell(''), cell('')] }, Rows: { Row: [data('Sales', '12', '1,000.00', '500.00', '1,500.00')] }, Summary: { ColData: [cell('Total Income'), cell('1000.00'), cell('500.00'), cell('1500.00')] } },
        { type: 'Section', group: 'GrossProfit', Summary: { ColData: [cell('Gross Profit'), cell('1000.00'), cell('500.00'), cell('1500.00')] } },
        {
          type: 'Section',
          group: 'Expenses',
          Header: { ColData: [cell('Expenses'), cell(''), cell(''), cell('')] },
          Rows: {
            Row: [
              {
                type: 'Section',
                Header: { ColData: [cell('Automobile', '17'), cell(''), cell(''), cell('')] },
                Rows: { Row: [data('Automobile', '17', '10.00', '20.00', '30.00'), data('Fuel', '40', '5.00', fuelFeb, '35.00')] },
                Summary: { ColData: [cell('Total Automobile'), cell('15.00'), cell('50.00'), cell('65.00')] },
              },
            ],
          },
          Summary: { ColData: [cell('Total Expenses'), cell('15.00'), cell('50.00'), cell('65.00')] },
        },
        { type: 'Section', group: 'NetOperatingIncome', Summary: { ColData: [cell('Net Operating Income'), cell('985.00'), cell('450.00'), cell('1435.00')] } },
        { type: 'Section', group: 'NetOtherIncome', Summary: { ColData: [cell('Net Other Income'), cell('0.00'), cell('0.00'), cell('0.00')] } },
        { type: 'Section', group: 'NetIncome', Summary: { ColData: [cell('Net Income'), cell('985.00'), cell('450.00'), cell('1435.00')] } },
      ],
    },
  };
}

describe('reading QuickBooks reports', () => {
  test('the captured ProfitAndLoss: accounts by id, totals from Summary rows, lines that add up', () => {
    const report = parseReport('profit_and_loss', captured());
    expect(report.periods).toEqual(['2025-01-01']);
    expect(report.currency).toBe('USD');
    expect(report.lines.get('277')).toEqual([32302018]);
    expect(report.lines.get('total:revenue')).toEqual([50820377]);
    expect(report.lines.get('total:net_income')).toEqual([-690952]);
    expect(report.accounts.find((account) => account.id === '340')).toMatchObject({ label: 'Discounts given', parentId: null, section: 'Income' });
    expect(report.differences).toEqual([]);
  });

  test('a line that does not add up to its Summary is reported with the section and month', () => {
    const body = captured();
    body.Rows.Row[0].Rows.Row[1].ColData[1].value = '823.14';
    const report = parseReport('profit_and_loss', body);
    expect(report.differences).toContainEqual({ period: '2025-01-01', section: 'Total Income', expected: '508203.77', found: '508203.78' });
  });

  test('month columns are read as months and the Total column never; sub-accounts keep their parent', () => {
    const report = parseReport('profit_and_loss', monthly());
    expect(report.periods).toEqual(['2026-01-01', '2026-02-01']);
    expect(report.lines.get('12')).toEqual([100000, 50000]);
    // The parent's own amounts only; the sub-account's are its own line.
    expect(report.lines.get('17')).toEqual([1000, 2000]);
    expect(report.lines.get('40')).toEqual([500, 3000]);
    expect(report.lines.get('total:expenses')).toEqual([1500, 5000]);
    expect(report.accounts.filter((account) => account.id === '17')).toEqual([{ id: '17', label: 'Automobile', parentId: null, section: 'Expenses' }]);
    expect(report.accounts.find((account) => account.id === '40')).toMatchObject({ parentId: '17' });
    expect(report.differences).toEqual([]);
    // A sub-account that does not add up to its parent's total is caught in that month only.
    expect(parseReport('profit_and_loss', monthly('31.00')).differences.map((d) => [d.section, d.period])).toEqual([['Total Automobile', '2026-02-01']]);
  });

  test('a report whose columns are not the months it claims is refused, not misread', () => {
    const body = monthly();
    body.Header.EndPeriod = '2026-03-31';
    expect(() => parseReport('profit_and_loss', body)).toThrow(/2 month columns for 3 months/);
    expect(() => parseReport('balance_sheet', monthly())).toThrow(/expected BalanceSheet/);
  });
});

describe('ranges and periods', () => {
  test('a 24-month window is four six-month calls; gaps split ranges', () => {
    const window = windowMonths(new Date('2026-11-30T12:00:00Z'), 24);
    expect(window[0]).toBe('2024-12-01');
    expect(window.at(-1)).toBe('2026-11-01');
    expect(ranges(window)).toEqual([
      ['2024-12-01', '2025-05-01'],
      ['2025-06-01', '2025-11-01'],
      ['2025-12-01', '2026-05-01'],
      ['2026-06-01', '2026-11-01'],
    ]);
    expect(ranges(['2026-01-01', '2026-03-01', '2026-04-01'])).toEqual([['2026-01-01', '2026-01-01'], ['2026-03-01', '2026-04-01']]);
  });

  test('quarters, years and trailing twelve months aggregate months by sum, last or average', () => {
    const series = new Map(Array.from({ length: 14 }, (_, index) => [new Date(Date.UTC(2025, index, 1)).toISOString().slice(0, 7), { cents: (index + 1) * 100, toDate: null }]));
    expect(periodValues(series, { period: 'quarter', aggregation: 'sum' })[0]).toEqual({ period: '2025-Q1', value: 6, complete: true, to_date: null, months: { from: '2025-01', to: '2025-03' }, partial: [] });
    expect(periodValues(series, { period: 'quarter', aggregation: 'last' }).at(-1)).toEqual({ period: '2026-Q1', value: 14, complete: false, to_date: null, months: { from: '2026-01', to: '2026-02' }, partial: ['months_missing'] });
    expect(periodValues(series, { period: 'year', aggregation: 'average' })[0]).toEqual({ period: '2025', value: 6.5, complete: true, to_date: null, months: { from: '2025-01', to: '2025-12' }, partial: [] });
    const trailing = periodValues(series, { period: 'trailing_12_months', aggregation: 'sum' });
    expect(trailing.map((value) => value.period)).toEqual(['2025-12', '2026-01', '2026-02']);
    expect(trailing[0]!.value).toBe(78);
  });

  test('a month is over once its last day has ended in every supported time zone; until then a fetch runs to that day', () => {
    expect(fetchedToDate('2026-11-01', new Date('2026-11-18T10:00:00Z'))).toBe('2026-11-18');
    // Still the evening of 30 November in Hawaii: not over yet, and never "to" a day after the month.
    expect(fetchedToDate('2026-11-01', new Date('2026-12-01T05:00:00Z'))).toBe('2026-11-30');
    expect(fetchedToDate('2026-11-01', new Date('2026-12-01T12:00:00Z'))).toBe(null);
    expect(fetchedToDate('2026-10-01', new Date('2026-11-18T10:00:00Z'))).toBe(null);
  });

  test('a month not over when fetched is "to date", and so is every quarter, year and trailing 12 months that includes it', () => {
    // Fetched 2026-11-18: November is in progress; October was fetched after it ended.
    const series = new Map(
      Array.from({ length: 23 }, (_, index) => {
        const key = new Date(Date.UTC(2025, index, 1)).toISOString().slice(0, 7);
        return [key, { cents: 10_000, toDate: key === '2026-11' ? '2026-11-18' : null }] as const;
      }),
    );
    const months = periodValues(series, { period: 'month', aggregation: 'sum' });
    expect(months.at(-1)).toEqual({ period: '2026-11', value: 100, complete: false, to_date: '2026-11-18', months: { from: '2026-11', to: '2026-11' }, partial: ['to_date'] });
    expect(months.at(-2)).toEqual({ period: '2026-10', value: 100, complete: true, to_date: null, months: { from: '2026-10', to: '2026-10' }, partial: [] });
    expect(periodValues(series, { period: 'quarter', aggregation: 'sum' }).at(-1)).toMatchObject({ period: '2026-Q4', complete: false, to_date: '2026-11-18' });
    expect(periodValues(series, { period: 'quarter', aggregation: 'sum' }).at(-2)).toMatchObject({ period: '2026-Q3', complete: true, to_date: null });
    expect(periodValues(series, { period: 'year', aggregation: 'last' }).at(-1)).toMatchObject({ period: '2026', complete: false, to_date: '2026-11-18' });
    const trailing = periodValues(series, { period: 'trailing_12_months', aggregation: 'sum' });
    expect(trailing.at(-1)).toEqual({ period: '2026-11', value: 1200, complete: false, to_date: '2026-11-18', months: { from: '2025-12', to: '2026-11' }, partial: ['to_date'] });
    expect(trailing.at(-2)).toMatchObject({ period: '2026-10', complete: true, to_date: null });
  });
});

describe('a report answered otherwise than asked', () => {
  const asked = { dataset: 'profit_and_loss' as const, start: '2026-01-01', end: '2026-02-28', method: 'Cash' as const };
  const answer = (header: Json = {}) => {
    const body = monthly();
    Object.assign(body.Header, { ReportBasis: 'Cash' }, header);
    return body;
  };

  test('the answer asked for passes', () => {
    expect(headerMismatches(answer(), asked, 'GBP')).toEqual([]);
    expect(headerMismatches(answer(), asked, null)).toEqual([]);
  });

  test('another basis (the company default), a missing basis, another currency, range or column summary are each named', () => {
    expect(headerMismatches(answer({ ReportBasis: 'Accrual' }), asked, 'GBP')).toEqual([{ field: 'Header.ReportBasis', expected: 'Cash', found: 'Accrual' }]);
    expect(headerMismatches(answer({ ReportBasis: undefined }), asked, 'GBP')).toEqual([{ field: 'Header.ReportBasis', expected: 'Cash', found: '(missing)' }]);
    expect(headerMismatches(answer({ Currency: 'USD' }), asked, 'GBP')).toEqual([{ field: 'Header.Currency', expected: 'GBP', found: 'USD' }]);
    expect(headerMismatches(answer({ Currency: undefined }), asked, null)).toEqual([{ field: 'Header.Currency', expected: 'an ISO 4217 code', found: '(missing)' }]);
    expect(headerMismatches(answer({ StartPeriod: '2026-01-02' }), asked, 'GBP')).toEqual([{ field: 'Header.StartPeriod', expected: '2026-01-01', found: '2026-01-02' }]);
    expect(headerMismatches(answer({ EndPeriod: '2026-02-15' }), asked, 'GBP')).toEqual([{ field: 'Header.EndPeriod', expected: '2026-02-28', found: '2026-02-15' }]);
    // A Total-column answer to a by-month request would be read as its first month holding the whole range.
    expect(headerMismatches(answer({ SummarizeColumnsBy: 'Total' }), asked, 'GBP')).toEqual([{ field: 'Header.SummarizeColumnsBy', expected: 'Month', found: 'Total' }]);
    expect(headerMismatches(answer(), { ...asked, dataset: 'balance_sheet' }, 'GBP')).toEqual([{ field: 'Header.ReportName', expected: 'BalanceSheet', found: 'ProfitAndLoss' }]);
    expect(describeMismatches(headerMismatches(answer({ ReportBasis: 'Accrual' }), asked, 'GBP'))).toBe('QuickBooks answered ReportBasis Accrual where Cash was asked');
  });
});
