import { testSettings } from '../test-support/settings.ts';
import { aTimeout, expect, fixture } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import type { Connection } from '../../shared/api/connections.ts';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import { defineElement } from '../base/define.ts';
import { fakeToken, installFakeBff, uniqueTag, type RecordedRequest } from '../test-support/fake-bff.ts';
import { QboConnect } from './qbo-connect.ts';

const BFF = 'http://bff.test';
const BFF_ORIGIN = new URL(BFF).origin;
const START_URL = 'https://appcenter.intuit.com/connect/oauth2?state=abc';

/** The real element, with the one thing a test page cannot do (leave the page) recorded instead. */
class TestQboConnect extends QboConnect {
  navigations: string[] = [];
  protected override navigate(url: string): void {
    this.navigations.push(url);
  }
}

function connection(overrides: Partial<Connection> = {}): Connection {
  return {
    id: 'con_0123456789abcdef0123',
    organization_id: 'org_1',
    provider: 'qbo',
    external_id: '9130350000000000',
    company_name: 'Acme Landscaping LLC',
    legal_name: 'Acme Landscaping LLC',
    country: 'US',
    plan: 'Plus',
    status: 'connected',
    status_reason: null,
    connected_by: 'u_1',
    created_at: '2026-01-01T10:00:00.000Z',
    connected_at: '2026-01-01T10:00:00.000Z',
    last_refreshed_at: null,
    last_synced_at: new Date(Date.now() - 2 * 3600_000).toISOString(),
    ...overrides,
  };
}

interface World {
  role?: string;
  settings?: Partial<OrganizationSettings>;
  connections?: Connection[];
  /** Answer for start-url; default 201 with START_URL (403 when the role may not connect). */
  startUrl?: (request: RecordedRequest) => { status?: number; body?: unknown } | undefined;
  check?: Connection;
  /** Hold every answer until the promise resolves (to see the loading state). */
  gate?: Promise<void>;
  failLoad?: boolean;
  /** Redirect-mode results the BFF recorded, by id (GET /v1/widget/oauth/results/{id}); any other id is 404. */
  results?: Record<string, unknown>;
}

function installWorld(world: World = {}) {
  const settings: OrganizationSettings = testSettings(world.settings);
  const role = world.role ?? 'admin';
  const connections = new Map((world.connections ?? []).map((c) => [c.id, c]));
  // Like the server: a connection the callback page reports as connected exists from then on.
  serverConnections = connections;
  return installFakeBff(BFF, async (request) => {
    await world.gate;
    const { method, path } = request;
    if (world.failLoad && path === '/v1/widget/settings') {
      return { status: 503, body: { error: { code: 'internal', message: 'Ledgerlink is briefly unavailable. Try again in a minute.' } } };
    }
    if (method === 'GET' && path === '/v1/widget/session') {
      return { body: { tenant_id: 't', organization_id: 'org_1', user: { id: 'u_1', role }, expires_at: new Date(Date.now() + 600_000).toISOString() } };
    }
    if (method === 'GET' && path === '/v1/widget/settings') return { body: settings };
    const resultId = /^\/v1\/widget\/oauth\/results\/([^/?]+)$/.exec(path)?.[1];
    if (method === 'GET' && resultId) {
      const result = world.results?.[decodeURIComponent(resultId)];
      return result ? { body: result } : { status: 404, body: { error: { code: 'not_found', message: 'OAuth result not found' } } };
    }
    if (method === 'GET' && path === '/v1/widget/connections') return { body: { data: [...connections.values()] } };
    if (method === 'POST' && path === '/v1/widget/oauth/qbo/start-url') {
      const custom = world.startUrl?.(request);
      if (custom) return custom;
      if (!settings.connect_roles.includes(role)) return { status: 403, body: { error: { code: 'forbidden', message: 'Only admins may connect' } } };
      return { status: 201, body: { url: START_URL, expires_at: new Date(Date.now() + 600_000).toISOString() } };
    }
    const match = /^\/v1\/widget\/connections\/([^/?]+)(\/check)?(\?purge=true)?$/.exec(path);
    const found = match ? connections.get(decodeURIComponent(match[1] ?? '')) : undefined;
    if (match && !found) return { status: 404, body: { error: { code: 'not_found', message: 'No such connection' } } };
    if (found && method === 'GET' && !match?.[2]) return { body: found };
    if (found && method === 'POST' && match?.[2]) {
      // As bff/auth/roles.ts: checking reaches QuickBooks, so only connect or sync roles may.
      if (![...settings.connect_roles, ...settings.sync_roles].includes(role)) return { status: 403, body: { error: { code: 'forbidden', message: 'Your role cannot check the connection' } } };
      return { body: world.check ?? found };
    }
    if (found && method === 'DELETE' && match?.[3]) {
      connections.delete(found.id);
      return { status: 204 };
    }
    if (found && method === 'DELETE') {
      const disconnected = { ...found, status: 'disconnected' as const, status_reason: 'user_disconnected' };
      connections.set(found.id, disconnected);
      return { body: disconnected };
    }
    return { status: 404, body: { error: { code: 'not_found', message: `no fake for ${method} ${path}` } } };
  });
}

interface FakePopup {
  closed: boolean;
  focused: number;
  location: { href: string };
  focus(): void;
  close(): void;
}

