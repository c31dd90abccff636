import { testSettings } from '../test-support/settings.ts';
import { expect } from '@open-wc/testing';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import { QboConnect } from '../qbo-connect/qbo-connect.ts';
import { fakeToken, installFakeBff, uniqueTag } from '../test-support/fake-bff.ts';
import { $, $$, attach, waitFor } from '../test-support/queries.ts';
import * as data from '../test-support/sync-status-data.ts';
import { ClientSyncStatus } from './client-sync-status.ts';

/** Issue 12 items 4 and 5: columns fit their content, and each component reflows below its own width. */
const BFF = 'http://bff.layout';
const settings: OrganizationSettings = testSettings({ max_connections: 10, allowed_countries: ['US'] });

let restore: (() => void) | undefined;
let detach: (() => void) | undefined;
afterEach(() => {
  restore?.();
  detach?.();
});

function serve(entries: data.SyncStatusEntryData[]) {
  const bff = installFakeBff(BFF, (request) => {
    const path = request.path;
    if (path === '/v1/widget/session') {
      return { body: { tenant_id: 't', organization_id: 'o', user: { id: 'u', role: 'admin' }, expires_at: new Date(Date.now() + 900_000).toISOString() } };
    }
    if (path === '/v1/widget/settings') return { body: settings };
    if (path === '/v1/widget/sync-status') return { body: { data: entries, poll_after_ms: 30_000 } };
    if (path === '/v1/widget/connections') return { body: { data: entries.map((entry) => entry.connection) } };
    return { status: 404, body: { error: { code: 'not_found', message: path } } };
  });
  restore = bff.restore;
}

async function list(width: number): Promise<ClientSyncStatus> {
  const tag = uniqueTag('client-sync-status-layout');
  customElements.define(tag, class extends ClientSyncStatus {});
  const { root, remove } = attach(`<div style="width: ${width}px"><${tag} bff-url="${BFF}" session-token="${fakeToken(900)}"></${tag}></div>`);
  detach = remove;
  const el = root.querySelector(tag) as ClientSyncStatus;
  await waitFor(() => $$(el, '.body [role="row"]').length >= 3, 'the rows');
  await el.updateComplete;
  // The row height is measured after a render; one more render places the rows by it.
  await el.updateComplete;
  return el;
}

/** Every visible button lies inside the element, and nothing scrolls sideways. */
function fitsInside(el: HTMLElement): string[] {
  const box = el.getBoundingClientRect();
  const problems: string[] = [];
  const scroller = $(el, '.scroller');
  if (scroller && scroller.scrollWidth > scroller.clientWidth + 1) problems.push(`list scrolls sideways: ${scroller.scrollWidth} > ${scroller.clientWidth}`);
  for (const button of $$(el, 'button')) {
    const rect = button.getBoundingClientRect();
    if (rect.width === 0) continue;
    if (rect.left < box.left - 0.5 || rect.right > box.right + 0.5) problems.push(`${button.textContent?.trim()} at ${Math.round(rect.left)}–${Math.round(rect.right)}`);
  }
  return problems;
}

/** Issue 15 item 7: rows with documents not in QuickBooks yet carry their count beside the status. */
const withDocuments = (entry: data.SyncStatusEntryData, documents: { waiting: number; attention: number }) => ({ ...entry, sync: { ...entry.sync, documents } });

const entries = () => [
  withDocuments(data.running('Acme Landscaping LLC', 330, 1000, 10), { waiting: 12, attention: 0 }),
  data.entry({ connection: { company_name: 'Harbor Dental Group' }, sync: { last_successful_sync_at: new Date(Date.now() - 3 * 60_000).toISOString() } }),
  withDocuments(data.failed('Kestrel Freight Co.', 'needs_reconnect'), { waiting: 0, attention: 2 }),
  withDocuments(data.entry({ connection: { company_name: 'Harbor Dental Group West' }, sync: { last_successful_sync_at: new Date(Date.now() - 3 * 60_000).toISOString() } }), { waiting: 0, attention: 1284 }),
  data.entry({ connection: { company_name: 'Birchwood Bakery', status: 'disconnected' } }),
];

describe('layout (issue 12 items 4 and 5)', () => {
  it('at 960 px the text of every column is whole: "3 minutes ago", "QuickBooks needs you to reconnect", "33% · ~10 sec left"', async () => {
    serve(entries());
    const el = await list(960);
    for (const selector of ['.last-sync time', '.error-text .text', '.progress-text']) {
      for (const element of $$(el, selector)) {
        expect(element.scrollWidth, `${selector}: ${element.textContent}`).to.be.at.most(element.clientWidth + 1);
        expect(element.scrollHeight, `${selector}: ${element.textContent}`).to.be.at.most(element.clientHeight + 1);
      }
    }
    expect(fitsInside(el)).to.deep.equal([]);
  });

  for (const width of [960, 1100, 1280]) it(`at ${width} px the documents count on a company's row is whole while the status column has room`, async () => {
    serve(entries());
    const el = await list(width);
    const counts = $$(el, '.docs');
    expect(counts.map((element) => element.textContent?.trim())).to.deep.equal(['12 documents waiting', '2 documents need attention', '1284 documents need attention']);
    for (const element of counts) expect(element.scrollWidth, element.textContent ?? '').to.be.at.most(element.clientWidth + 1);
  });

  for (const width of [390, 768, 1280]) {
    it(`at ${width} px the rows reflow: no sideways scrolling, Sync now and Reconnect inside the element`, async () => {
      serve(entries());
      const el = await list(width);
      expect(fitsInside(el)).to.deep.equal([]);
      const rows = $$(el, '.body [role="row"]');
      // Rows never overlap: each starts where the previous one ends.
      for (let i = 1; i < rows.length; i++) {
        expect(rows[i]!.getBoundingClientRect().top).to.be.at.least(rows[i - 1]!.getBoundingClientRect().bottom - 1);
      }
      const harbor = rows.find((row) => row.textContent?.includes('Harbor'))!;
      expect(harbor.querySelector('[part="sync-button"]')!.getBoundingClientRect().height).to.be.above(0);
      await expect(el).to.be.accessible();
    });
  }

  it('<qbo-connect> at 300 px keeps the Connect button inside its card', async () => {
    serve([]);
    const tag = uniqueTag('qbo-connect-layout');
    customElements.define(tag, class extends QboConnect {});
    const { root, remove } = attach(`<div style="width: 300px"><${tag} bff-url="${BFF}" session-token="${fakeToken(900)}"></${tag}></div>`);
    detach = remove;
    const el = root.querySelector(tag) as QboConnect;
    const button = await waitFor(() => el.shadowRoot!.querySelector<HTMLElement>('[part="connect-button"]'), 'Connect');
    const card = el.shadowRoot!.querySelector<HTMLElement>('[part="card"]')!.getBoundingClientRect();
    const rect = button.getBoundingClientRect();
    expect(rect.right).to.be.at.most(card.right + 0.5);
    expect(rect.left).to.be.at.least(card.left - 0.5);
  });
});
