import { testSettings } from '../test-support/settings.ts';
import { aTimeout, expect, fixture } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { Connection } from '../../shared/api/connections.ts';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import type { MatchingState } from '../../shared/api/matching.ts';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import type { MatchCandidate } from '../base/bff-client.ts';
import { fakeToken, installFakeBff, uniqueTag, type RecordedRequest } from '../test-support/fake-bff.ts';
import { $, $$, requestsTo, waitFor } from '../test-support/queries.ts';
import * as data from '../test-support/matching-data.ts';
import type { ErrorEventDetail } from '../qbo-connect/qbo-connect.ts';
import {
  SupplierMatcher,
  type LinkCreatedEventDetail,
  type LinkRemovedEventDetail,
  type RecordImportedEventDetail,
} from './supplier-matcher.ts';

const BFF = 'http://bff.test';
const CONNECTION = 'con_00000000000000000001';
const BASE = `/v1/widget/connections/${CONNECTION}`;

type Answer = { status?: number; body?: unknown };

interface World {
  state: MatchingState;
  role: string;
  settings: OrganizationSettings;
  stateAnswer?: () => Answer | Promise<never>;
  candidates: (q: string, hostId: string) => MatchCandidate[];
  linksAnswer?: (request: RecordedRequest) => Answer;
  importAnswer: Answer;
  createAnswer: Answer | (() => Promise<Answer>);
  /** The companies GET /v1/widget/connections lists; unset answers 404 (the matcher works without it). */
  connections?: Connection[];
}

const settings: OrganizationSettings = testSettings({ sync_roles: ['admin', 'member'] });

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

/** A fake BFF over a mutable world, and the element under a tag no other test uses. */
async function setup(world: Partial<World> = {}, attributes: { entity?: string; slot?: boolean; theme?: string; undoMs?: number } = {}) {
  const w: World = {
    state: data.sampleState(),
    role: 'admin',
    settings,
    candidates: () => [],
    importAnswer: { status: 202, body: { event_id: 'evt_1' } },
    createAnswer: { status: 201, body: { link: { host_id: 'sup_kestrel', provider_id: '901', method: 'created', linked_by: 'ada', linked_at: new Date().toISOString() }, provider: { id: '901', name: 'Kestrel Packaging', email: null, phone: null, city: null, postal_code: null, country: null, account_number: null, active: true } } },
    ...world,
  };
  const bff = installFakeBff(BFF, (request: RecordedRequest) => {
    const { method, path } = request;
    if (path === '/v1/widget/session') {
      return { body: { tenant_id: 't', organization_id: 'o', user: { id: 'u_me', role: w.role }, expires_at: new Date(Date.now() + 900_000).toISOString() } };
    }
    if (path === '/v1/widget/settings') return { body: w.settings };
    if (method === 'GET' && /\/matching\/(suppliers|customers)$/.test(path)) return w.stateAnswer?.() ?? { body: w.state };
    if (method === 'GET' && path.includes('/candidates?')) {
      const url = new URL(path, BFF);
      return { body: { data: w.candidates(url.searchParams.get('q') ?? '', url.searchParams.get('host_id') ?? '') } };
    }
    if (method === 'POST' && path === `${BASE}/links`) {
      if (w.linksAnswer) return w.linksAnswer(request);
      const body = request.body as { links: { host_id: string; provider_id: string; method: string }[] };
      return { status: 201, body: { data: body.links.map((link) => ({ ...link, linked_by: 'u_me', linked_at: new Date().toISOString() })) } };
    }
    if (method === 'DELETE' && path.startsWith(`${BASE}/links/`)) return { status: 204 };
    if (method === 'POST' && path.endsWith('/import')) return w.importAnswer;
    if (method === 'POST' && path.endsWith('/create')) return typeof w.createAnswer === 'function' ? w.createAnswer() : w.createAnswer;
    if (method === 'GET' && path === '/v1/widget/connections' && w.connections) return { body: { data: w.connections } };
    return { status: 404, body: { error: { code: 'not_found', message: `Unexpected ${method} ${path}` } } };
  });
  restore = bff.restore;
  const tag = uniqueTag('supplier-matcher');
  const undoMs = attributes.undoMs ?? SupplierMatcher.undoMs;
  customElements.define(
    tag,
    class extends SupplierMatcher {
      static override undoMs = undoMs;
    },
  );
  const t = unsafeStatic(tag);
  const token = fakeToken(900);
  const el = await fixture<SupplierMatcher>(
    attributes.slot
      ? staticHtml`<${t} bff-url=${BFF} session-token=${token} connection-id=${CONNECTION}><a slot="empty" href="#suppliers">Add suppliers</a></${t}>`
      : staticHtml`<${t} bff-url=${BFF} session-token=${token} connection-id=${CONNECTION} entity=${attributes.entity ?? 'vendor'} theme=${attributes.theme ?? 'light'}></${t}>`,
  );
  return { el, bff, world: w };
}

async function ready(el: SupplierMatcher): Promise<void> {
  await waitFor(() => $(el, '[role="tablist"]') ?? $(el, '.empty') ?? $(el, '.load-error'), 'the matcher');
  await el.updateComplete;
}

const rows = (el: SupplierMatcher) => $$(el, '.body [role="row"]');
const names = (el: SupplierMatcher) => rows(el).map((row) => row.querySelector('.name')?.textContent?.trim());

function rowOf(el: SupplierMatcher, name: string): HTMLElement {
  const row = rows(el).find((candidate) => candidate.querySelector('.name')?.textContent?.trim() === name);
  if (!row) throw new Error(`No row for ${name} (have ${names(el).join(', ')})`);
  return row;
}

async function showTab(el: SupplierMatcher, label: string): Promise<void> {
  const tab = $$(el, '[role="tab"]').find((candidate) => candidate.textContent?.includes(label));
  if (!tab) throw new Error(`No tab ${label}`);
  tab.click();
  await el.updateComplete;
}

function listen<T>(el: SupplierMatcher, name: string): CustomEvent<T>[] {
  const seen: CustomEvent<T>[] = [];
  // Listening on the document proves the events bubble and cross the shadow boundary.
  const handler = (event: Event) => {
    if (event.composedPath()[0] === el) seen.push(event as CustomEvent<T>);
  };
  document.addEventListener(name, handler);
  afterEach(() => document.removeEventListener(name, handler));
  return seen;
}