/** Replaces window.open: returns a fake popup (or null, as a popup blocker does) and records the calls. */
function stubWindowOpen(blocked = false) {
  const original = window.open;
  const popup: FakePopup = {
    closed: false,
    focused: 0,
    location: { href: '' },
    focus() {
      this.focused += 1;
    },
    close() {
      this.closed = true;
    },
  };
  const calls: unknown[][] = [];
  window.open = ((...args: unknown[]) => {
    calls.push(args);
    return blocked ? null : (popup as unknown as Window);
  }) as typeof window.open;
  return {
    popup,
    calls,
    restore() {
      window.open = original;
    },
  };
}

/** The current fake BFF's connections: a connect reported by postResult adds to them, as the real callback does. */
let serverConnections: Map<string, Connection> | undefined;

function postResult(data: unknown, origin = BFF_ORIGIN): void {
  const result = data as { outcome?: string; connection?: Connection } | null;
  if (origin === BFF_ORIGIN && typeof result === 'object' && result?.outcome === 'connected' && result.connection) {
    serverConnections?.set(result.connection.id, result.connection);
  }
  window.dispatchEvent(new MessageEvent('message', { data, origin }));
}

const WRONG_COMPANY_MESSAGE = 'You chose Birch Dental; choose Acme Landscaping LLC to reconnect it.';
/** The opaque id a redirect-mode return URL carries; the fake BFF resolves it from World.results. */
const RESULT_ID = 'r3sult_1d_0f_an_attempt_0123456';

/** What the callback page posts when a reconnect of Acme chose another company in QuickBooks. */
function wrongCompany() {
  return {
    source: 'ledgerlink',
    type: 'oauth-result',
    outcome: 'refused',
    code: 'reconnect_wrong_company',
    message: WRONG_COMPANY_MESSAGE,
    connection: connection({ status: 'needs_reconnect' }),
  };
}

/** Records every ledgerlink-* event that reaches the document. */
function recordEvents() {
  const names = ['ledgerlink-connected', 'ledgerlink-disconnected', 'ledgerlink-needs-reconnect', 'ledgerlink-error'];
  const events: CustomEvent[] = [];
  const listener = (event: Event) => events.push(event as CustomEvent);
  for (const name of names) document.addEventListener(name, listener);
  return {
    events,
    of: (name: string) => events.filter((event) => event.type === name),
    stop: () => names.forEach((name) => document.removeEventListener(name, listener)),
  };
}

async function mount(attributes = '', children = ''): Promise<TestQboConnect> {
  const tag = uniqueTag('qbo-connect-test');
  defineElement(tag, class extends TestQboConnect {});
  const name = unsafeStatic(tag);
  const element = await fixture<TestQboConnect>(
    staticHtml`<${name} bff-url=${BFF} session-token=${fakeToken(600)} ${unsafeStatic(attributes)}>${unsafeStatic(children)}</${name}>`,
  );
  return element;
}

function part(element: QboConnect, name: string): HTMLElement | null {
  return element.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
}

