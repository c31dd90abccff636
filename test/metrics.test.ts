import { lineTaxCode } from './support/tax-codes.ts';
import { describe, expect, test } from 'vitest';
import type { ConnectionRow } from '../bff/connections/store.ts';
import { jobHistory } from '../bff/jobs/queue.ts';
import { monthOverEverywhere, refreshDatasets } from '../bff/metrics/datasets.ts';
import { recomputeMetrics } from '../bff/metrics/values.ts';
import type { ProviderCaller } from '../bff/sync/provider-caller.ts';
import { enqueueMetricsRefreshAfterRun, METRICS_REFRESH_JOB } from '../bff/jobs/metrics-refresh.ts';
import { testApp, type TestTenant } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { uniqueCompany } from './support/realms.ts';
import { qboCall, runReactions, syncOnce } from './support/sync.ts';

/**
 * Acceptance for issue #16 on sandbox companies of every region: metric values equal the sandbox's own
 * ProfitAndLoss / BalanceSheet, read here month by month with summarize_column_by=Total (a request shape the
 * datasets never use), for every month of the window on both bases; a sync after mutations updates exactly
 * the values they touch and reports them; a rename keeps the metric; a disconnect marks values stale.
 */
const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));

type Json = Record<string, any>;
const WINDOW = 24;

const monthKey = (offset: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
};
const windowKeys = Array.from({ length: WINDOW }, (_, index) => monthKey(index - WINDOW + 1));
const lastDay = (key: string) => {
  const [year, month] = key.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
};

/** The amount of one line in a Total-column report: an account's Section summary (with its sub-accounts) or Data row; a group's Summary. */
function figure(report: Json, find: { group?: string; account?: string }): number {
  let found: number | undefined;
  const walk = (rows: Json[]) => {
    for (const row of rows) {
      if (found !== undefined) return;
      if (find.group && row.group === find.group && row.Summary) found = Number(row.Summary.ColData[1].value);
      else if (find.account && row.type === 'Section' && row.Header?.ColData?.[0]?.id === find.account) found = Number(row.Summary.ColData[1].value);
      else if (find.account && row.type === 'Data' && row.ColData[0].id === find.account) found = Number(row.ColData[1].value);
      else if (row.Rows?.Row) walk(row.Rows.Row);
    }
  };
  walk(report.Rows.Row);
  return found ?? 0;
}

interface Company {
  tenant: TestTenant;
  realm: string;
  id: string;
  parentAccount: string;
  bank: string;
}

async function api(company: Company, path: string, init: { method?: string; json?: unknown } = {}) {
  const response = await t.request(path, { ...init, token: company.tenant.secretKey });
  return { status: response.status, body: (await response.json()) as Json };
}

async function accountOf(company: Company, type: string): Promise<string> {
  const [row] = await t.deps.sql<{ external_id: string }[]>`
    select external_id from records where connection_id = ${company.id} and type = 'Account' and data->>'AccountType' = ${type} and coalesce(active, true)
    order by external_id::int limit 1`;
  return row!.external_id;
}

/** An expense paid from the bank, booked to one account on one day. */
async function purchase(company: Company, account: string, day: string, amount: number) {
  return qboCall(t, sandbox.url, company.realm, company.id, 'POST', 'purchase', {
    PaymentType: 'Cash',
    AccountRef: { value: company.bank },
    TxnDate: day,
    Line: [{ Amount: amount, DetailType: 'AccountBasedExpenseLineDetail', AccountBasedExpenseLineDetail: { AccountRef: { value: account }, TaxCodeRef: await lineTaxCode(t.deps.sql, company.id, 'purchase') } }],
  });
}

/** A connected, synced company whose first expense account has two sub-accounts with amounts in several months. */
async function company(country: string): Promise<Company> {
  const tenant = await t.createTenant();
  const realm = uniqueCompany(sandbox, { size: 'small', country });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  const id = result.connection!.id;
  await syncOnce(t, id, { reactions: false });
  const partial: Company = { tenant, realm, id, parentAccount: '', bank: '' };
  partial.parentAccount = await accountOf(partial, 'Expense');
  partial.bank = await accountOf(partial, 'Bank');
  for (const [name, months] of [['Sub one', [-1, -7, -20]], ['Sub two', [-3, 0]]] as const) {
    const created = await qboCall(t, sandbox.url, realm, id, 'POST', 'account', { Name: `${name} ${country}`, AccountType: 'Expense', SubAccount: true, ParentRef: { value: partial.parentAccount } });
    for (const offset of months) await purchase(partial, created.Account.Id, `${monthKey(offset)}-10`, 123.45 + Math.abs(offset));
  }
  await syncOnce(t, id);
  return partial;
}