/** "Create in QuickBooks" asks first: nothing is sent until the dialog's Create is pressed. */
async function confirmCreate(el: SupplierMatcher): Promise<void> {
  const confirm = await waitFor(() => $<HTMLButtonElement>(el, '[part="create-confirm-button"]'), 'the create dialog');
  expect(el.shadowRoot!.querySelector<HTMLDialogElement>('dialog')?.open).to.equal(true);
  confirm.click();
}

const announcement = (el: SupplierMatcher) => $(el, '[role="status"]')?.textContent?.trim();

describe('<supplier-matcher>', () => {
  describe('accessibility in every state', () => {
    it('loading: skeleton rows, busy', async () => {
      const { el } = await setup({ stateAnswer: () => new Promise<never>(() => {}) });
      await waitFor(() => $(el, '.skeleton'), 'skeleton');
      expect($(el, '[part="skeleton"]')?.getAttribute('aria-busy')).to.equal('true');
      expect($$(el, '.skeleton-row').length).to.be.greaterThan(3);
      await expect(el).to.be.accessible();
    });

    it('every section, both unmatched lists, and the open picker', async () => {
      const north = data.provider({ id: '80', name: 'Northwind Label Co.', city: 'Boise' });
      const { el } = await setup({ candidates: () => [data.candidate(north, ['similar name', 'postal code'])] });
      await ready(el);
      await expect(el).to.be.accessible();
      for (const label of ['Suggested', 'Unmatched', 'Linked']) {
        await showTab(el, label);
        await expect(el).to.be.accessible();
      }
      await showTab(el, 'Unmatched');
      $(el, '[part="view-toggle"] button:last-child')!.click();
      await el.updateComplete;
      expect(names(el)).to.include('Cascade Courier');
      await expect(el).to.be.accessible();
      $(el, '[part="view-toggle"] button:first-child')!.click();
      await el.updateComplete;
      $(el, '[data-picker-for="sup_northwind"]')!.click();
      await waitFor(() => $(el, '[role="option"]'), 'picker results');
      await expect(el).to.be.accessible();
    });

    it('empty sections say what to do next', async () => {
      const state = data.sampleState();
      state.auto = [];
      state.linked = [];
      const { el } = await setup({ state });
      await ready(el);
      expect($(el, '.empty-title')?.textContent).to.equal('No automatic matches to review');
      const next = $$(el, '.empty .button').find((button) => button.textContent?.includes('Review suggestions'))!;
      await expect(el).to.be.accessible();
      next.click();
      await el.updateComplete;
      expect($(el, '#tab-suggested')?.getAttribute('aria-selected')).to.equal('true');
      expect(el.shadowRoot!.activeElement?.id).to.equal('tab-suggested');
      await showTab(el, 'Linked');
      expect($(el, '.empty-title')?.textContent).to.equal('No suppliers linked yet');
      await expect(el).to.be.accessible();
    });

    it('no host records yet: an end-user message and the host’s empty slot', async () => {
      const state = data.emptyState();
      state.unmatched_provider = [data.provider()];
      const { el } = await setup({ state }, { slot: true });
      await ready(el);
      expect($(el, '.empty-title')?.textContent).to.equal('No suppliers to match yet');
      expect(el.shadowRoot!.textContent).not.to.contain('PUT');
      expect($<HTMLSlotElement>(el, 'slot[name="empty"]')!.assignedElements()[0]?.textContent).to.equal('Add suppliers');
      await expect(el).to.be.accessible();
    });

    it('error loading: what happened and Retry, which loads again', async () => {
      let fail = true;
      const { el, bff } = await setup({
        stateAnswer: () => (fail ? { status: 500, body: { error: { code: 'internal', message: 'The server had a problem.' } } } : { body: data.sampleState() }),
      });
      const errors = listen<ErrorEventDetail>(el, 'ledgerlink-error');
      await waitFor(() => $(el, '.load-error'), 'load error');
      expect($(el, '.load-error')?.textContent).to.contain('Supplier matches could not be loaded.').and.contain('The server had a problem.');
      expect(errors.at(-1)?.detail.code).to.equal('internal');
      await expect(el).to.be.accessible();
      fail = false;
      $(el, '[data-retry]')!.click();
      await waitFor(() => $(el, '[role="tablist"]'), 'loaded after retry');
      expect(requestsTo(bff, 'GET', `${BASE}/matching/suppliers`)).to.have.length(2);
    });

    it('permission-limited: actions disabled with the reason, and nothing is sent', async () => {
      const { el, bff } = await setup({ role: 'member' });
      await ready(el);
      const note = $(el, '#permission-note')!;
      expect(note.textContent).to.contain('Only admins can change how suppliers are matched');
      // The one pattern every component uses (widget/base/permission-note.ts): the id on the sentence alone, a lock
      // beside it, the same part name and look.
      expect(note.tagName).to.equal('SPAN');
      const box = note.closest('[part="permission-note"]')!;
      expect(box.classList.contains('permission-note')).to.equal(true);
      expect(box.querySelector('svg.permission-icon')).to.not.equal(null);
      expect(getComputedStyle(box).display).to.equal('flex');
      const buttons = [...$$(el, '[part="confirm-button"]'), ...$$(el, '[part="reject-button"]'), $(el, '[part="accept-all-button"]')!];
      expect(buttons.length).to.equal(7);
      for (const button of buttons) {
        expect(button.getAttribute('aria-disabled')).to.equal('true');
        expect(button.getAttribute('aria-describedby')).to.equal('permission-note');
      }
      $(el, '[part="accept-all-button"]')!.click();
      $(el, '[part="confirm-button"]')!.click();
      await showTab(el, 'Unmatched');
      for (const part of ['picker-button', 'create-button']) expect($(el, `[part="${part}"]`)?.getAttribute('aria-disabled')).to.equal('true');
      $(el, '[part="picker-button"]')!.click();
      await el.updateComplete;
      expect($(el, '[role="combobox"]')).to.equal(null);
      // The QuickBooks-only list's check boxes: focusable, pointing at the note, and a click ticks nothing.
      $(el, '[part="view-toggle"] button:last-child')!.click();
      await el.updateComplete;
      const boxes = $$(el, 'input[part="select"]') as HTMLInputElement[];
      expect(boxes.length).to.be.at.least(2);
      for (const box of boxes) {
        expect(box.disabled).to.equal(false);
        expect(box.getAttribute('aria-disabled')).to.equal('true');
        expect(box.getAttribute('aria-describedby')).to.equal('permission-note');
        box.click();
        expect(box.checked).to.equal(false);
      }
      await el.updateComplete;
      expect($(el, '[part="import-selected-button"]')).to.equal(null);
      await showTab(el, 'Linked');
      expect($(el, '[part="unlink-button"]')?.getAttribute('aria-disabled')).to.equal('true');
      await aTimeout(50);
      expect(bff.requests.filter((request) => request.method !== 'GET')).to.have.length(0);
      await expect(el).to.be.accessible();
    });
  });

  it('shows sections as tabs with counts; arrow keys move between tabs', async () => {
    const { el, bff } = await setup();
    await ready(el);
    expect(requestsTo(bff, 'GET', `${BASE}/matching/suppliers`)).to.have.length(1);
    const tabs = $$(el, '[role="tab"]');
    expect(tabs.map((tab) => tab.textContent?.trim().replace(/\s*\d[\d,]*$/, ''))).to.deep.equal(['Auto-matched', 'Suggested', 'Unmatched', 'Linked']);
    expect(tabs.map((tab) => tab.querySelector('[part="tab-count"]')?.textContent)).to.deep.equal(['3', '2', '3', '2']);
    expect($(el, '[role="tabpanel"]')?.getAttribute('aria-labelledby')).to.equal('tab-auto');
    expect($$(el, '.header-row [role="columnheader"]').map((cell) => cell.textContent?.trim()).slice(0, 3)).to.deep.equal(['Your supplier', 'QuickBooks vendor', 'Why']);
    expect(rowOf(el, 'Smith & Jones Ltd').querySelector('[part="reasons"]')?.textContent).to.equal('similar name, phone');

    tabs[0]!.focus();
    tabs[0]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, composed: true, cancelable: true }));
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.id).to.equal('tab-suggested');
    expect($(el, '#tab-suggested')?.getAttribute('aria-selected')).to.equal('true');
    expect($(el, '#tab-suggested')?.tabIndex).to.equal(0);
    expect($(el, '#tab-auto')?.tabIndex).to.equal(-1);
    expect(names(el)).to.deep.equal(['J. Okafor', 'Harbor Freight Lines']);
    el.shadowRoot!.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true, composed: true, cancelable: true }));
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.id).to.equal('tab-linked');
    el.shadowRoot!.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, composed: true, cancelable: true }));
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.id).to.equal('tab-auto');
  });

  it('entity="customer" matches clients to QuickBooks customers', async () => {
    const { el, bff } = await setup({}, { entity: 'customer' });
    await ready(el);
    expect(requestsTo(bff, 'GET', `${BASE}/matching/customers`)).to.have.length(1);
    expect($$(el, '.header-row [role="columnheader"]').map((cell) => cell.textContent?.trim()).slice(0, 2)).to.deep.equal(['Your client', 'QuickBooks customer']);
  });

  it('Accept all posts every auto pair with method auto, emits link-created and announces it', async () => {
    const { el, bff, world } = await setup();
    const created = listen<LinkCreatedEventDetail>(el, 'ledgerlink-link-created');
    await ready(el);
    const button = $(el, '[part="accept-all-button"]')!;
    expect(button.textContent?.trim()).to.equal('Accept all 3');
    button.click();
    await waitFor(() => created.length === 1, 'link-created');
    const posts = requestsTo(bff, 'POST', `${BASE}/links`);
    expect(posts).to.have.length(1);
    expect(posts[0]!.body).to.deep.equal({
      kind: 'suppliers',
      links: world.state.auto.map((pair) => ({ host_id: pair.host.id, provider_id: pair.provider.id, method: 'auto' })),
    });
    expect(created[0]!.detail.connection_id).to.equal(CONNECTION);
    expect(created[0]!.detail.kind).to.equal('suppliers');
    expect(created[0]!.detail.links.map((link) => link.host_id)).to.deep.equal(['sup_smith', 'sup_acme', 'sup_blue']);
    await el.updateComplete;
    expect(announcement(el)).to.equal('Linked 3 suppliers.');
    expect($(el, '#tab-auto [part="tab-count"]')?.textContent).to.equal('0');
    expect($(el, '#tab-linked [part="tab-count"]')?.textContent).to.equal('5');
    expect($(el, '[part="undo"]')?.textContent).to.contain('Linked 3 suppliers.');
    // The button left with its rows; focus moved to what comes next, not to the page.
    expect(el.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Review suggestions');
    await expect(el).to.be.accessible();
  });

  it('Undo after Accept all removes each link and puts the pairs back', async () => {
    const { el, bff } = await setup();
    const removed = listen<LinkRemovedEventDetail>(el, 'ledgerlink-link-removed');
    await ready(el);
    $(el, '[part="accept-all-button"]')!.click();
    await waitFor(() => $(el, '[part="undo-button"]'), 'undo offered');
    $(el, '[part="undo-button"]')!.click();
    await waitFor(() => removed.length === 3, 'three link-removed events');
    expect(bff.requests.filter((request) => request.method === 'DELETE').map((request) => request.path).sort()).to.deep.equal(
      ['sup_acme', 'sup_blue', 'sup_smith'].map((id) => `${BASE}/links/suppliers/${id}`),
    );
    await waitFor(() => !$(el, '[part="undo"]'), 'undo gone');
    expect(names(el)).to.deep.equal(['Smith & Jones Ltd', 'Acme Office Supply', 'Blue Ridge Paper']);
    expect($(el, '#tab-linked [part="tab-count"]')?.textContent).to.equal('2');
  });

  it('Confirm on a suggestion posts method confirmed; ✕ moves the pair to Unmatched without a request', async () => {
    const { el, bff } = await setup();
    const created = listen<LinkCreatedEventDetail>(el, 'ledgerlink-link-created');
    await ready(el);
    await showTab(el, 'Suggested');
    rowOf(el, 'J. Okafor').querySelector<HTMLElement>('[part="confirm-button"]')!.click();
    await waitFor(() => created.length === 1, 'link-created');
    expect(requestsTo(bff, 'POST', `${BASE}/links`)[0]!.body).to.deep.equal({ kind: 'suppliers', links: [{ host_id: 'sup_okafor', provider_id: '70', method: 'confirmed' }] });
    await el.updateComplete;
    expect(announcement(el)).to.equal('Linked J. Okafor to Okafor, John.');

    const before = bff.requests.length;
    rowOf(el, 'Harbor Freight Lines').querySelector<HTMLElement>('[part="reject-button"]')!.click();
    await el.updateComplete;
    expect(bff.requests.length).to.equal(before);
    expect($(el, '#tab-suggested [part="tab-count"]')?.textContent).to.equal('0');
    expect($(el, '#tab-unmatched [part="tab-count"]')?.textContent).to.equal('4');
    await showTab(el, 'Unmatched');
    expect(names(el)[0]).to.equal('Harbor Freight Lines');
  });

  it('manual pick by keyboard: type, arrows, Enter posts method manual with the chosen QuickBooks record', async () => {
    const north = data.provider({ id: '80', name: 'Northwind Label Co.', city: 'Boise', postal_code: '83702' });
    const northern = data.provider({ id: '83', name: 'Northern Labels Inc', city: 'Spokane' });
    const { el, bff } = await setup({
      candidates: (q) => (q.toLowerCase().startsWith('north') ? [data.candidate(north, ['similar name', 'postal code'], 0.8), data.candidate(northern, ['similar name'], 0.6)] : []),
    });
    const created = listen<LinkCreatedEventDetail>(el, 'ledgerlink-link-created');
    await ready(el);
    await showTab(el, 'Unmatched');
    const row = rowOf(el, 'Northwind Labels');
    row.focus();
    await sendKeys({ press: 'Enter' });
    const input = await waitFor(() => $<HTMLInputElement>(el, '[role="combobox"]'), 'combobox');
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(input);
    expect(input.getAttribute('aria-expanded')).to.equal('true');
    expect(input.getAttribute('aria-controls')).to.equal('picker-listbox');
    await sendKeys({ type: 'north' });
    await waitFor(() => $$(el, '[role="option"]').length === 2, 'two results');
    const searched = bff.requests.filter((request) => request.path.includes('/candidates?')).at(-1)!;
    const url = new URL(searched.path, BFF);
    expect(url.pathname).to.equal(`${BASE}/matching/suppliers/candidates`);
    expect([url.searchParams.get('host_id'), url.searchParams.get('q'), url.searchParams.get('limit')]).to.deep.equal(['sup_northwind', 'north', '10']);
    // Debounced: not one request per letter.
    expect(bff.requests.filter((request) => request.path.includes('/candidates?')).length).to.be.lessThan(4);
    const option = $(el, '#picker-option-0')!;
    expect(option.textContent).to.contain('Northwind Label Co.').and.contain('Boise · 83702').and.contain('similar name, postal code');
    expect(input.getAttribute('aria-activedescendant')).to.equal('picker-option-0');
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(input.getAttribute('aria-activedescendant')).to.equal('picker-option-1');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => created.length === 1, 'link-created');
    expect(requestsTo(bff, 'POST', `${BASE}/links`)[0]!.body).to.deep.equal({ kind: 'suppliers', links: [{ host_id: 'sup_northwind', provider_id: '83', method: 'manual' }] });
    await el.updateComplete;
    expect($(el, '#picker-popup')).to.equal(null);
    await showTab(el, 'Linked');
    expect(rowOf(el, 'Northwind Labels').textContent).to.contain('Northern Labels Inc').and.contain('Chosen by hand');
  });

  it('Escape closes the picker and returns focus to Choose…', async () => {
    const { el, bff } = await setup({ candidates: () => [data.candidate(data.provider({ name: 'Kestrel Pack' }))] });
    await ready(el);
    await showTab(el, 'Unmatched');
    rowOf(el, 'Kestrel Packaging').querySelector<HTMLElement>('[part="picker-button"]')!.click();
    await waitFor(() => $(el, '[role="option"]'), 'results');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    await el.updateComplete;
    expect($(el, '[role="combobox"]')).to.equal(null);
    expect((el.shadowRoot!.activeElement as HTMLElement | null)?.dataset.pickerFor).to.equal('sup_kestrel');
    expect(requestsTo(bff, 'POST', `${BASE}/links`)).to.have.length(0);
  });

  it('Unlink removes the link and Undo links it again', async () => {
    const { el, bff } = await setup();
    const removed = listen<LinkRemovedEventDetail>(el, 'ledgerlink-link-removed');
    const created = listen<LinkCreatedEventDetail>(el, 'ledgerlink-link-created');
    await ready(el);
    await showTab(el, 'Linked');
    rowOf(el, 'Evergreen Janitorial').querySelector<HTMLElement>('[part="unlink-button"]')!.click();
    await waitFor(() => removed.length === 1, 'link-removed');
    expect(requestsTo(bff, 'DELETE', `${BASE}/links/suppliers/sup_evergreen`)).to.have.length(1);
    expect(removed[0]!.detail).to.deep.equal({ connection_id: CONNECTION, kind: 'suppliers', host_id: 'sup_evergreen', provider_id: '91' });
    await el.updateComplete;
    expect(names(el)).to.deep.equal(['Delta Print Works']);
    expect(announcement(el)).to.equal('Unlinked Evergreen Janitorial from Evergreen Janitorial LLC.');
    expect($(el, '#tab-unmatched [part="tab-count"]')?.textContent).to.equal('4');

    $(el, '[part="undo-button"]')!.click();
    await waitFor(() => created.length === 1, 'link-created by undo');
    expect(requestsTo(bff, 'POST', `${BASE}/links`)[0]!.body).to.deep.equal({ kind: 'suppliers', links: [{ host_id: 'sup_evergreen', provider_id: '91', method: 'manual' }] });
    await el.updateComplete;
    expect(names(el)).to.include('Evergreen Janitorial');
    expect($(el, '#tab-unmatched [part="tab-count"]')?.textContent).to.equal('3');
  });

  it('Import sends a QuickBooks record to the host and emits record-imported', async () => {
    const { el, bff } = await setup();
    const imported = listen<RecordImportedEventDetail>(el, 'ledgerlink-record-imported');
    await ready(el);
    await showTab(el, 'Unmatched');
    $(el, '[part="view-toggle"] button:last-child')!.click();
    await el.updateComplete;
    expect($$(el, '.header-row [role="columnheader"]')[0]?.textContent?.trim()).to.equal('QuickBooks vendor');
    rowOf(el, 'Cascade Courier').querySelector<HTMLElement>('[part="import-button"]')!.click();
    await waitFor(() => imported.length === 1, 'record-imported');
    expect(requestsTo(bff, 'POST', `${BASE}/matching/suppliers/import`)[0]!.body).to.deep.equal({ provider_id: '81' });
    expect(imported[0]!.detail).to.deep.equal({ connection_id: CONNECTION, kind: 'suppliers', provider_id: '81', event_id: 'evt_1' });
    await el.updateComplete;
    expect(rowOf(el, 'Cascade Courier').textContent).to.contain('Sent to your suppliers');
    expect(rowOf(el, 'Cascade Courier').querySelector('[part="import-button"]')).to.equal(null);
  });

  it('Import of an already-linked record says so and emits ledgerlink-error', async () => {
    const { el } = await setup({ importAnswer: { status: 409, body: { error: { code: 'conflict', message: 'This vendor is already linked.' } } } });
    const errors = listen<ErrorEventDetail>(el, 'ledgerlink-error');
    await ready(el);
    await showTab(el, 'Unmatched');
    $(el, '[part="view-toggle"] button:last-child')!.click();
    await el.updateComplete;
    rowOf(el, 'Cascade Courier').querySelector<HTMLElement>('[part="import-button"]')!.click();
    await waitFor(() => errors.length === 1, 'error event');
    expect(errors[0]!.detail.code).to.equal('conflict');
    await el.updateComplete;
    expect($(el, '[part="notice"]')?.textContent).to.contain('This vendor is already linked.');
  });

  it('Create in QuickBooks refused as a duplicate offers "Link to … instead", which links', async () => {
    const { el, bff } = await setup({
      createAnswer: {
        status: 409,
        body: { error: { code: 'conflict', message: 'QuickBooks already has a vendor with this name.', details: { provider_id: '80', provider_name: 'Northwind Label Co.' } } },
      },
    });
    const created = listen<LinkCreatedEventDetail>(el, 'ledgerlink-link-created');
    await ready(el);
    await showTab(el, 'Unmatched');
    rowOf(el, 'Northwind Labels').querySelector<HTMLElement>('[part="create-button"]')!.click();
    await confirmCreate(el);
    const instead = await waitFor(() => rowOf(el, 'Northwind Labels').querySelector<HTMLElement>('[part="link-instead-button"]'), 'link instead');
    expect(requestsTo(bff, 'POST', `${BASE}/matching/suppliers/create`)[0]!.body).to.deep.equal({ host_id: 'sup_northwind' });
    expect(instead.textContent?.trim()).to.equal('Link to Northwind Label Co. instead');
    expect(rowOf(el, 'Northwind Labels').textContent).to.contain('Already in QuickBooks');
    expect(rowOf(el, 'Northwind Labels').querySelector('[part="create-button"]')).to.equal(null);
    await expect(el).to.be.accessible();
    instead.click();
    await waitFor(() => created.length === 1, 'link-created');
    expect(requestsTo(bff, 'POST', `${BASE}/links`)[0]!.body).to.deep.equal({ kind: 'suppliers', links: [{ host_id: 'sup_northwind', provider_id: '80', method: 'manual' }] });
    await showTab(el, 'Linked');
    expect(rowOf(el, 'Northwind Labels').textContent).to.contain('Northwind Label Co.');
  });

  for (const status of [404, 501]) {
    it(`Create in QuickBooks answered ${status} says it isn't available yet, and keeps the button`, async () => {
      const { el } = await setup({ createAnswer: { status, body: { error: { code: status === 404 ? 'not_found' : 'not_implemented', message: 'Not here' } } } });
      await ready(el);
      await showTab(el, 'Unmatched');
      rowOf(el, 'Yarra Timber').querySelector<HTMLElement>('[part="create-button"]')!.click();
      await confirmCreate(el);
      await waitFor(() => $(el, '#create-note'), 'message');
      expect($(el, '#create-note')?.textContent).to.contain("Creating records in QuickBooks isn't available yet.");
      const button = rowOf(el, 'Yarra Timber').querySelector<HTMLElement>('[part="create-button"]')!;
      expect(button.textContent?.trim()).to.equal('Create in QuickBooks');
      expect(button.getAttribute('aria-describedby')).to.equal('create-note');
      await expect(el).to.be.accessible();
    });
  }

  it('Create in QuickBooks creates and links the record, and reloads', async () => {
    const { el, bff } = await setup();
    await ready(el);
    await showTab(el, 'Unmatched');
    const linked = new Promise<CustomEvent>((resolve) => el.addEventListener('ledgerlink-link-created', (event) => resolve(event as CustomEvent), { once: true }));
    rowOf(el, 'Kestrel Packaging').querySelector<HTMLElement>('[part="create-button"]')!.click();
    await confirmCreate(el);
    const event = await linked;
    expect(event.detail.links[0].method).to.equal('created');
    expect(requestsTo(bff, 'POST', `${BASE}/matching/suppliers/create`)).to.have.length(1);
    await waitFor(() => requestsTo(bff, 'GET', `${BASE}/matching/suppliers`).length >= 2, 'reloaded');
  });

  it('a 403 on an action disables every action with the server’s explanation', async () => {
    const { el } = await setup({ linksAnswer: () => ({ status: 403, body: { error: { code: 'forbidden', message: 'Only admins may change links.' } } }) });
    const errors = listen<ErrorEventDetail>(el, 'ledgerlink-error');
    await ready(el);
    rowOf(el, 'Smith & Jones Ltd').querySelector<HTMLElement>('[part="confirm-button"]')!.click();
    await waitFor(() => errors.length === 1, 'error');
    await el.updateComplete;
    expect(errors[0]!.detail).to.deep.equal({ code: 'forbidden', message: 'Only admins may change links.' });
    expect($(el, '#permission-note')?.textContent).to.contain('Only admins may change links.');
    expect($(el, '[part="accept-all-button"]')?.getAttribute('aria-disabled')).to.equal('true');
    expect(names(el)).to.include('Smith & Jones Ltd');
  });

  it('10,000 rows stay windowed and keyboard-reachable', async () => {
    const started = performance.now();
    const { el } = await setup({ state: data.bigState(10_000) });
    await ready(el);
    await waitFor(() => rows(el).length > 0, 'rows');
    expect(performance.now() - started).to.be.lessThan(3000);
    expect($(el, '#tab-auto [part="tab-count"]')?.textContent).to.equal('10,000');
    expect($(el, '[role="grid"]')?.getAttribute('aria-rowcount')).to.equal('10001');
    expect(rows(el).length).to.be.greaterThan(5).and.lessThan(60);

    const scroller = $(el, '.scroller')!;
    scroller.scrollTop = scroller.scrollHeight;
    scroller.dispatchEvent(new Event('scroll'));
    await el.updateComplete;
    expect(rows(el).length).to.be.lessThan(60);
    expect(rows(el).some((row) => row.getAttribute('aria-rowindex') === '10001')).to.equal(true);

    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    await el.updateComplete;
    const first = rows(el)[0]!;
    first.focus();
    first.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true, composed: true, cancelable: true }));
    await el.updateComplete;
    await el.updateComplete;
    expect((el.shadowRoot!.activeElement as HTMLElement).getAttribute('aria-rowindex')).to.equal('10001');
    expect(rows(el).length).to.be.lessThan(60);

    const search = $<HTMLInputElement>(el, '[part="search"]')!;
    search.value = 'Supplier 09999';
    search.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(names(el)).to.deep.equal(['Supplier 09999']);
    expect($(el, '[part="accept-all-button"]')?.textContent?.trim()).to.equal('Accept 1 shown');
  });

  it('search and the reason filter narrow the active section', async () => {
    const { el } = await setup();
    await ready(el);
    const search = $<HTMLInputElement>(el, '[part="search"]')!;
    search.value = 'acmé';
    search.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(names(el)).to.deep.equal(['Acme Office Supply']);
    expect($(el, '.count')?.textContent?.trim()).to.equal('1 of 3');
    search.value = 'zzz';
    search.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(rows(el)).to.have.length(0);
    expect($(el, '.no-match')?.textContent).to.contain('No suppliers match “zzz”');
    $(el, '.no-match button')!.click();
    await el.updateComplete;
    expect(rows(el).length).to.equal(3);

    const filter = $<HTMLSelectElement>(el, '[part="filter"]')!;
    expect([...filter.options].map((option) => option.value)).to.include.members(['', 'similar name', 'phone', 'email']);
    filter.value = 'phone';
    filter.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(names(el)).to.deep.equal(['Smith & Jones Ltd']);
  });

  it('rows move with arrows and type-ahead; Enter confirms the active pair', async () => {
    const { el, bff } = await setup();
    await ready(el);
    const focused = () => el.shadowRoot!.activeElement as HTMLElement | null;
    const key = async (key: string) => {
      focused()!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
      await el.updateComplete;
    };
    rows(el)[0]!.focus();
    await key('ArrowDown');
    expect(focused()?.dataset.key).to.equal('sup_acme');
    await key('b');
    expect(focused()?.dataset.key).to.equal('sup_blue');
    await key('Home');
    expect(focused()?.dataset.key).to.equal('sup_smith');
    await key('Enter');
    await waitFor(() => requestsTo(bff, 'POST', `${BASE}/links`).length === 1, 'confirm posted');
    // Focus stays at the same place in the list: the next pair.
    await waitFor(() => focused()?.dataset.key === 'sup_acme', 'focus on the next pair');
    expect(rows(el).map((row) => row.dataset.key)).not.to.include('sup_smith');
  });
});

