import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import type { AvailableData, MetricPreview } from '../../shared/api/metrics.ts';
import { defineElement } from '../base/define.ts';
import { fakeToken, installFakeBff, uniqueTag, type RecordedRequest } from '../test-support/fake-bff.ts';
import { MetricPicker, type MetricSelectEventDetail } from './metric-picker.ts';

const BFF = 'http://bff.test';
const ID = 'con_0123456789abcdef0123';

function data(overrides: Partial<AvailableData> = {}): AvailableData {
  const set = (dataset: 'profit_and_loss' | 'balance_sheet', basis: 'accrual' | 'cash') => ({
    dataset,
    accounting_method: basis,
    first_period: '2025-01',
    last_period: '2026-11',
    periods: 23,
    last_fetched_at: '2026-11-30T10:00:00.000Z',
    verified: true,
    differences: [],
  });
  return {
    status: 'current',
    currency: 'GBP',
    window_months: 24,
    datasets: [set('profit_and_loss', 'accrual'), set('profit_and_loss', 'cash'), set('balance_sheet', 'accrual'), set('balance_sheet', 'cash')],
    totals: [
      { line: 'total:revenue', name: 'Total revenue', dataset: 'profit_and_loss' },
      { line: 'total:cash', name: 'Cash (bank accounts)', dataset: 'balance_sheet' },
    ],
    accounts: [
      { id: '17', name: 'Motor Vehicle Expenses', dataset: 'profit_and_loss', classification: 'Expense', account_type: 'Expense', parent_id: null, active: true },
      { id: '40', name: 'Fuel', dataset: 'profit_and_loss', classification: 'Expense', account_type: 'Expense', parent_id: '17', active: true },
      { id: '12', name: 'Sales', dataset: 'profit_and_loss', classification: 'Revenue', account_type: 'Income', parent_id: null, active: true },
    ],
    ...overrides,
  };
}

const values = Array.from({ length: 12 }, (_, index) => ({ period: `2026-${String(index + 1).padStart(2, '0')}`, value: 1000 + index * 250.5, complete: true }));

function install(available: AvailableData, preview: Partial<MetricPreview> = {}, save?: (request: RecordedRequest) => { status?: number; body?: unknown }) {
  return installFakeBff(BFF, (request) => {
    if (request.path.endsWith('/metric-data')) return { body: available };
    if (request.path.includes('/metric-preview')) return { body: { status: available.status, currency: available.currency, verified: true, values, ...preview } };
    if (request.method === 'POST' && request.path.endsWith('/metrics')) return save?.(request) ?? { status: 201, body: { id: 'met_0123456789abcdef0123', ...(request.body as object) } };
    return { status: 404, body: { error: { code: 'not_found', message: 'no fake' } } };
  });
}

async function picker(extra = '') {
  const tag = uniqueTag('metric-picker');
  defineElement(tag, class extends MetricPicker {});
  const element = await fixture<MetricPicker>(staticHtml`<${unsafeStatic(tag)} bff-url=${BFF} session-token=${fakeToken(600)} connection-id=${ID} locale="en-GB" ${unsafeStatic(extra)}></${unsafeStatic(tag)}>`);
  await waitUntil(() => element.preview !== undefined, 'preview shown');
  await element.updateComplete;
  return element;
}