async function define(company: Company, name: string, dataset: string, line: string, basis: string, aggregation = 'sum') {
  const { status, body } = await api(company, `/v1/connections/${company.id}/metrics`, {
    method: 'POST',
    json: { name, dataset, line, include_sub_accounts: true, aggregation, period: 'month', accounting_method: basis },
  });
  expect(status, JSON.stringify(body)).toBe(201);
  return body as Json;
}

async function sandboxReport(company: Company, report: string, basis: string, key: string) {
  const start = report === 'BalanceSheet' ? '2000-01-01' : `${key}-01`;
  return qboCall<Json>(t, sandbox.url, company.realm, company.id, 'GET', `reports/${report}`, undefined, {
    start_date: start,
    end_date: lastDay(key),
    accounting_method: basis === 'cash' ? 'Cash' : 'Accrual',
  });
}

/** Every month of the window: metric values equal the sandbox's own report figures. */
async function expectValuesEqualReports(company: Company, metrics: Record<string, Json>) {
  for (const basis of ['accrual', 'cash']) {
    // 48 report reads per basis: a fresh rolling minute for them, so this check never meets the report limit itself.
    await sandbox.control('POST', '/clock', { advance_seconds: 61 });
    const values = async (metric: Json) => new Map(((await api(company, `/v1/connections/${company.id}/metrics/${metric.id}`)).body.values as Json[]).map((value) => [value.period, value.value]));
    const revenue = await values(metrics[`revenue-${basis}`]!);
    const expense = await values(metrics[`expense-${basis}`]!);
    const cash = await values(metrics[`cash-${basis}`]!);
    for (const key of windowKeys) {
      const pnl = await sandboxReport(company, 'ProfitAndLoss', basis, key);
      const balance = await sandboxReport(company, 'BalanceSheet', basis, key);
      expect([key, basis, revenue.get(key)]).toEqual([key, basis, figure(pnl, { group: 'Income' })]);
      expect([key, basis, expense.get(key)]).toEqual([key, basis, figure(pnl, { account: company.parentAccount })]);
      expect([key, basis, cash.get(key)]).toEqual([key, basis, figure(balance, { group: 'BankAccounts' })]);
    }
  }
}

async function metricsOf(company: Company) {
  const metrics: Record<string, Json> = {};
  for (const basis of ['accrual', 'cash']) {
    metrics[`revenue-${basis}`] = await define(company, `Revenue ${basis}`, 'profit_and_loss', 'total:revenue', basis);
    metrics[`expense-${basis}`] = await define(company, `Expense ${basis}`, 'profit_and_loss', company.parentAccount, basis);
    metrics[`cash-${basis}`] = await define(company, `Cash ${basis}`, 'balance_sheet', 'total:cash', basis, 'last');
  }
  return metrics;
}

async function metricEvents(company: Company, after: Date) {
  const rows = await t.deps.sql<{ data: Json }[]>`
    select data from events where connection_id = ${company.id} and type = 'metric.updated' and created_at >= ${after} order by created_at, id`;
  return new Map(rows.map((row) => [row.data.metric_id as string, (row.data.changes as Json[]).map((change) => change.period as string)]));
}

