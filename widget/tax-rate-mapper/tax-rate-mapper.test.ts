import { expect, fixture } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import type { MappingState } from '../../shared/api/mappings.ts';
import { fakeToken, installFakeBff, uniqueTag, type RecordedRequest } from '../test-support/fake-bff.ts';
import { $, $$, requestsTo, waitFor } from '../test-support/queries.ts';
import { testSettings } from '../test-support/settings.ts';
import * as sync from '../test-support/sync-status-data.ts';
import { RECONNECT_NOTE, TaxRateMapper, type MappingChangedEventDetail } from './tax-rate-mapper.ts';

const BFF = 'http://bff.test';
const CONNECTION = 'con_00000000000000000002';
const BASE = `/v1/widget/connections/${CONNECTION}`;

const code = (id: string, name: string, sales: number | null, purchases: number | null, active = true) => ({ type: 'TaxCode', id, name, active, sales_rate: sales, purchase_rate: purchases, detail: '' });
const host = (id: string, name: string, rate: number, applies_to = ['sales', 'purchases']) => ({ id, name, rate, applies_to });
const mapping = (id: string, name: string) => ({ target: { type: 'TaxCode', id, name }, method: 'manual' as const, version: 1, updated_by: 'ada', updated_at: '2026-11-30T10:00:00.000Z' });

function ukState(): MappingState {
  return {
    kind: 'tax-rates',
    mode: { country: 'GB', kind: 'per_line', has_agencies: true, class_tracking: false, department_tracking: false },
    targets: [code('10', '20.0% S', 20, 20), code('11', '5.0% R', 5, 5, false), code('12', '0.0% Z', 0, 0), code('13', 'Exempt', 0, 0), code('14', '20.0% ECG', null, 20)],
    rows: [
      { host: host('r1', '20% VAT', 20), mapping: mapping('10', '20.0% S'), status: 'mapped', problems: [], suggestion: { target: { type: 'TaxCode', id: '10' }, confidence: 'suggested', reasons: ['20% on sales and purchases'] }, choices: ['10'] },
      { host: host('r2', 'Reduced', 5), mapping: mapping('11', '5.0% R'), status: 'needs_attention', problems: [{ code: 'inactive', message: '"5.0% R" is inactive in QuickBooks, so lines can\'t use it.' }], suggestion: null, choices: [] },
      { host: host('r3', 'Zero rated', 0, ['sales']), mapping: null, status: 'unmapped', problems: [], suggestion: { target: { type: 'TaxCode', id: '12' }, confidence: 'suggested', reasons: ['0% on sales', 'zero-rated'] }, choices: ['12', '13'] },
      { host: host('r4', 'Odd rate', 9.375, ['sales']), mapping: null, status: 'unmapped', problems: [{ code: 'unmapped', message: 'No active QuickBooks tax code charges 9.375% on sales; create one or pick another.' }], suggestion: null, choices: [] },
    ],
    defaults: {
      tax_agency: { enabled: true, value: null, problems: [], targets: [{ type: 'TaxAgency', id: '3', name: 'HM Revenue & Customs (VAT)', active: true, detail: '' }] },
      class: { enabled: false, value: null, problems: [], targets: [] },
      department: { enabled: false, value: null, problems: [], targets: [] },
      fallback_item: { enabled: true, value: null, problems: [], targets: [] },
      fallback_account: { enabled: true, value: null, problems: [], targets: [] },
    },
  };
}

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

async function setup(options: { state?: MappingState; role?: string; theme?: string; kind?: string; connectionStatus?: 'connected' | 'disconnected' | 'needs_reconnect'; handle?: (request: RecordedRequest) => { status?: number; body: unknown } | undefined } = {}) {
  let state = options.state ?? ukState();
  const bff = installFakeBff(BFF, (request: RecordedRequest) => {
    const { method, path } = request;
    const handled = options.handle?.(request);
    if (handled) return handled;
    if (path === '/v1/widget/session') return { body: { tenant_id: 't', organization_id: 'o', user: { id: 'u', role: options.role ?? 'admin' }, expires_at: new Date(Date.now() + 900_000).toISOString() } };
    if (path === '/v1/widget/settings') return { body: testSettings() };
    if (method === 'GET' && path === `${BASE}/mappings/${state.kind}`) return { body: state };
    if (method === 'PUT' && path === `${BASE}/mappings/${state.kind}`) {
      const body = request.body as { mappings: { host_id: string; target: { type: string; id: string } | null }[] };
      state = { ...state, rows: state.rows.map((row) => {
        const change = body.mappings.find((entry) => entry.host_id === row.host['id']);
        return change ? { ...row, status: change.target ? 'mapped' : 'unmapped', mapping: change.target ? { ...mapping(change.target.id, change.target.id), target: { ...change.target, name: change.target.id } } : null } : row;
      }) };
      return { body: { data: body.mappings.map((entry) => ({ host_id: entry.host_id, target: entry.target ? { ...entry.target, name: entry.target.id } : null, version: 2 })) } };
    }
    if (method === 'GET' && path === `/v1/widget/connections/${CONNECTION}`) return { body: sync.connection({ id: CONNECTION, status: options.connectionStatus ?? 'connected' }) };
    return { status: 404, body: { error: { code: 'not_found', message: `Unexpected ${method} ${path}` } } };
  });
  restore = bff.restore;
  const tag = uniqueTag('tax-rate-mapper');
  customElements.define(tag, class extends TaxRateMapper {});
  const t = unsafeStatic(tag);
  const el = await fixture<TaxRateMapper>(staticHtml`<${t} bff-url=${BFF} session-token=${fakeToken(900)} connection-id=${CONNECTION} kind=${options.kind ?? 'tax-rates'} theme=${options.theme ?? 'light'}></${t}>`);
  await waitFor(() => $(el, '[role="grid"]') ?? $(el, '.empty'), 'the mapper');
  await el.updateComplete;
  return { el, bff };
}

