import { afterEach, describe, expect, test, vi } from 'vitest';
import { createLogger, isoNow } from './logger.ts';

describe('createLogger', () => {
  afterEach(() => vi.restoreAllMocks());

  test('stdout gets one write per turn of the event loop holding every line of it, each a whole JSON object', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
    const logger = createLogger('info', { service: 'bff', token: 'llsk_secret' }).child({ request_id: 'r-1' });
    logger.info('request', { method: 'GET', path: '/v1/widget/connections', status: 200, authorization: 'Bearer abc' });
    logger.warn('slow', { duration_ms: 1200 });
    logger.debug('below the level');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    const lines = writes[0]!.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'request', service: 'bff', token: '[redacted]', request_id: 'r-1', status: 200, authorization: '[redacted]' });
    expect(lines[1]).toMatchObject({ level: 'warn', msg: 'slow', duration_ms: 1200, request_id: 'r-1' });
  });

  test('a line\'s fields replace the base\'s of the same name, as one object', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { request_id: 'base' }, (line) => lines.push(line));
    logger.info('x', { request_id: 'own', code: 'abc' });
    expect(JSON.parse(lines[0]!)).toEqual({ time: expect.any(String), level: 'info', msg: 'x', request_id: 'own', code: '[redacted]' });
    expect(lines[0]!.match(/request_id/g)).toHaveLength(1);
  });
});

describe('child loggers', () => {
  test('a child of a child writes the whole base, redacted, with the line\'s fields', () => {
    const lines: string[] = [];
    const root = createLogger('info', { service: 'bff', secret: 's' }, (line) => lines.push(line));
    const request = root.child({ request_id: 'r-9' }).child({ tenant_id: 'ten_1', password: 'p' });
    request.info('request', { status: 200 });
    root.child({}).info('empty child');
    root.child({ service: 'other' }).info('replaced');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { time: expect.any(String), level: 'info', msg: 'request', service: 'bff', secret: '[redacted]', request_id: 'r-9', tenant_id: 'ten_1', password: '[redacted]', status: 200 },
      { time: expect.any(String), level: 'info', msg: 'empty child', service: 'bff', secret: '[redacted]' },
      { time: expect.any(String), level: 'info', msg: 'replaced', service: 'other', secret: '[redacted]' },
    ]);
  });

  test('a line\'s time is what Date#toISOString gives, across milliseconds, seconds and days', () => {
    const start = Date.UTC(2026, 10, 30, 23, 59, 58, 990);
    for (const now of [0, 5, 42, 999, 1000, start, start + 9, start + 10, start + 1010, start + 2011, start + 86_400_123]) {
      expect(isoNow(now)).toBe(new Date(now).toISOString());
    }
    // Back in time (a clock step): still right.
    expect(isoNow(start)).toBe(new Date(start).toISOString());
  });
});
