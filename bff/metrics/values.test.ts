import { describe, expect, test } from 'vitest';
import { periodValues, wholePeriod, type MonthFigure } from './values.ts';

/** Months from..to (inclusive) at 100.00 each; `toDate` marks the month fetched before it was over. */
function series(from: string, to: string, toDate: Record<string, string> = {}, skip: string[] = []): Map<string, MonthFigure> {
  const out = new Map<string, MonthFigure>();
  const [year, month] = from.split('-').map(Number) as [number, number];
  for (let index = 0; ; index++) {
    const key = new Date(Date.UTC(year, month - 1 + index, 1)).toISOString().slice(0, 7);
    if (key > to) break;
    if (!skip.includes(key)) out.set(key, { cents: 10_000, toDate: toDate[key] ?? null });
  }
  return out;
}

describe('partial periods say which months they hold and why', () => {
  // A 24-month window fetched on 18 November 2026: December 2024 to November 2026, November "to date".
  const window = series('2024-12', '2026-11', { '2026-11': '2026-11-18' });

  test('the first quarter and year of the window hold only the months after its start ("Dec only")', () => {
    const quarters = periodValues(window, { period: 'quarter', aggregation: 'sum' });
    expect(quarters[0]).toEqual({ period: '2024-Q4', value: 100, complete: false, to_date: null, months: { from: '2024-12', to: '2024-12' }, partial: ['window_start'] });
    expect(quarters[1]).toMatchObject({ period: '2025-Q1', complete: true, months: { from: '2025-01', to: '2025-03' }, partial: [] });
    const years = periodValues(window, { period: 'year', aggregation: 'average' });
    expect(years[0]).toMatchObject({ period: '2024', complete: false, months: { from: '2024-12', to: '2024-12' }, partial: ['window_start'] });
    expect(years[1]).toMatchObject({ period: '2025', complete: true, partial: [] });
  });

  test('the current period runs to date, its months still to come are not "missing"', () => {
    const quarters = periodValues(window, { period: 'quarter', aggregation: 'sum' });
    expect(quarters.at(-1)).toEqual({ period: '2026-Q4', value: 200, complete: false, to_date: '2026-11-18', months: { from: '2026-10', to: '2026-11' }, partial: ['to_date'] });
    expect(periodValues(window, { period: 'year', aggregation: 'sum' }).at(-1)).toMatchObject({ months: { from: '2026-01', to: '2026-11' }, partial: ['to_date'] });
  });

  test('a window shorter than a year: the one year is both before the window and to date', () => {
    const short = series('2026-06', '2026-11', { '2026-11': '2026-11-18' });
    expect(periodValues(short, { period: 'year', aggregation: 'sum' })).toEqual([
      { period: '2026', value: 600, complete: false, to_date: '2026-11-18', months: { from: '2026-06', to: '2026-11' }, partial: ['window_start', 'to_date'] },
    ]);
  });

  test('a month inside the window that is not fetched leaves its period partial for that reason', () => {
    const gap = series('2025-01', '2025-12', {}, ['2025-05']);
    expect(periodValues(gap, { period: 'quarter', aggregation: 'sum' })[1]).toMatchObject({ period: '2025-Q2', value: 200, complete: false, months: { from: '2025-04', to: '2025-06' }, partial: ['months_missing'] });
  });

  test('the whole months of a period as the API names it (for values stored before months were kept)', () => {
    expect(wholePeriod('quarter', '2024-Q4')).toEqual({ from: '2024-10', to: '2024-12' });
    expect(wholePeriod('year', '2025')).toEqual({ from: '2025-01', to: '2025-12' });
    expect(wholePeriod('month', '2025-03')).toEqual({ from: '2025-03', to: '2025-03' });
    expect(wholePeriod('trailing_12_months', '2025-03')).toEqual({ from: '2024-04', to: '2025-03' });
  });
});
