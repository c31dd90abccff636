import { testSettings } from '../test-support/settings.ts';
import { expect, fixture } from '@open-wc/testing';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import type { SyncRun } from '../../shared/api/sync.ts';
import { formatClockTime } from '../format/clock-time.ts';
import { fakeToken, installFakeBff, uniqueTag } from '../test-support/fake-bff.ts';
import { $, requestsTo, waitFor } from '../test-support/queries.ts';
import * as data from '../test-support/sync-status-data.ts';
import { ClientSyncStatus } from './client-sync-status.ts';
import { runProgress } from './progress-text.ts';

/** Issue 12 item 2: every run state the engine knows has its own words, in the row and in details. */
const BFF = 'http://bff.run-states';
const settings: OrganizationSettings = testSettings({ max_connections: 10, allowed_countries: ['US'] });

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
afterEach(() => restore?.());

async function mount(entries: data.SyncStatusEntryData[], runs: () => SyncRun[] = () => []) {
  const bff = installFakeBff(BFF, (request) => {
    const path = request.path;
    if (path === '/v1/widget/session') {
      return { body: { tenant_id: 't', organization_id: 'o', user: { id: 'u', role: 'admin' }, expires_at: new Date(Date.now() + 900_000).toISOString() } };
    }
    if (path === '/v1/widget/settings') return { body: settings };
    if (path === '/v1/widget/sync-status') return { body: { data: entries, poll_after_ms: 30_000 } };
    if (path.endsWith('/runs')) return { body: { data: runs() } };
    if (request.method === 'POST' && path.endsWith('/sync')) return { status: 202, body: { run_id: 'run_full', coalesced: false } };
    return { status: 404, body: { error: { code: 'not_found', message: path } } };
  });
  restore = bff.restore;
  const tag = uniqueTag('client-sync-status-states');
  customElements.define(tag, class extends ClientSyncStatus {});
  const el = await fixture<ClientSyncStatus>(staticHtml`<${unsafeStatic(tag)} bff-url=${BFF} session-token=${fakeToken(900)}></${unsafeStatic(tag)}>`);
  await waitFor(() => $(el, '.body [role="row"]'), 'the list');
  return { el, bff };
}

const textOf = (element: Element | null | undefined) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

function activeRun(entry: data.SyncStatusEntryData, run: Partial<SyncRun>): data.SyncStatusEntryData {
  const current = data.run({ connection_id: entry.connection.id, status: 'running', kind: 'initial', trigger: 'connect', finished_at: null, ...run });
  return { ...entry, sync: { ...entry.sync, current_run: current, last_run: null } };
}

