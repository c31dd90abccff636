import { afterEach, describe, expect, it } from 'vitest';
import { basic, harness, q, UK, US, type Harness } from '../../testing.ts';
import { formatQboDateTime, parseQboDateTime, parseRequestInstant } from '../qbo-time.ts';

type Json = Record<string, unknown>;
let h: Harness;
afterEach(() => h?.sandbox.close());

async function setup(realm = US) {
  h = harness();
  const { access_token: token } = await h.connect(realm);
  const call = async (path: string, json?: unknown) => {
    const response = await h.api(token, realm, path, json === undefined ? {} : { json });
    return { status: response.status, body: (await response.json()) as Json };
  };
  return { token, call };
}

const page = (body: Json, type: string) => ((body['QueryResponse'] as Json)[type] ?? []) as Json[];
const day = (ms: number, timeZone: string) => new Date(ms).toLocaleDateString('en-CA', { timeZone });

describe('OAuth: what Intuit does that the sandbox used to skip', () => {
  it('revokes the tokens of the first exchange when the code is exchanged again', async () => {
    h = harness();
    await h.control('PUT', '/qbo/settings', { auto_approve_realm: US });
    const redirect = 'http://localhost:3000/callback';
    const authorized = await h.request(`/qbo/connect/oauth2?${new URLSearchParams({ client_id: 'ledgerlink-dev', redirect_uri: redirect, response_type: 'code', scope: 'com.intuit.quickbooks.accounting', state: 's' })}`);
    const code = new URL(authorized.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const exchange = () =>
      h.request('/qbo/oauth2/v1/tokens/bearer', {
        method: 'POST',
        headers: { authorization: basic('ledgerlink-dev', 'ledgerlink-dev-secret'), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect }),
      });
    const first = (await (await exchange()).json()) as { access_token: string; refresh_token: string };
    expect((await h.api(first.access_token, US, 'preferences')).status).toBe(200);
    const second = await exchange();
    expect([second.status, ((await second.json()) as Json)['error']]).toEqual([400, 'invalid_grant']);
    expect((await h.api(first.access_token, US, 'preferences')).status).toBe(401);
  });

  it('answers 403 for another company with Intuit\'s lower-case SERVICE fault body', async () => {
    const { token } = await setup();
    const response = await h.api(token, UK, 'preferences');
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      fault: { error: [{ message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', detail: null, code: '3100', element: null }], type: 'SERVICE' },
    });
  });
});

describe('Accounting API: what Intuit does that the sandbox used to get wrong', () => {
  it('replays the first answer of a batch sent again with the same requestid', async () => {
    const { call } = await setup();
    const batch = { BatchItemRequest: [{ bId: '1', operation: 'create', Vendor: { DisplayName: 'Batch Replay Supplies' } }] };
    const first = await call('batch?requestid=batch-replay-1', batch);
    const again = await call('batch?requestid=batch-replay-1', batch);
    expect(again).toEqual(first);
    const created = (first.body['BatchItemResponse'] as Json[])[0]?.['Vendor'] as Json;
    expect(created['DisplayName']).toBe('Batch Replay Supplies');
    const count = await call(q("SELECT COUNT(*) FROM Vendor WHERE DisplayName = 'Batch Replay Supplies'"));
    expect((count.body['QueryResponse'] as Json)['totalCount']).toBe(1);
  });

  it('answers a query with a property list with just those properties', async () => {
    const { call } = await setup();
    const answer = await call(q('SELECT Id, DisplayName FROM Vendor ORDERBY Id MAXRESULTS 3'));
    expect(answer.status).toBe(200);
    const vendors = page(answer.body, 'Vendor');
    expect(vendors).toHaveLength(3);
    for (const vendor of vendors) expect(Object.keys(vendor).sort()).toEqual(['DisplayName', 'Id', 'domain', 'sparse']);
    const full = page((await call(q('SELECT * FROM Vendor ORDERBY Id MAXRESULTS 3'))).body, 'Vendor');
    expect(vendors.map((vendor) => vendor['DisplayName'])).toEqual(full.map((vendor) => vendor['DisplayName']));
    expect((await call(q('SELECT Id, NoSuchProperty FROM Vendor'))).status).toBe(400);
  });

  it('sets the report period from date_macro (Last Month; Last Fiscal Quarter of a UK company)', async () => {
    const { call } = await setup();
    const clock = (await (await h.control('GET', '/clock')).json()) as { now: string };
    const [year, month] = day(Date.parse(clock.now), 'America/Los_Angeles').split('-').map(Number) as [number, number];
    const header = async (path: string) => ((await call(path)).body['Header'] as Json);
    const lastMonth = await header('reports/ProfitAndLoss?date_macro=Last%20Month');
    expect(lastMonth['StartPeriod']).toBe(day(Date.UTC(year, month - 2, 1), 'UTC'));
    expect(lastMonth['EndPeriod']).toBe(day(Date.UTC(year, month - 1, 0), 'UTC'));
    // Explicit dates still win over a macro.
    expect((await header('reports/ProfitAndLoss?date_macro=Last%20Month&start_date=2024-01-01&end_date=2024-01-31'))['StartPeriod']).toBe('2024-01-01');
    expect((await call('reports/ProfitAndLoss?date_macro=Some%20Day')).status).toBe(400);

    await h.sandbox.close();
    const uk = await setup(UK);
    const [ukYear, ukMonth] = day(Date.parse(clock.now), 'Europe/London').split('-').map(Number) as [number, number];
    // UK fiscal years start in April: quarters Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar.
    const quarterStart = ukMonth - 1 - ((((ukMonth - 1 - 3) % 12) + 12) % 12 % 3);
    const quarter = (await uk.call('reports/ProfitAndLoss?date_macro=Last%20Fiscal%20Quarter')).body['Header'] as Json;
    expect(quarter['StartPeriod']).toBe(day(Date.UTC(ukYear, quarterStart - 3, 1), 'UTC'));
    expect(quarter['EndPeriod']).toBe(day(Date.UTC(ukYear, quarterStart, 0), 'UTC'));
  });

  it('reads a query or CDC date-time without an offset as US Pacific time', async () => {
    const { call } = await setup();
    const created = (await call('vendor', { DisplayName: 'Pacific Time Supplies' })).body['Vendor'] as Json;
    const stamp = String((created['MetaData'] as Json)['LastUpdatedTime']);
    const wall = stamp.slice(0, 19);
    const at = async (op: string) => page((await call(q(`SELECT * FROM Vendor WHERE MetaData.LastUpdatedTime ${op} '${wall}'`))).body, 'Vendor').map((vendor) => vendor['Id']);
    expect(await at('>=')).toContain(created['Id']);
    expect(await at('>')).not.toContain(created['Id']);
    const cdc = await call(`cdc?entities=Vendor&changedSince=${encodeURIComponent(wall)}`);
    const changed = ((cdc.body['CDCResponse'] as Json[])[0]?.['QueryResponse'] as Json[])[0]?.['Vendor'] as Json[] | undefined;
    expect(changed?.map((vendor) => vendor['Id'])).toContain(created['Id']);
  });

  it('writes times with the daylight-saving offset of the company\'s zone', async () => {
    const { call } = await setup();
    const vendors = page((await call(q('SELECT * FROM Vendor WHERE Active IN (true, false) MAXRESULTS 1000'))).body, 'Vendor');
    const offsets = new Set(vendors.map((vendor) => String((vendor['MetaData'] as Json)['CreateTime']).slice(19)));
    // Three years of Los Angeles history hold both winter (-08:00) and summer (-07:00) times.
    expect([...offsets].sort()).toEqual(['-07:00', '-08:00']);
  });
});

describe('qbo-time with real time-zone rules', () => {
  it('follows daylight saving in each region', () => {
    expect(formatQboDateTime(Date.UTC(2024, 0, 15, 20), 'America/Los_Angeles')).toBe('2024-01-15T12:00:00-08:00');
    expect(formatQboDateTime(Date.UTC(2024, 6, 15, 19), 'America/Los_Angeles')).toBe('2024-07-15T12:00:00-07:00');
    expect(formatQboDateTime(Date.UTC(2024, 6, 15, 11), 'Europe/London')).toBe('2024-07-15T12:00:00+01:00');
    expect(formatQboDateTime(Date.UTC(2024, 0, 15, 1), 'Australia/Sydney')).toBe('2024-01-15T12:00:00+11:00');
    expect(formatQboDateTime(Date.UTC(2024, 6, 15, 2), 'Australia/Sydney')).toBe('2024-07-15T12:00:00+10:00');
    // The first instant of US summer time, 2024-03-10 02:00 PST = 10:00 UTC.
    expect(formatQboDateTime(Date.UTC(2024, 2, 10, 9, 59, 59), 'America/Los_Angeles')).toBe('2024-03-10T01:59:59-08:00');
    expect(formatQboDateTime(Date.UTC(2024, 2, 10, 10), 'America/Los_Angeles')).toBe('2024-03-10T03:00:00-07:00');
  });

  it('parses wall times in a zone, and offset-less request times as Pacific', () => {
    expect(parseQboDateTime('2024-07-01', 'America/Los_Angeles')).toBe(Date.UTC(2024, 6, 1, 7));
    expect(parseQboDateTime('2024-01-01', 'America/Los_Angeles')).toBe(Date.UTC(2024, 0, 1, 8));
    expect(parseRequestInstant('2024-07-01T10:00:00')).toBe(Date.UTC(2024, 6, 1, 17));
    expect(parseRequestInstant('2024-12-01T10:00:00')).toBe(Date.UTC(2024, 11, 1, 18));
    expect(parseRequestInstant('2024-12-01T10:00:00Z')).toBe(Date.UTC(2024, 11, 1, 10));
    expect(parseRequestInstant('2024-12-01T10:00:00+01:00')).toBe(Date.UTC(2024, 11, 1, 9));
  });
});