const rowOf = (el: TaxRateMapper, name: string) => $$(el, '.body [role="row"]').find((row) => row.querySelector('.name')?.textContent === name)!;

describe('<tax-rate-mapper>', () => {
  it('is accessible: every status, light and dark', async () => {
    const { el } = await setup();
    await expect(el).to.be.accessible();
    expect(rowOf(el, 'Reduced').querySelector('[part="status"]')!.textContent).to.equal('Needs attention');
    expect(rowOf(el, 'Reduced').querySelector('[part="reasons"]')!.textContent).to.contain('inactive in QuickBooks');
    expect(rowOf(el, 'Zero rated').querySelector('[part="reasons"]')!.textContent).to.contain('Suggested 0.0% Z: 0% on sales, zero-rated');
    const dark = await setup({ theme: 'dark' });
    await expect(dark.el).to.be.accessible();
  });

  it('is accessible as cards at 390px', async () => {
    const { el } = await setup();
    await setViewport({ width: 390, height: 800 });
    try {
      await el.updateComplete;
      expect(getComputedStyle($(el, '.header')!).display).to.equal('none');
      await expect(el).to.be.accessible();
    } finally {
      await setViewport({ width: 1280, height: 800 });
    }
  });

  it('offers in each picker only the codes valid for that rate (and its current one)', async () => {
    const { el } = await setup();
    const options = (name: string) => [...rowOf(el, name).querySelectorAll('option')].map((option) => option.value);
    expect(options('Zero rated')).to.deep.equal(['', 'TaxCode:12', 'TaxCode:13']);
    expect(options('20% VAT')).to.deep.equal(['', 'TaxCode:10']);
    expect(options('Reduced')).to.deep.equal(['', 'TaxCode:11']);
    expect(rowOf(el, 'Odd rate').querySelector('[part="create-button"]')).to.exist;
    // A rate with valid codes to choose from is mapped by picking one, not by creating another.
    expect(rowOf(el, 'Zero rated').querySelector('[part="create-button"]')).to.equal(null);
  });

  it('accepts all suggestions after a confirmation, tells the host, and can undo', async () => {
    const { el, bff } = await setup();
    const seen: MappingChangedEventDetail[] = [];
    document.addEventListener('ledgerlink-mapping-changed', (event) => seen.push((event as CustomEvent<MappingChangedEventDetail>).detail));
    $<HTMLButtonElement>(el, '[part="accept-all-button"]')!.click();
    await el.updateComplete;
    expect(requestsTo(bff, 'PUT', `${BASE}/mappings/tax-rates`)).to.have.length(0);
    await expect(el).to.be.accessible();
    $$<HTMLButtonElement>(el, '[role="group"] button').find((button) => button.textContent === 'Map 1')!.click();
    await waitFor(() => $(el, '[part="notice"]'), 'the notice');
    expect(requestsTo(bff, 'PUT', `${BASE}/mappings/tax-rates`)[0]!.body).to.deep.equal({ mappings: [{ host_id: 'r3', target: { type: 'TaxCode', id: '12' }, method: 'confirmed' }] });
    expect(seen.at(-1)).to.deep.include({ connection_id: CONNECTION, kind: 'tax-rates' });
    await waitFor(() => rowOf(el, 'Zero rated').querySelector('[part="status"]')!.textContent === 'Mapped', 'mapped');
    $$<HTMLButtonElement>(el, '[part="notice"] button')[0]!.click();
    await waitFor(() => requestsTo(bff, 'PUT', `${BASE}/mappings/tax-rates`).length === 2, 'the undo');
    expect(requestsTo(bff, 'PUT', `${BASE}/mappings/tax-rates`)[1]!.body).to.deep.equal({ mappings: [{ host_id: 'r3', target: null }] });
  });

  it('keyboard: arrows move between rows, Enter accepts the row\'s suggestion', async () => {
    const { el, bff } = await setup();
    rowOf(el, '20% VAT').focus();
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(rowOf(el, 'Zero rated'));
    await sendKeys({ press: 'Enter' });
    await waitFor(() => requestsTo(bff, 'PUT', `${BASE}/mappings/tax-rates`).length === 1, 'the save');
    expect(requestsTo(bff, 'PUT', `${BASE}/mappings/tax-rates`)[0]!.body).to.deep.equal({ mappings: [{ host_id: 'r3', target: { type: 'TaxCode', id: '12' }, method: 'confirmed' }] });
  });

  it('keyboard on a picker: arrows browse without saving, Enter saves, focus stays on the same picker', async () => {
    const { el, bff } = await setup();
    const picker = rowOf(el, 'Zero rated').querySelector<HTMLSelectElement>('[part="picker"]')!;
    picker.focus();
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(picker.value).to.equal('TaxCode:13');
    expect(requestsTo(bff, 'PUT', `${BASE}/mappings/tax-rates`)).to.have.length(0);
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => rowOf(el, 'Zero rated').querySelector('[part="status"]')!.textContent === 'Mapped', 'mapped');
    expect(requestsTo(bff, 'PUT', `${BASE}/mappings/tax-rates`).map((request) => request.body)).to.deep.equal([{ mappings: [{ host_id: 'r3', target: { type: 'TaxCode', id: '12' }, method: 'confirmed' }] }]);
    await el.updateComplete;
    expect(document.activeElement).to.equal(el);
    expect(el.shadowRoot!.activeElement).to.equal(picker);
    expect(rowOf(el, 'Zero rated').querySelector('[part="picker"]')).to.equal(picker);
    // Browsing then leaving the picker saves what it shows; Escape puts the saved choice back.
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Escape' });
    expect(picker.value).to.equal('TaxCode:12');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Tab' });
    await waitFor(() => requestsTo(bff, 'PUT', `${BASE}/mappings/tax-rates`).length === 2, 'the save on leaving');
    expect(requestsTo(bff, 'PUT', `${BASE}/mappings/tax-rates`)[1]!.body).to.deep.equal({ mappings: [{ host_id: 'r3', target: { type: 'TaxCode', id: '13' }, method: 'manual' }] });
  });

  // Every kind: a save by Enter is the only save; leaving the picker afterwards neither saves again nor unmaps, and
  // focus moves on to a control that still exists (not <body>) also when leaving is what saved.
  const TARGET_TYPES = { staff: 'Employee', 'billable-categories': 'Item', products: 'Item', classes: 'Class', locations: 'Department' } as const;
  for (const kind of ['tax-rates', 'staff', 'billable-categories', 'products', 'classes', 'locations'] as const) {
    it(`keyboard on a picker (${kind}): Enter saves once, Tab after it saves nothing more; browse then Tab saves once and focus moves on`, async () => {
      const uk = ukState();
      uk.rows.push({ host: host('r5', 'Nil rated', 0, ['sales']), mapping: null, status: 'unmapped', problems: [], suggestion: { target: { type: 'TaxCode', id: '12' }, confidence: 'suggested', reasons: ['0% on sales'] }, choices: ['12', '13'] });
      const type = kind === 'tax-rates' ? 'TaxCode' : TARGET_TYPES[kind];
      const state: MappingState = kind === 'tax-rates' ? uk : {
        ...ukState(),
        kind,
        targets: [{ type, id: '55', name: 'Ada Okafor', active: true, detail: '' }, { type, id: '56', name: 'Ben Lee', active: true, detail: '' }],
        rows: [
          { host: { id: 'p1', name: 'Ada Okafor', email: 'ada.o@elsewhere.example' }, mapping: null, status: 'unmapped', problems: [], suggestion: { target: { type, id: '55' }, confidence: 'suggested', reasons: ['same name'] }, choices: null },
          { host: { id: 'p2', name: 'Ben Lee', email: 'ben.l@elsewhere.example' }, mapping: null, status: 'unmapped', problems: [], suggestion: { target: { type, id: '56' }, confidence: 'suggested', reasons: ['same name'] }, choices: null },
        ],
      } as MappingState;
      const [first, second] = kind === 'tax-rates' ? ['Zero rated', 'Nil rated'] : ['Ada Okafor', 'Ben Lee'];
      const events: MappingChangedEventDetail[] = [];
      const { el, bff } = await setup({ state, kind });
      el.addEventListener('ledgerlink-mapping-changed', (event) => events.push((event as CustomEvent<MappingChangedEventDetail>).detail));
      const puts = () => requestsTo(bff, 'PUT', `${BASE}/mappings/${kind}`);
      const status = (name: string) => rowOf(el, name).querySelector('[part="status"]')!.textContent;
      rowOf(el, first).querySelector<HTMLSelectElement>('[part="picker"]')!.focus();
      await sendKeys({ press: 'ArrowDown' });
      await sendKeys({ press: 'Enter' });
      await waitFor(() => status(first) === 'Mapped', 'mapped by Enter');
      await el.updateComplete;
      await sendKeys({ press: 'Tab' });
      await new Promise((resolve) => setTimeout(resolve, 150));
      await el.updateComplete;
      expect(puts()).to.have.length(1);
      expect(events.flatMap((event) => event.changes).every((change) => change.target !== null)).to.equal(true);
      expect(status(first)).to.equal('Mapped');
      expect(el.shadowRoot!.activeElement).to.not.equal(null);
      expect(el.shadowRoot!.activeElement).to.not.equal(rowOf(el, first).querySelector('[part="picker"]'));
      // Browse on the next row's picker, then leave it with Tab: one save of what it shows, and focus stays in the widget.
      rowOf(el, second).querySelector<HTMLSelectElement>('[part="picker"]')!.focus();
      await sendKeys({ press: 'ArrowDown' });
      await sendKeys({ press: 'Tab' });
      await waitFor(() => puts().length === 2 && status(second) === 'Mapped', 'the save on leaving');
      await el.updateComplete;
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(puts()).to.have.length(2);
      expect(document.activeElement).to.equal(el);
      expect(el.shadowRoot!.activeElement).to.not.equal(null);
    });
  }

  it('keeps each row\'s controls with its rate when the grid scrolls (rows keyed by host id)', async () => {
    const state = ukState();
    // Past WINDOW_FROM (100) rows, so the grid is windowed and rows far from view are not rendered.
    state.rows = Array.from({ length: 150 }, (_, i) => ({ host: host(`h${i}`, `Rate ${i}`, 20), mapping: null, status: 'unmapped' as const, problems: [], suggestion: null, choices: ['10'] }));
    const { el } = await setup({ state });
    const picker = rowOf(el, 'Rate 3').querySelector<HTMLSelectElement>('[part="picker"]')!;
    picker.focus();
    const scroller = $(el, '.scroller')!;
    const height = rowOf(el, 'Rate 3').offsetHeight;
    scroller.scrollTop = height * 2;
    scroller.dispatchEvent(new Event('scroll'));
    await el.updateComplete;
    await el.updateComplete;
    expect(picker.getAttribute('aria-label')).to.match(/ for Rate 3$/);
    expect(picker.closest('[role="row"]')!.querySelector('.name')!.textContent).to.equal('Rate 3');
    // Far away, the focused row is still rendered, with its own picker.
    scroller.scrollTop = height * 40;
    scroller.dispatchEvent(new Event('scroll'));
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(picker);
    expect(picker.closest('[role="row"]')!.querySelector('.name')!.textContent).to.equal('Rate 3');
    expect($$(el, '.body [role="row"]').length).to.be.lessThan(150);
  });

  it('Tab reaches the picker of every row, even rows not rendered when it starts', async () => {
    const state = ukState();
    state.rows = Array.from({ length: 40 }, (_, i) => ({ host: host(`h${i}`, `Rate ${i}`, 20), mapping: null, status: 'unmapped' as const, problems: [], suggestion: null, choices: ['10'] }));
    const { el } = await setup({ state });
    rowOf(el, 'Rate 0').querySelector<HTMLSelectElement>('[part="picker"]')!.focus();
    const reached = new Set<string>();
    for (let i = 0; i < 45 && reached.size < 40; i += 1) {
      const name = el.shadowRoot!.activeElement?.closest('[role="row"]')?.querySelector('.name')?.textContent;
      if (name) reached.add(name);
      await sendKeys({ press: 'Tab' });
      await el.updateComplete;
    }
    expect(reached.size).to.equal(40);
  });

  it('US automated sales tax is explained; a role that may not manage sees why and cannot save', async () => {
    const state = ukState();
    state.mode = { country: 'US', kind: 'automated', has_agencies: false, class_tracking: false, department_tracking: false };
    const { el, bff } = await setup({ state, role: 'member' });
    expect($(el, '[part="note"]')!.textContent).to.contain('QuickBooks works out the rate');
    expect($(el, '[part="defaults"]')).to.equal(null);
    expect($(el, '[part="permission-note"]')!.textContent).to.contain('Only admins can change mappings');
    expect($(el, '[part="accept-all-button"]')!.getAttribute('aria-disabled')).to.equal('true');
    $<HTMLButtonElement>(el, '[part="accept-all-button"]')!.click();
    await el.updateComplete;
    expect(requestsTo(bff, 'PUT', `${BASE}/mappings/tax-rates`)).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('kind="staff": the same element maps people to employees, a name-only match shown as a suggestion to confirm', async () => {
    const state: MappingState = {
      ...ukState(),
      kind: 'staff',
      targets: [{ type: 'Employee', id: '55', name: 'Ada Okafor', active: true, detail: 'ada@example.com' }, { type: 'Employee', id: '56', name: 'Ben Lee', active: true, detail: 'ben@example.com' }],
      rows: [{ host: { id: 'p1', name: 'Ada Okafor', email: 'ada.o@elsewhere.example' }, mapping: null, status: 'unmapped', problems: [], suggestion: { target: { type: 'Employee', id: '55' }, confidence: 'suggested', reasons: ['same name', 'different email'] }, choices: null }],
    };
    const { el } = await setup({ state, kind: 'staff' });
    const row = rowOf(el, 'Ada Okafor');
    expect(row.querySelector('.small')!.textContent).to.equal('ada.o@elsewhere.example');
    expect(row.querySelector('[part="reasons"]')!.textContent).to.contain('same name, different email');
    expect([...row.querySelectorAll('option')].map((option) => option.value)).to.deep.equal(['', 'Employee:55', 'Employee:56']);
    expect($(el, '[role="columnheader"]')!.textContent).to.equal('Your staff member');
    expect(row.querySelector('[part="create-button"]')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('at 390px rows stack and a long reason wraps whole: no horizontal overflow, nothing ellipsized or clipped, light and dark', async () => {
    const long = 'No active QuickBooks zero-rated tax code in British Columbia charges 0% on sales and purchases; create one or pick another. "Zero rated" is zero-rated, but "Exempt" is exempt: they are different lines on a tax return.';
    for (const theme of ['light', 'dark']) {
      const state = ukState();
      state.rows[3] = { ...state.rows[3]!, problems: [{ code: 'unmapped', message: long }] };
      const { el } = await setup({ state, theme });
      await setViewport({ width: 390, height: 800 });
      try {
        await waitFor(() => getComputedStyle($(el, '.header')!).display === 'none', 'the card layout');
        const boxes = () => $$(el, '.body [role="row"]').map((entry) => entry.getBoundingClientRect()).sort((a, b) => a.top - b.top);
        // The cards are re-measured a frame after the resize, or on the next render: frames do not run in a background
        // tab (test files run side by side), so renders are asked for. Then no card runs into the next.
        const laidOut = () => boxes().every((box, i, all) => i === 0 || box.top >= all[i - 1]!.bottom - 0.5);
        for (let tries = 0; tries < 50 && !laidOut(); tries += 1) {
          el.requestUpdate();
          await el.updateComplete;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(laidOut(), 'cards laid out without overlap').to.equal(true);
        const scroller = $(el, '.scroller')!;
        expect(el.scrollWidth, 'the element').to.be.at.most(el.clientWidth);
        expect(scroller.scrollWidth, 'the grid').to.be.at.most(scroller.clientWidth);
        const row = rowOf(el, 'Odd rate');
        const reason = row.querySelector<HTMLElement>('[part="reasons"]')!;
        expect(reason.textContent).to.equal(long);
        const style = getComputedStyle(reason);
        expect(style.textOverflow).to.not.equal('ellipsis');
        expect(style.whiteSpace).to.equal('normal');
        expect(reason.scrollWidth).to.be.at.most(reason.clientWidth);
        expect(reason.scrollHeight).to.be.at.most(reason.clientHeight + 1);
        // It wraps onto several lines, all inside its card, and the cards do not overlap.
        expect(reason.getBoundingClientRect().height).to.be.greaterThan(parseFloat(style.lineHeight) * 2 || 30);
        expect(reason.getBoundingClientRect().bottom).to.be.at.most(row.getBoundingClientRect().bottom);
        const rows = boxes();
        for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.top).to.be.at.least(rows[i - 1]!.bottom - 0.5);
        for (const picker of $$<HTMLSelectElement>(el, '[part="picker"]')) expect(picker.getBoundingClientRect().right).to.be.at.most(scroller.getBoundingClientRect().right);
        await expect(el).to.be.accessible();
      } finally {
        await setViewport({ width: 1280, height: 800 });
      }
    }
  });

  it('offers only actions that can succeed: no Create for another country\'s rate, reverse charge or a switched-off code (re-activate or re-map instead); taken employees are marked', async () => {
    const state = ukState();
    state.rows.push(
      { host: host('r6', 'Irish VAT', 23, ['sales']), mapping: null, status: 'unmapped', problems: [{ code: 'other_region', message: '"Irish VAT" is for Ireland, not this company\'s region (United Kingdom).' }], suggestion: null, choices: [] },
      { host: host('r7', 'Reverse charge services', 15, ['purchases']), mapping: null, status: 'unmapped', problems: [], suggestion: null, choices: [] },
    );
    const { el } = await setup({ state });
    expect(rowOf(el, 'Odd rate').querySelector('[part="create-button"]')).to.not.equal(null);
    for (const name of ['Irish VAT', 'Reverse charge services', 'Reduced']) expect(Boolean(rowOf(el, name).querySelector('[part="create-button"]')), name).to.equal(false);
    expect(rowOf(el, 'Reduced').querySelector('[part="reasons"]')!.textContent).to.contain('Make it active again in QuickBooks and sync, or pick another.');
    expect(rowOf(el, 'Reduced').querySelector('[part="reasons"]')!.textContent).to.not.match(/6240|Duplicate Name/i);

    const staff: MappingState = {
      ...ukState(),
      kind: 'staff',
      targets: [{ type: 'Employee', id: '55', name: 'Ada Okafor', active: true, detail: 'ada@example.com' }, { type: 'Employee', id: '56', name: 'Ben Lee', active: true, detail: 'ben@example.com' }],
      rows: [
        { host: { id: 'p1', name: 'Ada O.', email: 'ada@example.com' }, mapping: { ...mapping('55', 'Ada Okafor'), target: { type: 'Employee', id: '55', name: 'Ada Okafor' } }, status: 'mapped', problems: [], suggestion: null, choices: null },
        { host: { id: 'p2', name: 'Contractor', email: 'c@elsewhere.example' }, mapping: null, status: 'unmapped', problems: [], suggestion: null, choices: null },
      ],
    };
    restore?.();
    const second = await setup({ state: staff, kind: 'staff' });
    const options = [...rowOf(second.el, 'Contractor').querySelectorAll('option')];
    const ada = options.find((option) => option.value === 'Employee:55')!;
    expect(ada.disabled).to.equal(true);
    expect(ada.textContent).to.contain('mapped to Ada O.');
    expect(options.find((option) => option.value === 'Employee:56')!.disabled).to.equal(false);
    // The person who has it sees it as theirs, not as taken.
    expect(rowOf(second.el, 'Ada O.').querySelector<HTMLOptionElement>('option[value="Employee:55"]')!.disabled).to.equal(false);
    await expect(second.el).to.be.accessible();
  });

  it('"Accept all" on staff names the weaker suggestions in its confirm step, and can map only the exact ones', async () => {
    const state: MappingState = {
      ...ukState(),
      kind: 'staff',
      targets: [{ type: 'Employee', id: '55', name: 'Ada Okafor', active: true, detail: 'ada@example.com' }, { type: 'Employee', id: '56', name: 'Ben Lee', active: true, detail: 'ben@example.com' }],
      rows: [
        { host: { id: 'p1', name: 'Ada Okafor', email: 'ada@example.com' }, mapping: null, status: 'unmapped', problems: [], suggestion: { target: { type: 'Employee', id: '55' }, confidence: 'auto', reasons: ['same name', 'same email'] }, choices: null },
        { host: { id: 'p2', name: 'Ben Lee', email: 'ben.l@elsewhere.example' }, mapping: null, status: 'unmapped', problems: [], suggestion: { target: { type: 'Employee', id: '56' }, confidence: 'suggested', reasons: ['same name', 'different email'] }, choices: null },
      ],
    };
    const { el, bff } = await setup({ state, kind: 'staff' });
    $<HTMLButtonElement>(el, '[part="accept-all-button"]')!.click();
    await el.updateComplete;
    expect($(el, '[part="weaker"]')!.textContent).to.equal('1 is a weaker match: Ben Lee → Ben Lee (same name, different email).');
    await expect(el).to.be.accessible();
    $<HTMLButtonElement>(el, '[part="accept-strong-button"]')!.click();
    await waitFor(() => requestsTo(bff, 'PUT', `${BASE}/mappings/staff`).length === 1, 'the save');
    expect(requestsTo(bff, 'PUT', `${BASE}/mappings/staff`)[0]!.body).to.deep.equal({ mappings: [{ host_id: 'p1', target: { type: 'Employee', id: '55' }, method: 'confirmed' }] });
  });

  it('an API refusal is shown in plain words: no field paths, QuickBooks ids or route names; the host event keeps the API message', async () => {
    const refusal = {
      status: 400,
      body: { error: { code: 'invalid_request', message: 'mappings[0].target: "Zero rated": "Zero rated" is zero-rated, but "Exempt" is exempt: they are different lines on a tax return.', details: { issues: [
        { field: 'mappings[0].target', host_id: 'r3', host_name: 'Zero rated', message: '"Zero rated": "Zero rated" is zero-rated, but "Exempt" is exempt: they are different lines on a tax return.', problems: [{ code: 'meaning_differs', message: '"Zero rated" is zero-rated, but "Exempt" is exempt: they are different lines on a tax return.' }] },
      ] } } },
    };
    const conflict = { status: 409, body: { error: { code: 'conflict', message: 'QuickBooks already has 2 tax codes "Odd rate" can use: "A" (id 12), "B" (id 13); map it to one of them instead of creating another.' } } };
    const { el } = await setup({ handle: (request) => (request.method === 'PUT' ? refusal : request.method === 'POST' ? conflict : undefined) });
    const errors: string[] = [];
    el.addEventListener('ledgerlink-error', (event) => errors.push((event as CustomEvent<{ message: string }>).detail.message));
    rowOf(el, 'Zero rated').querySelector<HTMLButtonElement>('[part="accept-button"]')!.click();
    await waitFor(() => $(el, '[part="notice"]'), 'the notice');
    expect($(el, '[part="notice"]')!.textContent!.trim()).to.equal('"Zero rated" is zero-rated, but "Exempt" is exempt: they are different lines on a tax return.');
    expect(errors[0]).to.match(/^mappings\[0\]\.target: /);
    rowOf(el, 'Odd rate').querySelector<HTMLButtonElement>('[part="create-button"]')!.click();
    await waitFor(() => $(el, '[part="notice"]')?.textContent?.includes('already has'), 'the conflict notice');
    expect($(el, '[part="notice"]')!.textContent!.trim()).to.equal('QuickBooks already has 2 tax codes "Odd rate" can use: "A", "B"; map it to one of them instead of creating another.');
  });

  it('"Create in QuickBooks" without a default tax agency points at the agency picker; a code that exists is linked, not duplicated', async () => {
    let answer: { status: number; body: unknown } = { status: 400, body: { error: { code: 'invalid_request', message: "default_tax_agency: no default tax agency is set; choose the default tax agency the new code's rates are paid to", details: { issues: [{ field: 'default_tax_agency', message: "no default tax agency is set; choose the default tax agency the new code's rates are paid to" }] } } } };
    const { el, bff } = await setup({ handle: (request) => (request.method === 'POST' && request.path === `${BASE}/mappings/tax-rates/r4/create` ? answer : undefined) });
    const errors: string[] = [];
    el.addEventListener('ledgerlink-error', (event) => errors.push((event as CustomEvent<{ message: string }>).detail.message));
    rowOf(el, 'Odd rate').querySelector<HTMLButtonElement>('[part="create-button"]')!.click();
    await waitFor(() => $(el, '[part="notice"]'), 'the notice');
    await el.updateComplete;
    const agency = $<HTMLSelectElement>(el, '[part="defaults"] select')!;
    // One sentence, not the API's clause glued to ours.
    expect($(el, '[part="notice"]')!.textContent!.trim()).to.equal('A new tax code needs a tax agency to pay its rates to: choose the default tax agency above, then create the code again.');
    expect(agency.getAttribute('aria-invalid')).to.equal('true');
    expect(agency.getAttribute('aria-describedby')).to.equal('mapper-notice');
    expect(el.shadowRoot!.activeElement).to.equal(agency);
    expect(errors).to.have.length(1);
    await expect(el).to.be.accessible();

    answer = { status: 200, body: { host_id: 'r4', target: { type: 'TaxCode', id: '40', name: 'Odd rate' }, version: 1, outcome: 'linked' } };
    rowOf(el, 'Odd rate').querySelector<HTMLButtonElement>('[part="create-button"]')!.click();
    await waitFor(() => $(el, '[part="notice"]')?.textContent?.includes('already has'), 'the linked notice');
    expect($(el, '[part="notice"]')!.textContent).to.contain('QuickBooks already has "Odd rate": mapped Odd rate to it instead of creating a duplicate.');
    expect(requestsTo(bff, 'POST', `${BASE}/mappings/tax-rates/r4/create`)).to.have.length(2);
  });

  it('two QuickBooks records of one name read apart in the picker, and an item and an account sharing an id are separate choices', async () => {
    const state: MappingState = {
      ...ukState(),
      kind: 'billable-categories',
      targets: [
        { type: 'Item', id: '52', name: 'Standard Consulting Hour', active: true, detail: 'Service' },
        { type: 'Item', id: '55', name: 'Standard Consulting Hour', active: true, detail: 'Service' },
        { type: 'Account', id: '52', name: 'Consulting Income', active: true, detail: 'Income account' },
      ],
      rows: [{ host: { id: 'c1', name: 'Consulting', code: 'Standard Consulting Hour' }, mapping: null, status: 'unmapped', problems: [{ code: 'ambiguous', message: '"Consulting" matches 2 QuickBooks records alike: pick one.' }], suggestion: null, choices: null }],
    };
    const { el, bff } = await setup({ state, kind: 'billable-categories', handle: (request) => (request.method === 'PUT' && request.path === `${BASE}/mappings/billable-categories` ? { body: { data: [] } } : undefined) });
    const options = [...rowOf(el, 'Consulting').querySelectorAll('option')];
    expect(options.map((option) => option.value)).to.deep.equal(['', 'Item:52', 'Item:55', 'Account:52']);
    expect(options.map((option) => option.textContent)).to.deep.equal(['Not mapped', 'Standard Consulting Hour (Service) · id 52', 'Standard Consulting Hour (Service) · id 55', 'Consulting Income (Income account)']);
    const picker = rowOf(el, 'Consulting').querySelector<HTMLSelectElement>('[part="picker"]')!;
    picker.value = 'Account:52';
    picker.dispatchEvent(new Event('change'));
    await waitFor(() => requestsTo(bff, 'PUT', `${BASE}/mappings/billable-categories`).length === 1, 'the save');
    expect(requestsTo(bff, 'PUT', `${BASE}/mappings/billable-categories`)[0]!.body).to.deep.equal({ mappings: [{ host_id: 'c1', target: { type: 'Account', id: '52' }, method: 'manual' }] });
  });

  it('follows the page\'s connection: while it must be reconnected, Create is hidden and Accept disabled with a note saying so', async () => {
    for (const connectionStatus of ['needs_reconnect', 'disconnected'] as const) {
      const { el, bff } = await setup({ connectionStatus });
      await waitFor(() => $(el, '[part="reconnect-note"]'), 'the reconnect note');
      expect($(el, '[part="reconnect-note"]')!.textContent!.trim()).to.equal(RECONNECT_NOTE);
      expect($$(el, '[part="create-button"]')).to.have.length(0);
      const accept = rowOf(el, 'Zero rated').querySelector<HTMLButtonElement>('[part="accept-button"]')!;
      expect(accept.getAttribute('aria-disabled')).to.equal('true');
      expect(accept.getAttribute('aria-describedby')).to.equal('mapper-reconnect');
      expect($(el, '[part="accept-all-button"]')!.getAttribute('aria-disabled')).to.equal('true');
      accept.click();
      rowOf(el, 'Zero rated').focus();
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(requestsTo(bff, 'PUT', `${BASE}/mappings/tax-rates`)).to.have.length(0);
      await expect(el).to.be.accessible();
      restore?.();
      restore = undefined;
    }
  });

  it('a create the API refuses with "reconnect" (the page did not know yet) shows the note and hides Create', async () => {
    const { el } = await setup({
      handle: (request) => (request.method === 'POST' && request.path.endsWith('/create')
        ? { status: 409, body: { error: { code: 'conflict', message: 'This company is not connected to QuickBooks: reconnect it, then try again.', details: { category: 'needs_reconnect', action: 'reconnect' } } } }
        : undefined),
    });
    expect($(el, '[part="reconnect-note"]')).to.equal(null);
    rowOf(el, 'Odd rate').querySelector<HTMLButtonElement>('[part="create-button"]')!.click();
    await waitFor(() => $(el, '[part="reconnect-note"]'), 'the reconnect note');
    expect($(el, '[part="notice"]')!.textContent!.trim()).to.equal('This company is not connected to QuickBooks: reconnect it, then try again.');
    expect($$(el, '[part="create-button"]')).to.have.length(0);
    expect($(el, '[part="notice"]')!.textContent).to.not.contain('Something went wrong');
  });

  it('a long tax-rate name wraps whole at 1280px: nothing cut off', async () => {
    const long = 'Reduced rate VAT for domestic fuel and power, children\u2019s car seats, energy-saving materials and mobility aids for older people';
    const state = ukState();
    state.rows[2] = { ...state.rows[2]!, host: host('r3', long, 5) };
    const { el } = await setup({ state });
    const name = rowOf(el, long).querySelector<HTMLElement>('.name')!;
    const style = getComputedStyle(name);
    expect(style.whiteSpace).to.equal('normal');
    expect(style.textOverflow).to.not.equal('ellipsis');
    expect(name.scrollWidth).to.be.at.most(name.clientWidth);
    expect(name.getBoundingClientRect().height).to.be.greaterThan(parseFloat(style.lineHeight) * 1.5 || 24);
    expect(name.getBoundingClientRect().bottom).to.be.at.most(rowOf(el, long).getBoundingClientRect().bottom);
  });

  it('each row has its own height (390px cards and 1280px rows), and no row covers the border of the one above', async () => {
    const long = 'No active QuickBooks zero-rated tax code in British Columbia charges 0% on sales and purchases; create one or pick another. "Zero rated" is zero-rated, but "Exempt" is exempt: they are different lines on a tax return.';
    const state = ukState();
    state.rows[3] = { ...state.rows[3]!, problems: [{ code: 'unmapped', message: long }] };
    const { el } = await setup({ state });
    const rows = () => $$(el, '.body [role="row"]').sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    const settle = async () => {
      for (let i = 0; i < 5; i += 1) {
        el.requestUpdate();
        await el.updateComplete;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const check = (width: number) => {
      const all = rows();
      const boxes = all.map((row) => row.getBoundingClientRect());
      // The next row starts at or below this one's bottom edge, where its 1px border line is drawn.
      for (let i = 1; i < boxes.length; i += 1) expect(boxes[i]!.top, `row ${i} at ${width}px`).to.be.at.least(boxes[i - 1]!.bottom - 0.01);
      const heights = boxes.map((box) => Math.round(box.height));
      expect(Math.max(...heights), `heights at ${width}px`).to.be.greaterThan(Math.min(...heights));
      expect(heights[0], `a short row is not as tall as the long one at ${width}px`).to.be.lessThan(Math.round(rowOf(el, 'Odd rate').getBoundingClientRect().height));
    };
    await settle();
    check(1280);
    await setViewport({ width: 390, height: 800 });
    try {
      await waitFor(() => getComputedStyle($(el, '.header')!).display === 'none', 'the card layout');
      await settle();
      check(390);
    } finally {
      await setViewport({ width: 1280, height: 800 });
    }
  });
});
