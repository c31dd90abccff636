import { testSettings } from '../test-support/settings.ts';
import { aTimeout, expect, fixture, oneEvent } from '@open-wc/testing';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import { fakeToken, installFakeBff, uniqueTag, type RecordedRequest } from '../test-support/fake-bff.ts';
import { $, $$, requestsTo, waitFor } from '../test-support/queries.ts';
import * as data from '../test-support/sync-status-data.ts';
import {
  ClientSyncStatus,
  type SyncCompletedEventDetail,
  type SyncFailedEventDetail,
  type SyncStartedEventDetail,
} from './client-sync-status.ts';

const BFF = 'http://bff.test';
const START_URL = 'https://appcenter.intuit.com/connect/oauth2?state=abc';

interface World {
  list: data.SyncStatusEntryData[];
  role: string;
  settings: OrganizationSettings;
  pollAfter: number;
  /** Answer for POST …/sync. */
  started: { status?: number; body: unknown };
  statusAnswer?: () => { status?: number; body?: unknown } | Promise<never>;
}

const settings: OrganizationSettings = testSettings({ sync_roles: ['admin', 'accountant'] });

/** The test runner opens files in parallel pages, and a background page is `hidden`; tests say which they mean. */
function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
  Object.defineProperty(document, 'visibilityState', { value: hidden ? 'hidden' : 'visible', configurable: true });
}
before(() => setHidden(false));
after(() => {
  delete (document as { hidden?: boolean }).hidden;
  delete (document as { visibilityState?: string }).visibilityState;
});

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

/** A fake BFF over a mutable world, and the element under a tag no other test uses. */
async function setup(world: Partial<World> = {}, attributes: { connectionId?: string } = {}) {
  const w: World = {
    list: data.sampleList(),
    role: 'admin',
    settings,
    pollAfter: 30_000,
    started: { status: 202, body: { run_id: 'run_new', coalesced: false } },
    ...world,
  };
  const bff = installFakeBff(BFF, (request: RecordedRequest) => {
    const path = request.path;
    if (path === '/v1/widget/session') {
      return { body: { tenant_id: 't', organization_id: 'o', user: { id: 'u_me', role: w.role }, expires_at: new Date(Date.now() + 900_000).toISOString() } };
    }
    if (path === '/v1/widget/settings') return { body: w.settings };
    if (path === '/v1/widget/sync-status') return w.statusAnswer?.() ?? { body: { data: w.list, poll_after_ms: w.pollAfter } };
    if (path.startsWith('/v1/widget/sync-status/')) {
      const row = w.list.find((entry) => entry.connection.id === path.split('/').pop());
      return row ? { body: { ...row, poll_after_ms: w.pollAfter } } : { status: 404, body: { error: { code: 'not_found', message: 'No such connection' } } };
    }
    if (request.method === 'POST' && path === '/v1/widget/oauth/qbo/start-url') {
      return { status: 201, body: { url: START_URL, expires_at: new Date(Date.now() + 600_000).toISOString() } };
    }
    if (request.method === 'POST' && path.endsWith('/sync')) return w.started;
    if (path.endsWith('/runs')) {
      const id = path.split('/')[4] ?? '';
      return { body: { data: [data.run({ connection_id: id }), data.run({ connection_id: id, status: 'failed', error: data.syncError('internal') })] } };
    }
    if (request.method === 'GET' && path.split('?')[0]!.endsWith('/documents')) return { body: { data: documentsOf(path.split('/')[4] ?? ''), next_cursor: null } };
    if (request.method === 'POST' && /\/documents\/[^/]+\/push$/.test(path)) return { status: 202, body: { queued: 1 } };
    if (request.method === 'PUT' && path === '/v1/widget/connections/visibility') {
      return { body: { updated: (request.body as { connection_ids: string[] }).connection_ids.length } };
    }
    if (request.method === 'PUT' && path.endsWith('/visibility')) {
      const row = w.list.find((entry) => entry.connection.id === path.split('/')[4]);
      return { body: { ...row?.sync, visibility: request.body } };
    }
    return { status: 404, body: { error: { code: 'not_found', message: `Unexpected ${request.method} ${path}` } } };
  });
  restore = bff.restore;
  const tag = uniqueTag('client-sync-status');
  customElements.define(tag, class extends ClientSyncStatus {});
  const t = unsafeStatic(tag);
  const el = await fixture<ClientSyncStatus>(
    attributes.connectionId
      ? staticHtml`<${t} bff-url=${BFF} session-token=${fakeToken(900)} connection-id=${attributes.connectionId}></${t}>`
      : staticHtml`<${t} bff-url=${BFF} session-token=${fakeToken(900)}></${t}>`,
  );
  el.users = [
    { id: 'u_1', name: 'Ana Silva' },
    { id: 'u_2', name: 'Ben Carter' },
  ];
  return { el, bff, world: w };
}