describe('<metric-picker>', () => {
  let fake: ReturnType<typeof install> | undefined;
  afterEach(() => fake?.restore());

  it('previews the latest value in the company currency and user locale, with a 12-bar chart', async () => {
    fake = install(data());
    const element = await picker();
    const root = element.shadowRoot!;
    expect(root.querySelector('.value')!.textContent).to.equal('£3,755.50');
    expect(root.querySelectorAll('svg rect').length).to.equal(12);
    expect(root.querySelector('svg')!.getAttribute('aria-label')).to.contain('2026-12: £3,755.50');
    await expect(element).to.be.accessible();
  });

  it('lists totals and a tree of accounts (sub-accounts under parents) that search narrows', async () => {
    fake = install(data());
    const element = await picker();
    const root = element.shadowRoot!;
    const options = () => [...root.querySelectorAll<HTMLOptionElement>('#line option')].map((option) => option.textContent!.replace(/\u00a0/g, '.'));
    expect(options()).to.deep.equal(['Total revenue', 'Motor Vehicle Expenses', '..Fuel', 'Sales']);
    const search = root.querySelector<HTMLInputElement>('#search')!;
    search.focus();
    await sendKeys({ type: 'fuel' });
    await element.updateComplete;
    expect(options()).to.deep.equal(['..Fuel']);
  });

  it('is keyboard-complete: choose an account with the keys, include its sub-accounts, save, and emit the definition', async () => {
    let saved: unknown;
    fake = install(data(), {}, (request) => ((saved = request.body), { status: 201, body: { id: 'met_0123456789abcdef0123', ...(request.body as object) } }));
    const element = await picker('save name="Motoring"');
    const root = element.shadowRoot!;
    root.querySelector<HTMLSelectElement>('#line')!.focus();
    await sendKeys({ press: 'ArrowDown' }); // Total revenue → Motor Vehicle Expenses
    await element.updateComplete;
    await waitUntil(() => fake!.requests.some((request) => request.path.includes('line=17')), 'previewed the account');
    expect(root.querySelector('input[type=checkbox]')).to.exist;
    const event = oneEvent(element, 'ledgerlink-metric-select');
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.focus();
    await sendKeys({ press: 'Enter' });
    const { detail } = (await event) as CustomEvent<MetricSelectEventDetail>;
    expect(detail.definition).to.deep.equal({ dataset: 'profit_and_loss', line: '17', include_sub_accounts: true, aggregation: 'sum', period: 'month', accounting_method: 'accrual', name: 'Motoring', currency: 'GBP' });
    expect(saved).to.deep.equal(detail.definition);
    expect(detail.metric?.id).to.equal('met_0123456789abcdef0123');
  });

  it('says when data is not imported, stale or unverified, and stays accessible', async () => {
    fake = install(data({ status: 'stale' }), { status: 'stale' });
    let element = await picker();
    expect(element.shadowRoot!.textContent).to.contain('disconnected');
    await expect(element).to.be.accessible();
    fake.restore();
    const unverified = data();
    unverified.datasets[0] = { ...unverified.datasets[0]!, verified: false, differences: [{ period: '2026-03-01', section: 'Total Income', expected: '10.00', found: '9.00' }] };
    fake = install(unverified);
    element = await picker();
    expect(element.shadowRoot!.textContent).to.contain('Unverified').and.contain('Total Income for 2026-03');
    fake.restore();
    fake = install(data({ status: 'not_imported', currency: null }), { status: 'not_imported', currency: null, values: [] });
    element = await picker();
    expect(element.shadowRoot!.textContent).to.contain('not imported yet');
    await expect(element).to.be.accessible();
  });

  it('loads when connection-id is set after the element is on the page, and again when it changes', async () => {
    fake = install(data());
    const tag = uniqueTag('metric-picker');
    defineElement(tag, class extends MetricPicker {});
    const element = await fixture<MetricPicker>(staticHtml`<${unsafeStatic(tag)} bff-url=${BFF} session-token=${fakeToken(600)}></${unsafeStatic(tag)}>`);
    expect(fake.requests).to.deep.equal([]);
    element.setAttribute('connection-id', ID);
    await waitUntil(() => element.preview !== undefined, 'loaded');
    const other = 'con_fedcba9876543210fedc';
    element.setAttribute('connection-id', other);
    await waitUntil(() => fake!.requests.some((request) => request.path.includes(other)), 'loaded the other');
    expect(fake.requests.filter((request) => request.path.endsWith(`${ID}/metric-data`)).length).to.equal(1);
  });

  it('reflows to one column at 390 px (container query) and two when wide', async () => {
    fake = install(data());
    const element = await picker();
    const columns = () => getComputedStyle(element.shadowRoot!.querySelector('form')!).gridTemplateColumns.split(' ').length;
    // getComputedStyle forces style and layout, so container queries resolve at once (requestAnimationFrame
    // never fires in a background tab, where the runner's parallel pages sit).
    element.style.width = '390px';
    expect(columns()).to.equal(1);
    element.style.width = '800px';
    expect(columns()).to.equal(2);
    element.setAttribute('theme', 'dark');
    await expect(element).to.be.accessible();
  });

  it('a save the server refuses shows its reason and emits nothing', async () => {
    fake = install(data(), {}, () => ({ status: 403, body: { error: { code: 'forbidden', message: 'Your role (member) cannot define metrics; ask someone with the admin role.' } } }));
    const element = await picker('save');
    let emitted = false;
    element.addEventListener('ledgerlink-metric-select', () => (emitted = true));
    element.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await waitUntil(() => element.shadowRoot!.querySelector('[role=alert]'), 'error shown');
    expect(element.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('cannot define metrics');
    expect(emitted).to.equal(false);
  });
});
