import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { classifySyncError } from '../../sync/classify.ts';
import { describeQboFault, parseFault } from './faults.ts';

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

// ── Every documented fault → category, action, field ─────────────────────────────────────────────────────

type Expected = { category: string; action: string; field?: string | null; kind?: string };
interface Row {
  status: number;
  code: string;
  message?: string;
  detail?: string;
  element?: string;
  expected: Expected;
}

const rows: Row[] = [
  { status: 401, code: '3200', message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', expected: { category: 'needs_reconnect', action: 'reconnect', kind: 'unauthorized' } },
  { status: 403, code: '3100', message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', expected: { category: 'needs_reconnect', action: 'reconnect', kind: 'unauthorized' } },
  { status: 403, code: '003100', message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', expected: { category: 'needs_reconnect', action: 'reconnect', kind: 'unauthorized' } },
  { status: 403, code: '', message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', expected: { category: 'needs_reconnect', action: 'reconnect', kind: 'unauthorized' } },
  { status: 401, code: '120', message: 'Authorization Failure', detail: 'AuthorizationFailure: --11014-You do not have access to use QuickBooks Online Plus.', expected: { category: 'needs_reconnect', action: 'reconnect' } },
  { status: 429, code: '3001', message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', expected: { category: 'rate_limited', action: 'wait', kind: 'throttled' } },
  // Intuit has sent the throttle with 403 too (captured throttle_exceeded_error.xml): the code wins.
  { status: 403, code: '3001', message: 'message=ThrottleExceeded; errorCode=003001; statusCode=403', expected: { category: 'rate_limited', action: 'wait', kind: 'throttled' } },
  { status: 500, code: '10000', message: 'An application error has occurred while processing your request', expected: { category: 'provider_down', action: 'retry', kind: 'unavailable' } },
  { status: 400, code: '10000', message: 'An application error has occurred while processing your request', expected: { category: 'provider_down', action: 'retry', kind: 'unavailable' } },
  { status: 400, code: '610', message: 'Object Not Found', detail: 'Something you\'re trying to use has been made inactive.', expected: { category: 'validation', action: 'fix_record', field: null, kind: 'not_found' } },
  { status: 400, code: '2020', message: 'Required param missing', element: 'Line.Amount', expected: { category: 'validation', action: 'fix_record', field: 'Line.Amount', kind: 'validation' } },
  { status: 400, code: '2010', message: 'Request has invalid or unsupported property', element: 'Colour', expected: { category: 'validation', action: 'contact_support', field: 'Colour', kind: 'validation' } },
  { status: 400, code: '2050', message: 'Length exceeds limit', detail: 'Length of the field exceeds 100 chars', element: 'CompanyName', expected: { category: 'validation', action: 'fix_record', field: 'CompanyName' } },
  { status: 400, code: '2500', message: 'Invalid Reference Id', element: 'VendorRef', expected: { category: 'validation', action: 'fix_record', field: 'VendorRef' } },
  { status: 400, code: '4001', message: 'Invalid query', detail: 'QueryValidationError: value 1500 is too large. Max allowed value is 1000', expected: { category: 'internal', action: 'contact_support', kind: 'other' } },
  { status: 400, code: '5010', message: 'Stale Object Error', expected: { category: 'conflict', action: 'retry', kind: 'stale_object' } },
  { status: 400, code: '5020', message: 'Permission Denied Error', detail: 'You need a different QuickBooks plan', expected: { category: 'plan_or_region_unsupported', action: 'upgrade_plan' } },
  { status: 400, code: '6000', message: 'A business validation error has occurred while processing your request', detail: 'Business Validation Error: You must set a transaction amount.', expected: { category: 'validation', action: 'fix_record', kind: 'validation' } },
  { status: 400, code: '6000', message: 'A business validation error has occurred while processing your request', detail: 'Business Validation Error: Purchase orders are not available in your QuickBooks Online plan.', expected: { category: 'plan_or_region_unsupported', action: 'upgrade_plan' } },
  { status: 400, code: '6070', message: 'Amount calculation incorrect in the request', expected: { category: 'validation', action: 'fix_record', field: 'Amount' } },
  { status: 400, code: '6140', message: 'Duplicate Doc Num', expected: { category: 'validation', action: 'fix_record', field: 'DocNumber' } },
  { status: 400, code: '6190', message: 'Invalid Company Status', detail: 'Subscription period has ended', expected: { category: 'plan_or_region_unsupported', action: 'upgrade_plan' } },
  { status: 400, code: '6210', message: 'Account Period Closed', expected: { category: 'validation', action: 'fix_record', field: 'TxnDate' } },
  { status: 400, code: '6240', message: 'Duplicate Name Exists Error', detail: 'The name supplied already exists. : Another customer is already using this name.', expected: { category: 'validation', action: 'fix_record', field: 'DisplayName', kind: 'validation' } },
  { status: 400, code: '6520', message: 'A business validation error has occurred', expected: { category: 'validation', action: 'fix_record' } },
  { status: 400, code: '4242', message: 'Something new', expected: { category: 'validation', action: 'contact_support' } },
];

const bodies = (row: Row) => ({
  'JSON Fault/Error': JSON.stringify({ Fault: { Error: [{ Message: row.message ?? '', Detail: row.detail ?? '', code: row.code, element: row.element ?? '' }], type: 'ValidationFault' }, time: '2026-01-01T00:00:00.000-08:00' }),
  'JSON fault/error': JSON.stringify({ fault: { error: [{ message: row.message ?? '', detail: row.detail ?? null, code: row.code, element: row.element ?? null }], type: 'SERVICE' } }),
  XML: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2026-01-01T00:00:00.000-08:00"><Fault type="ValidationFault"><Error code="${row.code}"${row.element ? ` element="${row.element}"` : ''}><Message>${row.message ?? ''}</Message><Detail>${row.detail ?? ''}</Detail></Error></Fault></IntuitResponse>`,
});

/** The HTTP layer's retry kind for a category, where a row does not say otherwise (610 is `not_found`). */
const usualKind: Record<string, string> = {
  needs_reconnect: 'unauthorized', rate_limited: 'throttled', provider_down: 'unavailable', conflict: 'stale_object',
  internal: 'other', validation: 'validation', plan_or_region_unsupported: 'validation',
};

/** What the sync shows for each category: the product's words and the action that fixes it. */
const syncShows: Record<string, { category: string; action: string }> = {
  needs_reconnect: { category: 'needs_reconnect', action: 'reconnect' },
  rate_limited: { category: 'rate_limited', action: 'wait' },
  provider_down: { category: 'provider_unavailable', action: 'retry' },
  validation: { category: 'validation', action: 'contact_support' },
  conflict: { category: 'validation', action: 'contact_support' },
  plan_or_region_unsupported: { category: 'plan_or_region_unsupported', action: 'upgrade_plan' },
  internal: { category: 'internal', action: 'contact_support' },
};

describe('every documented QuickBooks fault maps to a category and the action that fixes it', () => {
  const cases = rows.flatMap((row) => Object.entries(bodies(row)).map(([casing, body]) => ({ name: `${row.status} ${row.code || '(code in message)'} ${casing}`, row, body })));
  test.each(cases)('$name', ({ row, body }) => {
    const error = parseFault(row.status, body);
    expect({ category: error.category, action: error.action }).toEqual({ category: row.expected.category, action: row.expected.action });
    // A row that names no field expects none; a row that names no kind expects its category's usual one.
    expect(error.field).toBe(row.expected.field ?? null);
    expect(error.kind).toBe(row.expected.kind ?? usualKind[row.expected.category]);
    const shown = classifySyncError(error, new Date('2026-01-01T00:00:00Z'));
    expect({ category: shown.category, action: shown.action }).toEqual(syncShows[row.expected.category]);
    // Our own mistakes, and only those, are worded as ours.
    expect(/on our side/.test(shown.message), shown.message).toBe(row.expected.category === 'internal');
  });

  test.each([502, 503, 504, 500])('%i with a gateway HTML page is QuickBooks being down', (status) => {
    const error = parseFault(status, `<html><body><h1>${status} Service Unavailable</h1></body></html>`);
    expect([error.category, error.action, error.kind]).toEqual(['provider_down', 'retry', 'unavailable']);
    expect(classifySyncError(error, new Date()).category).toBe('provider_unavailable');
  });

  test('400 invalid_grant from the token endpoint needs a reconnect, never a retry', () => {
    const error = parseFault(400, JSON.stringify({ error: 'invalid_grant' }));
    expect([error.category, error.action, error.kind]).toEqual(['needs_reconnect', 'reconnect', 'unauthorized']);
    expect(classifySyncError(error, new Date()).action).toBe('reconnect');
  });

  test("Intuit's own 403 body, verbatim (QBO-FACTS), is a reconnect with plain words", () => {
    const body = '{"fault":{"error":[{"message":"message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403","detail":null,"code":"3100","element":null}],"type":"SERVICE"}}';
    const shown = classifySyncError(parseFault(403, body), new Date(), 'Acme Ltd');
    expect(shown).toMatchObject({ category: 'needs_reconnect', action: 'reconnect' });
    expect(shown.message).toContain('Reconnect');
  });

  test('the captured faults classify as documented', () => {
    expect(parseFault(429, captured('too_many_requests_error.xml')).category).toBe('rate_limited');
    expect(parseFault(403, captured('throttle_exceeded_error.xml')).category).toBe('rate_limited');
    expect(parseFault(500, captured('generic_error.xml')).category).toBe('provider_down');
    expect(parseFault(400, captured('query_validation_error.xml')).category).toBe('internal');
    const duplicate = parseFault(400, captured('customer_duplicate_error.xml'));
    expect([duplicate.category, duplicate.field]).toEqual(['validation', 'DisplayName']);
    expect(describeQboFault(duplicate, 'the vendor')).toContain('already used by a customer in QuickBooks');
    const length = parseFault(400, captured('fault.xml'));
    expect([length.category, length.action, length.field]).toEqual(['validation', 'fix_record', 'firstname']);
  });
});
