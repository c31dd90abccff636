import { afterEach, describe, expect, it } from 'vitest';
import { harness, q, US, type Harness } from '../../testing.ts';

type Json = Record<string, unknown>;
type Answer = { status: number; body: Json & { Fault?: { Error: { code: string; Message: string; Detail: string; element?: string }[] } } };
let h: Harness;
afterEach(() => h?.sandbox.close());

async function setup() {
  h = harness();
  const { access_token: token } = await h.connect(US);
  const call = async (path: string, json?: unknown): Promise<Answer> => {
    const response = await h.api(token, US, path, json === undefined ? {} : { json });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const first = async (type: string, where = '') => (((await call(q(`SELECT * FROM ${type} ${where} MAXRESULTS 1`))).body['QueryResponse'] as Json)[type] as Json[])[0] as Json;
  return { call, first };
}

const refusal = (answer: Answer) => [answer.status, answer.body.Fault?.Error[0]?.code, answer.body.Fault?.Error[0]?.element];

describe('names QuickBooks refuses: a colon (its hierarchy separator), a tab or a line break (2040)', () => {
  it.each([
    ['vendor', 'DisplayName', 'Line\nBreak Supplies'],
    ['vendor', 'DisplayName', 'Tab\tSupplies'],
    ['customer', 'DisplayName', 'Col:on Holdings'],
    ['employee', 'DisplayName', 'Ann:Other'],
    ['class', 'Name', 'North:East'],
    ['department', 'Name', 'Floor\r\nTwo'],
  ])('create %s with %s %j is refused', async (entity, field, name) => {
    const { call } = await setup();
    const body: Json = { [field]: name };
    if (entity === 'employee') Object.assign(body, { GivenName: 'Ann', FamilyName: 'Other' });
    const answer = await call(entity, body);
    expect(refusal(answer)).toEqual([400, '2040', field]);
    expect(answer.body.Fault?.Error[0]?.Message).toBe('Invalid String. The String may contain unsupported or illegal chars');
  });

  it('an account or item named with a colon is refused; the same name without it is created', async () => {
    const { call, first } = await setup();
    expect(refusal(await call('account', { Name: 'Travel:Meals', AccountType: 'Expense' }))).toEqual([400, '2040', 'Name']);
    const income = await first('Account', "WHERE AccountType = 'Income'");
    expect(refusal(await call('item', { Name: 'Consulting:Hours', Type: 'Service', IncomeAccountRef: { value: String(income['Id']) } }))).toEqual([400, '2040', 'Name']);
    expect((await call('account', { Name: 'Travel Meals', AccountType: 'Expense' })).status).toBe(200);
  });

  it('a sparse rename of a vendor to "a:b" is refused and changes nothing; an ordinary rename goes through', async () => {
    const { call, first } = await setup();
    const vendor = await first('Vendor');
    const answer = await call('vendor', { Id: vendor['Id'], SyncToken: vendor['SyncToken'], sparse: true, DisplayName: 'a:b' });
    expect(refusal(answer)).toEqual([400, '2040', 'DisplayName']);
    expect(answer.body.Fault?.Error[0]?.Detail).toBe('Element contains invalid characters. a:b');
    const after = (await call(`vendor/${String(vendor['Id'])}`)).body['Vendor'] as Json;
    expect([after['DisplayName'], after['SyncToken']]).toEqual([vendor['DisplayName'], vendor['SyncToken']]);
    expect((await call('vendor', { Id: vendor['Id'], SyncToken: vendor['SyncToken'], sparse: true, DisplayName: 'a - b; c, (d) & e' })).status).toBe(200);
  });
});
