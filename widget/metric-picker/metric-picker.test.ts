import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import type { AvailableData, MetricPreview } from '../../shared/api/metrics.ts';
import { defineElement } from '../base/define.ts';
import { fakeToken, installFakeBff, uniqueTag, type RecordedRequest } from '../test-support/fake-bff.ts';
import { testSettings } from '../test-support/settings.ts';
import * as sync from '../test-support/sync-status-data.ts';
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

type Value = MetricPreview['values'][number];
const month = (period: string, value: number, extra: Partial<Value> = {}): Value => ({ period, value, complete: true, to_date: null, months: { from: period, to: period }, partial: [], ...extra });
const values = Array.from({ length: 12 }, (_, index) => month(`2026-${String(index + 1).padStart(2, '0')}`, 1000 + index * 250.5));

/** The page around the picker: who is signed in, and the connection as the page's shared state has it. */
const page = { role: 'admin', status: 'connected' as 'connected' | 'disconnected' };
beforeEach(() => Object.assign(page, { role: 'admin', status: 'connected' }));

type Answer = { status?: number; body?: unknown };
function install(available: AvailableData, preview: Partial<MetricPreview> | ((request: RecordedRequest) => Answer) = {}, save?: (request: RecordedRequest) => Answer) {
  return installFakeBff(BFF, (request) => {
    if (request.path === '/v1/widget/session') return { body: { tenant_id: 't', organization_id: 'org_1', user: { id: 'u_1', role: page.role }, expires_at: new Date(Date.now() + 900_000).toISOString() } };
    if (request.path === '/v1/widget/settings') return { body: testSettings({ connect_roles: ['admin'] }) };
    if (request.method === 'GET' && request.path.startsWith('/v1/widget/connections/') && !request.path.includes('/metric')) {
      return { body: sync.connection({ id: decodeURIComponent(request.path.split('/').pop()!), status: page.status }) };
    }
    if (request.path.endsWith('/metric-data')) return { body: available };
    if (request.path.includes('/metric-preview')) {
      return typeof preview === 'function' ? preview(request) : { body: { status: available.status, currency: available.currency, verified: true, values, ...preview } };
    }
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
    // Periods read in the user's locale (en-GB here): "Dec 2026", not "2026-12".
    expect(root.querySelector('svg')!.getAttribute('aria-label')).to.contain('Dec 2026: £3,755.50');
    expect(root.querySelector('.preview .label')!.textContent).to.equal('Total revenue · Dec 2026');
    await expect(element).to.be.accessible();
  });

  /** The tree as a screen reader walks it: level, position in set, expanded state, selected state, name. */
  const treeItems = (root: ShadowRoot) =>
    [...root.querySelectorAll<HTMLElement>('[role=tree] > [role=treeitem]')].map(
      (item) =>
        `${item.getAttribute('aria-level')} ${item.getAttribute('aria-posinset')}/${item.getAttribute('aria-setsize')}` +
        `${item.hasAttribute('aria-expanded') ? ` expanded=${item.getAttribute('aria-expanded')}` : ''}` +
        `${item.getAttribute('aria-selected') === 'true' ? ' selected' : ''} ${item.querySelector('.name')!.textContent}`,
    );
  const focused = (root: ShadowRoot) => (root.activeElement as HTMLElement | null)?.querySelector('.name')?.textContent;
  const press = async (element: MetricPicker, key: string) => {
    await sendKeys({ press: key });
    await element.updateComplete;
  };

  it('is an ARIA tree: totals and classifications, sub-accounts under parents, with level, position and expanded state', async () => {
    fake = install(data());
    const element = await picker();
    const root = element.shadowRoot!;
    const tree = root.querySelector('[role=tree]')!;
    expect(root.getElementById(tree.getAttribute('aria-labelledby')!)!.textContent).to.equal('Account or total');
    expect(treeItems(root)).to.deep.equal([
      '1 1/3 expanded=true Report totals',
      '2 1/1 selected Total revenue',
      '1 2/3 expanded=true Expense',
      '2 1/1 expanded=true Motor Vehicle Expenses',
      '3 1/1 Fuel',
      '1 3/3 expanded=true Revenue',
      '2 1/1 Sales',
    ]);
    // One tab stop: the chosen line.
    expect([...root.querySelectorAll('[role=treeitem][tabindex="0"]')].map((item) => item.textContent!.trim())).to.deep.equal(['Total revenue']);
    await expect(element).to.be.accessible();
    element.setAttribute('theme', 'dark');
    await expect(element).to.be.accessible();
  });

  it('is keyboard-complete: arrows, Left/Right to close, open and move, Home/End, type-ahead; Enter chooses', async () => {
    fake = install(data());
    const element = await picker();
    const root = element.shadowRoot!;
    root.querySelector<HTMLElement>('[role=treeitem][tabindex="0"]')!.focus();
    await press(element, 'ArrowDown');
    await press(element, 'ArrowDown');
    expect(focused(root)).to.equal('Motor Vehicle Expenses');
    await press(element, 'ArrowLeft'); // closes it
    expect(treeItems(root)).to.include('2 1/1 expanded=false Motor Vehicle Expenses').and.not.include('3 1/1 Fuel');
    await press(element, 'ArrowDown');
    expect(focused(root)).to.equal('Revenue');
    await press(element, 'ArrowUp');
    await press(element, 'ArrowRight'); // opens it
    await press(element, 'ArrowRight'); // into its first sub-account
    expect(focused(root)).to.equal('Fuel');
    await press(element, 'ArrowLeft'); // back to the parent
    expect(focused(root)).to.equal('Motor Vehicle Expenses');
    await press(element, 'End');
    expect(focused(root)).to.equal('Sales');
    await press(element, 'Home');
    expect(focused(root)).to.equal('Report totals');
    await press(element, 'f');
    expect(focused(root)).to.equal('Fuel');
    await press(element, 'Enter');
    await waitUntil(() => fake!.requests.some((request) => request.path.includes('line=40')), 'previewed the sub-account');
    expect(treeItems(root)).to.include('3 1/1 selected Fuel');
    expect(root.querySelector('[role=treeitem][tabindex="0"]')!.textContent).to.contain('Fuel');
    // A group heading is not a line: Enter closes it instead of choosing it.
    await press(element, 'Home');
    await press(element, 'Enter');
    expect(treeItems(root)[0]).to.equal('1 1/3 expanded=false Report totals');
    expect(element.def.line).to.equal('40');
  });

  it('search narrows the tree to matches with their parents, announces the count, and Down enters the tree', async () => {
    fake = install(data());
    const element = await picker();
    const root = element.shadowRoot!;
    const search = root.querySelector<HTMLInputElement>('#search')!;
    search.focus();
    await sendKeys({ type: 'fuel' });
    await element.updateComplete;
    // The chosen line (Total revenue) stays in view, selected, with a word on why it is there.
    expect(treeItems(root)).to.deep.equal(['1 1/2 expanded=true Report totals', '2 1/1 selected Total revenue', '1 2/2 expanded=true Expense', '2 1/1 expanded=true Motor Vehicle Expenses', '3 1/1 Fuel']);
    expect(root.querySelector('#line-hint')!.textContent).to.equal('“Total revenue” stays chosen though it does not match the search.');
    expect(root.querySelector('[role=status][aria-live]')!.textContent).to.contain('1 match');
    await press(element, 'ArrowDown');
    expect(focused(root)).to.equal('Total revenue');
    search.focus();
    await sendKeys({ type: 'zzz' });
    await element.updateComplete;
    expect(treeItems(root)).to.deep.equal(['1 1/1 expanded=true Report totals', '2 1/1 selected Total revenue']);
    expect(root.querySelector('#line-hint')!.textContent).to.contain('No account or total matches “fuelzzz”.');
    expect(root.querySelector('.preview .label')!.textContent).to.contain('Total revenue');
    await expect(element).to.be.accessible();
  });

  it('chooses an account with the keys, includes its sub-accounts, saves, and emits the definition', async () => {
    let saved: unknown;
    fake = install(data(), {}, (request) => ((saved = request.body), { status: 201, body: { id: 'met_0123456789abcdef0123', ...(request.body as object) } }));
    const element = await picker('save name="Motoring"');
    const root = element.shadowRoot!;
    root.querySelector<HTMLElement>('[role=treeitem][tabindex="0"]')!.focus();
    await press(element, 'ArrowDown'); // Total revenue → Expense
    await press(element, 'ArrowDown'); // → Motor Vehicle Expenses
    await press(element, ' ');
    await waitUntil(() => fake!.requests.some((request) => request.path.includes('line=17')), 'previewed the account');
    await element.updateComplete;
    expect(root.querySelector('input[type=checkbox]')).to.exist;
    const event = oneEvent(element, 'ledgerlink-metric-select');
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.focus();
    await sendKeys({ press: 'Enter' });
    const { detail } = (await event) as CustomEvent<MetricSelectEventDetail>;
    expect(detail.definition).to.deep.equal({ dataset: 'profit_and_loss', line: '17', include_sub_accounts: true, aggregation: 'sum', period: 'month', accounting_method: 'accrual', name: 'Motoring', currency: 'GBP' });
    expect(saved).to.deep.equal(detail.definition);
    expect(detail.metric?.id).to.equal('met_0123456789abcdef0123');
  });

  it('marks a period that is not over as "to date" (a balance as of the day), in the value, the chart and a note', async () => {
    const partial = [...values.slice(0, 11), month('2026-12', 3755.5, { complete: false, to_date: '2026-12-14', partial: ['to_date'] })];
    fake = install(data(), { values: partial });
    const element = await picker();
    const root = element.shadowRoot!;
    expect(root.querySelector('.preview .label')!.textContent).to.contain('Dec 2026 (so far: to 14 Dec 2026)');
    expect(root.querySelector('svg')!.getAttribute('aria-label')).to.contain('Dec 2026 (so far: to 14 Dec 2026): £3,755.50');
    expect(root.querySelectorAll('svg rect.partial').length).to.equal(1);
    expect(root.textContent).to.contain('Dec 2026 is not over yet');
    root.querySelector<HTMLSelectElement>('#dataset')!.value = 'balance_sheet';
    root.querySelector<HTMLSelectElement>('#dataset')!.dispatchEvent(new Event('change'));
    await element.updateComplete;
    expect(root.querySelector('.preview .label')!.textContent).to.contain('(not over: as of 14 Dec 2026)');
    await expect(element).to.be.accessible();
  });

  it('a problem goes when its input is fixed, and a stale server error goes when a preview or save succeeds', async () => {
    const refuse = (field: string, message: string): Answer => ({ status: 400, body: { error: { code: 'invalid_request', message, details: { field } } } });
    let saveAnswer: Answer = refuse('body.name', 'body.name: must not be blank');
    let previewAnswer: Answer | undefined;
    fake = install(data(), (request) => previewAnswer ?? { body: { status: 'current', currency: 'GBP', verified: true, values, request: request.path } }, () => saveAnswer);
    const element = await picker('save');
    const root = element.shadowRoot!;
    const submit = async () => {
      root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
      await waitUntil(() => !element.saving, 'saved or refused');
      await element.updateComplete;
    };
    const alerts = () => [...root.querySelectorAll('[role=alert]')].map((alert) => alert.textContent!.trim());

    // A refused name shows beside the name input and goes as soon as the name is edited.
    await submit();
    expect(alerts()).to.deep.equal(['Must not be blank']);
    const name = root.querySelector<HTMLInputElement>('#name')!;
    expect(name.getAttribute('aria-invalid')).to.equal('true');
    expect(root.getElementById(name.getAttribute('aria-describedby')!)!.textContent).to.contain('Must not be blank');
    await expect(element).to.be.accessible();
    element.setAttribute('theme', 'dark');
    await expect(element).to.be.accessible();
    element.removeAttribute('theme');
    // A preview says nothing about the name: the name's problem stays until the name changes.
    const period = root.querySelector<HTMLSelectElement>('#period')!;
    const previews = fake.requests.length;
    period.value = 'quarter';
    period.dispatchEvent(new Event('change'));
    await waitUntil(() => fake!.requests.length > previews && !element.shadowRoot!.querySelector('[aria-busy]'), 'previewed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await element.updateComplete;
    expect(alerts()).to.deep.equal(['Must not be blank']);
    name.focus();
    await sendKeys({ type: 'Cash' });
    await element.updateComplete;
    expect(alerts()).to.deep.equal([]);
    expect(name.hasAttribute('aria-invalid')).to.equal(false);

    // A refused account shows on the tree and goes once another line is chosen.
    saveAnswer = refuse('body.line', 'body.line: QuickBooks account 17 is not in this company\'s chart of accounts');
    await submit();
    expect(root.querySelector('[role=tree]')!.getAttribute('aria-invalid')).to.equal('true');
    expect(alerts()).to.deep.equal(["QuickBooks account 17 is not in this company's chart of accounts"]);
    root.querySelector<HTMLElement>('[role=treeitem][data-key="12"]')!.click();
    await element.updateComplete;
    expect(alerts()).to.deep.equal([]);
    expect(root.querySelector('[role=tree]')!.hasAttribute('aria-invalid')).to.equal(false);

    // A preview the server refuses shows beside its input; fixing the input (a preview that succeeds) clears it.
    previewAnswer = refuse('query.aggregation', 'query.aggregation: a Balance Sheet line is a balance at each month end; use last or average');
    period.value = 'year';
    period.dispatchEvent(new Event('change'));
    await waitUntil(() => alerts().length === 1, 'preview refused');
    expect(root.querySelector('#aggregation')!.getAttribute('aria-invalid')).to.equal('true');
    // Plain words, and no figures of the previous choice left beside the refused one.
    expect(alerts()).to.deep.equal(['A Balance Sheet line is a balance at each month end; use last or average']);
    expect(root.querySelector('.value')!.textContent).to.equal('—');
    expect(root.querySelector('svg')).to.equal(null);
    expect(root.querySelector('.preview')!.textContent).to.contain('No figures for this choice');
    previewAnswer = undefined;
    const aggregation = root.querySelector<HTMLSelectElement>('#aggregation')!;
    aggregation.value = 'last';
    aggregation.dispatchEvent(new Event('change'));
    await element.updateComplete;
    expect(alerts()).to.deep.equal([]);

    // An error not about one input (a refused save) goes when the next preview succeeds.
    saveAnswer = { status: 403, body: { error: { code: 'forbidden', message: 'Your role cannot define metrics.' } } };
    await submit();
    expect(alerts()).to.deep.equal(['Your role cannot define metrics.']);
    period.value = 'month';
    period.dispatchEvent(new Event('change'));
    await waitUntil(() => alerts().length === 0, 'stale error cleared by a successful preview');
  });

  it('says when data is not imported, stale or unverified, and stays accessible', async () => {
    page.status = 'disconnected';
    fake = install(data({ status: 'stale' }), { status: 'stale' });
    let element = await picker();
    expect(element.shadowRoot!.textContent).to.contain('disconnected');
    await expect(element).to.be.accessible();
    fake.restore();
    page.status = 'connected';
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
    // The tree fits: no sideways scrolling, and each item is a 32 px target.
    const tree = element.shadowRoot!.querySelector<HTMLElement>('[role=tree]')!;
    expect(tree.scrollWidth).to.be.at.most(tree.clientWidth);
    for (const item of tree.querySelectorAll('[role=treeitem]')) expect(item.getBoundingClientRect().height).to.be.at.least(32);
    await expect(element).to.be.accessible();
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
  it('a role outside connect_roles sees Save disabled with the lock note, as in every component, and sends nothing', async () => {
    page.role = 'member';
    fake = install(data());
    const element = await picker('save');
    const root = element.shadowRoot!;
    const button = root.querySelector<HTMLButtonElement>('button[type=submit]')!;
    await waitUntil(() => button.getAttribute('aria-disabled') === 'true', 'Save disabled for the role');
    expect(root.getElementById(button.getAttribute('aria-describedby')!)!.textContent).to.equal('Only admins can define metrics. Ask an admin in your organization.');
    // The lock keeps its 14 px: the chart's own svg rule once blew it up to the form's width and pushed the note off a phone.
    const lock = root.querySelector('.permission-note svg')!.getBoundingClientRect();
    expect([lock.width, lock.height]).to.deep.equal([14, 14]);
    const note = root.querySelector('.permission-note')!.getBoundingClientRect();
    expect(note.right).to.be.at.most(element.getBoundingClientRect().right + 0.5);
    button.click();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.requests.filter((request) => request.method === 'POST')).to.deep.equal([]);
    await expect(element).to.be.accessible();
    element.setAttribute('theme', 'dark');
    await expect(element).to.be.accessible();
  });

  it('without save, any role may use a metric (nothing is stored)', async () => {
    page.role = 'member';
    fake = install(data());
    const element = await picker();
    await waitUntil(() => fake!.requests.some((request) => request.path === '/v1/widget/settings'), 'settings read');
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('button[type=submit]')!.getAttribute('aria-disabled')).to.equal('false');
  });

  it('labels partial periods in the preview, the chart, its description and legend ("Dec only", "to date")', async () => {
    const quarters: Value[] = [
      { period: '2024-Q4', value: 100, complete: false, to_date: null, months: { from: '2024-12', to: '2024-12' }, partial: ['window_start'] },
      ...['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3'].map((period) => month(period, 300)),
      { period: '2026-Q4', value: 200, complete: false, to_date: '2026-11-18', months: { from: '2026-10', to: '2026-11' }, partial: ['to_date'] },
    ];
    fake = install(data(), (request) => ({ body: { status: 'current', currency: 'GBP', verified: true, values: request.path.includes('period=quarter') ? quarters : values } }));
    const element = await picker();
    const root = element.shadowRoot!;
    const period = root.querySelector<HTMLSelectElement>('#period')!;
    period.value = 'quarter';
    period.dispatchEvent(new Event('change'));
    await waitUntil(() => root.querySelectorAll('svg rect').length === 9, 'quarterly preview');
    expect(root.querySelector('.preview .label')!.textContent).to.equal('Total revenue · Q4 2026 (so far: to 18 Nov 2026)');
    const description = root.querySelector('svg')!.getAttribute('aria-label')!;
    expect(description).to.contain('Q4 2024 (Dec only: the window starts in Dec 2024): £100.00');
    expect(description).to.contain('Q1 2025: £300.00');
    expect(description).to.contain('Q4 2026 (so far: to 18 Nov 2026): £200.00');
    expect(root.querySelectorAll('svg rect.partial').length).to.equal(2);
    expect(root.querySelector('.legend')!.textContent).to.equal('Faded bars are partial periods: Q4 2024 (Dec only: the window starts in Dec 2024); Q4 2026 (so far: to 18 Nov 2026).');
    await expect(element).to.be.accessible();
  });

  it('does not offer Sum for Balance Sheet balances over a quarter or year: the choice is disabled with the reason, and a period change switches to Last', async () => {
    fake = install(data());
    const element = await picker();
    const root = element.shadowRoot!;
    const change = async (id: string, value: string) => {
      const select = root.querySelector<HTMLSelectElement>(`#${id}`)!;
      select.value = value;
      select.dispatchEvent(new Event('change'));
      await element.updateComplete;
    };
    await change('dataset', 'balance_sheet');
    await change('aggregation', 'sum');
    expect(root.querySelector<HTMLOptionElement>('#aggregation option[value=sum]')!.disabled).to.equal(false);
    await change('period', 'quarter');
    expect(element.def.aggregation).to.equal('last');
    const sum = root.querySelector<HTMLOptionElement>('#aggregation option[value=sum]')!;
    expect(sum.disabled).to.equal(true);
    const aggregation = root.querySelector('#aggregation')!;
    const hint = root.getElementById(aggregation.getAttribute('aria-describedby')!)!.textContent!;
    expect(hint).to.contain('Aggregation is now Last (closing balance).').and.contain('adding balances up over a quarter means nothing');
    // Never asked for: the server is not sent a combination it refuses.
    await waitUntil(() => fake!.requests.some((request) => request.path.includes('period=quarter')), 'previewed the quarter');
    expect(fake.requests.filter((request) => request.path.includes('period=quarter') && request.path.includes('aggregation=sum'))).to.deep.equal([]);
    // Once the next choice is made, the hint says why Sum is not offered.
    await change('method', 'cash');
    expect(root.querySelector('#aggregation-hint')!.textContent).to.equal('Sum is not offered. A Balance Sheet line is a balance at each month end: adding balances up over a quarter means nothing. Use Last (closing balance) or Average.');
    await expect(element).to.be.accessible();
  });

  it('says "Saved" in the success colour, not the warning one, in light and dark', async () => {
    fake = install(data());
    const element = await picker('save');
    const root = element.shadowRoot!;
    root.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await waitUntil(() => root.querySelector('.saved'), 'saved');
    const saved = root.querySelector('.saved')!;
    expect(saved.textContent).to.contain('Saved');
    expect(getComputedStyle(saved).color).to.equal('rgb(26, 127, 55)');
    await expect(element).to.be.accessible();
    element.setAttribute('theme', 'dark');
    await element.updateComplete;
    expect(getComputedStyle(saved).color).to.equal('rgb(63, 185, 80)');
    await expect(element).to.be.accessible();
  });

  it('while disconnected: the figures are stale and never "will change", and Save waits for a reconnect', async () => {
    page.status = 'disconnected';
    const partial = [...values.slice(0, 11), month('2026-12', 3755.5, { complete: false, to_date: '2026-12-14', partial: ['to_date'] })];
    fake = install(data({ status: 'stale' }), { status: 'stale', values: partial });
    const element = await picker('save');
    const root = element.shadowRoot!;
    const button = root.querySelector<HTMLButtonElement>('button[type=submit]')!;
    expect(root.textContent).to.contain('they no longer update').and.not.contain('will change');
    expect(button.getAttribute('aria-disabled')).to.equal('true');
    expect(root.getElementById(button.getAttribute('aria-describedby')!)!.textContent).to.contain('Reconnect this company to save a metric');
    button.click();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.requests.filter((request) => request.method === 'POST')).to.deep.equal([]);
    await expect(element).to.be.accessible();
  });
});
