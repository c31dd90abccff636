import { testSettings } from '../test-support/settings.ts';
import { aTimeout, expect } from '@open-wc/testing';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import { ClientSyncStatus } from '../client-sync-status/client-sync-status.ts';
import { MetricPicker } from '../metric-picker/metric-picker.ts';
import { QboConnect } from '../qbo-connect/qbo-connect.ts';
import { fakeToken, installFakeBff, uniqueTag, type RecordedRequest } from '../test-support/fake-bff.ts';
import { $, $$, attach, requestsTo, waitFor } from '../test-support/queries.ts';
import * as data from '../test-support/sync-status-data.ts';

/**
 * Issue 12, "one page, one truth": the elements of a page share one connection state. These tests put
 * <qbo-connect> and <client-sync-status> on one page, as hosts do, against one fake BFF.
 */
const BFF = 'http://bff.one-truth';
const START_URL = 'https://appcenter.intuit.com/connect/oauth2?state=abc';

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

let restore: Array<() => void> = [];
afterEach(() => {
  for (const undo of restore.reverse()) undo();
  restore = [];
});

/** A fake BFF over a list of entries the test can change, as the server's state changes. */
function server(
  entries: data.SyncStatusEntryData[],
  answers: { sync?: (request: RecordedRequest) => { status?: number; body?: unknown }; other?: (request: RecordedRequest) => { status?: number; body?: unknown } | undefined } = {},
) {
  const byId = (id: string) => entries.find((entry) => entry.connection.id === id);
  const bff = installFakeBff(BFF, (request) => {
    const { method, path } = request;
    const other = answers.other?.(request);
    if (other) return other;
    if (path === '/v1/widget/session') {
      return { body: { tenant_id: 't', organization_id: 'org_1', user: { id: 'u_1', role: 'admin' }, expires_at: new Date(Date.now() + 900_000).toISOString() } };
    }
    if (path === '/v1/widget/settings') return { body: settings };
    if (path === '/v1/widget/sync-status') return { body: { data: entries, poll_after_ms: 30_000 } };
    if (path.startsWith('/v1/widget/sync-status/')) {
      const entry = byId(path.split('/').pop()!);
      return entry ? { body: { ...entry, poll_after_ms: 30_000 } } : { status: 404, body: { error: { code: 'not_found', message: 'Connection not found' } } };
    }
    if (method === 'GET' && path === '/v1/widget/connections') return { body: { data: entries.map((entry) => entry.connection) } };
    if (method === 'POST' && path === '/v1/widget/oauth/qbo/start-url') return { status: 201, body: { url: START_URL, expires_at: new Date(Date.now() + 600_000).toISOString() } };
    const match = /^\/v1\/widget\/connections\/([^/?]+)(\/sync)?$/.exec(path);
    const entry = match ? byId(match[1]!) : undefined;
    if (match && !entry) return { status: 404, body: { error: { code: 'not_found', message: 'Connection was not found' } } };
    if (entry && method === 'GET') return { body: entry.connection };
    if (entry && method === 'POST' && match?.[2]) return answers.sync?.(request) ?? { status: 202, body: { run_id: 'run_new', coalesced: false } };
    if (entry && method === 'DELETE') {
      entry.connection = { ...entry.connection, status: 'disconnected', status_reason: 'user_disconnected' };
      return { body: entry.connection };
    }
    return { status: 404, body: { error: { code: 'not_found', message: `Unexpected ${method} ${path}` } } };
  });
  restore.push(() => bff.restore());
  return bff;
}

/** Both elements on one page with the same session, as a host that configured once gets them. */
async function page(markup: (tags: { connect: string; status: string }, token: string) => string) {
  const connect = uniqueTag('qbo-connect-page');
  const status = uniqueTag('client-sync-status-page');
  customElements.define(connect, class extends QboConnect {});
  customElements.define(status, class extends ClientSyncStatus {});
  const { root, remove } = attach(markup({ connect, status }, fakeToken(900)));
  restore.push(remove);
  return {
    connect: root.querySelector<QboConnect>(connect)!,
    statuses: [...root.querySelectorAll<ClientSyncStatus>(status)],
  };
}

