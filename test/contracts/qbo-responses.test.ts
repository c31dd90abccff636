import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFault } from '../../bff/providers/qbo/faults.ts';
import { capturedJson, capturedXml, jsonPaths } from './key-paths.ts';
import { connected, US_REALM, type Connected } from './sandbox-client.ts';
import { qboSchema } from './xsd-schema.ts';

type Json = Record<string, unknown>;

const withoutValue = (paths: Set<string>) => new Set([...paths].map((path) => path.replace(/\.value$/, '')));

async function allOf(client: Connected, type: string): Promise<Json[]> {
  const list: Json[] = [];
  for (let start = 1; ; start += 1000) {
    const page = await client.get(US_REALM, `query?query=${encodeURIComponent(`SELECT * FROM ${type} STARTPOSITION ${start} MAXRESULTS 1000`)}`);
    const items = ((page.body as { QueryResponse: Record<string, Json[]> }).QueryResponse[type] ?? []) as Json[];
    list.push(...items);
    if (items.length < 1000) return list;
  }
}

describe('sandbox responses against IntuitRestServiceDef.xsd, Report.xsd and captured responses', () => {
  let client: Connected;
  beforeAll(async () => {
    client = await connected(US_REALM);
  });
  afterAll(() => client.sandbox.close());

  it('QueryResponse: startPosition/maxResults beside the entity list, as in vendors.xml', async () => {
    const page = await client.get(US_REALM, 'query?query=select%20*%20from%20vendor%20maxresults%202');
    const body = page.body as Json;
    expect(qboSchema().violations(body['QueryResponse'], 'QueryResponse')).toEqual([]);
    const captured = (capturedXml('vendors.xml')['IntuitResponse'] as Json)['QueryResponse'] as Json;
    const capturedTop = new Set(Object.keys(captured));
    expect(new Set(Object.keys(body['QueryResponse'] as Json))).toEqual(capturedTop);
    expect(typeof body['time']).toBe('string');
  });

  it('CDC: CDCResponse[].QueryResponse[] per entity with Deleted stubs, as in change_data_capture_response.xml', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    // An invoice with no payment applied: QuickBooks refuses to delete one that has payments (as the sandbox does).
    const invoice = (await client.get(US_REALM, 'query?query=SELECT%20*%20FROM%20Invoice%20MAXRESULTS%20100')).body as { QueryResponse: { Invoice: Json[] } };
    const target = invoice.QueryResponse.Invoice.find((entry) => !((entry['LinkedTxn'] as Json[] | undefined) ?? []).some((link) => link['TxnType'] === 'Payment')) as Json;
    expect(target, 'an unpaid invoice to delete').toBeDefined();
    expect((await client.post(US_REALM, 'invoice?operation=delete', { Id: target['Id'], SyncToken: target['SyncToken'] })).status).toBe(200);
    const vendor = (await client.get(US_REALM, 'query?query=SELECT%20*%20FROM%20Vendor%20MAXRESULTS%201')).body as { QueryResponse: { Vendor: Json[] } };
    const first = vendor.QueryResponse.Vendor[0] as Json;
    await client.post(US_REALM, 'vendor', { Id: first['Id'], SyncToken: first['SyncToken'], sparse: true, AcctNum: 'CDC-1' });
    const cdc = await client.get(US_REALM, `cdc?entities=Bill,Invoice,Vendor&changedSince=${encodeURIComponent(since)}`);
    expect(cdc.status).toBe(200);
    const body = cdc.body as Json;
    const problems = (body['CDCResponse'] as Json[]).flatMap((response) => qboSchema().violations(response, 'CDCResponse'));
    expect(problems).toEqual([]);
    const sandboxPaths = withoutValue(jsonPaths(body['CDCResponse']));
    const captured = withoutValue(jsonPaths((capturedXml('change_data_capture_response.xml')['IntuitResponse'] as Json)['CDCResponse']));
    for (const path of ['QueryResponse', 'QueryResponse.Invoice', 'QueryResponse.Invoice.status', 'QueryResponse.Invoice.Id', 'QueryResponse.Invoice.MetaData.LastUpdatedTime', 'QueryResponse.startPosition', 'QueryResponse.maxResults']) {
      expect(captured.has(path), `capture has ${path}`).toBe(true);
      expect(sandboxPaths.has(path), `sandbox has ${path}`).toBe(true);
    }
    const deleted = ((body['CDCResponse'] as Json[])[0]?.['QueryResponse'] as Json[])[1]?.['Invoice'] as Json[];
    expect(deleted.find((entry) => entry['Id'] === target['Id'])).toEqual({ domain: 'QBO', status: 'Deleted', Id: target['Id'], MetaData: { LastUpdatedTime: expect.any(String) } });
  });

  it('Fault: Error[{Message, Detail, code, element}] and type, as in the captured faults', async () => {
    const tooMany = await client.get(US_REALM, `query?query=${encodeURIComponent('SELECT * FROM Vendor MAXRESULTS 1500')}`);
    expect(tooMany.status).toBe(400);
    const fault = (tooMany.body as Json)['Fault'] as Json;
    expect(qboSchema().violations(fault, 'Fault')).toEqual([]);
    expect(fault).toEqual({ Error: [{ Message: 'Invalid query', Detail: 'QueryValidationError: value 1500 is too large. Max allowed value is 1000', code: '4001', element: '' }], type: 'ValidationFault' });
    const captured = (capturedXml('query_validation_error.xml')['IntuitResponse'] as Json)['Fault'] as Json;
    expect(withoutValue(jsonPaths(fault))).toEqual(new Set([...withoutValue(jsonPaths(captured)), 'Error.element']));

    const name = ((await client.get(US_REALM, 'query?query=SELECT%20*%20FROM%20Customer%20MAXRESULTS%201')).body as { QueryResponse: { Customer: Json[] } }).QueryResponse.Customer[0]?.['DisplayName'];
    const duplicate = await client.post(US_REALM, 'vendor', { DisplayName: name });
    const duplicateFault = (duplicate.body as Json)['Fault'] as Json;
    const capturedDuplicate = (capturedXml('customer_duplicate_error.xml')['IntuitResponse'] as Json)['Fault'] as Json;
    expect(((duplicateFault['Error'] as Json[])[0] as Json)['code']).toBe(((capturedDuplicate['Error'] as Json)['code']));
    expect(((duplicateFault['Error'] as Json[])[0] as Json)['Message']).toBe(((capturedDuplicate['Error'] as Json)['Message']));
  });

  it('429 throttle body is the XML of too_many_requests_error.xml even when JSON is asked for', async () => {
    const limit = (perMinute: number) => client.sandbox.app.request('http://127.0.0.1:8790/_sandbox/qbo/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rate_limit_per_minute: perMinute }) });
    let throttled: Awaited<ReturnType<Connected['get']>>;
    try {
      await limit(1);
      await client.get(US_REALM, 'preferences');
      throttled = await client.get(US_REALM, 'preferences');
    } finally {
      // The tests after this one share the sandbox: its limit goes back whatever happened here.
      await limit(500);
    }
    expect(throttled.status).toBe(429);
    expect(throttled.type).toContain('xml');
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true });
    const strip = (node: unknown): unknown => (typeof node === 'object' && node !== null ? Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'time' && key !== 'xmlns' && key !== '?xml').map(([key, value]) => [key, strip(value)])) : node);
    const captured = strip(parser.parse(await import('node:fs').then((fs) => fs.readFileSync(new URL('../../../shared/contracts/qbo/captured-xml/too_many_requests_error.xml', import.meta.url), 'utf8'))));
    expect(strip(parser.parse(throttled.text))).toEqual(captured);
    // And our client reads it as a throttle to wait out.
    expect(parseFault(429, throttled.text)).toMatchObject({ kind: 'throttled', category: 'rate_limited', action: 'wait', code: '3001' });
  });

  it('ProfitAndLoss: Report.xsd shape, the captured JSON report layout, totals that equal the entities', async () => {
    const report = await client.get(US_REALM, 'reports/ProfitAndLoss?start_date=2000-01-01&end_date=2100-12-31');
    const body = report.body as Json;
    expect(qboSchema().violations(body, 'Report')).toEqual([]);
    const captured = capturedJson('captured-json/profit_and_loss.json') as Json;
    const capturedPaths = jsonPaths(captured);
    const extra = [...jsonPaths(body)].filter((path) => !capturedPaths.has(path));
    expect(extra).toEqual([]);
    const groups = (report: Json) => ((report['Rows'] as Json)['Row'] as Json[]).map((row) => row['group']);
    expect(groups(body).filter((group) => !groups(captured).includes(group))).toEqual([]);

    const section = (group: string) => ((body['Rows'] as Json)['Row'] as Json[]).find((row) => row['group'] === group) as Json;
    const total = (group: string) => Number((((section(group)['Summary'] as Json)['ColData'] as Json[])[1] as Json)['value']);
    const invoices = await allOf(client, 'Invoice');
    const memos = await allOf(client, 'CreditMemo');
    const salesLines = (docs: Json[]) => docs.flatMap((doc) => (doc['Line'] as Json[]).filter((line) => line['DetailType'] === 'SalesItemLineDetail')).reduce((sum, line) => sum + Math.round(Number(line['Amount']) * 100), 0);
    expect(Math.round(total('Income') * 100)).toBe(salesLines(invoices) - salesLines(memos));
    expect(total('NetIncome')).toBeCloseTo(total('GrossProfit') - total('Expenses') + total('NetOtherIncome'), 2);
  });

  it('BalanceSheet: assets equal liabilities plus equity', async () => {
    const report = await client.get(US_REALM, 'reports/BalanceSheet?end_date=2100-12-31');
    const body = report.body as Json;
    expect(qboSchema().violations(body, 'Report')).toEqual([]);
    const rows = (body['Rows'] as Json)['Row'] as Json[];
    const totalOf = (row: Json | undefined) => Number((((row?.['Summary'] as Json)['ColData'] as Json[])[1] as Json)['value']);
    expect(totalOf(rows[0])).toBeCloseTo(totalOf(rows[1]), 2);
    expect(totalOf(rows[0])).not.toBe(0);
  });

  it('401: lower-case fault body with code 3200 for an unknown token', async () => {
    const response = await client.sandbox.app.request(`http://127.0.0.1:8790/qbo/v3/company/${US_REALM}/companyinfo/${US_REALM}`, { headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { fault: { error: { code: string }[]; type: string } };
    expect(body.fault).toMatchObject({ error: [{ code: '3200' }], type: 'AUTHENTICATION' });
  });
});
