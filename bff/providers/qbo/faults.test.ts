import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parseFault } from './faults.ts';

const captured = (name: string) => readFileSync(new URL(`../../../../shared/contracts/qbo/captured-xml/${name}`, import.meta.url), 'utf8');

test('the captured XML throttle fault is throttled', () => {
  const error = parseFault(429, captured('throttle_exceeded_error.xml'));
  expect(error.kind).toBe('throttled');
  expect(error.faults.length).toBeGreaterThan(0);
});

test('a captured XML validation fault keeps every error with its code and detail', () => {
  const error = parseFault(400, captured('fault.xml'));
  expect(error.kind).toBe('validation');
  expect(error.faults.map((fault) => fault.code)).toEqual(['2050', '2080']);
  expect(error.faults[1]?.detail).toBe('ZipCode should be a number with at least 5 digits');
});

test('JSON validation, stale object and lower-case 401 faults', () => {
  const stale = parseFault(400, JSON.stringify({ Fault: { Error: [{ Message: 'Stale Object Error', Detail: 'You and x were working', code: '5010' }], type: 'ValidationFault' } }));
  expect(stale.kind).toBe('stale_object');
  expect(stale.code).toBe('5010');
  const auth = parseFault(401, JSON.stringify({ fault: { error: [{ message: 'message=AuthenticationFailed', detail: 'Token expired', code: '3200' }], type: 'AUTHENTICATION' } }));
  expect(auth.kind).toBe('unauthorized');
  expect(auth.message).toContain('3200');
  expect(parseFault(503, 'Service Unavailable').kind).toBe('unavailable');
  expect(parseFault(400, JSON.stringify({ Fault: { Error: [{ Message: 'Duplicate Name Exists Error', code: '6240', element: '' }] } })).kind).toBe('validation');
});