const text = (element: Element) => (element.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ');
const rowOf = (element: ClientSyncStatus, name: string) =>
  $$(element, '.body [role="row"]').find((row) => row.querySelector('.name')?.textContent?.trim() === name);

function stubWindowOpen() {
  const original = window.open;
  const popup = { closed: false, location: { href: '' }, focus() {}, close() { this.closed = true; } };
  const calls: unknown[][] = [];
  window.open = ((...args: unknown[]) => {
    calls.push(args);
    return popup as unknown as Window;
  }) as typeof window.open;
  restore.push(() => (window.open = original));
  return { popup, calls };
}

describe('one page, one truth (issue 12)', () => {
  it('Disconnect in <qbo-connect> shows in <client-sync-status> at once, whose row then offers Reconnect', async () => {
    const acme = data.entry({ connection: { company_name: 'Acme Landscaping LLC' } });
    const entries = [acme, data.entry({ connection: { company_name: 'Harbor Dental Group' } })];
    server(entries);
    const { connect, statuses } = await page(
      ({ connect, status }, token) =>
        `<${connect} bff-url="${BFF}" session-token="${token}" connection-id="${acme.connection.id}"></${connect}><${status} bff-url="${BFF}" session-token="${token}"></${status}>`,
    );
    const list = statuses[0]!;
    await waitFor(() => rowOf(list, 'Acme Landscaping LLC'), 'the list');
    await waitFor(() => connect.shadowRoot!.querySelector('[part="disconnect-button"]'), 'the card');
    expect(rowOf(list, 'Acme Landscaping LLC')!.textContent).to.contain('Synced');

    connect.shadowRoot!.querySelector<HTMLElement>('[part="disconnect-button"]')!.click();
    await waitFor(() => connect.shadowRoot!.querySelector('[part="confirm"] [part="disconnect-button"]'), 'the confirmation');
    connect.shadowRoot!.querySelector<HTMLElement>('[part="confirm"] [part="disconnect-button"]')!.click();
    // The list's next poll is 30 s away here, far beyond this wait: only the shared state can bring the change.
    // How fast it arrives is the end-to-end walkthrough's to measure, not a unit test's.
    await waitFor(() => rowOf(list, 'Acme Landscaping LLC')?.textContent?.includes('Disconnected'), 'the row to say Disconnected', 5000);
    const row = rowOf(list, 'Acme Landscaping LLC')!;
    expect(row.querySelector('[part="sync-button"]')).to.equal(null);
    expect(row.querySelector('[part="reconnect-button"]')?.textContent?.trim()).to.equal('Reconnect');
    expect(row.querySelector('[part="reconnect-button"]')?.getAttribute('aria-disabled')).to.equal(null);
  });

  it('Disconnect in <qbo-connect> makes <metric-picker> stale at once (no "will change", Save waits); a reconnect brings it back', async () => {
    const acme = data.entry({ connection: { company_name: 'Acme Landscaping LLC' } });
    const id = acme.connection.id;
    const day = (n: number) => `2026-${String(n).padStart(2, '0')}`;
    const values = Array.from({ length: 12 }, (_, index) => ({ period: day(index + 1), value: 100 * (index + 1), complete: index < 11, to_date: index < 11 ? null : '2026-12-14', months: { from: day(index + 1), to: day(index + 1) }, partial: index < 11 ? [] : ['to_date'] }));
    const status = () => (acme.connection.status === 'connected' ? 'current' : 'stale');
    const available = () => ({
      status: status(),
      currency: 'USD',
      window_months: 24,
      datasets: [],
      totals: [{ line: 'total:revenue', name: 'Total revenue', dataset: 'profit_and_loss' }],
      accounts: [],
    });
    const bff = server([acme], {
      other: ({ path }) =>
        path.endsWith('/metric-data') ? { body: available() } : path.includes('/metric-preview') ? { body: { status: status(), currency: 'USD', verified: true, values } } : undefined,
    });
    const picker = uniqueTag('metric-picker-page');
    customElements.define(picker, class extends MetricPicker {});
    const { connect } = await page(
      ({ connect }, token) =>
        `<${connect} bff-url="${BFF}" session-token="${token}" connection-id="${id}"></${connect}><${picker} bff-url="${BFF}" session-token="${token}" connection-id="${id}" save></${picker}>`,
    );
    const metrics = document.querySelector<MetricPicker>(picker)!;
    const save = () => metrics.shadowRoot!.querySelector('button[type=submit]')!;
    await waitFor(() => text(metrics).includes('will change'), 'the picker, current');
    expect(save().getAttribute('aria-disabled')).to.equal('false');
    await waitFor(() => connect.shadowRoot!.querySelector('[part="disconnect-button"]'), 'the card');
    connect.shadowRoot!.querySelector<HTMLElement>('[part="disconnect-button"]')!.click();
    await waitFor(() => connect.shadowRoot!.querySelector('[part="confirm"] [part="disconnect-button"]'), 'the confirmation');
    const reads = requestsTo(bff, 'GET', `/v1/widget/connections/${id}/metric-data`).length;
    connect.shadowRoot!.querySelector<HTMLElement>('[part="confirm"] [part="disconnect-button"]')!.click();
    // No poll and no input change brings this: only the page's shared state can (the next poll is 30 s away).
    await waitFor(() => text(metrics).includes('no longer update'), 'the picker to say stale', 5000);
    expect(text(metrics)).to.not.contain('will change');
    expect(save().getAttribute('aria-disabled')).to.equal('true');
    expect(metrics.shadowRoot!.getElementById(save().getAttribute('aria-describedby')!)!.textContent).to.contain('Reconnect this company');

    // Reconnected (as the page learns at its next answer): current again, its figures read afresh.
    acme.connection = { ...acme.connection, status: 'connected', status_reason: null };
    void connect.refresh();
    await waitFor(() => text(metrics).includes('will change'), 'the picker, current again', 5000);
    expect(text(metrics)).to.not.contain('no longer update');
    expect(save().getAttribute('aria-disabled')).to.equal('false');
    await waitFor(() => requestsTo(bff, 'GET', `/v1/widget/connections/${id}/metric-data`).length > reads, 'figures read again');
  });

  it('one poll serves every element of the page', async () => {
    const bff = server([data.entry({ connection: { company_name: 'Acme Landscaping LLC' } })]);
    const { connect, statuses } = await page(
      ({ connect, status }, token) =>
        `<${connect} bff-url="${BFF}" session-token="${token}"></${connect}><${status} bff-url="${BFF}" session-token="${token}"></${status}><${status} bff-url="${BFF}" session-token="${token}"></${status}>`,
    );
    for (const list of statuses) await waitFor(() => rowOf(list, 'Acme Landscaping LLC'), 'a list');
    await waitFor(() => text(connect).includes('Acme Landscaping LLC'), 'the card');
    await aTimeout(100);
    expect(requestsTo(bff, 'GET', '/v1/widget/sync-status').length).to.equal(1);
    expect(requestsTo(bff, 'GET', '/v1/widget/session').length).to.equal(1);
  });

  it('the card shows the organization’s connections (not "Not connected") and offers "Connect another company"', async () => {
    server([
      data.entry({ connection: { company_name: 'Acme Landscaping LLC' } }),
      data.entry({ connection: { company_name: 'Harbor Dental Group' } }),
      data.entry({ connection: { company_name: 'Kestrel Freight Co.', status: 'needs_reconnect' } }),
    ]);
    const { connect } = await page(({ connect }, token) => `<${connect} bff-url="${BFF}" session-token="${token}"></${connect}>`);
    await waitFor(() => connect.shadowRoot!.querySelectorAll('[part="company"]').length === 3, 'three companies');
    expect(text(connect)).not.to.contain('Not connected');
    expect(text(connect)).to.contain('2 of 3 connected');
    expect(connect.shadowRoot!.querySelector('[part="connect-another-button"]')?.textContent?.trim()).to.equal('Connect another company');
    const kestrel = [...connect.shadowRoot!.querySelectorAll('[part="company"]')].find((item) => item.textContent?.includes('Kestrel'))!;
    expect(kestrel.querySelector('[part="reconnect-button"]')?.getAttribute('aria-label')).to.equal('Reconnect Kestrel Freight Co.');
    await expect(connect).to.be.accessible();
  });

  it('a card whose connection was deleted elsewhere says so and offers Connect, not a Retry that cannot work', async () => {
    server([]);
    const { connect } = await page(
      ({ connect }, token) => `<${connect} bff-url="${BFF}" session-token="${token}" connection-id="${data.connectionId(424242)}"></${connect}>`,
    );
    await waitFor(() => text(connect).includes('removed'), 'the removed card');
    expect(connect.shadowRoot!.querySelector('[part="retry-button"]')).to.equal(null);
    expect(connect.shadowRoot!.querySelector('[part="connect-button"]')).not.to.equal(null);
    expect(text(connect)).not.to.contain('Connection was not found');
    await expect(connect).to.be.accessible();
  });

  it('a refused Sync now (409, not connected) leaves once the company is connected again', async () => {
    const acme = data.entry({ connection: { company_name: 'Cedar Printing Co.' } });
    const entries = [acme];
    server(entries, { sync: () => ({ status: 409, body: { error: { code: 'conflict', message: 'This company is not connected' } } }) });
    const { statuses } = await page(({ status }, token) => `<${status} bff-url="${BFF}" session-token="${token}"></${status}>`);
    const list = statuses[0]!;
    await waitFor(() => rowOf(list, 'Cedar Printing Co.'), 'the list');
    // Disconnected elsewhere, not yet polled: the row still offers Sync now, and the server refuses it.
    acme.connection = { ...acme.connection, status: 'disconnected' };
    rowOf(list, 'Cedar Printing Co.')!.querySelector<HTMLElement>('[part="sync-button"]')!.click();
    await waitFor(() => $(list, '[part="notice"]'), 'the notice');
    expect($(list, '[part="notice"]')!.textContent).to.contain('This company is not connected.');
    expect($(list, '[part="notice"]')!.textContent).not.to.contain('..');
    await waitFor(() => rowOf(list, 'Cedar Printing Co.')?.textContent?.includes('Disconnected'), 'the row to catch up');
    // Reconnected (in another element or tab): the banner's cause is gone, so is the banner.
    acme.connection = { ...acme.connection, status: 'connected' };
    list.refresh();
    await waitFor(() => rowOf(list, 'Cedar Printing Co.')?.textContent?.includes('Synced'), 'connected again');
    expect($(list, '[part="notice"]')).to.equal(null);
  });

  it('Reconnect on a disconnected row opens QuickBooks for that company, and the announcement has one full stop', async () => {
    const cedar = data.entry({ connection: { company_name: 'Cedar Printing Co.', status: 'disconnected' } });
    const bff = server([cedar]);
    const open = stubWindowOpen();
    const { statuses } = await page(({ status }, token) => `<${status} bff-url="${BFF}" session-token="${token}"></${status}>`);
    const list = statuses[0]!;
    await waitFor(() => rowOf(list, 'Cedar Printing Co.'), 'the list');
    rowOf(list, 'Cedar Printing Co.')!.querySelector<HTMLElement>('[part="reconnect-button"]')!.click();
    await waitFor(() => open.popup.location.href === START_URL, 'the popup sent to QuickBooks');
    expect(requestsTo(bff, 'POST', '/v1/widget/oauth/qbo/start-url')[0]?.body).to.deep.equal({ connection_id: cedar.connection.id, mode: 'popup' });
    cedar.connection = { ...cedar.connection, status: 'connected' };
    window.dispatchEvent(
      new MessageEvent('message', { origin: new URL(BFF).origin, data: { source: 'ledgerlink', type: 'oauth-result', outcome: 'connected', connection: cedar.connection } }),
    );
    await waitFor(() => list.shadowRoot!.querySelector('[aria-live="polite"]')?.textContent?.includes('Reconnected'), 'the announcement');
    expect(list.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent!.trim()).to.equal('Reconnected Cedar Printing Co.');
    await waitFor(() => rowOf(list, 'Cedar Printing Co.')?.querySelector('[part="sync-button"]'), 'Sync now offered again');
  });
});

describe('theme (issue 12 item 9)', () => {
  it('with no theme attribute, follows the host page’s color-scheme; theme="dark" paints its own dark surface on a light page', async () => {
    server([data.entry({ connection: { company_name: 'Acme Landscaping LLC' } })]);
    const connect = uniqueTag('qbo-connect-theme');
    customElements.define(connect, class extends QboConnect {});
    const token = fakeToken(900);
    const { root, remove } = attach(
      `<div style="color-scheme: dark; background: #0d1117"><${connect} bff-url="${BFF}" session-token="${token}"></${connect}></div>
        <div style="color-scheme: light"><${connect} theme="dark" bff-url="${BFF}" session-token="${token}"></${connect}></div>`,
    );
    restore.push(remove);
    const [following, forced] = [...root.querySelectorAll<QboConnect>(connect)];
    await waitFor(() => text(following!).includes('Acme') && text(forced!).includes('Acme'), 'both cards');
    const card = (element: QboConnect) => element.shadowRoot!.querySelector<HTMLElement>('[part="card"]')!;
    expect(getComputedStyle(card(following!)).color).to.equal('rgb(230, 237, 243)');
    expect(getComputedStyle(card(following!)).backgroundColor).to.equal('rgb(13, 17, 23)');
    expect(getComputedStyle(forced!).backgroundColor).to.equal('rgb(13, 17, 23)');
    await expect(following).to.be.accessible();
    await expect(forced).to.be.accessible();
  });
});
