import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { errorDetail, LedgerlinkApiError, SOMETHING_WENT_WRONG } from '../base/bff-client.ts';
import { ConnectionsController, type ConnectionsState } from '../base/connection-store.ts';
import { LedgerlinkElement } from '../base/ledgerlink-element.ts';
import { buttonStyles } from '../base/controls.styles.ts';
import { capabilityNote, permissionNote, permissionNoteStyles, roleCan } from '../base/permission-note.ts';
import { Announcer } from '../base/announcer.ts';
import { themeStyles } from '../base/theme.ts';
import { countryName } from '../format/country.ts';
import { quickbooksPlanName } from '../format/quickbooks-plan.ts';
import { formatDateTime, formatRelativeTime } from '../format/relative-time.ts';
import { endSentence } from '../format/sentence.ts';
import { startPopupFlow, type PopupFlow, type PopupFlowResult } from '../oauth/popup-flow.ts';
import type { Connection } from '../../shared/api/connections.ts';
import type { OAuthResultCode, OAuthResultMessage } from '../../shared/api/oauth.ts';
import { statusLabels, statusReason } from './connection-status.ts';
import { resolveRedirectResult, returnUrl, takeRedirectResult, type RedirectResult } from './oauth-redirect.ts';
import { qboConnectStyles } from './qbo-connect.styles.ts';
import { cardButton, cardFrame, connectButton, type ButtonOptions, type CardParts } from './card-parts.ts';

/** `ledgerlink-connected`: a company was connected or reconnected. */
export interface ConnectedEventDetail {
  connection: Connection;
}

/** `ledgerlink-disconnected`: the user disconnected; `purged` when the connection and its data were deleted. */
export interface DisconnectedEventDetail {
  connection: Connection;
  purged: boolean;
}

/** `ledgerlink-needs-reconnect`: a check found that QuickBooks no longer accepts the connection's access. */
export interface NeedsReconnectEventDetail {
  connection: Connection;
}

/** `ledgerlink-error`: something failed; `code` is the BFF's error code (or `network`, `oauth_error`), `message` plain words. */
export interface ErrorEventDetail {
  code: string;
  message: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'qbo-connect': QboConnect;
  }
  interface HTMLElementEventMap {
    'ledgerlink-connected': CustomEvent<ConnectedEventDetail>;
    'ledgerlink-disconnected': CustomEvent<DisconnectedEventDetail>;
    'ledgerlink-needs-reconnect': CustomEvent<NeedsReconnectEventDetail>;
    'ledgerlink-error': CustomEvent<ErrorEventDetail>;
  }
}

/**
 * What the element is doing. `rest` shows the organization's connections as the shared store has them (none: the
 * Connect card; one: its card; several: the list); the others are steps of a flow started here.
 */
type View =
  | { kind: 'loading' }
  | { kind: 'rest' }
  | { kind: 'connecting' }
  | { kind: 'redirecting' }
  | { kind: 'refused'; message: string; code: string | undefined }
  | { kind: 'error'; code: string; message: string; retry: () => void };

/** Elements a transition can move focus to (their `data-focus` value). */
type FocusTarget = 'title' | 'connect' | 'reconnect' | 'retry' | 'check' | 'disconnect' | 'confirm-cancel' | 'list';

const POPUP_NAME = 'ledgerlink-quickbooks';
/** Reconnecting, the person chose another company in QuickBooks; nothing changed and the same reconnect can be tried again. */
const WRONG_COMPANY: OAuthResultCode = 'reconnect_wrong_company';
/** Relative times ("2 minutes ago") are redrawn this often while shown. */
const CLOCK_MS = 30_000;

