import { describe, expect, it } from 'vitest';
import { formatDay, formatQboDateTime, formatResponseTime, parseDay, parseQboDateTime } from './qbo-time.ts';

describe('qbo-time', () => {
  it('formats in the company offset with whole seconds', () => {
    const ms = Date.UTC(2013, 3, 23, 15, 55, 33, 298);
    expect(formatQboDateTime(ms, -7 * 60)).toBe('2013-04-23T08:55:33-07:00');
    expect(formatQboDateTime(ms, 0)).toBe('2013-04-23T15:55:33+00:00');
    expect(formatResponseTime(ms, -7 * 60)).toBe('2013-04-23T08:55:33.298-07:00');
  });

  it('round-trips days and parses offsets', () => {
    const day = parseDay('2024-02-29');
    expect(day).not.toBeNull();
    expect(formatDay(day ?? 0)).toBe('2024-02-29');
    expect(parseQboDateTime('2024-01-01T00:00:00-08:00', 0)).toBe(Date.UTC(2024, 0, 1, 8));
    expect(parseQboDateTime('2024-01-01', 60)).toBe(Date.UTC(2023, 11, 31, 23));
  });
});