/**
 * Documents waiting on a person: an unmapped tax rate, a refusal a retry can fix (closed period), one that needs a
 * new version (a field of ours), and one pushed with other totals.
 */
function documentsOf(connectionId: string) {
  const base = { connection_id: connectionId, version: 1, cancel_requested: false, quickbooks_type: null, quickbooks_id: null, quickbooks_doc_number: null, quickbooks_url: null, pushed_version: null, attempts: 1, variance: null, payments: null, data: {}, due_at: '2026-11-20T10:00:00.000Z', created_at: '2026-11-20T10:00:00.000Z', updated_at: '2026-11-20T10:00:00.000Z', pushed_at: null };
  return [
    { ...base, id: 'doc_1', kind: 'bill', host_id: 'b_8f2', data: { doc_number: 'B-17' }, status: 'needs_mapping', fault: null, missing: [{ what: 'tax_rate', host_id: 'vat-5', use: 'purchase', name: 'City levy 3.3%', message: 'Your tax rate "City levy 3.3%" has no QuickBooks purchase tax code mapped: map it in the tax-rate mapping.' }] },
    { ...base, id: 'doc_2', kind: 'invoice', host_id: 'INV-9', status: 'rejected', missing: null, fault: { category: 'validation', action: 'fix_record', field: null, quickbooks_field: 'TxnDate', quickbooks_code: '6210', message: 'The books are closed on this date in QuickBooks.' } },
    { ...base, id: 'doc_3', kind: 'vendor', host_id: 'v_19', data: { name: 'Nora: Supplies' }, status: 'rejected', missing: null, fault: { category: 'validation', action: 'fix_record', field: 'data.name', quickbooks_field: 'DisplayName', quickbooks_code: null, message: 'QuickBooks does not accept a colon in a name.' } },
    { ...base, id: 'doc_4', kind: 'invoice', host_id: 'i_77', data: { doc_number: 'INV-1100' }, status: 'pushed_with_variance', fault: null, missing: null, quickbooks_type: 'Invoice', quickbooks_id: '130', quickbooks_url: 'https://app.sandbox.qbo.intuit.com/app/invoice?txnId=130', variance: { host_total: 100, quickbooks_total: 108.25, host_tax: 0, quickbooks_tax: 8.25 } },
  ];
}

async function ready(el: ClientSyncStatus): Promise<void> {
  await waitFor(() => $(el, '[role="grid"] .body [role="row"]') ?? $(el, '.card') ?? $(el, '.empty'), 'the list');
  await el.updateComplete;
}

function rowOf(el: ClientSyncStatus, name: string): HTMLElement {
  const row = $$(el, '.body [role="row"]').find((candidate) => candidate.querySelector('.name')?.textContent?.trim() === name);
  if (!row) throw new Error(`No row for ${name}`);
  return row;
}