/**
 * Connects a QuickBooks Online company to the host's organization, and shows and manages that connection
 * afterwards: reconnect when QuickBooks stops accepting access, disconnect (keeping or deleting the data).
 *
 * Without `connection-id` it shows the organization's QuickBooks connections: none, the Connect card; one, its
 * card; several, a list where each company offers what fits its state (Reconnect, Check, Disconnect with confirm),
 * and "Connect another company" while the organization's `max_connections` allows more. With `connection-id` it
 * manages that connection, and says so plainly when it was removed elsewhere. It shares the page's connection
 * state with every other Ledgerlink element (see `ConnectionStore`): a disconnect here shows in
 * `<client-sync-status>` at once, and their polls keep this card current. Authorization runs in a popup; when the browser blocks
 * popups, or with the `redirect` attribute, the whole page goes to QuickBooks and comes back. Reconnecting,
 * a different company chosen in QuickBooks is refused (nothing changes) and shown with "Try again".
 *
 * @summary "Connect to QuickBooks" button and connection card.
 *
 * @attr connection-id - Manage this existing connection instead of adding a new one.
 * @attr mode - `card` (default): a card with company details. `button`: only the button while not connected,
 *   a one-line status with its actions once connected.
 * @attr redirect - Always authorize with a full-page redirect instead of a popup.
 * @attr allow-purge - Offer "Also delete the data imported from QuickBooks" when disconnecting.
 *
 * @slot connect-button - Intuit's official "Connect to QuickBooks" artwork (e.g. an `<img>` with alt text),
 *   shown inside our `<button>` instead of the drawn button. Hosts need it to pass Intuit's app review.
 * @slot description - One line under the title saying what connecting does (default text explains it neutrally).
 *
 * @event {CustomEvent<ConnectedEventDetail>} ledgerlink-connected - A company was connected or reconnected.
 * @event {CustomEvent<DisconnectedEventDetail>} ledgerlink-disconnected - The user disconnected (`purged` when data was deleted).
 * @event {CustomEvent<NeedsReconnectEventDetail>} ledgerlink-needs-reconnect - A check found the connection needs reconnecting.
 * @event {CustomEvent<ErrorEventDetail>} ledgerlink-error - Loading, connecting or disconnecting failed.
 *
 * @csspart card - The card (card mode) or the status row (button mode).
 * @csspart mark - The drawn QuickBooks mark.
 * @csspart title - The card title when no company is shown ("QuickBooks", "Finish connecting…").
 * @csspart company-name - The connected company's name.
 * @csspart status - The status badge ("Connected", "Reconnect needed", …).
 * @csspart details - Country and plan.
 * @csspart sync - "Last synced …" line.
 * @csspart message - Explanations: what connecting does, why reconnect is needed, refusal and error messages.
 * @csspart permission-note - Why the actions are disabled for this user's role (the shared pattern of every component).
 * @csspart actions - The row of buttons.
 * @csspart companies - The list of companies when the organization has several.
 * @csspart company - One company in that list.
 * @csspart connect-another-button - "Connect another company".
 * @csspart connect-button - The "Connect to QuickBooks" button.
 * @csspart reconnect-button - The "Reconnect" button.
 * @csspart disconnect-button - The "Disconnect" button (also the one confirming it).
 * @csspart check-button - "Check connection".
 * @csspart retry-button - "Retry", "Choose another company" and "Try again" (a reconnect that chose another company).
 * @csspart cancel-button - Cancel buttons (confirm step, popup wait, a refused reconnect).
 * @csspart focus-window-button - "Show QuickBooks window".
 * @csspart confirm - The inline disconnect confirmation.
 * @csspart skeleton - The loading placeholder.
 *
 * @cssproperty --ll-qbo-button-bg - Connect button background. Default Intuit green `#2CA01C`.
 * @cssproperty --ll-qbo-button-bg-hover - Connect button background on hover. Default `#108000`.
 * @cssproperty --ll-qbo-button-bg-active - Connect button background while pressed. Default `#0b6b00`.
 * @cssproperty --ll-qbo-button-text - Connect button text colour. Default `#ffffff`.
 * @cssproperty --ll-qbo-button-radius - Connect button corner radius. Default `4px`.
 * @cssproperty --ll-qbo-button-font-size - Connect button label size. Default `18.67px`: white on Intuit green
 *   reaches WCAG contrast only as large bold text; if you make it smaller, also darken `--ll-qbo-button-bg`.
 * @cssproperty --ll-qbo-mark-size - Size of the mark in the card header. Default `36px`.
 */
export class QboConnect extends LedgerlinkElement {
  static override styles = [themeStyles, buttonStyles, permissionNoteStyles, qboConnectStyles];

  static override properties = {
    // Lit inherits these anyway; spelled out so the static side stays assignable to the base's.
    ...LedgerlinkElement.properties,
    connectionId: { type: String, attribute: 'connection-id' },
    mode: { type: String, reflect: true },
    redirect: { type: Boolean },
    allowPurge: { type: Boolean, attribute: 'allow-purge' },
    _view: { state: true },
    _confirming: { state: true },
    _purge: { state: true },
    _busy: { state: true },
  };

  /** The connection to manage. Without it the element adds a new one. */
  declare connectionId: string | undefined;
  /** `card` (default) or `button`. */
  declare mode: 'card' | 'button';
  /** Always use a full-page redirect instead of a popup. */
  declare redirect: boolean;
  /** Offer deleting the imported data when disconnecting. */
  declare allowPurge: boolean;

  declare private _view: View;
  /** The connection whose disconnect is being confirmed. */
  declare private _confirming: string | undefined;
  declare private _purge: boolean;
  declare private _busy: 'check' | 'disconnect' | undefined;