describe('metrics from QuickBooks reports', () => {
  test.each(['US', 'GB', 'CA', 'AU'])('%s: values equal the reports for every month, both bases; a sync updates exactly what changed', async (country) => {
    const c = await company(country);
    // The 24-month refresh: four datasets of four six-month ranges each, within the report limit.
    const [first] = await jobHistory(t.deps.sql, METRICS_REFRESH_JOB, c.id);
    expect(first!.status).toBe('succeeded');
    const stats = await sandbox.control('GET', `/qbo/companies/${c.realm}/stats`);
    expect(stats.requests_refused_by.report_per_minute).toBe(0);
    expect(first!.outcome!['report_calls']).toBe(16);

    const data = await api(c, `/v1/connections/${c.id}/metric-data`);
    expect(data.body.status).toBe('current');
    for (const dataset of data.body.datasets) {
      expect(dataset).toMatchObject({ periods: WINDOW, first_period: windowKeys[0], last_period: windowKeys[WINDOW - 1], verified: true, differences: [] });
    }
    const subs = data.body.accounts.filter((account: Json) => account.parent_id === c.parentAccount);
    expect(subs.length).toBe(2);

    const metrics = await metricsOf(c);
    await expectValuesEqualReports(c, metrics);

    // Mutations: an unpaid invoice five months ago (accrual revenue, not cash), an expense on a sub-account two months ago.
    const [invoice] = await t.deps.sql<{ data: Json }[]>`select data from records where connection_id = ${c.id} and type = 'Invoice' and deleted_at is null order by external_id::int limit 1`;
    const lines = (invoice!.data.Line as Json[]).filter((line) => line.DetailType === 'SalesItemLineDetail').map(({ Id: _id, LineNum: _n, ...line }) => line);
    await qboCall(t, sandbox.url, c.realm, c.id, 'POST', 'invoice', { CustomerRef: invoice!.data.CustomerRef, TxnDate: `${monthKey(-5)}-15`, Line: lines });
    const [sub] = subs;
    await purchase(c, sub.id, `${monthKey(-2)}-15`, 77.7);
    await sandbox.control('POST', '/clock', { advance_seconds: 30 });
    const before = new Date(Date.now() - 1000);
    await syncOnce(t, c.id);

    const [second] = await jobHistory(t.deps.sql, METRICS_REFRESH_JOB, c.id);
    expect(second!.status).toBe('succeeded');
    // Only the touched months: two P&L months per basis, and each balance sheet from the earliest on (one or two ranges).
    expect(second!.outcome!['report_calls']).toBeLessThanOrEqual(2 + 2 + 2 + 2);
    const changed = await metricEvents(c, before);
    const fromTwoMonthsAgo = windowKeys.filter((key) => key >= monthKey(-2));
    expect(changed.get(metrics['revenue-accrual']!.id)).toEqual([monthKey(-5)]);
    expect(changed.has(metrics['revenue-cash']!.id)).toBe(false);
    expect(changed.get(metrics['expense-accrual']!.id)).toEqual([monthKey(-2)]);
    expect(changed.get(metrics['expense-cash']!.id)).toEqual([monthKey(-2)]);
    expect(changed.get(metrics['cash-accrual']!.id)).toEqual(fromTwoMonthsAgo);
    expect(changed.get(metrics['cash-cash']!.id)).toEqual(fromTwoMonthsAgo);
    await expectValuesEqualReports(c, metrics);
  }, 300_000);

  test('an answer in another basis than asked is refused with the reason, never stored as that basis; the next refresh asks again', async () => {
    const c = await company('GB');
    const cash = await define(c, 'Revenue cash', 'profit_and_loss', 'total:revenue', 'cash');
    const accrual = await define(c, 'Revenue accrual', 'profit_and_loss', 'total:revenue', 'accrual');
    const [connection] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${c.id}`;
    // QuickBooks falls back to the company's default basis (here accrual) when accounting_method does not reach it.
    const companyDefault = {
      call: (request: (api: unknown) => Promise<unknown>) =>
        request({ get: (path: string, { accounting_method: _dropped, ...query }: Record<string, string>) => qboCall<Json>(t, sandbox.url, c.realm, c.id, 'GET', path, undefined, query) }),
    } as unknown as ProviderCaller;
    await sandbox.control('POST', '/clock', { advance_seconds: 61 });
    const grown = await refreshDatasets(t.deps.sql, connection!, companyDefault, { now: t.deps.now(), windowMonths: WINDOW + 1, since: null });
    const month = monthKey(-WINDOW);
    expect(grown.calls).toBe(4);
    expect(grown.refused.map((range) => [range.dataset, range.basis, range.months])).toEqual([
      ['profit_and_loss', 'cash', [`${month}-01`]],
      ['balance_sheet', 'cash', [`${month}-01`]],
    ]);
    await recomputeMetrics(t.deps.sql, c.id, t.deps.now());
    const available = (await api(c, `/v1/connections/${c.id}/metric-data`)).body;
    for (const set of available.datasets as Json[]) {
      if (set.accounting_method === 'accrual') expect(set).toMatchObject({ verified: true, periods: WINDOW + 1 });
      else expect(set).toMatchObject({ verified: false, periods: WINDOW, differences: [{ period: `${month}-01`, section: 'Header.ReportBasis', expected: 'Cash', found: 'Accrual' }] });
    }
    const valueOf = async (metric: Json) => ((await api(c, `/v1/connections/${c.id}/metrics/${metric.id}`)).body as Json);
    const cashNow = await valueOf(cash);
    expect(cashNow.verified).toBe(false);
    // The month has no cash figure at all rather than the accrual one under the cash name.
    expect(cashNow.values.find((value: Json) => value.period === month)).toBeUndefined();
    expect((await valueOf(accrual)).values.find((value: Json) => value.period === month)).toBeDefined();

    // Asked again (and answered as asked): stored, verified.
    const plain = {
      call: (request: (api: unknown) => Promise<unknown>) =>
        request({ get: (path: string, query: Record<string, string>) => qboCall<Json>(t, sandbox.url, c.realm, c.id, 'GET', path, undefined, query) }),
    } as unknown as ProviderCaller;
    const again = await refreshDatasets(t.deps.sql, connection!, plain, { now: t.deps.now(), windowMonths: WINDOW + 1, since: null });
    expect([again.calls, again.refused]).toEqual([2, []]);
    await recomputeMetrics(t.deps.sql, c.id, t.deps.now());
    const fixed = await valueOf(cash);
    expect(fixed.verified).toBe(true);
    const pnl = await sandboxReport(c, 'ProfitAndLoss', 'cash', month);
    expect(fixed.values.find((value: Json) => value.period === month).value).toBe(figure(pnl, { group: 'Income' }));
  }, 180_000);

  test('the month in progress is "to date" (its balance as of the fetch day), and so is each period that includes it; once over it is fetched again in full', async () => {
    const c = await company('AU');
    const revenue = await define(c, 'Revenue', 'profit_and_loss', 'total:revenue', 'accrual');
    const cash = await define(c, 'Cash', 'balance_sheet', 'total:cash', 'cash', 'last');
    const quarterly = (await api(c, `/v1/connections/${c.id}/metrics`, {
      method: 'POST',
      json: { name: 'Revenue T12M', dataset: 'profit_and_loss', line: 'total:revenue', aggregation: 'sum', period: 'trailing_12_months', accounting_method: 'accrual' },
    })).body;
    const today = t.deps.now().toISOString().slice(0, 10);
    // In the first 12 hours of a month (UTC) the month before is not over in every zone yet (monthOverEverywhere),
    // so it is still "to date" too, as of its last day; after that it is complete.
    const previousOver = monthOverEverywhere(`${monthKey(-1)}-01`) <= t.deps.now();
    const previous = previousOver ? { complete: true, to_date: null } : { complete: false, to_date: lastDay(monthKey(-1)) };
    const valuesOf = async (metric: Json) => new Map(((await api(c, `/v1/connections/${c.id}/metrics/${metric.id}`)).body.values as Json[]).map((value) => [value.period, value]));
    for (const metric of [revenue, cash, quarterly]) {
      const values = await valuesOf(metric);
      expect(values.get(monthKey(0))).toMatchObject({ complete: false, to_date: today });
      expect(values.get(monthKey(-1))).toMatchObject(previous);
    }
    const preview = await api(c, `/v1/connections/${c.id}/metric-preview?dataset=balance_sheet&line=total:cash&aggregation=last&period=quarter&accounting_method=cash`);
    expect(preview.body.values.at(-1)).toMatchObject({ complete: false, to_date: today, partial: ['to_date'] });

    // The first quarter and year of the window hold only the months from its start, and say so (months, partial).
    const start = windowKeys[0]!;
    const startMonth = Number(start.slice(5));
    const quarters = (await api(c, `/v1/connections/${c.id}/metric-preview?dataset=profit_and_loss&line=total:revenue&aggregation=sum&period=quarter&accounting_method=accrual&last=60`)).body.values as Json[];
    const quarterEnd = `${start.slice(0, 5)}${String(Math.ceil(startMonth / 3) * 3).padStart(2, '0')}`;
    expect(quarters[0]).toMatchObject({ months: { from: start, to: quarterEnd }, partial: startMonth % 3 === 1 ? [] : ['window_start'], complete: startMonth % 3 === 1 });
    const years = (await api(c, `/v1/connections/${c.id}/metrics`, {
      method: 'POST',
      json: { name: 'Revenue yearly', dataset: 'profit_and_loss', line: 'total:revenue', aggregation: 'sum', period: 'year', accounting_method: 'accrual' },
    })).body.values as Json[];
    expect(years[0]).toMatchObject({ period: start.slice(0, 4), months: { from: start, to: `${start.slice(0, 4)}-12` }, partial: startMonth === 1 ? [] : ['window_start'] });
    expect(years.at(-1)).toMatchObject({ period: monthKey(0).slice(0, 4), months: { to: monthKey(0) }, partial: ['to_date'], to_date: today });
    // Values stored before months and reasons were kept read as the whole period, with the reason to_date gives.
    await t.deps.sql`update metric_values set months_from = null, months_to = null, partial = '{}' where metric_id = ${revenue.id}`;
    const old = await valuesOf(revenue);
    expect(old.get(monthKey(0))).toMatchObject({ months: { from: monthKey(0), to: monthKey(0) }, partial: ['to_date'] });
    expect(old.get(monthKey(-1))).toMatchObject({ months: { from: monthKey(-1), to: monthKey(-1) }, partial: previousOver ? [] : ['to_date'] });

    // The month ends (an injected clock two days into the next month): the month fetched "to date" is fetched again.
    const [connection] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${c.id}`;
    const plain = {
      call: (request: (api: unknown) => Promise<unknown>) =>
        request({ get: (path: string, query: Record<string, string>) => qboCall<Json>(t, sandbox.url, c.realm, c.id, 'GET', path, undefined, query) }),
    } as unknown as ProviderCaller;
    const later = new Date(`${monthKey(1)}-03T09:00:00Z`);
    await sandbox.control('POST', '/clock', { advance_seconds: 61 });
    const rolled = await refreshDatasets(t.deps.sql, connection!, plain, { now: later, windowMonths: WINDOW, since: null });
    expect(rolled.fetched.map((plan) => plan.months)).toEqual(Array.from({ length: 4 }, () => [...(previousOver ? [] : [`${monthKey(-1)}-01`]), `${monthKey(0)}-01`, `${monthKey(1)}-01`]));
    await recomputeMetrics(t.deps.sql, c.id, later);
    const values = await valuesOf(revenue);
    expect(values.get(monthKey(0))).toMatchObject({ complete: true, to_date: null });
    expect(values.get(monthKey(1))).toMatchObject({ complete: false, to_date: `${monthKey(1)}-03` });
  }, 180_000);

  test('a renamed account keeps its metric; a disconnect keeps the values and marks them stale; a reconnect resumes; a report that does not add up is unverified', async () => {
    const c = await company('US');
    const metric = await define(c, 'Expense', 'profit_and_loss', c.parentAccount, 'accrual');
    const account = await qboCall<Json>(t, sandbox.url, c.realm, c.id, 'GET', `account/${c.parentAccount}`);
    await qboCall(t, sandbox.url, c.realm, c.id, 'POST', 'account', { Id: c.parentAccount, SyncToken: account.Account.SyncToken, sparse: true, Name: 'Renamed expense' });
    await sandbox.control('POST', '/clock', { advance_seconds: 30 });
    await syncOnce(t, c.id);
    const after = await api(c, `/v1/connections/${c.id}/metrics/${metric.id}`);
    expect(after.body.values).toEqual(metric.values);
    expect(after.body.line).toBe(c.parentAccount);
    const data = await api(c, `/v1/connections/${c.id}/metric-data`);
    expect(data.body.accounts.find((row: Json) => row.id === c.parentAccount).name).toBe('Renamed expense');

    // Bad input: a 400 naming the field, and nothing stored.
    const valid = { name: 'X', dataset: 'profit_and_loss', line: 'total:revenue', aggregation: 'sum', period: 'month', accounting_method: 'cash' };
    const refused = async (json: Json, field: string) => {
      const answer = await api(c, `/v1/connections/${c.id}/metrics`, { method: 'POST', json });
      expect([answer.status, answer.body.error?.message]).toEqual([400, expect.stringContaining(field)]);
    };
    await refused({ ...valid, aggregation: 'median' }, 'aggregation');
    await refused({ ...valid, line: 'Sales' }, 'line');
    await refused({ ...valid, line: 'total:cash' }, 'body.line');
    await refused({ ...valid, currency: 'EUR' }, 'body.currency');
    await refused({ ...valid, accounting_method: undefined }, 'accounting_method');
    await refused({ ...valid, colour: 'red' }, 'colour');
    // An account line must be an account of the company that the report lists: never a metric of silent zeros.
    await refused({ ...valid, line: '99999' }, 'body.line');
    await refused({ ...valid, line: c.bank }, 'body.line');
    // Said as a person would: "an Asset account", not "a Asset account".
    expect((await api(c, `/v1/connections/${c.id}/metrics`, { method: 'POST', json: { ...valid, line: c.bank } })).body.error.message).toBe(
      `body.line: account ${c.bank} is an Asset account, which the Profit and Loss does not list`,
    );
    await refused({ ...valid, line: `000${c.parentAccount}` }, 'body.line');
    await refused({ ...valid, dataset: 'balance_sheet', line: 'total:cash', period: 'year' }, 'body.aggregation');
    await refused({ ...valid, dataset: 'balance_sheet', line: 'total:cash', period: 'trailing_12_months' }, 'adding balances up over 12 months means nothing');
    expect((await api(c, `/v1/connections/${c.id}/metrics`)).body.data.map((row: Json) => row.id)).toEqual([metric.id]);
    const other = await t.createTenant();
    expect((await t.request(`/v1/connections/${c.id}/metrics/${metric.id}`, { method: 'DELETE', token: other.secretKey })).status).toBe(404);

    expect((await t.request(`/v1/connections/${c.id}`, { method: 'DELETE', token: c.tenant.secretKey })).status).toBe(200);
    const stale = await api(c, `/v1/connections/${c.id}/metrics/${metric.id}`);
    expect(stale.body.status).toBe('stale');
    expect(stale.body.values).toEqual(metric.values);
    // A refresh of a disconnected connection fetches nothing and changes nothing.
    await enqueueMetricsRefreshAfterRun(t.deps.sql, { id: c.id, provider: 'qbo' }, new Date(0));
    expect(await runReactions(t, c.id, [METRICS_REFRESH_JOB])).toMatchObject([{ outcome: 'succeeded', value: { skipped: 'connection disconnected' } }]);
    expect((await api(c, `/v1/connections/${c.id}/metrics/${metric.id}`)).body.values).toEqual(metric.values);

    // Reconnected and synced: updates resume, including what changed meanwhile.
    const again = await connectThroughPopup(t, sandbox, c.tenant, 'org-1', c.realm, { connectionId: c.id });
    expect(again.result.connection).toMatchObject({ id: c.id, status: 'connected' });
    await purchase(c, c.parentAccount, `${monthKey(0)}-01`, 99.99);
    await sandbox.control('POST', '/clock', { advance_seconds: 30 });
    await syncOnce(t, c.id);
    const resumed = await api(c, `/v1/connections/${c.id}/metrics/${metric.id}`);
    expect(resumed.body.status).toBe('current');
    const current = (values: Json[]) => values.find((value) => value.period === monthKey(0))?.value ?? 0;
    expect(current(resumed.body.values)).toBeCloseTo(current(metric.values) + 99.99, 2);

    // A report whose lines do not add up to its own total (here the month before the window, fetched once the
    // window grows) is stored as unverified, saying where, and the metric says so.
    const [connection] = await t.deps.sql<ConnectionRow[]>`select * from connections where id = ${c.id}`;
    const tampering = {
      call: (request: (api: unknown) => Promise<unknown>) =>
        request({
          async get(path: string, query: Record<string, string>) {
            const body = await qboCall<Json>(t, sandbox.url, c.realm, c.id, 'GET', path, undefined, query);
            const bump = (row: Json) => (row.Summary.ColData[1].value = (Number(row.Summary.ColData[1].value) + 1).toFixed(2));
            const walk = (rows: Json[]) => rows.forEach((row) => (row.group === 'Income' || row.group === 'BankAccounts' ? bump(row) : row.Rows && walk(row.Rows.Row)));
            walk(body.Rows.Row);
            return body;
          },
        }),
    } as unknown as ProviderCaller;
    const grown = await refreshDatasets(t.deps.sql, connection!, tampering, { now: t.deps.now(), windowMonths: WINDOW + 1, since: null });
    expect(grown.calls).toBe(4);
    const month = monthKey(-WINDOW);
    const available = (await api(c, `/v1/connections/${c.id}/metric-data`)).body;
    const pnl = available.datasets.find((set: Json) => set.dataset === 'profit_and_loss' && set.accounting_method === 'accrual');
    expect(pnl.verified).toBe(false);
    // A month with several differences is still one month.
    expect(pnl.periods).toBe(WINDOW + 1);
    expect(pnl.differences).toContainEqual(expect.objectContaining({ period: `${month}-01`, section: 'Total Income' }));
    const cashSet = available.datasets.find((set: Json) => set.dataset === 'balance_sheet' && set.accounting_method === 'cash');
    expect(cashSet.differences).toContainEqual(expect.objectContaining({ period: `${month}-01`, section: 'Total Bank Accounts' }));
    expect((await api(c, `/v1/connections/${c.id}/metrics/${metric.id}`)).body.verified).toBe(false);

    // A window that shrinks drops the months it no longer keeps current (never served as if current); one that
    // grows again fetches them afresh.
    const plain = {
      call: (request: (api: unknown) => Promise<unknown>) =>
        request({ get: (path: string, query: Record<string, string>) => qboCall<Json>(t, sandbox.url, c.realm, c.id, 'GET', path, undefined, query) }),
    } as unknown as ProviderCaller;
    await sandbox.control('POST', '/clock', { advance_seconds: 61 });
    await refreshDatasets(t.deps.sql, connection!, plain, { now: t.deps.now(), windowMonths: 6, since: null });
    for (const dataset of (await api(c, `/v1/connections/${c.id}/metric-data`)).body.datasets) {
      expect(dataset).toMatchObject({ periods: 6, first_period: windowKeys[WINDOW - 6], verified: true });
    }
    // The metric's values follow: the months dropped from the window are no longer served, and whoever holds them
    // is told as for any other change (new: null), as months joining the window are (old: null).
    const held = (await api(c, `/v1/connections/${c.id}/metrics/${metric.id}`)).body.values as Json[];
    const dropped = held.filter((value) => !windowKeys.slice(WINDOW - 6).includes(value.period));
    expect(dropped.length).toBeGreaterThanOrEqual(WINDOW - 6);
    const lastChanges = async () => {
      const [event] = await t.deps.sql<{ data: Json }[]>`
        select data from events where connection_id = ${c.id} and type = 'metric.updated' and data->>'metric_id' = ${metric.id} order by created_at desc, id desc limit 1`;
      return event!.data.changes as Json[];
    };
    expect(await recomputeMetrics(t.deps.sql, c.id, t.deps.now())).toMatchObject({ metrics: 1, updated: dropped.length, events: 1 });
    expect(await lastChanges()).toEqual(dropped.map((value) => ({ period: value.period, old: value.value, new: null, to_date: null })));
    expect((await api(c, `/v1/connections/${c.id}/metrics/${metric.id}`)).body.values.map((value: Json) => value.period)).toEqual(windowKeys.slice(WINDOW - 6));
    const regrown = await refreshDatasets(t.deps.sql, connection!, plain, { now: t.deps.now(), windowMonths: WINDOW, since: null });
    expect(regrown.calls).toBe(4 * Math.ceil((WINDOW - 6) / 6));
    for (const dataset of (await api(c, `/v1/connections/${c.id}/metric-data`)).body.datasets) {
      expect(dataset).toMatchObject({ periods: WINDOW, first_period: windowKeys[0], verified: true });
    }
    await recomputeMetrics(t.deps.sql, c.id, t.deps.now());
    expect((await lastChanges()).map((change) => [change.period, change.old])).toEqual(windowKeys.slice(0, WINDOW - 6).map((key) => [key, null]));
  }, 180_000);
});