function parts(element: QboConnect, name: string): HTMLElement[] {
  return [...element.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
}

// Assertions compare strings and booleans, never elements: a failed comparison of DOM nodes makes the
// runner serialise them for the diff, which can take the test page down instead of reporting the failure.
function has(element: QboConnect, name: string): boolean {
  return part(element, name) !== null;
}

/** The part name of the focused element inside the shadow root ('' when focus is elsewhere). */
function focusedPart(element: QboConnect): string {
  return element.shadowRoot!.activeElement?.getAttribute('part') ?? '';
}

function text(element: QboConnect): string {
  return (element.shadowRoot!.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function announcement(element: QboConnect): string {
  return element.shadowRoot!.querySelector('[aria-live="polite"]')?.textContent?.trim() ?? '';
}

async function until(condition: () => unknown, what: string, timeout = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await aTimeout(10);
  }
}

const shown = (element: QboConnect, words: string) => until(() => text(element).includes(words), `"${words}"`);

function startUrlRequests(bff: { requests: RecordedRequest[] }) {
  return bff.requests.filter((request) => request.path === '/v1/widget/oauth/qbo/start-url');
}

describe('<qbo-connect>', () => {
  let cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const undo of cleanup.reverse()) undo();
    cleanup = [];
  });

  function world(options: World = {}) {
    const bff = installWorld(options);
    cleanup.push(() => bff.restore());
    return bff;
  }

  function windowOpen(blocked = false) {
    const stub = stubWindowOpen(blocked);
    cleanup.push(() => stub.restore());
    return stub;
  }

  function events() {
    const recorder = recordEvents();
    cleanup.push(() => recorder.stop());
    return recorder;
  }

  describe('is accessible (axe) in every state', () => {
    it('loading', async () => {
      let release!: () => void;
      world({ gate: new Promise<void>((resolve) => (release = resolve)) });
      cleanup.push(() => release());
      const element = await mount();
      expect(has(element, 'skeleton')).to.equal(true);
      expect(part(element, 'card')?.getAttribute('aria-busy')).to.equal('true');
      await expect(element).to.be.accessible();
    });

    it('not connected (card and button mode)', async () => {
      world();
      const card = await mount();
      await shown(card, 'Connect to QuickBooks');
      await expect(card).to.be.accessible();
      const button = await mount('mode="button"');
      await shown(button, 'Connect to QuickBooks');
      await expect(button).to.be.accessible();
    });

    it('connecting', async () => {
      world();
      windowOpen();
      const element = await mount();
      await shown(element, 'Connect to QuickBooks');
      part(element, 'connect-button')!.click();
      await shown(element, 'Finish connecting in the QuickBooks window');
      await expect(element).to.be.accessible();
    });

    for (const status of ['connected', 'needs_reconnect', 'disconnected', 'error'] as const) {
      it(`connection ${status} (light, dark, button mode)`, async () => {
        world({ connections: [connection({ status, status_reason: status === 'needs_reconnect' ? 'refresh_token_expired' : null })] });
        // Button mode draws no surface of its own: a dark host page provides the dark background.
        for (const attributes of ['', 'theme="dark"', 'mode="button"', 'mode="button" theme="dark" style="background:#0d1117"']) {
          const element = await mount(`connection-id="con_0123456789abcdef0123" ${attributes}`);
          await shown(element, 'Acme Landscaping LLC');
          await expect(element).to.be.accessible();
        }
      });
    }

    it('disconnect confirmation open', async () => {
      world({ connections: [connection()] });
      const element = await mount('connection-id="con_0123456789abcdef0123" allow-purge');
      await shown(element, 'Acme');
      part(element, 'disconnect-button')!.click();
      await shown(element, 'Syncing stops');
      await expect(element).to.be.accessible();
    });

    it('refused and error', async () => {
      world({ failLoad: true });
      const failed = await mount();
      await shown(failed, 'Retry');
      await expect(failed).to.be.accessible();

      cleanup.pop()!();
      world();
      windowOpen();
      const refused = await mount();
      await shown(refused, 'Connect to QuickBooks');
      part(refused, 'connect-button')!.click();
      postResult({ source: 'ledgerlink', type: 'oauth-result', outcome: 'refused', message: 'QuickBooks Online in South Africa is not supported' });
      await shown(refused, 'Choose another company');
      await expect(refused).to.be.accessible();
    });

    it('refused reconnect (another company chosen)', async () => {
      world({ connections: [connection({ status: 'needs_reconnect' })] });
      windowOpen();
      for (const attributes of ['', 'theme="dark"']) {
        const element = await mount(`connection-id="con_0123456789abcdef0123" ${attributes}`);
        await shown(element, 'Reconnect needed');
        part(element, 'reconnect-button')!.click();
        postResult(wrongCompany());
        await shown(element, 'That is a different company');
        await expect(element).to.be.accessible();
      }
    });

    it('permission-limited', async () => {
      world({ role: 'member', connections: [connection({ status: 'needs_reconnect' })] });
      const idle = await mount();
      await shown(idle, 'Only admins');
      await expect(idle).to.be.accessible();
      const managed = await mount('connection-id="con_0123456789abcdef0123"');
      await shown(managed, 'Only admins');
      await expect(managed).to.be.accessible();
    });
  });

  it('connects in a popup: start-url in popup mode, result shown, ledgerlink-connected fired, focus on the company', async () => {
    const bff = world();
    const open = windowOpen();
    const recorded = events();
    const element = await mount();
    await shown(element, 'Connect to QuickBooks');
    expect(text(element)).to.include('Not connected');

    part(element, 'connect-button')!.click();
    expect(open.calls).to.have.length(1);
    await until(() => open.popup.location.href === START_URL, 'the popup to be sent to QuickBooks');
    expect(startUrlRequests(bff)[0]?.body).to.deep.equal({ mode: 'popup' });
    expect(text(element)).to.include('Finish connecting in the QuickBooks window');
    expect(announcement(element)).to.include('Finish connecting');

    part(element, 'focus-window-button')!.click();
    expect(open.popup.focused).to.equal(1);

    postResult({ source: 'ledgerlink', type: 'oauth-result', outcome: 'connected', connection: connection() });
    await shown(element, 'Acme Landscaping LLC');
    expect(text(element)).to.include('United States · QuickBooks Online Plus');
    expect(text(element)).to.include('Last synced 2 hours ago');
    expect(part(element, 'sync')!.querySelector('time')!.title).to.match(/\d{1,2}:\d{2}/);
    expect(part(element, 'status')!.textContent).to.include('Connected');
    expect(has(element, 'connect-button'), 'the Connect button is hidden once connected').to.equal(false);
    expect(has(element, 'disconnect-button')).to.equal(true);
    expect(recorded.of('ledgerlink-connected').length).to.equal(1);
    const event = recorded.of('ledgerlink-connected')[0]!;
    expect(event.bubbles && event.composed).to.equal(true);
    expect(event.detail.connection.id).to.equal('con_0123456789abcdef0123');
    expect(element.connection?.company_name).to.equal('Acme Landscaping LLC');
    expect(open.popup.closed).to.equal(true);
    expect(focusedPart(element)).to.equal('company-name');
    expect(announcement(element)).to.equal('Connected to Acme Landscaping LLC.');
  });

  it('a closed popup without a result goes back to idle, with no error and focus on Connect', async () => {
    world();
    const open = windowOpen();
    const recorded = events();
    const element = await mount();
    await shown(element, 'Connect to QuickBooks');
    part(element, 'connect-button')!.click();
    await shown(element, 'Finish connecting');

    open.popup.closed = true;
    await until(() => part(element, 'connect-button'), 'idle again', 1500);
    expect(text(element)).not.to.include('Finish connecting');
    expect(text(element)).not.to.include('Something went wrong');
    expect(recorded.events.map((event) => event.type)).to.deep.equal([]);
    expect(focusedPart(element)).to.equal('connect-button');
    expect(announcement(element)).to.include('closed');
  });

  it('Cancel closes the popup and goes back', async () => {
    world();
    const open = windowOpen();
    const element = await mount();
    await shown(element, 'Connect to QuickBooks');
    part(element, 'connect-button')!.click();
    await shown(element, 'Finish connecting');
    part(element, 'cancel-button')!.click();
    await until(() => part(element, 'connect-button'), 'idle again');
    expect(open.popup.closed).to.equal(true);
  });

  it('a blocked popup falls back to redirect mode with return_url', async () => {
    const bff = world();
    const open = windowOpen(true);
    const element = await mount();
    await shown(element, 'Connect to QuickBooks');
    part(element, 'connect-button')!.click();
    await until(() => element.navigations.length === 1, 'navigation to QuickBooks');
    expect(open.calls).to.have.length(1);
    expect(startUrlRequests(bff)[0]?.body).to.deep.equal({ mode: 'redirect', return_url: location.href });
    expect(element.navigations).to.deep.equal([START_URL]);
    expect(text(element)).to.include('Opening QuickBooks');
  });

  it('the redirect attribute skips the popup and drops ledgerlink_* params from return_url', async () => {
    const bff = world({ connections: [connection({ status: 'needs_reconnect' })] });
    const open = windowOpen();
    const before = location.href;
    const url = new URL(location.href);
    url.searchParams.set('ledgerlink_oauth', 'nonsense'); // not an outcome: ignored, but still stripped
    history.replaceState(history.state, '', url);
    cleanup.push(() => history.replaceState(history.state, '', before));
    const element = await mount('redirect connection-id="con_0123456789abcdef0123"');
    await shown(element, 'Reconnect');
    expect(location.href).to.equal(before);
    part(element, 'reconnect-button')!.click();
    await until(() => element.navigations.length === 1, 'navigation');
    expect(open.calls).to.have.length(0);
    expect(startUrlRequests(bff)[0]?.body).to.deep.equal({ mode: 'redirect', return_url: before, connection_id: 'con_0123456789abcdef0123' });
  });

  it('handles the redirect return: resolves its result id, loads the connection, fires ledgerlink-connected and strips the params', async () => {
    world({ connections: [connection()], results: { [RESULT_ID]: { source: 'ledgerlink', type: 'oauth-result', outcome: 'connected', connection: connection() } } });
    const recorded = events();
    const before = location.href;
    const url = new URL(location.href);
    url.searchParams.set('ledgerlink_oauth', RESULT_ID);
    history.replaceState(history.state, '', url);
    cleanup.push(() => history.replaceState(history.state, '', before));

    const element = await mount();
    await shown(element, 'Acme Landscaping LLC');
    expect(location.search).not.to.include('ledgerlink_');
    expect(location.href).to.equal(before);
    await until(() => recorded.of('ledgerlink-connected').length === 1, 'connected event');
    expect(recorded.of('ledgerlink-connected')[0]!.detail.connection.company_name).to.equal('Acme Landscaping LLC');
  });

  it('shows a refusal that came back on the redirect', async () => {
    world({
      results: {
        [RESULT_ID]: {
          source: 'ledgerlink',
          type: 'oauth-result',
          outcome: 'refused',
          code: 'policy_refused',
          message: 'This integration needs QuickBooks Online Plus or Advanced; this company is on Essentials',
        },
      },
    });
    const before = location.href;
    const url = new URL(location.href);
    url.searchParams.set('ledgerlink_oauth', RESULT_ID);
    history.replaceState(history.state, '', url);
    cleanup.push(() => history.replaceState(history.state, '', before));
    const element = await mount();
    await shown(element, 'this company is on Essentials');
    expect(part(element, 'message')!.textContent!.trim()).to.equal('This integration needs QuickBooks Online Plus or Advanced; this company is on Essentials');
    expect(location.href).to.equal(before);
  });

  it('a crafted ?ledgerlink_oauth= link shows no text and fires no event: only a result the BFF recorded for this session counts', async () => {
    world({ connections: [connection()] });
    const recorded = events();
    const before = location.href;
    for (const crafted of [
      { ledgerlink_oauth: 'refused', ledgerlink_message: 'Your subscription lapsed: call +1 555 0100 to pay', ledgerlink_code: 'policy_refused' },
      { ledgerlink_oauth: 'connected', ledgerlink_connection: 'con_0123456789abcdef0123' },
      { ledgerlink_oauth: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', ledgerlink_message: 'Your subscription lapsed: call +1 555 0100 to pay' },
    ]) {
      const url = new URL(before);
      for (const [name, value] of Object.entries(crafted)) url.searchParams.set(name, value);
      history.replaceState(history.state, '', url);
      cleanup.push(() => history.replaceState(history.state, '', before));
      const element = await mount('connection-id="con_0123456789abcdef0123"');
      await shown(element, 'Acme Landscaping LLC');
      expect(location.href).to.equal(before);
      expect(text(element)).not.to.include('555 0100');
      expect(text(element)).not.to.include('subscription');
    }
    await aTimeout(50);
    expect(recorded.events.map((event) => event.type)).to.deep.equal([]);
  });

  it('ignores messages from another origin or of another shape', async () => {
    world();
    windowOpen();
    const recorded = events();
    const element = await mount();
    await shown(element, 'Connect to QuickBooks');
    part(element, 'connect-button')!.click();
    await shown(element, 'Finish connecting');

    const result = { source: 'ledgerlink', type: 'oauth-result', outcome: 'connected', connection: connection() };
    postResult(result, 'https://evil.example');
    postResult(result, location.origin);
    postResult({ ...result, source: 'someone-else' });
    postResult('connected');
    await aTimeout(50);
    expect(text(element)).to.include('Finish connecting');
    expect(recorded.events.map((event) => event.type)).to.deep.equal([]);

    postResult(result);
    await shown(element, 'Acme Landscaping LLC');
    expect(recorded.of('ledgerlink-connected').length).to.equal(1);
  });

  it('needs reconnect: explains why, Reconnect asks start-url with the connection id', async () => {
    // The BFF's reason is a sentence (bff/connections/tokens.ts), shown as it is.
    const reason = 'QuickBooks no longer accepts this connection. It may have been disconnected inside QuickBooks, or unused for 100 days.';
    const bff = world({ connections: [connection({ status: 'needs_reconnect', status_reason: reason })] });
    const open = windowOpen();
    const recorded = events();
    const element = await mount('connection-id="con_0123456789abcdef0123"');
    await shown(element, 'Reconnect needed');
    expect(text(element)).to.include(reason);
    expect(recorded.events.map((event) => event.type), 'loading a connection that already needs reconnecting fires nothing').to.deep.equal([]);

    part(element, 'reconnect-button')!.click();
    await until(() => open.popup.location.href === START_URL, 'popup sent');
    expect(startUrlRequests(bff)[0]?.body).to.deep.equal({ mode: 'popup', connection_id: 'con_0123456789abcdef0123' });

    postResult({ source: 'ledgerlink', type: 'oauth-result', outcome: 'connected', connection: connection() });
    await until(() => part(element, 'status')?.textContent?.includes('Connected') && !text(element).includes('Reconnect needed'), 'connected');
    expect(recorded.of('ledgerlink-connected').length).to.equal(1);
  });

  it('needs reconnect with a bare machine reason: the sentence for the status, never the code', async () => {
    world({ connections: [connection({ status: 'needs_reconnect', status_reason: 'refresh_token_expired' })] });
    const element = await mount('connection-id="con_0123456789abcdef0123"');
    await shown(element, 'Reconnect needed');
    expect(text(element)).to.include('QuickBooks asked for the connection to be confirmed again. Reconnect to resume syncing.');
    expect(text(element)).not.to.include('refresh_token_expired');
  });

  it('Check connection that finds an expired token fires ledgerlink-needs-reconnect', async () => {
    const bff = world({ connections: [connection()], check: connection({ status: 'needs_reconnect', status_reason: 'token_revoked' }) });
    const recorded = events();
    const element = await mount('connection-id="con_0123456789abcdef0123"');
    await shown(element, 'Acme');
    part(element, 'check-button')!.click();
    await shown(element, 'Reconnect needed');
    expect(bff.requests.some((r) => r.method === 'POST' && r.path === '/v1/widget/connections/con_0123456789abcdef0123/check')).to.equal(true);
    expect(recorded.of('ledgerlink-needs-reconnect').length).to.equal(1);
    expect(focusedPart(element)).to.equal('reconnect-button');
  });

  it('disconnects with an inline confirmation driven by the keyboard (Enter, Escape, Tab)', async () => {
    const bff = world({ connections: [connection()] });
    const recorded = events();
    const element = await mount('connection-id="con_0123456789abcdef0123"');
    await shown(element, 'Acme');
    const deletes = () => bff.requests.filter((r) => r.method === 'DELETE');

    part(element, 'disconnect-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await shown(element, 'Disconnect Acme Landscaping LLC? Syncing stops; data already imported is kept.');
    expect(focusedPart(element), 'focus on Cancel').to.equal('cancel-button');

    await sendKeys({ press: 'Escape' });
    await until(() => !text(element).includes('Syncing stops'), 'confirm closed');
    expect(focusedPart(element)).to.equal('disconnect-button');
    expect(deletes()).to.have.length(0);

    await sendKeys({ press: 'Enter' });
    await shown(element, 'Syncing stops');
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ up: 'Shift' });
    expect(element.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Disconnect');
    await sendKeys({ press: 'Enter' });
    await until(() => recorded.of('ledgerlink-disconnected').length === 1, 'disconnected event');
    expect(deletes().map((r) => r.path)).to.deep.equal(['/v1/widget/connections/con_0123456789abcdef0123']);
    const detail = recorded.of('ledgerlink-disconnected')[0]!.detail;
    expect(detail.purged).to.equal(false);
    expect(detail.connection.status).to.equal('disconnected');
    await shown(element, 'Disconnected');
    // Disconnected: the Connect button is offered again, and reconnects the same connection.
    expect(has(element, 'connect-button')).to.equal(true);
    expect(has(element, 'disconnect-button')).to.equal(false);
  });

  it('with allow-purge, disconnecting can delete the data (DELETE ?purge=true, purged: true)', async () => {
    const bff = world({ connections: [connection()] });
    const recorded = events();
    const element = await mount('connection-id="con_0123456789abcdef0123" allow-purge');
    await shown(element, 'Acme');
    part(element, 'disconnect-button')!.click();
    await shown(element, 'Also delete');
    element.shadowRoot!.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    await element.updateComplete;
    parts(element, 'disconnect-button')[0]!.click();
    await until(() => recorded.of('ledgerlink-disconnected').length === 1, 'disconnected event');
    expect(bff.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).to.deep.equal([
      '/v1/widget/connections/con_0123456789abcdef0123?purge=true',
    ]);
    expect(recorded.of('ledgerlink-disconnected')[0]!.detail.purged).to.equal(true);
    await until(() => part(element, 'connect-button'), 'Connect offered');
  });

  it('a role outside connect_roles sees the actions disabled, with the reason linked by aria-describedby', async () => {
    // No connection yet: the card offers Connect (with one, it shows that company instead, issue 12).
    const bff = world({ role: 'member' });
    const open = windowOpen();
    const idle = await mount();
    await shown(idle, 'Connect to QuickBooks');
    const connect = part(idle, 'connect-button')!;
    expect(connect.getAttribute('aria-disabled')).to.equal('true');
    const note = idle.shadowRoot!.getElementById(connect.getAttribute('aria-describedby')!)!;
    expect(note.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Only admins can connect QuickBooks. Ask an admin in your organization.');
    connect.click();
    await aTimeout(20);
    expect(open.calls).to.have.length(0);
    expect(startUrlRequests(bff)).to.have.length(0);

    world({ role: 'member', connections: [connection()] }); // answers before the first fake; both are restored after
    const managed = await mount('connection-id="con_0123456789abcdef0123"');
    await shown(managed, 'Acme');
    const disconnect = part(managed, 'disconnect-button')!;
    expect(disconnect.getAttribute('aria-disabled')).to.equal('true');
    // The note names what the refused buttons on screen do: Disconnect and Connect another company here.
    expect(managed.shadowRoot!.getElementById(disconnect.getAttribute('aria-describedby')!)?.textContent).to.equal(
      'Only admins can connect or disconnect QuickBooks. Ask an admin in your organization.',
    );
    disconnect.click();
    await aTimeout(20);
    expect(text(managed)).not.to.include('Syncing stops');
    world({ role: 'member', settings: { max_connections: 1 }, connections: [connection({ status: 'needs_reconnect' })] });
    const expired = await mount('connection-id="con_0123456789abcdef0123"');
    await shown(expired, 'Acme');
    const reconnect = part(expired, 'reconnect-button')!;
    expect(expired.shadowRoot!.getElementById(reconnect.getAttribute('aria-describedby')!)?.textContent).to.equal(
      'Only admins can reconnect or disconnect QuickBooks. Ask an admin in your organization.',
    );
  });

  it('Check connection is offered only to roles the BFF lets check (connect or sync roles), never to a viewer', async () => {
    const errored = connection({ status: 'error', status_reason: 'provider_error' });
    world({ role: 'viewer', settings: { sync_roles: ['admin', 'accountant'] }, connections: [connection()] });
    const viewer = await mount('connection-id="con_0123456789abcdef0123"');
    await shown(viewer, 'Acme');
    expect(part(viewer, 'check-button')).to.equal(null);
    expect(part(viewer, 'disconnect-button')!.getAttribute('aria-disabled')).to.equal('true');

    const bff = world({ role: 'viewer', settings: { sync_roles: ['admin', 'accountant'] }, connections: [errored] });
    const failing = await mount('connection-id="con_0123456789abcdef0123"');
    await shown(failing, 'Acme');
    expect(part(failing, 'check-button')).to.equal(null);
    await aTimeout(20);
    expect(bff.requests.filter((r) => r.path.endsWith('/check'))).to.have.length(0);

    const allowed = world({ role: 'accountant', settings: { sync_roles: ['admin', 'accountant'] }, connections: [connection()] });
    const accountant = await mount('connection-id="con_0123456789abcdef0123"');
    await shown(accountant, 'Acme');
    const check = part(accountant, 'check-button')!;
    expect(check.getAttribute('aria-disabled')).to.equal(null);
    check.click();
    await until(() => allowed.requests.some((r) => r.method === 'POST' && r.path.endsWith('/check')), 'the check sent');
    expect(text(accountant)).not.to.include('Something went wrong');
  });

  it('a refused outcome shows the exact reason and lets the user choose another company', async () => {
    const bff = world();
    const open = windowOpen();
    const recorded = events();
    const element = await mount();
    await shown(element, 'Connect to QuickBooks');
    part(element, 'connect-button')!.click();
    await shown(element, 'Finish connecting');
    postResult({ source: 'ledgerlink', type: 'oauth-result', outcome: 'refused', message: 'QuickBooks Online in South Africa is not supported' });
    await shown(element, 'Choose another company');
    expect(part(element, 'message')!.textContent!.trim()).to.equal('QuickBooks Online in South Africa is not supported');
    expect(focusedPart(element)).to.equal('retry-button');
    expect(recorded.events.map((event) => event.type)).to.deep.equal([]);

    part(element, 'retry-button')!.click();
    await until(() => startUrlRequests(bff).length === 2, 'a second start-url');
    expect(open.calls).to.have.length(2);
  });

  it('reconnecting, another company chosen: the refusal names both, focus on Try again, and Enter reconnects the same connection', async () => {
    const bff = world({ connections: [connection({ status: 'needs_reconnect', status_reason: 'token_revoked' })] });
    const open = windowOpen();
    const recorded = events();
    const element = await mount('connection-id="con_0123456789abcdef0123"');
    await shown(element, 'Reconnect needed');
    part(element, 'reconnect-button')!.click();
    await until(() => open.popup.location.href === START_URL, 'popup sent');
    postResult(wrongCompany());

    await shown(element, 'That is a different company');
    expect(part(element, 'message')!.textContent!.trim()).to.equal(WRONG_COMPANY_MESSAGE);
    expect(part(element, 'retry-button')!.textContent!.trim()).to.equal('Try again');
    expect(text(element)).not.to.include('Choose another company');
    expect(announcement(element)).to.include(WRONG_COMPANY_MESSAGE);
    expect(focusedPart(element)).to.equal('retry-button');
    expect(open.popup.closed).to.equal(true);
    expect(recorded.events.map((event) => event.type), 'nothing connected, nothing failed').to.deep.equal([]);

    open.popup.closed = false;
    open.popup.location.href = '';
    await sendKeys({ press: 'Enter' });
    await until(() => open.popup.location.href === START_URL, 'popup sent again');
    expect(open.calls).to.have.length(2);
    expect(startUrlRequests(bff).map((request) => request.body)).to.deep.equal([
      { mode: 'popup', connection_id: 'con_0123456789abcdef0123' },
      { mode: 'popup', connection_id: 'con_0123456789abcdef0123' },
    ]);
    postResult({ source: 'ledgerlink', type: 'oauth-result', outcome: 'connected', connection: connection() });
    await until(() => part(element, 'status')?.textContent?.includes('Connected'), 'connected');
    expect(recorded.of('ledgerlink-connected').length).to.equal(1);
  });

  it('reconnecting from the one-company card (no connection-id), another company chosen: Try again still names that connection', async () => {
    const bff = world({ settings: { max_connections: 1 }, connections: [connection({ status: 'needs_reconnect' })] });
    windowOpen();
    const element = await mount();
    await shown(element, 'Reconnect needed');
    part(element, 'reconnect-button')!.click();
    postResult(wrongCompany());
    await shown(element, 'Try again');
    part(element, 'retry-button')!.click();
    await until(() => startUrlRequests(bff).length === 2, 'a second start-url');
    expect(startUrlRequests(bff)[1]?.body).to.deep.equal({ mode: 'popup', connection_id: 'con_0123456789abcdef0123' });
  });

  it('Cancel after a refused reconnect goes back to the card, focus on Reconnect', async () => {
    world({ connections: [connection({ status: 'needs_reconnect' })] });
    windowOpen();
    const element = await mount('connection-id="con_0123456789abcdef0123"');
    await shown(element, 'Reconnect needed');
    part(element, 'reconnect-button')!.click();
    postResult(wrongCompany());
    await shown(element, 'Try again');
    part(element, 'cancel-button')!.click();
    await until(() => has(element, 'reconnect-button'), 'the card again');
    expect(text(element)).to.include('Reconnect needed');
    expect(text(element)).not.to.include('That is a different company');
    expect(focusedPart(element)).to.equal('reconnect-button');
  });

  it('redirect mode: a reconnect refused for another company comes back on the URL; Try again reconnects that connection', async () => {
    const bff = world({ connections: [connection({ status: 'needs_reconnect' })], results: { [RESULT_ID]: wrongCompany() } });
    const open = windowOpen();
    const before = location.href;
    const url = new URL(location.href);
    url.searchParams.set('ledgerlink_oauth', RESULT_ID);
    history.replaceState(history.state, '', url);
    cleanup.push(() => history.replaceState(history.state, '', before));

    // No connection-id: the element learns which connection to reconnect from the result the URL names.
    const element = await mount('redirect');
    await shown(element, 'That is a different company');
    expect(location.href, 'every ledgerlink_* parameter is stripped').to.equal(before);
    expect(part(element, 'message')!.textContent!.trim()).to.equal(WRONG_COMPANY_MESSAGE);
    expect(part(element, 'retry-button')!.textContent!.trim()).to.equal('Try again');

    part(element, 'retry-button')!.click();
    await until(() => element.navigations.length === 1, 'navigation to QuickBooks');
    expect(open.calls).to.have.length(0);
    expect(startUrlRequests(bff)[0]?.body).to.deep.equal({ mode: 'redirect', return_url: before, connection_id: 'con_0123456789abcdef0123' });
  });

  it('a cancelled consent goes back quietly', async () => {
    world();
    windowOpen();
    const recorded = events();
    const element = await mount();
    await shown(element, 'Connect to QuickBooks');
    part(element, 'connect-button')!.click();
    postResult({ source: 'ledgerlink', type: 'oauth-result', outcome: 'cancelled' });
    await until(() => part(element, 'connect-button'), 'idle again');
    expect(recorded.events.map((event) => event.type)).to.deep.equal([]);
    expect(announcement(element)).to.include('cancelled');
  });

  it('an error shows the message, fires ledgerlink-error and Retry tries again', async () => {
    let failures = 1;
    const bff = world({
      startUrl: () =>
        failures-- > 0 ? { status: 500, body: { error: { code: 'internal', message: 'QuickBooks did not answer. Try again in a moment.' } } } : undefined,
    });
    const open = windowOpen();
    const recorded = events();
    const element = await mount();
    await shown(element, 'Connect to QuickBooks');
    part(element, 'connect-button')!.click();
    await shown(element, 'QuickBooks did not answer. Try again in a moment.');
    expect(open.popup.closed, 'the blank popup is closed on failure').to.equal(true);
    expect(recorded.of('ledgerlink-error').map((e) => e.detail)).to.deep.equal([
      { code: 'internal', message: 'QuickBooks did not answer. Try again in a moment.' },
    ]);
    expect(focusedPart(element)).to.equal('retry-button');

    open.popup.closed = false;
    part(element, 'retry-button')!.click();
    await until(() => open.popup.location.href === START_URL, 'popup sent on retry');
    expect(startUrlRequests(bff)).to.have.length(2);

    postResult({ source: 'ledgerlink', type: 'oauth-result', outcome: 'error', code: 'state_mismatch', message: 'The sign-in expired. Try again.' });
    await shown(element, 'The sign-in expired. Try again.');
    expect(recorded.of('ledgerlink-error').at(-1)!.detail).to.deep.equal({ code: 'state_mismatch', message: 'The sign-in expired. Try again.' });
  });

  it('a failed load shows the reason and Retry reloads', async () => {
    const recorded = events();
    world({ failLoad: true });
    const element = await mount();
    await shown(element, 'Ledgerlink is briefly unavailable');
    expect(recorded.of('ledgerlink-error').length).to.equal(1);
    cleanup.pop()!();
    world();
    part(element, 'retry-button')!.click();
    await until(() => part(element, 'connect-button'), 'loaded');
  });

  it('with max_connections 1, shows the existing QuickBooks connection instead of Connect', async () => {
    world({ settings: { max_connections: 1 }, connections: [connection({ id: 'con_aaaaaaaaaaaaaaaaaaaa', status: 'disconnected', company_name: 'Old Co' }), connection()] });
    const element = await mount();
    await shown(element, 'Acme Landscaping LLC');
    expect(text(element)).not.to.include('Old Co');
  });

  it('host artwork in the connect-button slot replaces the drawn button inside the same button', async () => {
    world();
    windowOpen();
    const element = await mount('', '<img slot="connect-button" alt="Connect to QuickBooks" width="200" height="36" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">');
    await until(() => part(element, 'connect-button'), 'the Connect button');
    const button = part(element, 'connect-button')!;
    expect(button.classList.contains('artwork')).to.equal(true);
    const slot = button.querySelector('slot')!;
    expect(slot.assignedElements()[0]?.tagName).to.equal('IMG');
    await expect(element).to.be.accessible();
  });

  it('button mode shows only the button while not connected', async () => {
    world();
    const element = await mount('mode="button"');
    await shown(element, 'Connect to QuickBooks');
    expect(has(element, 'message')).to.equal(false);
    expect(has(element, 'card')).to.equal(false);
  });
});

describe('qbo-connect refresh after a sync', () => {
  it('re-reads its connection when a sync-completed event about it reaches the document', async () => {
    const tag = uniqueTag('qbo-connect-refresh');
    defineElement(tag, class extends QboConnect {});
    const base = { id: 'con_00000000000000000001', organization_id: 'o', provider: 'qbo', external_id: '1', company_name: 'Acme', legal_name: null, country: 'US', plan: 'Plus', status: 'connected', status_reason: null, connected_by: 'u', created_at: new Date().toISOString(), connected_at: null, last_refreshed_at: null };
    let synced: string | null = null;
    const bff = installFakeBff('http://bff.refresh', (request) => {
      if (request.path.startsWith('/v1/widget/session')) return { body: { tenant_id: 't', organization_id: 'o', user: { id: 'u', role: 'admin' }, expires_at: new Date(Date.now() + 600_000).toISOString() } };
      if (request.path.startsWith('/v1/widget/settings')) return { body: { max_connections: 10, connect_roles: ['admin'], sync_roles: ['admin'], allowed_countries: ['US'], required_plans: [], read_only: false, sync_schedule: { cron: '0 2 * * *', timezone: 'UTC' }, default_visibility: 'organization', field_conflict_policy: 'newest_wins' } };
      return { body: { ...base, last_synced_at: synced } };
    });
    const text = (element: Element) => element.shadowRoot?.textContent ?? '';
    const waitFor = async (element: Element, predicate: (content: string) => boolean) => {
      for (let i = 0; i < 100 && !predicate(text(element)); i++) await aTimeout(20);
      return predicate(text(element));
    };
    try {
      const name = unsafeStatic(tag);
      const element = await fixture(
        staticHtml`<${name} bff-url="http://bff.refresh" session-token=${fakeToken(600)} connection-id="con_00000000000000000001"></${name}>`,
      );
      expect(await waitFor(element, (content) => content.includes('Not synced yet'))).to.equal(true);
      synced = new Date().toISOString();
      document.dispatchEvent(new CustomEvent('ledgerlink-sync-completed', { detail: { connection_id: 'con_00000000000000000001' } }));
      expect(await waitFor(element, (content) => !content.includes('Not synced yet'))).to.equal(true);
    } finally {
      bff.restore();
    }
  });
});