describe('<client-sync-status>', () => {
  describe('accessibility', () => {
    it('is accessible while loading (skeleton rows, busy)', async () => {
      const { el } = await setup({ statusAnswer: () => new Promise<never>(() => {}) });
      await waitFor(() => $(el, '.skeleton'), 'skeleton');
      expect($(el, '.skeleton')?.getAttribute('aria-busy')).to.equal('true');
      expect($$(el, '.skeleton-row').length).to.be.greaterThan(2);
      await expect(el).to.be.accessible();
    });

    it('is accessible with a mixed list for an admin, and with details and the visibility editor open', async () => {
      const { el } = await setup();
      await ready(el);
      await expect(el).to.be.accessible();
      rowOf(el, 'Acme Landscaping LLC').querySelector<HTMLButtonElement>('[part="details-button"]')!.click();
      await el.updateComplete;
      rowOf(el, 'Acme Landscaping LLC').querySelector<HTMLButtonElement>('[data-visibility-for]')!.click();
      await el.updateComplete;
      expect($(el, '.visibility-editor')).to.exist;
      for (const details of $$<HTMLDetailsElement>(el, 'details')) details.open = true;
      await aTimeout(50);
      await expect(el).to.be.accessible();
    });

    it('is accessible for a member (permission-limited) and in the dark theme', async () => {
      const { el } = await setup({ role: 'member' });
      el.theme = 'dark';
      // A host using the dark theme has a dark page behind it.
      document.body.style.background = '#0d1117';
      try {
        await ready(el);
        await expect(el).to.be.accessible();
      } finally {
        document.body.style.background = '';
      }
    });

    it('is accessible when empty, and shows the empty slot', async () => {
      const { el } = await setup({ list: [] });
      await ready(el);
      expect($(el, '.empty')?.textContent).to.contain('No companies connected yet');
      expect($(el, 'slot[name="empty"]')).to.exist;
      await expect(el).to.be.accessible();
    });

    it('is accessible when loading failed, and Retry loads again', async () => {
      let fail = true;
      const { el, bff } = await setup({
        statusAnswer: () => (fail ? { status: 503, body: { error: { code: 'unavailable', message: 'The server is restarting.' } } } : { body: { data: data.sampleList(), poll_after_ms: 30_000 } }),
      });
      await waitFor(() => $(el, '.load-error'), 'load error');
      expect($(el, '.load-error')?.textContent).to.contain('The server is restarting.');
      await expect(el).to.be.accessible();
      fail = false;
      $(el, '[data-retry]')!.click();
      await ready(el);
      expect($$(el, '.body [role="row"]').length).to.equal(10);
      expect(requestsTo(bff, 'GET', '/v1/widget/sync-status').length).to.equal(2);
    });
  });

  it('lists every connection with status, progress, last sync and health', async () => {
    const { el } = await setup();
    await ready(el);
    expect($$(el, '.body [role="row"]').length).to.equal(10);
    expect($(el, '[role="grid"]')?.getAttribute('aria-rowcount')).to.equal('11');
    expect($$(el, '[role="columnheader"]').map((h) => h.textContent?.trim())).to.include.members(['Client', 'Status', 'Last sync', 'Health']);

    const acme = rowOf(el, 'Acme Landscaping LLC');
    const bar = acme.querySelector('[role="progressbar"]')!;
    expect(bar.getAttribute('aria-valuenow')).to.equal('62');
    expect(bar.getAttribute('aria-valuetext')).to.match(/^62 percent, about \d+ minutes? left$/);
    expect(acme.querySelector('[part="progress-text"]')?.textContent).to.match(/62% · ~\d+ min left/);
    expect(acme.querySelector('[part="sync-button"]')?.textContent?.trim()).to.equal('Syncing…');

    const harbor = rowOf(el, 'Harbor Dental Group');
    expect(harbor.querySelector('[part="status-badge"]')?.textContent?.trim()).to.equal('Synced');
    expect(harbor.querySelector('[part="health"]')?.textContent?.trim()).to.equal('87');
    const time = harbor.querySelector('time')!;
    expect(time.textContent).to.equal('2 hours ago');
    expect(time.getAttribute('title')).to.match(/\d{1,2}:\d{2}/);

    expect(rowOf(el, 'Yarra Timber Pty Ltd (Xero)')).to.exist;
    expect(rowOf(el, 'Birchwood Bakery').querySelector('[part="status-badge"]')?.textContent?.trim()).to.equal('Out of date');
    expect(el.shadowRoot!.textContent).not.to.contain('QBO');
  });

  it('shows "Waiting to start" for a queued run', async () => {
    const row = data.running('Queued Co', 0, 0, null, { status: 'queued', started_at: null });
    const { el } = await setup({ list: [row] });
    await ready(el);
    const bar = $(el, '[role="progressbar"]')!;
    expect(bar.hasAttribute('aria-valuenow')).to.equal(false);
    expect(bar.getAttribute('aria-valuetext')).to.equal('Waiting to start');
  });

  it('Sync now posts and emits ledgerlink-sync-started', async () => {
    const { el, bff, world } = await setup();
    await ready(el);
    const harbor = world.list[1]!;
    const button = rowOf(el, 'Harbor Dental Group').querySelector<HTMLButtonElement>('[part="sync-button"]')!;
    const event = oneEvent(el, 'ledgerlink-sync-started');
    button.click();
    const { detail } = (await event) as CustomEvent<SyncStartedEventDetail>;
    expect(detail).to.deep.equal({ connection_id: harbor.connection.id, run_id: 'run_new', coalesced: false });
    const posts = requestsTo(bff, 'POST', `/v1/widget/connections/${harbor.connection.id}/sync`);
    expect(posts.length).to.equal(1);
    expect(posts[0]?.body).to.deep.equal({ full: false });
    await el.updateComplete;
    const after = rowOf(el, 'Harbor Dental Group').querySelector('[part="sync-button"]')!;
    expect(after.textContent?.trim()).to.equal('Syncing…');
    expect(after.getAttribute('aria-disabled')).to.equal('true');
  });

  it('explains a refused Sync now (403) in plain words', async () => {
    const { el } = await setup({ started: { status: 403, body: { error: { code: 'forbidden', message: 'Your role may not start a sync.' } } } });
    await ready(el);
    rowOf(el, 'Harbor Dental Group').querySelector<HTMLButtonElement>('[part="sync-button"]')!.click();
    await waitFor(() => $(el, '[part="notice"]'), 'notice');
    expect($(el, '[part="notice"]')?.textContent).to.contain('Could not start a sync for Harbor Dental Group: Your role may not start a sync.');
    expect(rowOf(el, 'Harbor Dental Group').querySelector('[part="sync-button"]')?.textContent?.trim()).to.equal('Sync now');
  });

  it('polling observes a run finishing and emits ledgerlink-sync-completed once', async () => {
    const acme = data.running('Acme Landscaping LLC', 100, 200, 30);
    const { el, bff, world } = await setup({ list: [acme], pollAfter: 1000 });
    await ready(el);
    const completed: SyncCompletedEventDetail[] = [];
    el.addEventListener('ledgerlink-sync-completed', (event) => completed.push(event.detail));
    const runId = acme.sync.current_run!.id;
    const finished = { ...acme.sync.current_run!, status: 'succeeded' as const, progress: { ...acme.sync.current_run!.progress, done: 200 }, finished_at: new Date().toISOString() };
    world.list = [{ connection: acme.connection, sync: { ...acme.sync, current_run: null, last_run: finished, last_successful_sync_at: finished.finished_at } }];
    await waitFor(() => completed.length > 0, 'completed event', 3000);
    expect(completed[0]?.connection_id).to.equal(acme.connection.id);
    expect(completed[0]?.run.id).to.equal(runId);
    const polls = requestsTo(bff, 'GET', '/v1/widget/sync-status').length;
    await waitFor(() => requestsTo(bff, 'GET', '/v1/widget/sync-status').length > polls, 'another poll', 3000);
    await el.updateComplete;
    expect(completed.length).to.equal(1);
    expect($(el, '[role="status"]')?.textContent).to.contain('Acme Landscaping LLC: sync finished.');
    expect($(el, '[part="status-badge"]')?.textContent?.trim()).to.equal('Synced');
  });

  it('reports a failed run once, in plain words with its fix, and a row turning needs-reconnect', async () => {
    const acme = data.running('Acme Landscaping LLC', 10, 200, 30);
    const { el, world } = await setup({ list: [acme] });
    await ready(el);
    const failed: SyncFailedEventDetail[] = [];
    const reconnect: unknown[] = [];
    el.addEventListener('ledgerlink-sync-failed', (event) => failed.push(event.detail));
    el.addEventListener('ledgerlink-needs-reconnect', (event) => reconnect.push(event.detail));
    const error = data.syncError('needs_reconnect');
    const last = { ...acme.sync.current_run!, status: 'failed' as const, error, finished_at: new Date().toISOString() };
    world.list = [{ connection: { ...acme.connection, status: 'needs_reconnect' }, sync: { ...acme.sync, current_run: null, last_run: last } }];
    el.refresh();
    await waitFor(() => failed.length > 0, 'failed event');
    el.refresh();
    await aTimeout(100);
    expect(failed.length).to.equal(1);
    expect(failed[0]?.error.category).to.equal('needs_reconnect');
    expect(reconnect.length).to.equal(1);
    await el.updateComplete;
    expect($(el, '[part="error"]')?.textContent).to.contain('QuickBooks needs you to reconnect');
    expect($(el, '[part="reconnect-button"]')?.textContent?.trim()).to.equal('Reconnect');
    expect($(el, '[role="status"]')?.textContent).to.contain('sync failed');
  });

  it('shows each failure in plain words with the one action that fixes it', async () => {
    const { el, world } = await setup();
    await ready(el);
    const kestrel = rowOf(el, 'Kestrel Freight Co.');
    expect(kestrel.querySelector('[part="error"]')?.textContent).to.contain('QuickBooks needs you to reconnect');
    expect(kestrel.querySelector('[part="reconnect-button"]')?.textContent?.trim()).to.equal('Reconnect');
    expect(kestrel.querySelector('[part="reconnect-button"]')?.hasAttribute('aria-disabled')).to.equal(false);

    const yarra = rowOf(el, 'Yarra Timber Pty Ltd (Xero)');
    const retryAt = world.list[3]!.sync.last_run!.error!.retry_at!;
    // The next try is 90 minutes out: today's time, or tomorrow's with its weekday when that crosses midnight.
    const at = new Date(retryAt);
    const sameDay = at.toDateString() === new Date().toDateString();
    const clock = new Intl.DateTimeFormat(undefined, sameDay ? { timeStyle: 'short' } : { weekday: 'short', hour: 'numeric', minute: '2-digit' }).format(at);
    expect(yarra.querySelector('[part="error"]')?.textContent).to.contain(`Xero limit reached; next try at ${clock}`);
    expect(yarra.querySelector('[part="sync-button"]')?.getAttribute('aria-disabled')).to.equal('true');

    const northwind = rowOf(el, 'Northwind Labels');
    expect(northwind.querySelector('[part="error"]')?.textContent).to.contain("QuickBooks is not responding; we'll retry at");
    expect(northwind.querySelector('[part="sync-button"]')?.textContent?.trim()).to.equal('Retry');

    expect(rowOf(el, 'Maple Street Clinic').querySelector('[part="error"]')?.textContent).to.contain('QuickBooks refused invoice 1042');
    const lumen = rowOf(el, 'Lumen Architects');
    expect(lumen.querySelector('[part="error"]')?.textContent).to.contain('Something went wrong on our side');
    expect(lumen.querySelector('[part="sync-button"]')?.textContent?.trim()).to.equal('Retry');
  });

  it('a member sees Sync now disabled with the reason, and clicking it posts nothing', async () => {
    const { el, bff } = await setup({ role: 'member' });
    await ready(el);
    const button = rowOf(el, 'Harbor Dental Group').querySelector<HTMLButtonElement>('[part="sync-button"]')!;
    expect(button.getAttribute('aria-disabled')).to.equal('true');
    const note = $(el, `#${button.getAttribute('aria-describedby')}`);
    expect(note?.textContent).to.equal('Only admins and accountants can start a sync. Ask an admin in your organization.');
    expect(rowOf(el, 'Kestrel Freight Co.').querySelector('[part="reconnect-button"]')?.getAttribute('aria-disabled')).to.equal('true');
    expect($(el, '#permission-connect')?.textContent).to.contain('Only admins can reconnect a company');
    button.click();
    await aTimeout(50);
    expect(bff.requests.filter((request) => request.method === 'POST')).to.have.length(0);
    expect($(el, '[role="columnheader"] input[type="checkbox"]')).to.equal(null);
    expect($(el, '[data-visibility-for]')).to.equal(null);
  });

  it('single mode shows one connection as a card and is accessible', async () => {
    const list = data.sampleList();
    const target = list[1]!;
    const { el, bff } = await setup({ list }, { connectionId: target.connection.id });
    await ready(el);
    expect(requestsTo(bff, 'GET', `/v1/widget/sync-status/${target.connection.id}`).length).to.equal(1);
    expect(requestsTo(bff, 'GET', '/v1/widget/sync-status').length).to.equal(0);
    expect($(el, '[role="grid"]')).to.equal(null);
    expect($(el, '[part="card"] [part="company-name"]')?.textContent).to.equal('Harbor Dental Group');
    expect($(el, '[part="card"] [part="status-badge"]')?.textContent?.trim()).to.equal('Synced');
    expect($(el, '[part="card"] [part="sync-button"]')?.textContent?.trim()).to.equal('Sync now');
    await expect(el).to.be.accessible();
  });

  it('single mode for a connection the user may not see says so', async () => {
    const { el } = await setup({}, { connectionId: data.connectionId(999_999) });
    await waitFor(() => $(el, '.load-error'), 'error');
    expect($(el, '.load-error')?.textContent).to.contain('not available to you');
  });

  it('moves between rows with arrows, Home/End and type-ahead; Enter opens the row details and starts nothing', async () => {
    const { el, bff, world } = await setup();
    await ready(el);
    const focused = () => el.shadowRoot!.activeElement as HTMLElement | null;
    const key = async (key: string) => {
      focused()!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
      await el.updateComplete;
    };
    const first = $(el, '.body [role="row"]')!;
    expect(first.tabIndex).to.equal(0);
    expect($$(el, '.body [role="row"]').filter((row) => row.tabIndex === 0)).to.have.length(1);
    first.focus();
    await key('ArrowDown');
    expect(focused()?.dataset.id).to.equal(world.list[1]!.connection.id);
    expect(focused()?.tabIndex).to.equal(0);
    await key('End');
    expect(focused()?.dataset.id).to.equal(world.list[9]!.connection.id);
    await key('Home');
    expect(focused()?.dataset.id).to.equal(world.list[0]!.connection.id);
    await key('k');
    expect(focused()?.querySelector('.name')?.textContent).to.equal('Kestrel Freight Co.');
    await key('ArrowUp');
    expect(focused()?.querySelector('.name')?.textContent).to.equal('Harbor Dental Group');
    await key('Enter');
    // Issue 12 item 8: Enter on a row used to start a sync; a keyboard user exploring the list must not write anything.
    await waitFor(() => $(el, '[part="details"]'), 'details open');
    expect($(el, '.detail-title')?.textContent).to.equal('Harbor Dental Group');
    expect($(el, `[data-details-for="${world.list[1]!.connection.id}"]`)?.getAttribute('aria-expanded')).to.equal('true');
    expect(bff.requests.filter((request) => request.method === 'POST')).to.have.length(0);
  });

  it('renders 5,000 rows with only a window of them in the DOM', async () => {
    const list = Array.from({ length: 5000 }, (_, i) => data.entry({ connection: { company_name: `Client ${String(i + 1).padStart(4, '0')}` } }));
    const { el } = await setup({ list });
    await ready(el);
    const rows = () => $$(el, '.body [role="row"]');
    expect(rows().length).to.be.greaterThan(5);
    expect(rows().length).to.be.lessThan(60);
    expect($(el, '[role="grid"]')?.getAttribute('aria-rowcount')).to.equal('5001');

    const scroller = $(el, '.scroller')!;
    scroller.scrollTop = scroller.scrollHeight;
    scroller.dispatchEvent(new Event('scroll'));
    await el.updateComplete;
    expect(rows().length).to.be.lessThan(60);
    expect(rows().some((row) => row.getAttribute('aria-rowindex') === '5001')).to.equal(true);

    // Keyboard End from the top reaches the last row, rendered and focused.
    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    await el.updateComplete;
    const first = rows()[0]!;
    first.focus();
    first.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true, composed: true }));
    await el.updateComplete;
    await el.updateComplete;
    expect((el.shadowRoot!.activeElement as HTMLElement).getAttribute('aria-rowindex')).to.equal('5001');
    expect(rows().length).to.be.lessThan(60);
  });

  it('filters by name and status', async () => {
    const { el } = await setup();
    await ready(el);
    const search = $<HTMLInputElement>(el, '[part="search"]')!;
    search.value = 'harb';
    search.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect($$(el, '.body [role="row"]').map((row) => row.querySelector('.name')?.textContent)).to.deep.equal(['Harbor Dental Group']);
    search.value = '';
    search.dispatchEvent(new Event('input'));
    const filter = $<HTMLSelectElement>(el, 'select.filter')!;
    filter.value = 'attention';
    filter.dispatchEvent(new Event('change'));
    await el.updateComplete;
    const names = $$(el, '.body [role="row"]').map((row) => row.querySelector('.name')?.textContent);
    expect(names).to.include('Kestrel Freight Co.');
    expect(names).not.to.include('Harbor Dental Group');
  });

  it('an admin changes one company’s visibility: PUT with the chosen people', async () => {
    const { el, bff, world } = await setup();
    await ready(el);
    const harbor = world.list[1]!;
    rowOf(el, 'Harbor Dental Group').querySelector<HTMLButtonElement>('[data-visibility-for]')!.click();
    await el.updateComplete;
    const editor = $(el, '.visibility-editor')!;
    editor.querySelector<HTMLInputElement>('input[value="restricted"]')!.click();
    await el.updateComplete;
    $(el, '.visibility-editor input[type="checkbox"][value="u_1"]')!.click();
    await el.updateComplete;
    $(el, '.visibility-editor button[type="submit"]')!.click();
    await waitFor(() => requestsTo(bff, 'PUT', `/v1/widget/connections/${harbor.connection.id}/visibility`).length === 1, 'PUT');
    expect(requestsTo(bff, 'PUT', `/v1/widget/connections/${harbor.connection.id}/visibility`)[0]?.body).to.deep.equal({ mode: 'restricted', user_ids: ['u_1'] });
    await waitFor(() => !$(el, '.visibility-editor'), 'editor closed');
    expect(rowOf(el, 'Harbor Dental Group').querySelector('[data-visibility-for]')?.textContent?.trim()).to.equal('1 person');
  });

  it('an admin changes visibility of selected rows in bulk', async () => {
    const { el, bff, world } = await setup();
    await ready(el);
    rowOf(el, 'Harbor Dental Group').querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    rowOf(el, 'Birchwood Bakery').querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    await el.updateComplete;
    expect(rowOf(el, 'Birchwood Bakery').getAttribute('aria-selected')).to.equal('true');
    $(el, '.bulk-visibility')!.click();
    await el.updateComplete;
    $(el, '.visibility-editor input[value="restricted"]')!.click();
    await el.updateComplete;
    $(el, '.visibility-editor input[type="checkbox"][value="u_2"]')!.click();
    await el.updateComplete;
    $(el, '.visibility-editor button[type="submit"]')!.click();
    await waitFor(() => requestsTo(bff, 'PUT', '/v1/widget/connections/visibility').length === 1, 'bulk PUT');
    expect(requestsTo(bff, 'PUT', '/v1/widget/connections/visibility')[0]?.body).to.deep.equal({
      mode: 'restricted',
      user_ids: ['u_2'],
      connection_ids: [world.list[1]!.connection.id, world.list[4]!.connection.id],
    });
    await waitFor(() => $(el, '[role="status"]')?.textContent?.includes('2 companies are now visible to Ben Carter'), 'announcement');
  });

  it('shows per-entity progress, health checks and history on demand', async () => {
    const { el, bff, world } = await setup();
    await ready(el);
    const acme = world.list[0]!;
    rowOf(el, 'Acme Landscaping LLC').querySelector<HTMLButtonElement>('[part="details-button"]')!.click();
    await el.updateComplete;
    expect(rowOf(el, 'Acme Landscaping LLC').querySelector('[part="details-button"]')?.getAttribute('aria-expanded')).to.equal('true');
    const panel = $(el, '[part="details"]')!;
    expect(panel.querySelector('.entities')?.textContent).to.contain('Invoice');
    expect(panel.querySelector('.entities')?.textContent).to.match(/600 of 600|3,120 of 3,600/);
    const history = panel.querySelector<HTMLDetailsElement>('details.history')!;
    expect(requestsTo(bff, 'GET', `/v1/widget/connections/${acme.connection.id}/runs`)).to.have.length(0);
    history.open = true;
    await waitFor(() => history.querySelectorAll('tbody tr').length === 2, 'history rows');
    expect(history.textContent).to.contain('Failed');

    rowOf(el, 'Harbor Dental Group').querySelector<HTMLButtonElement>('[part="health"]')!.click();
    await el.updateComplete;
    await el.updateComplete;
    const checks = $<HTMLDetailsElement>(el, 'details.health-checks')!;
    expect(checks.open).to.equal(true);
    expect(checks.textContent).to.contain('Overdue invoices');
    expect(checks.textContent).to.contain('INV-1042');
  });

  it('lists the documents waiting for QuickBooks with the reason and the fix, and Retry pushes one again', async () => {
    const { el, bff, world } = await setup();
    await ready(el);
    const acme = world.list[0]!;
    rowOf(el, 'Acme Landscaping LLC').querySelector<HTMLButtonElement>('[part="details-button"]')!.click();
    await el.updateComplete;
    const section = $<HTMLDetailsElement>(el, 'details.documents')!;
    const documentReads = () => bff.requests.filter((request) => request.method === 'GET' && request.path.startsWith(`/v1/widget/connections/${acme.connection.id}/documents?`));
    expect(documentReads()).to.have.length(0);
    section.open = true;
    await waitFor(() => section.querySelectorAll('li').length === 4, 'document rows');
    const [unmapped, closed, named, variance] = [...section.querySelectorAll('li')];
    expect(section.textContent).to.contain('Needs mapping');
    // Named as the host names them, never by internal ids.
    expect(unmapped!.querySelector('.check-label')!.textContent).to.equal('Bill B-17');
    expect(unmapped!.textContent).to.contain('"City levy 3.3%"');
    expect(named!.querySelector('.check-label')!.textContent).to.equal('Vendor Nora: Supplies');
    expect(section.textContent).not.to.contain('b_8f2');
    // The fix for each reason: map (an event for the host's mapper), retry only where it can succeed, open in QuickBooks.
    const opened = new Promise<CustomEvent>((resolve) => el.addEventListener('ledgerlink-open-mapping', (event) => resolve(event as CustomEvent), { once: true }));
    unmapped!.querySelector<HTMLButtonElement>('button')!.click();
    expect((await opened).detail).to.include({ connection_id: acme.connection.id, what: 'tax_rate', host_id: 'vat-5', name: 'City levy 3.3%' });
    expect([...unmapped!.querySelectorAll('button')].map((b) => b.textContent!.trim())).to.deep.equal(['Map City levy 3.3%']);
    expect(named!.querySelector('button')).to.equal(null);
    expect(variance!.textContent).to.contain('Totals differ');
    expect(variance!.textContent).to.contain('108.25');
    expect(variance!.querySelector('a')!.getAttribute('href')).to.equal('https://app.sandbox.qbo.intuit.com/app/invoice?txnId=130');
    expect(variance!.querySelector('a')!.classList.contains('button')).to.equal(true);
    expect(closed!.classList.contains('clean')).to.equal(false);
    await expect(el).to.be.accessible();
    const retryButton = closed!.querySelector<HTMLButtonElement>('button')!;
    expect(retryButton.classList.contains('button')).to.equal(true);
    retryButton.click();
    await waitFor(() => requestsTo(bff, 'POST', `/v1/widget/connections/${acme.connection.id}/documents/doc_2/push`).length === 1, 'the retry');
    await waitFor(() => documentReads().length === 2, 'the list read again');
  });

  it('shows documents needing attention on the company\'s row; the count opens details at the documents', async () => {
    const list = data.sampleList();
    list[0]!.sync.documents = { waiting: 3, attention: 2 };
    list[1]!.sync.documents = { waiting: 1, attention: 0 };
    const { el } = await setup({ list });
    await ready(el);
    const acme = rowOf(el, list[0]!.connection.company_name!);
    const badge = acme.querySelector<HTMLButtonElement>('[part="documents-button"]')!;
    expect(badge.textContent?.trim()).to.equal('2 documents need attention');
    expect(rowOf(el, list[1]!.connection.company_name!).querySelector('[part="documents-button"]')?.textContent?.trim()).to.equal('1 document waiting');
    expect(rowOf(el, list[2]!.connection.company_name!).querySelector('[part="documents-button"]')).to.equal(null);
    await expect(el).to.be.accessible();
    // Documents needing attention put the company under "Needs attention"; waiting ones do not.
    const filter = $<HTMLSelectElement>(el, 'select.filter')!;
    filter.value = 'attention';
    filter.dispatchEvent(new Event('change'));
    await el.updateComplete;
    const names = $$(el, '.body [role="row"]').map((row) => row.querySelector('.name')?.textContent);
    expect(names).to.include(list[0]!.connection.company_name!);
    expect(names).not.to.include(list[1]!.connection.company_name!);
    filter.value = 'all';
    filter.dispatchEvent(new Event('change'));
    await el.updateComplete;
    badge.click();
    await el.updateComplete;
    await el.updateComplete;
    const section = $<HTMLDetailsElement>(el, 'details.documents')!;
    expect(section.open).to.equal(true);
    expect(el.shadowRoot!.activeElement).to.equal(section.querySelector('summary'));
    await waitFor(() => section.querySelectorAll('li').length === 4, 'document rows');
    expect(section.textContent).to.contain('City levy 3.3%');
    await expect(el).to.be.accessible();
  });

  it('stops polling while the page is hidden and after removal', async () => {
    const { el, bff } = await setup({ pollAfter: 1000 });
    await ready(el);
    const polls = () => requestsTo(bff, 'GET', '/v1/widget/sync-status').length;
    await waitFor(() => polls() >= 2, 'second poll', 2500);

    setHidden(true);
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      const hiddenAt = polls();
      await aTimeout(1500);
      expect(polls()).to.equal(hiddenAt);
    } finally {
      setHidden(false);
    }
    const before = polls();
    document.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => polls() > before, 'poll on return');

    el.remove();
    const removedAt = polls();
    await aTimeout(1500);
    expect(polls()).to.equal(removedAt);
  });
});