/** A connected QuickBooks company as GET /v1/widget/connections lists it. */
function company(id: string, name: string): Connection {
  const at = new Date().toISOString();
  return {
    id, organization_id: 'o', provider: 'qbo', external_id: `realm-${id.slice(-2)}`, company_name: name, legal_name: null, country: 'US', plan: 'QuickBooks Online Plus',
    status: 'connected', status_reason: null, connected_by: 'u_me', created_at: at, connected_at: at, last_refreshed_at: at, last_synced_at: at,
  };
}

function overlaps(a: DOMRect, b: DOMRect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

describe('<supplier-matcher> as one product (issue 12)', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
  });

  it('messages keep one full stop after a name that ends in one', async () => {
    const state = data.sampleState();
    const cedar = data.provider({ id: '75', name: 'Cedar Printing Co.' });
    state.suggested = [data.suggestion(data.host({ id: 'sup_cedar', name: 'Cedar Printing' }), cedar, 'suggested', ['similar name']), ...state.suggested];
    const { el } = await setup({ state, importAnswer: { status: 500, body: { error: { code: 'internal', message: 'The server had a problem.' } } } });
    await ready(el);
    await showTab(el, 'Suggested');
    rowOf(el, 'Cedar Printing').querySelector<HTMLElement>('[part="confirm-button"]')!.click();
    await waitFor(() => announcement(el)?.startsWith('Linked'), 'announced');
    expect(announcement(el)).to.equal('Linked Cedar Printing to Cedar Printing Co.');
    expect($(el, '[part="undo"]')?.textContent).to.contain('Cedar Printing Co.').and.not.contain('Co..');
    rowOf(el, 'J. Okafor').querySelector<HTMLElement>('[part="reject-button"]')!.click();
    await el.updateComplete;
    expect(announcement(el)).to.equal('J. Okafor is not matched to Okafor, John. Both are in Unmatched.');
    await showTab(el, 'Unmatched');
    $(el, '[part="view-toggle"] button:last-child')!.click();
    await el.updateComplete;
    rowOf(el, 'Northwind Label Co.').querySelector<HTMLElement>('[part="import-button"]')!.click();
    await waitFor(() => $(el, '.notice'), 'the failure');
    expect($(el, '.notice')?.textContent).to.contain('Could not import Northwind Label Co. The server had a problem.');
  });

  it('the undo notice never covers rows, and leaves on its own', async () => {
    await setViewport({ width: 1100, height: 420 });
    const state = data.bigState(40);
    const { el } = await setup({ state }, { undoMs: 400 });
    await ready(el);
    rowOf(el, 'Supplier 00002').querySelector<HTMLElement>('[part="confirm-button"]')!.click();
    const undo = await waitFor(() => $(el, '[part="undo"]'), 'undo offered');
    await el.updateComplete;
    const box = undo.getBoundingClientRect();
    const covered = rows(el).filter((row) => {
      const rect = row.getBoundingClientRect();
      return rect.bottom > 0 && rect.top < window.innerHeight && overlaps(rect, box);
    });
    expect(covered.map((row) => row.dataset.key)).to.deep.equal([]);
    // The pointer resting on it only holds it while it is there.
    undo.dispatchEvent(new MouseEvent('mouseenter'));
    undo.dispatchEvent(new MouseEvent('mouseleave'));
    await waitFor(() => !$(el, '[part="undo"]'), 'the notice to leave', 2000);
  });

  it('names the QuickBooks company matched against and switches between several', async () => {
    const other = 'con_00000000000000000002';
    const { el, bff } = await setup({ connections: [company(CONNECTION, 'Harbor Dental Group'), company(other, 'Kestrel Freight')] });
    const selected = listen<{ connection_id: string; previous_connection_id: string }>(el, 'ledgerlink-connection-selected');
    await ready(el);
    const select = await waitFor(() => $<HTMLSelectElement>(el, '[part="company-select"]'), 'the company menu');
    expect($(el, '[part="company"]')?.textContent).to.contain('QuickBooks company');
    expect(select.selectedOptions[0]?.textContent?.trim()).to.equal('Harbor Dental Group');
    await expect(el).to.be.accessible();
    select.value = other;
    select.dispatchEvent(new Event('change'));
    await waitFor(() => requestsTo(bff, 'GET', `/v1/widget/connections/${other}/matching/suppliers`).length === 1, 'the other company’s state');
    expect(selected[0]?.detail).to.deep.equal({ connection_id: other, previous_connection_id: CONNECTION });
    expect(el.connectionId).to.equal(other);
  });

  it('one company: its name, no menu', async () => {
    const { el } = await setup({ connections: [company(CONNECTION, 'Harbor Dental Group')] });
    await ready(el);
    await waitFor(() => $(el, '[part="company"]'), 'the company line');
    expect($(el, '[part="company"]')?.textContent?.replace(/\s+/g, ' ').trim()).to.equal('QuickBooks company Harbor Dental Group');
    expect($(el, '[part="company-select"]')).to.equal(null);
  });

  it('the picker opens with ranked candidates for the row and marks records paired with another supplier', async () => {
    const state = data.sampleState();
    const north = state.unmatched_provider[0]!;
    const delta = state.linked[0]!.provider!;
    const smith = state.auto[0]!.provider;
    const { el, bff } = await setup({
      state,
      candidates: (q, hostId) => (q === '' && hostId === 'sup_northwind' ? [data.candidate(north, ['similar name'], 0.8), data.candidate(delta, ['city'], 0.4), data.candidate(smith, [], 0.3)] : []),
    });
    await ready(el);
    await showTab(el, 'Unmatched');
    rowOf(el, 'Northwind Labels').querySelector<HTMLElement>('[part="picker-button"]')!.click();
    await waitFor(() => $$(el, '[role="option"]').length === 3, 'ranked candidates before typing');
    const asked = new URL(bff.requests.find((request) => request.path.includes('/candidates?'))!.path, BFF);
    expect([asked.searchParams.get('host_id'), asked.searchParams.get('q')]).to.deep.equal(['sup_northwind', '']);
    const options = $$(el, '[role="option"]');
    expect(options[0]!.textContent).not.to.contain('Linked to');
    expect(options[1]!.textContent).to.contain('Linked to Delta Print Works');
    expect(options[1]!.getAttribute('aria-disabled')).to.equal('true');
    expect(options[2]!.textContent).to.contain('Suggested for Smith & Jones Ltd');
    expect($(el, '.picker-status')?.textContent).to.contain('Best matches for Northwind Labels');
    await expect(el).to.be.accessible();
    // Arrow keys pass over the record that is linked elsewhere.
    const input = $<HTMLInputElement>(el, '[role="combobox"]')!;
    expect(el.shadowRoot!.activeElement).to.equal(input);
    expect(input.getAttribute('aria-activedescendant')).to.equal('picker-option-0');
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(input.getAttribute('aria-activedescendant')).to.equal('picker-option-2');
    options[1]!.click();
    await aTimeout(50);
    expect(requestsTo(bff, 'POST', `${BASE}/links`)).to.have.length(0);
  });

  it('Create in QuickBooks shows what will be created, asks first, and never blanks the component', async () => {
    const state = data.sampleState();
    state.unmatched_host[1] = { ...state.unmatched_host[1]!, email: 'ap@kestrel.test', phone: '303-555-0142', address_line1: '12 Dock St', postal_code: '80202', account_number: 'K-77' };
    let answer: (value: Answer) => void = () => {};
    const { el, bff, world } = await setup({ state, createAnswer: () => new Promise<Answer>((resolve) => (answer = resolve)) });
    await ready(el);
    await showTab(el, 'Unmatched');
    const button = rowOf(el, 'Kestrel Packaging').querySelector<HTMLElement>('[part="create-button"]')!;
    button.click();
    await waitFor(() => $(el, '[part="create-dialog"]'), 'the dialog');
    const fields = Object.fromEntries($$(el, '[part="create-fields"] dt').map((term) => [term.textContent, term.nextElementSibling?.textContent]));
    expect(fields).to.deep.equal({ Name: 'Kestrel Packaging', Email: 'ap@kestrel.test', Phone: '303-555-0142', Address: '12 Dock St · Denver, 80202', 'Account number': 'K-77' });
    expect($(el, '#create-title')?.textContent).to.equal('Create this vendor in QuickBooks?');
    await expect(el).to.be.accessible();
    // Cancel sends nothing and gives focus back.
    $$(el, '[part="create-dialog"] button').find((candidate) => candidate.textContent?.trim() === 'Cancel')!.click();
    await el.updateComplete;
    await el.updateComplete;
    expect($(el, '[part="create-dialog"]')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal(button);
    expect(requestsTo(bff, 'POST', `${BASE}/matching/suppliers/create`)).to.have.length(0);

    let blanked = false;
    const watch = setInterval(() => (blanked ||= Boolean($(el, '.skeleton')) || !$(el, '[role="tablist"]')), 5);
    button.click();
    (await waitFor(() => $<HTMLButtonElement>(el, '[part="create-confirm-button"]'), 'the dialog again')).click();
    await waitFor(() => requestsTo(bff, 'POST', `${BASE}/matching/suppliers/create`).length === 1, 'the create request');
    await el.updateComplete;
    expect($(el, '[part="create-confirm-button"]')?.textContent?.trim()).to.equal('Creating…');
    const provider = data.provider({ id: '901', name: 'Kestrel Packaging' });
    const link = { host_id: 'sup_kestrel', provider_id: '901', method: 'created', linked_by: 'u_me', linked_at: new Date().toISOString() };
    world.state = { ...world.state, unmatched_host: world.state.unmatched_host.filter((host) => host.id !== 'sup_kestrel'), linked: [{ ...link, method: 'created', host: state.unmatched_host[1]!, provider }, ...world.state.linked] };
    answer({ status: 201, body: { link, provider } });
    await waitFor(() => requestsTo(bff, 'GET', `${BASE}/matching/suppliers`).length === 2, 'the quiet reload');
    await aTimeout(50);
    clearInterval(watch);
    expect(blanked).to.equal(false);
    expect($(el, '[part="create-dialog"]')).to.equal(null);
    expect(names(el)).not.to.include('Kestrel Packaging');
    await showTab(el, 'Linked');
    expect(rowOf(el, 'Kestrel Packaging').textContent).to.contain('Created in QuickBooks').and.contain('QuickBooks ID 901');
  });

  it('the QuickBooks-only list: active records first, inactive ones labelled in full, several imported at once', async () => {
    const state = data.sampleState();
    state.unmatched_provider = [data.provider({ id: '82', name: 'Old Mill Lumber (deleted)', active: false, city: 'Portland', email: 'ap@oldmill.example', phone: '503 555 0100' }), ...state.unmatched_provider.filter((provider) => provider.active)];
    const { el, bff } = await setup({ state });
    const imported = listen<RecordImportedEventDetail>(el, 'ledgerlink-record-imported');
    await ready(el);
    await showTab(el, 'Unmatched');
    $(el, '[part="view-toggle"] button:last-child')!.click();
    await el.updateComplete;
    expect(names(el)).to.deep.equal(['Northwind Label Co.', 'Cascade Courier', 'Old Mill Lumber']);
    expect(rowOf(el, 'Old Mill Lumber').querySelector('.tag')?.textContent).to.equal('Inactive in QuickBooks');
    // Meta lines end in an ellipsis when the column is narrow; each line's whole text stays reachable as a tooltip.
    const metas = [...rowOf(el, 'Old Mill Lumber').querySelectorAll<HTMLElement>('[part="meta"]')];
    expect(metas.length).to.be.at.least(2);
    for (const meta of metas) {
      const words = meta.textContent!.replace('Inactive in QuickBooks', '').split('·').map((part) => part.trim()).filter(Boolean);
      expect(words.length).to.be.at.least(1);
      for (const word of words) expect(meta.title).to.contain(word);
    }
    expect(metas[0]!.title).to.contain('Inactive in QuickBooks');
    for (const name of ['Northwind Label Co.', 'Cascade Courier']) rowOf(el, name).querySelector<HTMLInputElement>('[part="select"]')!.click();
    await el.updateComplete;
    const importSelected = $(el, '[part="import-selected-button"]')!;
    expect(importSelected.textContent?.trim()).to.equal('Import 2 selected');
    await expect(el).to.be.accessible();
    importSelected.click();
    await waitFor(() => imported.length === 2, 'two record-imported events');
    expect(requestsTo(bff, 'POST', `${BASE}/matching/suppliers/import`).map((request) => (request.body as { provider_id: string }).provider_id).sort()).to.deep.equal(['80', '81']);
    await el.updateComplete;
    expect(announcement(el)).to.equal('Sent 2 QuickBooks vendors to your suppliers. They show as linked once your list is updated.');
    expect($(el, '[part="import-selected-button"]')).to.equal(null);
  });

  it('linked rows show the QuickBooks id', async () => {
    const { el } = await setup();
    await ready(el);
    await showTab(el, 'Linked');
    expect(rowOf(el, 'Delta Print Works').querySelector('[part="provider-id"]')?.textContent).to.equal('QuickBooks ID 90');
  });

  it('below 640px of its own width rows are cards: nothing overflows, every action is inside, tabs scroll', async () => {
    await setViewport({ width: 390, height: 800 });
    const { el } = await setup();
    el.style.width = '358px';
    await ready(el);
    await aTimeout(50);
    await el.updateComplete;
    const inside = (element: Element) => {
      const box = element.getBoundingClientRect();
      const host = el.getBoundingClientRect();
      return box.left >= host.left - 0.5 && box.right <= host.right + 0.5;
    };
    for (const label of ['Auto-matched', 'Suggested', 'Unmatched', 'Linked']) {
      await showTab(el, label);
      await aTimeout(30);
      const scroller = $(el, '.scroller')!;
      expect(scroller.scrollWidth, `${label}: no sideways scrolling`).to.be.at.most(scroller.clientWidth);
      const actions = $$(el, '.body [role="row"] button, .toolbar button, .toolbar input');
      expect(actions.length).to.be.greaterThan(0);
      for (const action of actions) expect(inside(action), `${label}: ${action.textContent?.trim() || action.getAttribute('aria-label')} inside`).to.equal(true);
      const tab = $(el, '[role="tab"][aria-selected="true"]')!;
      const list = $(el, '[role="tablist"]')!.getBoundingClientRect();
      expect(tab.getBoundingClientRect().right, `${label}: selected tab in view`).to.be.at.most(list.right + 0.5);
      const cut = $$(el, '[role="tab"]').filter((candidate) => {
        const box = candidate.getBoundingClientRect();
        return box.right > list.left + 1 && box.left < list.left - 0.5;
      });
      // A tab cut at the start only where the strip cannot scroll further, and then that end fades.
      if (cut.length > 0) expect($(el, '[role="tablist"]')!.hasAttribute('data-scrolled'), `${label}: the cut start fades`).to.equal(true);
      expect(cut.length, `${label}: at most one tab cut`).to.be.at.most(1);
      await expect(el).to.be.accessible();
    }
    expect(rows(el)[0]!.offsetHeight).to.equal(132);
    el.style.width = '1000px';
    await waitFor(() => rows(el)[0]!.offsetHeight === 52, 'rows back to one line when wide');
  });

  it('theme="dark" on a light page: the selected tab and every section pass contrast', async () => {
    document.body.style.background = '#ffffff';
    const { el } = await setup({}, { theme: 'dark' });
    await ready(el);
    expect(getComputedStyle(el).backgroundColor).not.to.equal('rgba(0, 0, 0, 0)');
    for (const label of ['Auto-matched', 'Suggested', 'Unmatched', 'Linked']) {
      await showTab(el, label);
      await expect(el).to.be.accessible();
    }
  });
});