describe('run states in words (issue 12 item 2)', () => {
  it('a run waiting for its retry says why and when, in the row and in details, instead of "Waiting to start"', async () => {
    const retryAt = new Date(Date.now() + 11 * 60_000).toISOString();
    const error = data.syncError('provider_unavailable', { message: 'QuickBooks is not responding right now. We will try again automatically.', retry_at: retryAt });
    const waiting = activeRun(data.entry({ connection: { company_name: 'Acme Landscaping LLC' } }), { status: 'queued', started_at: null, error, progress: { total: null, done: 0, entities: [] } });
    const { el, bff } = await mount([waiting]);
    const at = formatClockTime(retryAt);
    const row = $(el, '.body [role="row"]')!;
    expect(textOf(row)).to.contain(`QuickBooks is not responding; we'll retry at ${at}`);
    expect(textOf(row)).not.to.contain('Waiting to start');
    expect(textOf(row)).not.to.contain('Starting…');
    // Waiting is not running: the person may pull the next try forward.
    expect(textOf(row.querySelector('[part="sync-button"]'))).to.equal('Retry now');
    expect(row.querySelector('[part="sync-button"]')?.getAttribute('aria-disabled')).to.equal(null);
    row.querySelector<HTMLElement>('[part="details-button"]')!.click();
    await waitFor(() => $(el, '[part="details"]'), 'details');
    expect(textOf($(el, '[part="details"]'))).to.contain(`QuickBooks is not responding; we'll retry at ${at}`);
    expect(textOf($(el, '[part="details"]'))).to.contain('QuickBooks is not responding right now.');
    row.querySelector<HTMLElement>('[part="sync-button"]')!.click();
    await waitFor(() => requestsTo(bff, 'POST', `/v1/widget/connections/${waiting.connection.id}/sync`).length === 1, 'Retry now posted');
  });

  it('words every engine state: trying again, throttled with resume time, counting, importing % of the whole', () => {
    const base = data.running('A', 0, 1, null).sync.current_run!;
    const retrying = { ...base, progress: { total: null, done: 0, entities: [] }, error: data.syncError('provider_unavailable') };
    expect(runProgress(retrying, 'en-US').label).to.equal('Trying again · QuickBooks was not responding');

    const until = new Date(Date.now() + 5 * 60_000).toISOString();
    const throttled = runProgress({ ...base, progress: { total: null, done: 6, entities: [], types_counted: 2, types_total: 23 } }, 'en-US', { throttledUntil: until });
    expect(throttled.label).to.equal(`QuickBooks limit reached; resumes at ${formatClockTime(until, { locale: 'en-US' })}`);
    expect(throttled.waiting).to.equal(true);

    // 6 of the 11 records of the first two types counted: not "54 %" of a 30,705-record company.
    const counting = runProgress({ ...base, progress: { total: null, done: 6, entities: [], types_counted: 2, types_total: 23 } }, 'en-US');
    expect(counting.percent).to.equal(undefined);
    expect(counting.label).to.equal('Counting records · 2 of 23 types');

    const importing = runProgress({ ...base, progress: { total: 30_705, done: 15_400, entities: [], types_counted: 23, types_total: 23 }, eta_seconds: 200 }, 'en-US');
    expect(importing.label).to.equal('50% · ~4 min left');
  });

  it('the row of a throttled import says the limit was reached and when it resumes', async () => {
    const until = new Date(Date.now() + 4 * 60_000).toISOString();
    const entry = activeRun(data.entry({ connection: { company_name: 'Harbor Dental Group' } }), { progress: { total: 30_705, done: 9_000, entities: [], types_counted: 23, types_total: 23 }, eta_seconds: 400 });
    const { el } = await mount([{ ...entry, sync: { ...entry.sync, throttled_until: until } }]);
    expect(textOf($(el, '.body [role="row"]'))).to.contain(`QuickBooks limit reached; resumes at ${formatClockTime(until)}`);
  });

  it('sync history in an open details panel follows the run', async () => {
    const entry = activeRun(data.entry({ connection: { company_name: 'Acme Landscaping LLC' } }), { status: 'queued', started_at: null });
    const entries = [entry];
    let history: SyncRun[] = [entry.sync.current_run!];
    const { el, bff } = await mount(entries, () => history);
    $(el, '[part="details-button"]')!.click();
    await waitFor(() => $(el, 'details.history'), 'history');
    const details = $(el, 'details.history') as HTMLDetailsElement;
    details.open = true;
    await waitFor(() => textOf($(el, '.runs')).includes('Waiting'), 'history loaded');
    const finished = { ...entry.sync.current_run!, status: 'succeeded' as const, started_at: new Date(Date.now() - 60_000).toISOString(), finished_at: new Date().toISOString() };
    history = [finished];
    entries[0] = { ...entry, sync: { ...entry.sync, current_run: null, last_run: finished, last_successful_sync_at: finished.finished_at } };
    el.refresh();
    await waitFor(() => textOf($(el, '.runs')).includes('Succeeded'), 'history updated');
    expect(requestsTo(bff, 'GET', `/v1/widget/connections/${entry.connection.id}/runs`).length).to.equal(2);
  });

  it('Re-import everything asks first; only confirming starts a full sync', async () => {
    const entry = data.entry({ connection: { company_name: 'Acme Landscaping LLC' } });
    const { el, bff } = await mount([entry]);
    $(el, '[part="details-button"]')!.click();
    const reimport = await waitFor(() => $<HTMLElement>(el, `[data-reimport-for="${entry.connection.id}"]`), 'Re-import everything');
    reimport.click();
    await el.updateComplete;
    expect(bff.requests.filter((request) => request.method === 'POST')).to.have.length(0);
    expect(textOf($(el, '[part="details"]'))).to.contain('Re-import everything from Acme Landscaping LLC?');
    expect(el.shadowRoot!.activeElement?.hasAttribute('data-confirm-cancel')).to.equal(true);
    await expect(el).to.be.accessible();
    $(el, '[data-confirm-reimport]')!.click();
    await waitFor(() => requestsTo(bff, 'POST', `/v1/widget/connections/${entry.connection.id}/sync`).length === 1, 'the full sync');
    expect(requestsTo(bff, 'POST', `/v1/widget/connections/${entry.connection.id}/sync`)[0]!.body).to.deep.equal({ full: true });
  });
});