describe('<client-sync-status> reconnect refused', () => {
  /** Replaces window.open with a fake popup, as a browser's would be, and counts the calls. */
  function stubPopup() {
    const original = window.open;
    const popup = { closed: false, location: { href: '' }, focus() {}, close() { this.closed = true; } };
    const calls: unknown[][] = [];
    window.open = ((...args: unknown[]) => {
      calls.push(args);
      popup.closed = false;
      popup.location.href = '';
      return popup as unknown as Window;
    }) as typeof window.open;
    return { popup, calls, restore: () => (window.open = original) };
  }

  const WRONG_COMPANY_MESSAGE = 'You chose Birch Dental; choose Kestrel Freight Co. to reconnect it.';

  it('another company chosen in QuickBooks: the notice says which to choose, focus on Try again, which reopens the same reconnect', async () => {
    const popup = stubPopup();
    try {
      const { el, bff } = await setup();
      await ready(el);
      const kestrel = rowOf(el, 'Kestrel Freight Co.');
      const id = kestrel.dataset['id'];
      kestrel.querySelector<HTMLElement>('[part="reconnect-button"]')!.click();
      await waitFor(() => popup.popup.location.href === START_URL, 'the popup sent to QuickBooks');
      window.dispatchEvent(
        new MessageEvent('message', {
          origin: BFF,
          data: { source: 'ledgerlink', type: 'oauth-result', outcome: 'refused', code: 'reconnect_wrong_company', message: WRONG_COMPANY_MESSAGE },
        }),
      );
      await waitFor(() => $(el, '[part="notice-retry-button"]'), 'Try again');
      await el.updateComplete;
      expect($(el, '[part="notice"]')?.textContent).to.contain(WRONG_COMPANY_MESSAGE);
      expect($(el, '[part="notice-retry-button"]')?.textContent?.trim()).to.equal('Try again');
      expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('notice-retry-button');
      expect($(el, '[role="status"]')?.textContent).to.contain(WRONG_COMPANY_MESSAGE);
      await expect(el).to.be.accessible();

      $(el, '[part="notice-retry-button"]')!.click();
      await waitFor(() => requestsTo(bff, 'POST', '/v1/widget/oauth/qbo/start-url').length === 2, 'a second start-url');
      expect(popup.calls).to.have.length(2);
      expect(requestsTo(bff, 'POST', '/v1/widget/oauth/qbo/start-url').map((request) => request.body)).to.deep.equal([
        { connection_id: id, mode: 'popup' },
        { connection_id: id, mode: 'popup' },
      ]);
    } finally {
      popup.restore();
    }
  });
});