  /** The page's shared connection state (with `<client-sync-status>` and the others). */
  #announcer = new Announcer(this);
  #connections = new ConnectionsController(
    this,
    () => this.connectionStore(),
    (previous, next) => this.#stateChanged(previous, next),
    () => ({ connections: this.connectionId || 'all', sync: false }),
  );
  /** The result id a return from QuickBooks left on the URL, until it is resolved with the session. */
  #redirectResult: string | undefined;

  #flow: PopupFlow | undefined;
  #flowConnectionId: string | undefined;
  #viewBeforeFlow: View | undefined;

  #clock: ReturnType<typeof setInterval> | undefined;
  #focusAfterUpdate: string | undefined;

  constructor() {
    super();
    this.mode = 'card';
    this.redirect = false;
    this.allowPurge = false;
    this._view = { kind: 'rest' };
    this._purge = false;
  }

  /** The one connection the card shows, as the page's store has it; undefined on the Connect card and the list. */
  get connection(): Connection | undefined {
    return this._connection;
  }

  /** The one connection shown: connection-id's, the only one, or with one allowed the one in use. */
  get _connection(): Connection | undefined {
    const state = this.#connections.state;
    if (this.connectionId) return state.entries.find((entry) => entry.connection.id === this.connectionId)?.connection;
    const companies = this.#companies;
    if (state.settings?.max_connections === 1) return pickExisting(companies);
    return companies.length === 1 ? companies[0] : undefined;
  }

  /** The organization's QuickBooks connections, oldest first. */
  get #companies(): Connection[] {
    return this.#connections.state.entries.map((entry) => entry.connection).filter((connection) => connection.provider === 'qbo');
  }

  /**
   * Asks the server for the page's connections now, without a loading state, e.g. after a sync elsewhere on the
   * page. The element also does this by itself when a `ledgerlink-sync-completed` or `ledgerlink-sync-failed`
   * event about its connection reaches the document (as `<client-sync-status>` fires them).
   */
  async refresh(): Promise<void> {
    this.#connections.store?.refresh();
  }

  #onSyncFinished = (event: Event) => {
    const detail = (event as CustomEvent<{ connection_id?: string } | undefined>).detail;
    if (detail?.connection_id && this.#companies.some((connection) => connection.id === detail.connection_id)) void this.refresh();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('ledgerlink-sync-completed', this.#onSyncFinished);
    document.addEventListener('ledgerlink-sync-failed', this.#onSyncFinished);
    this.#redirectResult ??= takeRedirectResult();
    this.#clock = setInterval(() => {
      if (this._view.kind === 'rest' && this.#companies.length > 0) this.requestUpdate();
    }, CLOCK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('ledgerlink-sync-completed', this.#onSyncFinished);
    document.removeEventListener('ledgerlink-sync-failed', this.#onSyncFinished);
    clearInterval(this.#clock);
    this.#stopWatchingPopup();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.hasUpdated && changed.has('connectionId')) {
      this._view = { kind: 'rest' };
      this._confirming = undefined;
      this.#connections.rebind();
    }
  }

  protected override sessionChanged(): void {
    this._view = { kind: 'rest' };
    this._confirming = undefined;
    this.#connections.rebind();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const target = this.#focusAfterUpdate;
    if (!target) return;
    this.#focusAfterUpdate = undefined;
    this.renderRoot.querySelector<HTMLElement>(`[data-focus="${target}"]`)?.focus();
  }

  /** Sends the browser to QuickBooks in redirect mode. A seam for tests; hosts have no reason to override it. */
  protected navigate(url: string): void {
    location.assign(url);
  }

  // ── Loading ──────────────────────────────────────────────────────────────────────────────────────────

  /** Every answer and every action anywhere on the page lands here. */
  #stateChanged(previous: ConnectionsState, next: ConnectionsState): void {
    if (next.phase === 'error' && previous.phase !== 'error' && next.error) {
      this.#announcer.say(next.error.message);
      this.emit<ErrorEventDetail>('ledgerlink-error', next.error);
    }
    if (next.phase === 'ready' && previous.phase !== 'ready') {
      if (this.#redirectResult) void this.#resolveRedirect(this.#redirectResult);
    }
    // A confirmation for a connection that is gone or already disconnected has nothing left to confirm.
    const confirming = this._confirming && next.entries.find((entry) => entry.connection.id === this._confirming);
    if (this._confirming && (!confirming || confirming.connection.status === 'disconnected') && this._busy !== 'disconnect') this._confirming = undefined;
  }

  /**
   * The URL carries only an opaque id: what happened is read from the BFF with this element's session, so a
   * crafted link resolves to nothing and can make the element show no text and fire no event.
   */
  async #resolveRedirect(id: string): Promise<void> {
    const result = await resolveRedirectResult(this.client, id);
    this.#redirectResult = undefined;
    if (result) await this.#applyRedirectResult(result, this._connection);
    else this.requestUpdate();
  }

  async #applyRedirectResult(result: RedirectResult, current: Connection | undefined): Promise<void> {
    this.#flowConnectionId = this.connectionId || current?.id;
    this.#viewBeforeFlow = { kind: 'rest' };
    // A refused reconnect names the connection still waiting (only its id fits in the URL): read it, so that
    // trying again reconnects that one and Cancel goes back to its card.
    let waiting: Connection | undefined;
    if (result.outcome === 'refused' && result.code === WRONG_COMPANY && result.connectionId) {
      waiting = current?.id === result.connectionId ? current : await this.client.connection(result.connectionId).catch(() => undefined);
    }
    await this.#handleOutcome({
      outcome: result.outcome,
      connection: waiting,
      connectionId: result.connectionId,
      message: result.message,
      code: result.code,
    });
  }

  /** An action returned this connection: the page's store (and so every element) shows it now. */
  #show(connection: Connection | undefined): void {
    if (connection) this.#connections.store?.putConnection(connection);
    this._view = { kind: 'rest' };
  }

  // ── Connecting ───────────────────────────────────────────────────────────────────────────────────────

  #connect(connectionId: string | undefined): void {
    if (!this.#canConnect) return;
    this.#flowConnectionId = connectionId;
    this.#viewBeforeFlow = { kind: 'rest' };
    this._confirming = undefined;
    // The popup must open inside the click, before any await: browsers block window.open after an async gap.
    // It starts blank and is sent to QuickBooks once the BFF hands out the authorization URL.
    const flow = this.redirect ? undefined : this.#openPopup(connectionId);
    if (!flow) return void this.#startRedirect(connectionId);
    this.#stopWatchingPopup();
    this.#flow = flow;
    this._view = { kind: 'connecting' };
    this.#announcer.say('Finish connecting in the QuickBooks window.');
    this.#focusAfterUpdate = 'title';
  }

  #openPopup(connectionId: string | undefined): PopupFlow | undefined {
    const flow: PopupFlow | undefined = startPopupFlow({
      url: async () => (await this.client.quickbooksStartUrl({ mode: 'popup', ...(connectionId ? { connection_id: connectionId } : {}) })).url,
      origin: new URL(this.client.baseUrl).origin,
      name: POPUP_NAME,
      title: 'Connecting to QuickBooks…',
      onlyFromPopup: true,
      onResult: (result) => {
        if (!flow || this.#flow !== flow) return; // cancelled, replaced or disconnected meanwhile
        this.#flow = undefined;
        this.#popupEnded(result, connectionId);
      },
    });
    return flow;
  }

  async #startRedirect(connectionId: string | undefined): Promise<void> {
    this._view = { kind: 'redirecting' };
    this.#announcer.say('Opening QuickBooks…');
    try {
      const { url } = await this.client.quickbooksStartUrl({
        mode: 'redirect',
        return_url: returnUrl(),
        ...(connectionId ? { connection_id: connectionId } : {}),
      });
      this.navigate(url);
    } catch (error) {
      this.#fail(error, () => this.#connect(connectionId));
    }
  }

  #popupEnded(result: PopupFlowResult, connectionId: string | undefined): void {
    if (result.outcome === 'closed') return this.#popupClosedWithoutResult();
    // The authorization URL could not be fetched; the blank window is already closed.
    if ('cause' in result) return this.#fail(result.cause, () => this.#connect(connectionId));
    void this.#handleOutcome({
      outcome: result.outcome,
      connection: result.connection,
      connectionId: result.connection?.id,
      message: result.message,
      code: result.code,
    });
  }

  /** Stops listening to the window without closing it. */
  #stopWatchingPopup(): void {
    const flow = this.#flow;
    this.#flow = undefined;
    flow?.stop();
  }

  /** Closing the window is how people say "not now": back to where they were, no error. */
  #popupClosedWithoutResult(): void {
    this.#restoreViewBeforeFlow();
    this.#announcer.say('The QuickBooks window was closed. Nothing was connected.');
  }

  #cancelPopup(): void {
    const flow = this.#flow;
    this.#flow = undefined;
    flow?.cancel();
    this.#restoreViewBeforeFlow();
    this.#announcer.say('Connecting to QuickBooks was cancelled.');
  }

  #restoreViewBeforeFlow(): void {
    this._view = this.#viewBeforeFlow ?? { kind: 'rest' };
    this.#focusAfterUpdate = this.#primaryFocus();
  }

  async #handleOutcome(result: {
    outcome: OAuthResultMessage['outcome'];
    connection?: Connection | undefined;
    connectionId: string | undefined;
    message: string | undefined;
    code: OAuthResultCode | (string & {}) | undefined;
  }): Promise<void> {
    const retry = () => this.#connect(this.#flowConnectionId);
    switch (result.outcome) {
      case 'connected': {
        let connection = result.connection;
        try {
          if (!connection && result.connectionId) {
            this._view = { kind: 'loading' };
            connection = await this.client.connection(result.connectionId);
          }
        } catch (error) {
          return this.#fail(error, retry);
        }
        if (!connection) return this.#fail(new Error('QuickBooks connected, but the connection could not be read.'), retry);
        this.#show(connection);
        // The first import is queued now: the other elements on the page should show it without waiting a poll.
        this.#connections.store?.refresh();
        this.#announcer.say(endSentence(`Connected to ${connection.company_name ?? 'QuickBooks'}`));
        this.#focusAfterUpdate = this._connection ? this.#primaryFocus() : 'list';
        this.emit<ConnectedEventDetail>('ledgerlink-connected', { connection });
        return;
      }
      case 'refused': {
        if (result.code === WRONG_COMPANY && result.connection) {
          // Nothing changed; "Try again" must reconnect the same connection, whichever element started it.
          this.#connections.store?.putConnection(result.connection);
          this.#flowConnectionId = result.connection.id;
          this.#viewBeforeFlow = { kind: 'rest' };
        } else if (result.code === WRONG_COMPANY && result.connectionId) {
          this.#flowConnectionId = result.connectionId;
        }
        const message = result.message || 'This QuickBooks company cannot be connected.';
        this._view = { kind: 'refused', message, code: result.code };
        this.#announcer.say(message);
        this.#focusAfterUpdate = 'retry';
        return;
      }
      case 'cancelled':
        this.#restoreViewBeforeFlow();
        this.#announcer.say('Connecting to QuickBooks was cancelled. Nothing was connected.');
        return;
      case 'error': {
        const message = result.message || 'QuickBooks could not complete the connection. Try again in a moment.';
        this.#fail(new LedgerlinkApiError(0, result.code ?? 'oauth_error', message), retry);
        return;
      }
    }
  }

  // ── Managing a connection ────────────────────────────────────────────────────────────────────────────

  async #check(before: Connection): Promise<void> {
    if (!this.#canCheck) return;
    if (this._busy) return;
    this._busy = 'check';
    try {
      const connection = await this.client.checkConnection(before.id);
      this.#connections.store?.putConnection(connection);
      if (connection.status === 'connected') this.#announcer.say('The connection to QuickBooks works.');
      else this.#announcer.say(`${statusLabels[connection.status]}. ${statusReason(connection)}`);
      this.#focusAfterUpdate = this.#focusFor(connection);
      if (connection.status === 'needs_reconnect' && before.status !== 'needs_reconnect') {
        this.emit<NeedsReconnectEventDetail>('ledgerlink-needs-reconnect', { connection });
      }
    } catch (error) {
      this.#fail(error, () => {
        this.#show(undefined);
        void this.#check(before);
      });
    } finally {
      this._busy = undefined;
    }
  }

  #openConfirm(connection: Connection): void {
    if (!this.#canConnect) return;
    this._confirming = connection.id;
    this._purge = false;
    this.#focusAfterUpdate = 'confirm-cancel';
  }

  #closeConfirm(): void {
    const id = this._confirming;
    this._confirming = undefined;
    this.#focusAfterUpdate = this.#scoped('disconnect', id);
  }

  async #disconnect(before: Connection): Promise<void> {
    if (this._busy || !this.#canConnect) return;
    const purged = this.allowPurge && this._purge;
    this._busy = 'disconnect';
    try {
      let connection: Connection;
      if (purged) {
        await this.client.purgeConnection(before.id);
        connection = { ...before, status: 'disconnected' };
        this.#connections.store?.removeConnection(before.id);
        this.#show(undefined);
      } else {
        connection = await this.client.disconnectConnection(before.id);
        this.#show(connection);
      }
      this._confirming = undefined;
      const name = before.company_name ?? 'QuickBooks';
      this.#announcer.say(purged ? endSentence(`Disconnected ${name} and deleted its data`) : `${endSentence(`Disconnected ${name}`)} Data already imported is kept.`);
      this.#focusAfterUpdate = purged ? (this.#companies.length === 0 ? 'connect' : 'list') : this._connection ? 'title' : this.#scoped('connect', before.id);
      this.emit<DisconnectedEventDetail>('ledgerlink-disconnected', { connection, purged });
      this.#connections.store?.refresh();
    } catch (error) {
      this._confirming = undefined;
      this.#fail(error, () => {
        this.#show(undefined);
        this._confirming = before.id;
        this._purge = purged;
        this.#focusAfterUpdate = 'confirm-cancel';
      });
    } finally {
      this._busy = undefined;
    }
  }

  // ── Shared helpers ───────────────────────────────────────────────────────────────────────────────────

  #fail(error: unknown, retry: () => void, moveFocus = true): void {
    const { code, message } = errorDetail(error);
    this._view = { kind: 'error', code, message, retry };
    this.#announcer.say(message);
    if (moveFocus) this.#focusAfterUpdate = 'retry';
    this.emit<ErrorEventDetail>('ledgerlink-error', { code, message });
  }


  get #settings() {
    return this.#connections.state.settings;
  }

  get #canConnect(): boolean {
    return roleCan(this.#connections.state, 'manage');
  }

  /** Checking reaches QuickBooks on demand: connect or sync roles only (the BFF refuses viewers with 403). */
  get #canCheck(): boolean {
    return roleCan(this.#connections.state, 'check');
  }

  /** A focus target inside one company of the list (`disconnect:con_…`); the bare target on a one-company card. */
  #scoped(target: FocusTarget, id: string | undefined): string {
    return id && !this._connection ? `${target}:${id}` : target;
  }

  /** Where focus goes for a connection's card or list item: its one action, or its title. */
  #focusFor(connection: Connection): string {
    if (connection.status === 'needs_reconnect') return this.#scoped('reconnect', connection.id);
    if (connection.status === 'error' && this.#canCheck) return this.#scoped('check', connection.id);
    return this._connection ? 'title' : this.#scoped('disconnect', connection.id);
  }

  /** Where focus goes after a transition into the current view: its one action, or its title. */
  #primaryFocus(): string {
    const view = this._view;
    if (view.kind === 'error' || view.kind === 'refused') return 'retry';
    if (view.kind === 'rest') {
      const connection = this._connection;
      if (connection) return this.#focusFor(connection);
      return this.#companies.length === 0 ? 'connect' : 'list';
    }
    return 'title';
  }

  get #locale(): string | undefined {
    return this.closest('[lang]')?.getAttribute('lang') || undefined;
  }

  #onSlotChange = (): void => this.requestUpdate();

  // ── Rendering ────────────────────────────────────────────────────────────────────────────────────────

  protected override render(): TemplateResult {
    return html`${this.#renderView()}
      ${this.#announcer.render()}`;
  }

  #renderView(): TemplateResult {
    const view = this._view;
    switch (view.kind) {
      case 'loading':
        return this.#renderLoading();
      case 'rest':
        return this.#renderRest();
      case 'connecting':
        return this.#renderConnecting();
      case 'redirecting':
        return this.#frame({
          kind: 'redirecting',
          mark: true,
          title: html`<span class="title" part="title" data-focus="title" tabindex="-1">Opening QuickBooks…</span>`,
          body: html`<p class="message" part="message">You will come back here when you are done.</p>`,
        });
      case 'refused': {
        const wrongCompany = view.code === WRONG_COMPANY;
        return this.#frame({
          kind: 'refused',
          mark: true,
          title: html`<span class="title" part="title" data-focus="title" tabindex="-1"
            >${wrongCompany ? 'That is a different company' : "This company can't be connected"}</span
          >`,
          body: html`<p class="message" part="message">${view.message}</p>`,
          actions: html`${this.#button({
            label: wrongCompany ? 'Try again' : 'Choose another company',
            part: 'retry-button',
            focus: 'retry',
            primary: true,
            gated: true,
            onClick: () => this.#connect(this.#flowConnectionId),
          })}
          ${wrongCompany && this._connection
            ? this.#button({ label: 'Cancel', part: 'cancel-button', onClick: () => this.#restoreViewBeforeFlow() })
            : nothing}`,
          gatedVerb: wrongCompany ? 'reconnect' : 'connect',
        });
      }
      case 'error':
        return this.#frame({
          kind: 'error',
          mark: false,
          title: html`<span class="title" part="title" data-focus="title" tabindex="-1">Something went wrong</span>`,
          body: html`<p class="message" part="message">${view.message}</p>`,
          actions: this.#button({ label: 'Retry', part: 'retry-button', focus: 'retry', primary: true, onClick: view.retry }),
        });
    }
  }

  /** The organization's connections as the page's store has them. */
  #renderRest(): TemplateResult {
    const state = this.#connections.state;
    if (state.phase === 'error') {
      return this.#frame({
        kind: 'error',
        mark: false,
        title: html`<span class="title" part="title" data-focus="title" tabindex="-1">Something went wrong</span>`,
        body: html`<p class="message" part="message">${state.error?.message ?? SOMETHING_WENT_WRONG}</p>`,
        actions: this.#button({ label: 'Retry', part: 'retry-button', focus: 'retry', primary: true, onClick: () => this.#connections.store?.reload() }),
      });
    }
    if (state.phase !== 'ready' || this.#redirectResult) return this.#renderLoading();
    const connection = this._connection;
    if (connection) return this.#renderConnection(connection);
    if (this.connectionId) return this.#renderGone();
    const companies = this.#companies;
    return companies.length === 0 ? this.#renderIdle() : this.#renderCompanies(companies);
  }

  /** connection-id names a connection that was deleted elsewhere (or hidden from this user): no Retry can bring it back. */
  #renderGone(): TemplateResult {
    return this.#frame({
      kind: 'gone',
      mark: true,
      title: html`<span class="title" part="title" data-focus="title" tabindex="-1">QuickBooks</span>`,
      badge: html`<span class="badge neutral" part="status">Removed</span>`,
      body: html`<p class="message" part="message">
        This connection was removed, or you can no longer see it. Connect QuickBooks again to keep syncing.
      </p>`,
      actions: this.#connectButton(undefined),
      gatedVerb: 'connect',
    });
  }

  /** Several companies: one line each with the action that fits its state, and "Connect another company". */
  #renderCompanies(companies: Connection[]): TemplateResult {
    const live = companies.filter((connection) => connection.status === 'connected').length;
    const count = new Intl.NumberFormat(this.#locale);
    const summary = live === companies.length ? `${count.format(live)} companies connected` : `${count.format(live)} of ${count.format(companies.length)} connected`;
    return this.#frame({
      kind: 'companies',
      mark: true,
      markLabel: 'QuickBooks',
      title: html`<span class="title" part="title" data-focus="title" tabindex="-1">QuickBooks</span>`,
      badge: html`<span class="badge neutral" part="status">${summary}</span>`,
      body: html`<ul class="company-list" part="companies" aria-label="QuickBooks companies" data-focus="list" tabindex="-1">
        ${companies.map((connection) => this.#renderCompany(connection))}
      </ul>`,
      actions: this.#connectAnother(companies),
      gatedVerb: gatedVerbs(companies, true, this.#mayAddAnother(companies)),
    });
  }

  #renderCompany(connection: Connection): TemplateResult {
    const locale = this.#locale;
    const name = connection.company_name || connection.legal_name || 'QuickBooks company';
    const status = connection.status;
    const facts = [
      connection.country ? countryName(connection.country, locale) : undefined,
      connection.plan ? quickbooksPlanName(connection.plan) : undefined,
    ].filter(Boolean);
    const reason = status === 'connected' ? '' : statusReason(connection);
    return html`<li class="company status-${status}" part="company">
      <div class="company-head">
        <span class="company-name" part="company-name">${name}</span>
        <span class="badge ${status}"><span class="dot" aria-hidden="true"></span>${statusLabels[status]}</span>
      </div>
      <p class="details">
        ${facts.join(' · ')}${facts.length > 0 ? ' · ' : ''}${connection.last_synced_at
          ? html`Last synced <time datetime=${connection.last_synced_at} title=${formatDateTime(connection.last_synced_at, locale)}
                >${formatRelativeTime(connection.last_synced_at, { locale })}</time
              >`
          : 'Not synced yet'}
      </p>
      ${reason ? html`<p class="message">${reason}</p>` : nothing}
      <div class="actions">${this.#connectionActions(connection, true)}</div>
    </li>`;
  }

  /** "Connect another company" while the organization may connect more; else why not. */
  #connectAnother(companies: Connection[]): TemplateResult | typeof nothing {
    const max = this.#settings?.max_connections ?? 1;
    if (max <= 1) return nothing;
    if (!this.#mayAddAnother(companies)) {
      return html`<p class="message" part="message">
        This organization can connect up to ${new Intl.NumberFormat(this.#locale).format(max)} QuickBooks companies.
      </p>`;
    }
    return this.#button({
      label: 'Connect another company',
      part: 'connect-another-button',
      focus: 'connect-another',
      gated: true,
      onClick: () => this.#connect(undefined),
    });
  }

  /** The organization may connect one more company (max_connections above one and not reached). */
  #mayAddAnother(companies: Connection[]): boolean {
    const max = this.#settings?.max_connections ?? 1;
    return max > 1 && companies.filter((connection) => connection.status !== 'disconnected').length < max;
  }

  #renderLoading(): TemplateResult {
    return html`<div class="card loading" part="card" aria-busy="true">
      <span class="visually-hidden">Loading the QuickBooks connection…</span>
      <div class="skeleton" part="skeleton" aria-hidden="true">
        <span class="bone circle"></span>
        <span class="bones">
          <span class="bone line wide"></span>
          <span class="bone line"></span>
          <span class="bone button"></span>
        </span>
      </div>
    </div>`;
  }

  #renderIdle(): TemplateResult {
    if (this.mode === 'button') {
      return html`<div class="compact-button">${this.#connectButton(undefined)} ${this.#permissionNote('connect')}</div>`;
    }
    return this.#frame({
      kind: 'idle',
      mark: true,
      title: html`<span class="title" part="title" data-focus="title" tabindex="-1">QuickBooks</span>`,
      badge: html`<span class="badge neutral" part="status">Not connected</span>`,
      body: html`<p class="message" part="message">
        <slot name="description">Sign in to QuickBooks and choose a company to keep its customers, invoices and payments in sync here.</slot>
      </p>`,
      actions: this.#connectButton(undefined),
      gatedVerb: 'connect',
    });
  }

  #renderConnecting(): TemplateResult {
    return this.#frame({
      kind: 'connecting',
      mark: true,
      title: html`<span class="title" part="title" data-focus="title" tabindex="-1">Finish connecting in the QuickBooks window</span>`,
      body:
        this.mode === 'button'
          ? nothing
          : html`<p class="message" part="message">Sign in and choose your company there. This page updates when you are done.</p>`,
      actions: html`${this.#button({
        label: 'Show QuickBooks window',
        part: 'focus-window-button',
        onClick: () => this.#flow?.focus(),
      })}
      ${this.#button({ label: 'Cancel', part: 'cancel-button', onClick: () => this.#cancelPopup() })}`,
    });
  }

  #renderConnection(connection: Connection): TemplateResult {
    const locale = this.#locale;
    const name = connection.company_name || connection.legal_name || 'QuickBooks company';
    const status = connection.status;
    const details = [connection.country ? countryName(connection.country, locale) : undefined, connection.plan ? quickbooksPlanName(connection.plan) : undefined]
      .filter(Boolean)
      .join(' · ');
    const reason = status === 'connected' ? '' : statusReason(connection);
    const synced = connection.last_synced_at
      ? html`Last synced
          <time datetime=${connection.last_synced_at} title=${formatDateTime(connection.last_synced_at, locale)}
            >${formatRelativeTime(connection.last_synced_at, { locale })}</time
          >`
      : html`Not synced yet`;
    const compact = this.mode === 'button';

    const actions = html`${this.#connectionActions(connection, false)} ${compact ? nothing : this.#connectAnother(this.#companies)}`;

    return this.#frame({
      kind: `connection status-${status}`,
      mark: true,
      markLabel: 'QuickBooks',
      title: html`<span class="title company" part="company-name" data-focus="title" tabindex="-1">${name}</span>`,
      badge: html`<span class="badge ${status}" part="status"><span class="dot" aria-hidden="true"></span>${statusLabels[status]}</span>`,
      body: html`${details && !compact ? html`<p class="details" part="details">${details}</p>` : nothing}
        ${reason ? html`<p class="message" part="message">${reason}</p>` : nothing}
        ${status === 'disconnected' && !connection.last_synced_at ? nothing : html`<p class="sync" part="sync">${synced}</p>`}`,
      actions,
      gatedVerb: gatedVerbs([connection], false, !compact && this.#mayAddAnother(this.#companies)),
    });
  }

  /**
   * The buttons that fit a connection's state: Reconnect (QuickBooks stopped accepting access), Check, Disconnect
   * (confirmed inline); a disconnected one offers connecting it again. In the list, focus targets carry the id.
   */
  #connectionActions(connection: Connection, inList: boolean): TemplateResult {
    const status = connection.status;
    const compact = this.mode === 'button';
    const scoped = (target: FocusTarget) => (inList ? `${target}:${connection.id}` : target);
    const name = connection.company_name || connection.legal_name || 'QuickBooks company';
    if (this._confirming === connection.id) return this.#renderConfirm(connection);
    if (status === 'disconnected') {
      if (!inList) return this.#connectButton(connection.id);
      return this.#button({
        label: 'Reconnect',
        part: 'reconnect-button',
        focus: scoped('connect'),
        gated: true,
        ariaLabel: `Reconnect ${name}`,
        onClick: () => this.#connect(connection.id),
      });
    }
    return html`${status === 'needs_reconnect'
      ? this.#button({
          label: 'Reconnect',
          part: 'reconnect-button',
          focus: scoped('reconnect'),
          primary: true,
          gated: true,
          ariaLabel: inList ? `Reconnect ${name}` : undefined,
          onClick: () => this.#connect(connection.id),
        })
      : nothing}
    ${(status === 'error' || (status === 'connected' && !compact)) && this.#canCheck
      ? this.#button({
          label: this._busy === 'check' ? 'Checking…' : status === 'error' ? 'Check again' : 'Check connection',
          part: 'check-button',
          focus: scoped('check'),
          primary: status === 'error',
          quiet: status === 'connected',
          busy: this._busy === 'check',
          ariaLabel: inList ? `${status === 'error' ? 'Check again' : 'Check connection'}: ${name}` : undefined,
          onClick: () => void this.#check(connection),
        })
      : nothing}
    ${this.#button({
      label: 'Disconnect',
      part: 'disconnect-button',
      focus: scoped('disconnect'),
      gated: true,
      ariaLabel: inList ? `Disconnect ${name}` : undefined,
      onClick: () => this.#openConfirm(connection),
    })}`;
  }

  #renderConfirm(connection: Connection): TemplateResult {
    const name = connection.company_name || connection.legal_name || 'QuickBooks company';
    const busy = this._busy === 'disconnect';
    return html`<div
      class="confirm"
      part="confirm"
      role="group"
      aria-labelledby="confirm-text"
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === 'Escape' && !busy) {
          event.stopPropagation();
          this.#closeConfirm();
        }
      }}
    >
      <p id="confirm-text" class="confirm-text">Disconnect ${name}? Syncing stops; data already imported is kept.</p>
      ${this.allowPurge
        ? html`<label class="purge">
            <input
              type="checkbox"
              .checked=${this._purge}
              @change=${(event: Event) => (this._purge = (event.target as HTMLInputElement).checked)}
            />
            Also delete the data imported from this company (cannot be undone)
          </label>`
        : nothing}
      <div class="confirm-actions">
        ${this.#button({
          label: busy ? 'Disconnecting…' : 'Disconnect',
          part: 'disconnect-button',
          danger: true,
          busy,
          gated: true,
          onClick: () => void this.#disconnect(connection),
        })}
        ${this.#button({ label: 'Cancel', part: 'cancel-button', focus: 'confirm-cancel', disabled: busy, onClick: () => this.#closeConfirm() })}
      </div>
    </div>`;
  }

  /** `gatedVerb`: what the role-gated buttons of this view do ("reconnect or disconnect"), for the permission note. */
  #frame(parts: Omit<CardParts, 'note'> & { gatedVerb?: string }): TemplateResult {
    return cardFrame({ ...parts, note: parts.gatedVerb ? this.#permissionNote(parts.gatedVerb) : nothing });
  }

  #connectButton(connectionId: string | undefined): TemplateResult {
    const artwork = this.querySelector(':scope > [slot="connect-button"]') !== null;
    return connectButton(!this.#canConnect, artwork, () => this.#connect(connectionId), this.#onSlotChange);
  }

  #button(options: ButtonOptions): TemplateResult {
    return cardButton(options, options.gated === true && !this.#canConnect);
  }

  #permissionNote(verb: string): TemplateResult | typeof nothing {
    if (this.#canConnect || !this.#settings) return nothing;
    return permissionNote('permission-note', capabilityNote(this.#settings, 'manage', `${verb} QuickBooks`, this.#locale));
  }
}

/** With one connection allowed, the QuickBooks one that is in use (or most recently was) is "the" connection. */
function pickExisting(connections: Connection[]): Connection | undefined {
  const rank = (connection: Connection) => (connection.status === 'disconnected' ? 0 : 1);
  return connections
    .filter((connection) => connection.provider === 'qbo')
    .sort((a, b) => rank(b) - rank(a) || Date.parse(b.connected_at ?? b.created_at) - Date.parse(a.connected_at ?? a.created_at))[0];
}

const orList = new Intl.ListFormat('en', { type: 'disjunction' });

/**
 * What the gated buttons shown for these connections do, in the order they appear: "reconnect or disconnect". A
 * disconnected company is connected again from the one-company card, reconnected from the list.
 */
function gatedVerbs(connections: Connection[], inList: boolean, another: boolean): string {
  const shown = new Set<string>(another ? ['connect'] : []);
  for (const connection of connections) {
    if (connection.status === 'disconnected') shown.add(inList ? 'reconnect' : 'connect');
    else {
      if (connection.status === 'needs_reconnect') shown.add('reconnect');
      shown.add('disconnect');
    }
  }
  return orList.format(['connect', 'reconnect', 'disconnect'].filter((verb) => shown.has(verb)));
}
