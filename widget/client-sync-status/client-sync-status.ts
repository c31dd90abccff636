import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { errorDetail, SOMETHING_WENT_WRONG } from '../base/bff-client.ts';
import { ConnectionsController, type ConnectionsState } from '../base/connection-store.ts';
import { LedgerlinkElement } from '../base/ledgerlink-element.ts';
import { buttonStyles, controlStyles } from '../base/controls.styles.ts';
import { capabilityNote, permissionNote, permissionNoteStyles, roleCan } from '../base/permission-note.ts';
import { Announcer } from '../base/announcer.ts';
import { themeStyles } from '../base/theme.ts';
import { WindowedRows } from '../base/windowed-rows.ts';
import { formatDateTime } from '../format/relative-time.ts';
import { endSentence } from '../format/sentence.ts';
import { fold } from '../format/text.ts';
import { startPopupFlow } from '../oauth/popup-flow.ts';
import type { DisconnectedEventDetail, ErrorEventDetail, NeedsReconnectEventDetail } from '../qbo-connect/qbo-connect.ts';
import type { SyncError, SyncRun } from '../../shared/api/sync.ts';
import { clientSyncStatusStyles } from './client-sync-status.styles.ts';
import { documentQueue, entityTable, healthChecks, runHistory, runSummary, type DocumentsState, type MissingThing, type RunsState } from './detail-sections.ts';
import { entityProgress } from './progress-text.ts';
import { documentsButton, healthButton, momentOrNever, primaryButton, statusCell, type PrimaryAction } from './row-cells.ts';
import { companyLabel, rowStatus, type RowStatus, type SyncStatusRow } from './row-status.ts';
import { providerName } from './sync-error-text.ts';
import { observe } from './sync-transitions.ts';
import { visibilityEditor, type VisibilityDraft } from './visibility-editor.ts';
import { TypeAhead } from './type-ahead.ts';

/** `ledgerlink-sync-started`: "Sync now" (or Retry) started a run, or joined one already queued (`coalesced`). */
export interface SyncStartedEventDetail {
  connection_id: string;
  run_id: string;
  coalesced: boolean;
}

/** `ledgerlink-sync-completed`: polling saw a run finish successfully. Fired once per run. */
export interface SyncCompletedEventDetail {
  connection_id: string;
  run: SyncRun;
}

/** `ledgerlink-sync-failed`: polling saw a run fail. Fired once per run. */
export interface SyncFailedEventDetail {
  connection_id: string;
  run: SyncRun;
  error: SyncError;
}

/** `ledgerlink-open-mapping`: a document needs this link or mapping; the host opens its mapper at it. */
export type OpenMappingEventDetail = MissingThing & { connection_id: string };

/** A person the host lets admins choose when restricting who sees a company. */
export interface SyncStatusUser {
  id: string;
  name: string;
}

export type SyncStatusFilter = 'all' | 'active' | 'attention' | 'ok';

declare global {
  interface HTMLElementTagNameMap {
    'client-sync-status': ClientSyncStatus;
  }
  interface HTMLElementEventMap {
    'ledgerlink-sync-started': CustomEvent<SyncStartedEventDetail>;
    'ledgerlink-sync-completed': CustomEvent<SyncCompletedEventDetail>;
    'ledgerlink-sync-failed': CustomEvent<SyncFailedEventDetail>;
    'ledgerlink-open-mapping': CustomEvent<OpenMappingEventDetail>;
  }
}

const filterLabels: Record<SyncStatusFilter, string> = {
  all: 'All',
  active: 'Syncing',
  attention: 'Needs attention',
  ok: 'Up to date',
};

/** Default row height until one is measured (the styles' --ll-sync-status-row-height). */
const DEFAULT_ROW_HEIGHT = 48;
/** Relative times ("2 min ago") are redrawn this often. */
const CLOCK_MS = 30_000;
/** A started sync not yet seen by a poll stops showing "Waiting to start" after this (the poll failed or lags). */
const PENDING_TIMEOUT_MS = 30_000;

/**
 * The host's client list with each company's sync state: live progress while importing, last successful sync,
 * health, the error in plain words with the action that fixes it, "Sync now", history and per-entity detail on
 * demand. Admins also choose who sees each company. With `connection-id` it shows one company as a compact card.
 *
 * Polls the BFF as often as it suggests (between 1 and 60 seconds), never while the page is hidden or the element
 * is out of the DOM. Lists of thousands stay fast: only the rows in view are rendered.
 *
 * Every element of the page shares one connection state (see `ConnectionStore`): a disconnect or reconnect in a
 * `<qbo-connect>` shows here at once, and each poll reaches every element. Rows offer the action that fits their state:
 * Reconnect (QuickBooks stopped accepting access, or the company was disconnected), Retry, Sync now; details add
 * Disconnect and Re-import everything, each confirmed first. Below its own width of 900px rows become two lines,
 * below 520px stacked cards (container queries: the host's layout decides, not the viewport).
 *
 * Keyboard: Up/Down, Page Up/Down, Home/End move between rows; typing letters jumps to a company; Enter opens the
 * row's details (it never starts a sync); Space selects the row (admins); Escape closes details. Tab moves from the
 * active row into its buttons.
 *
 * @summary Sync status of every connected company, live.
 *
 * @attr connection-id - Show this one connection as a card instead of the list.
 * @prop {SyncStatusUser[]} users - People admins may choose from when limiting who sees a company.
 *
 * @slot empty - Shown under "No companies connected yet", e.g. a `<qbo-connect>`.
 *
 * @event {CustomEvent<SyncStartedEventDetail>} ledgerlink-sync-started - "Sync now" or Retry started (or joined) a run.
 * @event {CustomEvent<SyncCompletedEventDetail>} ledgerlink-sync-completed - A run finished successfully (once per run).
 * @event {CustomEvent<SyncFailedEventDetail>} ledgerlink-sync-failed - A run failed (once per run).
 * @event {CustomEvent<NeedsReconnectEventDetail>} ledgerlink-needs-reconnect - A company turned "Reconnect needed".
 * @event {CustomEvent<DisconnectedEventDetail>} ledgerlink-disconnected - An admin disconnected a company from its details (`purged` is false).
 * @event {CustomEvent<ErrorEventDetail>} ledgerlink-error - Loading or an action failed.
 * @event {CustomEvent<OpenMappingEventDetail>} ledgerlink-open-mapping - "Map …" on a document: open the mapper at what is missing.
 *
 * @csspart toolbar - Search, status filter, count and bulk actions above the list.
 * @csspart search - The filter text box.
 * @csspart grid - The scrolling list (role grid).
 * @csspart header - The column header row.
 * @csspart row - One company's row.
 * @csspart company-name - A company's name.
 * @csspart status-badge - Status text with its dot ("Synced", "Reconnect needed", …).
 * @csspart progress - A progress bar (role progressbar).
 * @csspart progress-text - "62% · ~3 min left".
 * @csspart error - A failure in plain words.
 * @csspart health - The health score.
 * @csspart sync-button - "Sync now" / "Syncing…" / "Retry".
 * @csspart reconnect-button - "Reconnect".
 * @csspart details-button - "Details".
 * @csspart details - The details of one company (panel under the list, or the card's lower half).
 * @csspart card - The card in single mode.
 * @csspart visibility-editor - Who may see a company (admins).
 * @csspart permission-note - Why some actions are unavailable to this role.
 * @csspart notice - A message about the last action (e.g. the popup was blocked).
 * @csspart notice-retry-button - "Try again" in a notice about a reconnect that did not go through.
 * @csspart empty - The empty state.
 * @csspart skeleton - Loading placeholder rows.
 *
 * @cssproperty --ll-sync-status-max-height - Height of the scrolling list before it scrolls. Default `560px`.
 * @cssproperty --ll-sync-status-row-height - Height of one row. Default `48px`.
 * @cssproperty --ll-sync-status-progress-color - Progress bar fill. Default the accent colour.
 * @cssproperty --ll-sync-status-progress-track - Progress bar track. Default a tint of the border colour.
 * @cssproperty --ll-sync-status-health-good - Health 80–100. Default the success colour.
 * @cssproperty --ll-sync-status-health-fair - Health 50–79. Default the warning colour.
 * @cssproperty --ll-sync-status-health-poor - Health below 50. Default the danger colour.
 * @cssproperty --ll-sync-status-row-hover - Row background on hover. Default the raised surface.
 * @cssproperty --ll-sync-status-row-selected - Background of selected rows. Default a tint of the accent.
 */
export class ClientSyncStatus extends LedgerlinkElement {
  static override styles = [themeStyles, buttonStyles, controlStyles, permissionNoteStyles, clientSyncStatusStyles];

  static override properties = {
    ...LedgerlinkElement.properties,
    connectionId: { type: String, attribute: 'connection-id' },
    users: { attribute: false },
    _phase: { state: true },
    _loadError: { state: true },
    _rows: { state: true },
    _query: { state: true },
    _filter: { state: true },
    _activeId: { state: true },
    _detailId: { state: true },
    _selected: { state: true },
    _draft: { state: true },
    _pending: { state: true },
    _runs: { state: true },
    _documents: { state: true },
    _notice: { state: true },
    _refreshFailed: { state: true },
    _reconnecting: { state: true },
    _noticeRetry: { state: true },
    _confirm: { state: true },
    _busy: { state: true },
  };

  /** Show this one connection as a card instead of the list. */
  declare connectionId: string | undefined;
  /** People admins may choose from when limiting who sees a company (`{id, name}`; ids are the host's user ids). */
  declare users: SyncStatusUser[];

  declare private _phase: 'loading' | 'ready' | 'error';
  declare private _loadError: string;
  declare private _rows: SyncStatusRow[];
  declare private _query: string;
  declare private _filter: SyncStatusFilter;
  declare private _activeId: string | undefined;
  declare private _detailId: string | undefined;
  declare private _selected: ReadonlySet<string>;
  declare private _draft: VisibilityDraft | undefined;
  /** Syncs started here and not yet seen by a poll: connection id → run id ('' while the POST is in flight). */
  declare private _pending: ReadonlyMap<string, { runId: string; at: number }>;
  declare private _runs: ReadonlyMap<string, RunsState>;
  /** Write-back documents needing attention, per connection, loaded when their section is opened. */
  declare private _documents: ReadonlyMap<string, DocumentsState>;
  declare private _notice: string | undefined;
  declare private _refreshFailed: boolean;
  declare private _reconnecting: string | undefined;
  /** The connection whose reconnect the notice offers to try again (a refusal, e.g. another company was chosen). */
  declare private _noticeRetry: string | undefined;
  /** An action in details waiting for "Are you sure?": disconnecting, or re-importing everything. */
  declare private _confirm: { kind: 'disconnect' | 'reimport'; id: string } | undefined;
  /** A details action in flight. */
  declare private _busy: string | undefined;

  /** The page's shared connection state: every element of the bundle sees the same connections at once. */
  #announcer = new Announcer(this);
  #connections = new ConnectionsController(
    this,
    () => this.connectionStore(),
    (previous, next) => this.#stateChanged(previous, next),
    () => ({ connections: this.connectionId || 'all', sync: true }),
  );
  /**
   * What a notice is about, so it leaves once its cause is gone: the company, and its state as the next answer
   * after the notice shows it (undefined until then: a refused action is followed by a refresh that tells why).
   */
  #noticeCause: { id: string; status: string | undefined } | undefined;
  /** Rows by id, as of the last poll. */
  #byId = new Map<string, SyncStatusRow>();
  #status = new Map<string, RowStatus>();
  #filtered: SyncStatusRow[] = [];
  #watched = new Map<string, string>();
  #reported = new Set<string>();
  /** Which rows are rendered for the scroll position, and the row height the styles give them. */
  #window = new WindowedRows(this, {
    scroller: '.scroller',
    row: '.body [role="row"]',
    header: '.header-row',
    rowHeight: DEFAULT_ROW_HEIGHT,
    headerHeight: 34,
  });
  #typeAhead = new TypeAhead();
  #focusAfterUpdate: string | undefined;
  /** A details section to open (and focus) once details render: the health checks or the documents. */
  #openSection: 'health-checks' | 'documents' | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.users = [];
    this._phase = 'loading';
    this._loadError = '';
    this._rows = [];
    this._query = '';
    this._filter = 'all';
    this._selected = new Set();
    this._pending = new Map();
    this._runs = new Map();
    this._documents = new Map();
    this._refreshFailed = false;
  }

  /** The rows shown, as of the last answer from the BFF. */
  get rows(): readonly SyncStatusRow[] {
    return this._rows;
  }

  /** Asks the BFF now instead of waiting for the next poll (every element on the page gets the answer). */
  refresh(): void {
    this.#connections.store?.refresh();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#clock = setInterval(() => {
      if (this._phase === 'ready' && !document.hidden) this.requestUpdate();
    }, CLOCK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
  }

  protected override sessionChanged(): void {
    this.#connections.rebind();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.hasUpdated && changed.has('connectionId')) this.#connections.rebind();
    // Private state is not in keyof this; the map holds it all the same.
    const state = changed as ReadonlyMap<PropertyKey, unknown>;
    if (state.has('_rows') || state.has('_query') || state.has('_filter')) this.#refilter();
    if (state.has('_rows') || state.has('_query') || state.has('_filter') || state.has('_phase')) this.#window.setCount(this.#filtered.length);
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const target = this.#focusAfterUpdate;
    if (target) {
      this.#focusAfterUpdate = undefined;
      this.renderRoot.querySelector<HTMLElement>(target)?.focus();
    }
    if (this.#openSection) {
      const section = this.renderRoot.querySelector<HTMLDetailsElement>(`details.${this.#openSection}`);
      this.#openSection = undefined;
      if (section) {
        section.open = true;
        section.querySelector('summary')?.focus();
        section.scrollIntoView?.({ block: 'nearest' });
      }
    }
  }

  // ── Loading and polling ──────────────────────────────────────────────────────────────────────────────

  /** Every answer and every action anywhere on the page lands here. */
  #stateChanged(previous: ConnectionsState, next: ConnectionsState): void {
    const sessionChanged = previous.session !== next.session && previous.session?.user.id !== next.session?.user.id;
    if (next.phase === 'loading' || sessionChanged) {
      this._rows = [];
      this.#byId = new Map();
      this._detailId = undefined;
      this._selected = new Set();
      this._draft = undefined;
    }
    if (next.phase === 'error') {
      if (previous.phase !== 'error') this.#failLoad(next.error);
      this._phase = 'error';
      return;
    }
    this._refreshFailed = next.refreshFailed;
    if (next.phase !== 'ready') {
      this._phase = 'loading';
      return;
    }
    const id = this.connectionId;
    if (id && !next.entries.some((entry) => entry.connection.id === id)) {
      this.#failLoad({ code: 'not_found', message: '' });
      this._phase = 'error';
      return;
    }
    this.#apply(id ? next.entries.filter((entry) => entry.connection.id === id) : [...next.entries]);
    this._phase = 'ready';
  }

  #failLoad(error: { code: string; message: string } | undefined): void {
    const { code, message } = error ?? { code: 'internal', message: SOMETHING_WENT_WRONG };
    this._loadError =
      code === 'not_found'
        ? 'This company is not available to you. It may have been removed, or an admin limited who can see it.'
        : message;
    this.#announcer.say(this._loadError);
    this.emit<ErrorEventDetail>('ledgerlink-error', { code, message: this._loadError });
  }

  #apply(rows: SyncStatusRow[]): void {
    const now = Date.now();
    const changes = observe(this.#byId, rows, this.#watched, this.#reported, { now, locale: this.#locale });
    const before = this.#byId;
    this.#byId = new Map(rows.map((row) => [row.connection.id, row]));
    this._rows = rows;

    if (this._pending.size > 0) {
      const pending = new Map(this._pending);
      for (const [id, { runId, at }] of pending) {
        const row = this.#byId.get(id);
        const seen = runId !== '' && (row?.sync.current_run?.id === runId || row?.sync.last_run?.id === runId);
        if (!row || seen || (runId !== '' && now - at > PENDING_TIMEOUT_MS)) pending.delete(id);
      }
      this._pending = pending;
    }
    if (this._selected.size > 0) this._selected = new Set([...this._selected].filter((id) => this.#byId.has(id)));
    // A message about a company leaves once that company's state moved on (reconnected, synced, removed).
    const cause = this.#noticeCause;
    if (this._notice && cause) {
      const row = this.#byId.get(cause.id);
      if (!row) this.#clearNotice();
      else if (cause.status === undefined) cause.status = this.#signature(row);
      else if (this.#signature(row) !== cause.status) this.#clearNotice();
    }
    if (this._confirm && !this.#byId.has(this._confirm.id)) this._confirm = undefined;
    // History in an open details panel follows the run it shows.
    const open = this._detailId ? this.#byId.get(this._detailId) : undefined;
    if (open && this._runs.get(open.connection.id)?.kind === 'ready') {
      const was = before.get(open.connection.id);
      if (was && runSignature(was) !== runSignature(open)) void this.#loadRuns(open.connection.id, true);
    }

    for (const finished of changes.completed) this.emit<SyncCompletedEventDetail>('ledgerlink-sync-completed', finished);
    for (const finished of changes.failed) this.emit<SyncFailedEventDetail>('ledgerlink-sync-failed', finished);
    for (const connection of changes.needsReconnect) this.emit<NeedsReconnectEventDetail>('ledgerlink-needs-reconnect', { connection });
    if (changes.announcements.length > 0) this.#announcer.say(changes.announcements.join(' '));
  }

  /** A row's state as a notice about it remembers it: the connection's status and the row's status kind. */
  #signature(row: SyncStatusRow): string {
    return `${row.connection.status}:${rowStatus(row, { locale: this.#locale }).kind}`;
  }

  #refilter(): void {
    const now = Date.now();
    const locale = this.#locale;
    this.#status = new Map(this._rows.map((row) => [row.connection.id, rowStatus(row, { now, locale })]));
    const query = fold(this._query.trim());
    this.#filtered = this._rows.filter((row) => {
      if (this._filter !== 'all' && this.#status.get(row.connection.id)?.group !== this._filter) return false;
      return query === '' || fold(companyLabel(row.connection)).includes(query);
    });
    if (!this.#filtered.some((row) => row.connection.id === this._activeId)) this._activeId = this.#filtered[0]?.connection.id;
  }

  // ── Permissions ──────────────────────────────────────────────────────────────────────────────────────

  get #session() {
    return this.#connections.state.session;
  }

  get #settings() {
    return this.#connections.state.settings;
  }

  get #canSync(): boolean {
    return roleCan(this.#connections.state, 'sync');
  }

  get #canAdmin(): boolean {
    return roleCan(this.#connections.state, 'manage');
  }

  // ── Actions ──────────────────────────────────────────────────────────────────────────────────────────

  /**
   * The one action that fits the row's state: Reconnect for a company QuickBooks stopped accepting or one that was
   * disconnected, Retry after a failure a retry can fix, otherwise Sync now (disabled while a run is under way or
   * QuickBooks asked us to wait, with the reason).
   */
  #primaryAction(row: SyncStatusRow, status: RowStatus): PrimaryAction {
    const id = row.connection.id;
    const statusId = `status-${id}`;
    if (status.kind === 'reconnect' || status.kind === 'disconnected') {
      if (row.connection.provider !== 'qbo') {
        return { label: 'Reconnect', kind: 'reconnect', disabledReason: 'Reconnect Xero from your integration settings.', describedBy: statusId };
      }
      if (this._reconnecting === id) return { label: 'Reconnecting…', kind: 'reconnect', disabledReason: 'Finish in the QuickBooks window.', describedBy: undefined };
      return this.#canAdmin
        ? { label: 'Reconnect', kind: 'reconnect', disabledReason: undefined, describedBy: undefined }
        : { label: 'Reconnect', kind: 'reconnect', disabledReason: this.#connectNote, describedBy: 'permission-connect' };
    }
    if (waitsForRetry(row) && !this._pending.has(id)) {
      // Asking now pulls the waiting run forward (the server coalesces onto it) instead of waiting for its time.
      return this.#canSync
        ? { label: 'Retry now', kind: 'retry', disabledReason: undefined, describedBy: undefined }
        : { label: 'Retry now', kind: 'retry', disabledReason: this.#syncNote, describedBy: 'permission-sync' };
    }
    if (status.run || this._pending.has(id)) {
      return { label: 'Syncing…', kind: 'sync', disabledReason: 'A sync is already running.', describedBy: statusId };
    }
    if (status.error && status.error.action === undefined && row.sync.last_run?.error?.category === 'rate_limited') {
      return { label: 'Sync now', kind: 'sync', disabledReason: status.error.summary, describedBy: statusId };
    }
    const kind = status.error?.action === 'retry' ? 'retry' : 'sync';
    const label = kind === 'retry' ? 'Retry' : 'Sync now';
    return this.#canSync
      ? { label, kind, disabledReason: undefined, describedBy: undefined }
      : { label, kind, disabledReason: this.#syncNote, describedBy: 'permission-sync' };
  }

  #runPrimary(row: SyncStatusRow): void {
    const status = this.#statusOf(row);
    const action = this.#primaryAction(row, status);
    if (action.disabledReason) return;
    if (action.kind === 'reconnect') this.#reconnect(row);
    else void this.#syncNow(row, false);
  }

  async #syncNow(row: SyncStatusRow, full: boolean): Promise<void> {
    const id = row.connection.id;
    const name = companyLabel(row.connection);
    if (!this.#canSync || this._pending.has(id) || (row.sync.current_run && !waitsForRetry(row))) return;
    this.#clearNotice();
    this._pending = new Map(this._pending).set(id, { runId: '', at: Date.now() });
    try {
      const started = await this.client.startSync(id, { full });
      this.#watched.set(id, started.run_id);
      if (this._pending.has(id)) this._pending = new Map(this._pending).set(id, { runId: started.run_id, at: Date.now() });
      this.#announcer.say(started.coalesced ? `${name}: a sync was already under way.` : `${name}: sync requested.`);
      this.emit<SyncStartedEventDetail>('ledgerlink-sync-started', { connection_id: id, run_id: started.run_id, coalesced: started.coalesced });
      this.refresh();
    } catch (error) {
      const pending = new Map(this._pending);
      pending.delete(id);
      this._pending = pending;
      this.#actionFailed(error, `Could not start a sync for ${name}`, row);
      // The server knows better than this page (e.g. disconnected elsewhere): show its state.
      this.refresh();
    }
  }

  #reconnect(row: SyncStatusRow): void {
    if (!this.#canAdmin || this._reconnecting || row.connection.provider !== 'qbo') return;
    const id = row.connection.id;
    const name = companyLabel(row.connection);
    // Opened inside the click: browsers block popups opened after an await.
    const flow = startPopupFlow({
      url: async () => (await this.client.quickbooksStartUrl({ connection_id: id, mode: 'popup' })).url,
      origin: new URL(this.client.baseUrl).origin,
      // Another element's popup (a <qbo-connect> on the same page) must not finish this row's reconnect.
      onlyFromPopup: true,
    });
    if (!flow) {
      this.#setNotice('Your browser blocked the QuickBooks window. Allow pop-ups for this page, then choose Reconnect again.');
      return;
    }
    this.#clearNotice();
    this._reconnecting = id;
    this.#announcer.say(`Finish reconnecting ${name} in the QuickBooks window.`);
    void flow.result.then((result) => {
      this._reconnecting = undefined;
      switch (result.outcome) {
        case 'connected':
          this.#announcer.say(endSentence(`Reconnected ${name}`));
          if (result.connection) this.#connections.store?.putConnection(result.connection);
          this.refresh();
          break;
        case 'refused':
        case 'error':
          // Nothing changed (e.g. reconnect_wrong_company: another company was chosen in QuickBooks); the
          // message says what to do differently, and "Try again" reopens the window for the same connection.
          this.#setNotice(result.message || `QuickBooks could not reconnect ${name}. Try again in a moment.`, id);
          this.#focusAfterUpdate = '[part="notice-retry-button"]';
          break;
        default:
          this.#announcer.say(`Reconnecting ${name} was cancelled. Nothing changed.`);
      }
    });
  }

  /** Disconnect, confirmed in details: syncing stops, imported data is kept; every element on the page shows it at once. */
  async #disconnect(row: SyncStatusRow): Promise<void> {
    const id = row.connection.id;
    if (!this.#canAdmin || this._busy) return;
    const name = companyLabel(row.connection);
    this._busy = id;
    try {
      const connection = await this.client.disconnectConnection(id);
      this._confirm = undefined;
      this.#connections.store?.putConnection(connection);
      this.#announcer.say(endSentence(`Disconnected ${name}`) + ' Data already imported is kept.');
      this.#focusAfterUpdate = `[data-primary-for="${cssEscape(id)}"]`;
      this.emit<DisconnectedEventDetail>('ledgerlink-disconnected', { connection, purged: false });
      this.refresh();
    } catch (error) {
      this.#actionFailed(error, `Could not disconnect ${name}`, row);
    } finally {
      this._busy = undefined;
    }
  }

  /** Loads a connection's history; `quiet` keeps the table shown while it reloads (a run moved on). */
  async #loadRuns(id: string, quiet = false): Promise<void> {
    const state = this._runs.get(id);
    if (state?.kind === 'loading') return;
    if (!quiet) this._runs = new Map(this._runs).set(id, { kind: 'loading' });
    try {
      const runs = await this.client.syncRuns(id);
      this._runs = new Map(this._runs).set(id, { kind: 'ready', runs });
    } catch (error) {
      if (!quiet) this._runs = new Map(this._runs).set(id, { kind: 'error', message: errorDetail(error).message });
    }
  }

  async #loadDocuments(id: string): Promise<void> {
    if (this._documents.get(id)?.kind === 'loading') return;
    this._documents = new Map(this._documents).set(id, { kind: 'loading' });
    try {
      const documents = await this.client.documents(id);
      this._documents = new Map(this._documents).set(id, { kind: 'ready', documents });
    } catch (error) {
      this._documents = new Map(this._documents).set(id, { kind: 'error', message: errorDetail(error).message });
    }
  }

  /** Retry of one document after its cause was fixed; the list is read again to show where it stands. */
  async #retryDocument(id: string, documentId: string): Promise<void> {
    try {
      await this.client.pushDocument(id, documentId);
      this.#announcer.say('Sent again.');
    } catch (error) {
      this.#actionFailed(error, 'Retry failed', this.#byId.get(id));
      return;
    }
    await this.#loadDocuments(id);
  }

  #openVisibility(target: VisibilityDraft['target']): void {
    if (!this.#canAdmin) return;
    const row = typeof target === 'string' ? this.#byId.get(target) : undefined;
    this._draft = {
      target,
      mode: row?.sync.visibility.mode ?? 'organization',
      userIds: new Set(row?.sync.visibility.user_ids ?? []),
      busy: false,
      error: undefined,
    };
    this.#focusAfterUpdate = '.visibility-editor input[type="radio"]:checked';
  }

  #closeVisibility(): void {
    const target = this._draft?.target;
    this._draft = undefined;
    this.#focusAfterUpdate = typeof target === 'string' ? `[data-visibility-for="${target}"]` : '.bulk-visibility';
  }

  async #saveVisibility(): Promise<void> {
    const draft = this._draft;
    if (!draft || draft.busy || !this.#canAdmin) return;
    const user_ids = draft.mode === 'restricted' ? [...draft.userIds] : [];
    this._draft = { ...draft, busy: true, error: undefined };
    try {
      if (typeof draft.target === 'string') {
        const id = draft.target;
        const sync = await this.client.setConnectionVisibility(id, { mode: draft.mode, user_ids });
        this.#connections.store?.putSync(sync);
        const name = companyLabel(this.#byId.get(id)?.connection ?? ({ provider: 'qbo' } as SyncStatusRow['connection']));
        this.#announcer.say(`${name} is now visible to ${this.#visibilityWords(draft.mode, user_ids)}.`);
      } else {
        const { updated } = await this.client.setConnectionsVisibility({ mode: draft.mode, user_ids, connection_ids: draft.target.bulk });
        this.#announcer.say(`${new Intl.NumberFormat(this.#locale).format(updated)} ${updated === 1 ? 'company is' : 'companies are'} now visible to ${this.#visibilityWords(draft.mode, user_ids)}.`);
        this._selected = new Set();
        this.refresh();
      }
      this.#closeVisibility();
    } catch (error) {
      this._draft = { ...draft, busy: false, error: errorDetail(error).message };
      this.emit<ErrorEventDetail>('ledgerlink-error', errorDetail(error));
    }
  }

  #actionFailed(error: unknown, prefix: string, about?: SyncStatusRow): void {
    const detail = errorDetail(error);
    this.#setNotice(endSentence(`${prefix}: ${detail.message}`), undefined, about);
    this.emit<ErrorEventDetail>('ledgerlink-error', detail);
  }

  /** A message about the last action. Tied to a company (`about`), it leaves by itself once that company's state changes. */
  #setNotice(text: string, retryReconnectOf?: string, about?: SyncStatusRow): void {
    this._notice = text;
    this._noticeRetry = retryReconnectOf;
    const id = about?.connection.id ?? retryReconnectOf;
    this.#noticeCause = id ? { id, status: undefined } : undefined;
    this.#announcer.say(text);
  }

  #clearNotice(): void {
    this._notice = undefined;
    this._noticeRetry = undefined;
    this.#noticeCause = undefined;
  }

  // ── Keyboard and windowing ───────────────────────────────────────────────────────────────────────────

  #onGridKeydown = (event: KeyboardEvent): void => {
    const target = event.target as HTMLElement;
    const rowElement = target.closest<HTMLElement>('[role="row"][data-id]');
    if (!rowElement) return;
    const onRow = target === rowElement;
    const index = this.#filtered.findIndex((row) => row.connection.id === rowElement.dataset.id);
    if (index < 0) return;
    const row = this.#filtered[index];
    let next = this.#window.target(event.key, index, this.#filtered.length);
    if (next === undefined) {
      switch (event.key) {
        case 'Enter':
          // Enter opens details; it never starts anything (a sync, a reconnect window) by itself.
          if (!onRow || !row) return;
          event.preventDefault();
          this.#toggleDetails(row.connection.id);
          return;
        case ' ':
          if (!onRow || !row || !this.#canAdmin || this.connectionId) return;
          event.preventDefault();
          this.#toggleSelected(row.connection.id);
          return;
        case 'Escape':
          if (this._detailId) {
            event.preventDefault();
            this.#closeDetails();
          }
          return;
        default:
          if (!onRow || event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey || !/\S/.test(event.key)) return;
          next = this.#typeAhead.find(
            event.key,
            this.#filtered.map((item) => companyLabel(item.connection)),
            index,
          );
          if (next === undefined) return;
      }
    }
    event.preventDefault();
    this.#moveTo(next);
  };

  #moveTo(index: number): void {
    const row = this.#filtered[index];
    if (!row) return;
    this._activeId = row.connection.id;
    this.#window.reveal(index);
    this.#focusAfterUpdate = `[role="row"][data-id="${cssEscape(row.connection.id)}"]`;
    this.requestUpdate();
  }

  #toggleSelected(id: string): void {
    const selected = new Set(this._selected);
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    this._selected = selected;
  }

  #toggleDetails(id: string): void {
    if (this._detailId === id) return this.#closeDetails();
    this._detailId = id;
    if (typeof this._draft?.target === 'string') this._draft = undefined;
    this.#focusAfterUpdate = '.detail-title';
  }

  #closeDetails(): void {
    const id = this._detailId;
    this._detailId = undefined;
    if (typeof this._draft?.target === 'string') this._draft = undefined;
    if (id) this.#focusAfterUpdate = `[data-details-for="${cssEscape(id)}"]`;
  }

  #statusOf(row: SyncStatusRow): RowStatus {
    return this.#status.get(row.connection.id) ?? rowStatus(row, { locale: this.#locale });
  }

  get #locale(): string | undefined {
    return this.closest('[lang]')?.getAttribute('lang') || undefined;
  }

  get #syncNote(): string {
    return capabilityNote(this.#settings ?? { connect_roles: ['admin'], sync_roles: ['admin'] }, 'sync', 'start a sync', this.#locale);
  }

  get #connectNote(): string {
    return capabilityNote(this.#settings ?? { connect_roles: ['admin'], sync_roles: ['admin'] }, 'manage', 'reconnect a company', this.#locale);
  }

  #visibilityWords(mode: 'organization' | 'restricted', userIds: readonly string[]): string {
    if (mode === 'organization') return 'everyone in your organization';
    if (userIds.length === 0) return 'admins only';
    const names = userIds.map((id) => this.users.find((user) => user.id === id)?.name ?? id);
    const shown = names.length > 3 ? [...names.slice(0, 2), `${names.length - 2} others`] : names;
    return new Intl.ListFormat(this.#locale ?? 'en', { type: 'conjunction' }).format(shown);
  }

  // ── Rendering ────────────────────────────────────────────────────────────────────────────────────────

  protected override render(): TemplateResult {
    return html`${this.#renderView()}
      ${this.#announcer.render()}`;
  }

  #renderView(): TemplateResult {
    if (this._phase === 'loading') return this.#renderLoading();
    if (this._phase === 'error') {
      return html`<div class="load-error" part="error" role="alert">
        <p><strong>Sync status could not be loaded.</strong> ${this._loadError}</p>
        <button type="button" class="button primary" data-retry @click=${() => this.#connections.store?.reload()}>Retry</button>
      </div>`;
    }
    if (this.connectionId) {
      const row = this._rows[0];
      return row ? this.#renderCard(row) : this.#renderLoading();
    }
    if (this._rows.length === 0) return this.#renderEmpty();
    return this.#renderList();
  }

  #renderLoading(): TemplateResult {
    const rows = this.connectionId ? 1 : 5;
    return html`<div class="skeleton ${this.connectionId ? 'single' : ''}" part="skeleton" aria-busy="true">
      <span class="visually-hidden">Loading sync status…</span>
      ${Array.from(
        { length: rows },
        (_, i) => html`<div class="skeleton-row" aria-hidden="true">
          <span class="bone" style="width: ${[34, 26, 40, 30, 22][i % 5]}%"></span>
          <span class="bone bar"></span>
          <span class="bone short"></span>
          <span class="bone short"></span>
        </div>`,
      )}
    </div>`;
  }

  #renderEmpty(): TemplateResult {
    return html`<div class="empty" part="empty">
      <p class="empty-title">No companies connected yet</p>
      <p class="muted">Once a company is connected, its imports, last sync and health show up here.</p>
      <slot name="empty"></slot>
    </div>`;
  }

  #renderPermissionNotes(rows: readonly SyncStatusRow[]): TemplateResult | typeof nothing {
    if (!this.#settings) return nothing;
    const sync = !this.#canSync;
    const connect = !this.#canAdmin && rows.some((row) => ['reconnect', 'disconnected'].includes(this.#statusOf(row).kind));
    if (!sync && !connect) return nothing;
    return html`<div class="permission-notes">
      ${sync ? permissionNote('permission-sync', this.#syncNote) : nothing}
      ${connect ? permissionNote('permission-connect', this.#connectNote) : nothing}
    </div>`;
  }

  #renderList(): TemplateResult {
    const admin = this.#canAdmin;
    const rows = this.#filtered;
    const locale = this.#locale;
    const count = new Intl.NumberFormat(locale);
    const groups = { all: this._rows.length, active: 0, attention: 0, ok: 0 };
    for (const status of this.#status.values()) groups[status.group] += 1;
    const indexes = this.#renderedIndexes();
    const columns = admin ? 7 : 5;
    const allSelected = rows.length > 0 && rows.every((row) => this._selected.has(row.connection.id));
    const someSelected = !allSelected && rows.some((row) => this._selected.has(row.connection.id));

    return html`
      ${this.#renderPermissionNotes(this._rows)}
      <div class="toolbar" part="toolbar">
        <input
          type="search"
          class="search"
          part="search"
          placeholder="Filter clients"
          aria-label="Filter clients by name"
          .value=${live(this._query)}
          @input=${(event: Event) => (this._query = (event.target as HTMLInputElement).value)}
          @keydown=${(event: KeyboardEvent) => {
            if (event.key === 'ArrowDown' && this._activeId) {
              event.preventDefault();
              const index = this.#filtered.findIndex((row) => row.connection.id === this._activeId);
              this.#moveTo(Math.max(0, index));
            }
          }}
        />
        <select
          class="filter"
          aria-label="Show"
          .value=${live(this._filter)}
          @change=${(event: Event) => (this._filter = (event.target as HTMLSelectElement).value as SyncStatusFilter)}
        >
          ${(Object.keys(filterLabels) as SyncStatusFilter[]).map(
            (key) => html`<option value=${key} ?selected=${this._filter === key}>${filterLabels[key]} (${count.format(groups[key])})</option>`,
          )}
        </select>
        <span class="count muted">${rows.length === this._rows.length
          ? `${count.format(rows.length)} ${rows.length === 1 ? 'company' : 'companies'}`
          : `${count.format(rows.length)} of ${count.format(this._rows.length)}`}</span>
        ${this._refreshFailed
          ? html`<span class="refresh-failed" title="The numbers shown may be out of date.">
              <span aria-hidden="true">⚠</span> Couldn't refresh; retrying
              <button type="button" class="button quiet small" @click=${() => this.refresh()}>Retry now</button>
            </span>`
          : nothing}
        <span class="spacer"></span>
        ${admin && this._selected.size > 0
          ? html`<span class="selection muted">${count.format(this._selected.size)} selected</span>
              <button type="button" class="button small" @click=${() => (this._selected = new Set())}>Clear selection</button>
              <button
                type="button"
                class="button small bulk-visibility"
                aria-expanded=${typeof this._draft?.target === 'object' ? 'true' : 'false'}
                @click=${() => this.#openVisibility({ bulk: [...this._selected] })}
              >
                Change visibility
              </button>`
          : nothing}
      </div>
      ${typeof this._draft?.target === 'object' ? this.#renderVisibilityEditor(this._draft) : nothing}
      ${this._notice ? this.#renderNotice() : nothing}
      <div
        class="scroller"
        part="grid"
        role="grid"
        aria-label="Sync status of connected companies"
        aria-rowcount=${rows.length + 1}
        aria-colcount=${columns}
        aria-multiselectable=${admin ? 'true' : nothing}
        @scroll=${this.#window.onScroll}
      >
        <div role="rowgroup" class="header">
          <div role="row" class="row header-row ${admin ? 'admin' : ''}" part="header" aria-rowindex="1">
            ${admin
              ? html`<div role="columnheader" class="cell select" aria-colindex="1">
                  <input
                    type="checkbox"
                    aria-label="Select all ${count.format(rows.length)} shown"
                    .checked=${live(allSelected)}
                    .indeterminate=${someSelected}
                    @change=${(event: Event) => {
                      const checked = (event.target as HTMLInputElement).checked;
                      const selected = new Set(this._selected);
                      for (const row of rows) checked ? selected.add(row.connection.id) : selected.delete(row.connection.id);
                      this._selected = selected;
                    }}
                  />
                </div>`
              : nothing}
            <div role="columnheader" class="cell">Client</div>
            <div role="columnheader" class="cell">Status</div>
            <div role="columnheader" class="cell">Last sync</div>
            <div role="columnheader" class="cell num">Health</div>
            ${admin ? html`<div role="columnheader" class="cell">Visible to</div>` : nothing}
            <div role="columnheader" class="cell actions-head"><span class="visually-hidden">Actions</span></div>
          </div>
        </div>
        <div
          role="rowgroup"
          class="body"
          style="height: ${rows.length * this.#window.rowHeight}px"
          @keydown=${this.#onGridKeydown}
          @focusin=${(event: FocusEvent) => {
            const id = (event.target as HTMLElement).closest<HTMLElement>('[data-id]')?.dataset.id;
            if (id && id !== this._activeId) this._activeId = id;
          }}
        >
          ${repeat(
            indexes,
            (index) => rows[index]?.connection.id ?? index,
            (index) => {
              const row = rows[index];
              return row ? this.#renderRow(row, index, admin) : nothing;
            },
          )}
        </div>
      </div>
      ${rows.length === 0
        ? html`<div class="no-match" part="empty">
            <p>No companies match${this._query.trim() ? html` “${this._query.trim()}”` : nothing}${this._filter !== 'all'
                ? html` in “${filterLabels[this._filter]}”`
                : nothing}.</p>
            <button
              type="button"
              class="button small"
              @click=${() => {
                this._query = '';
                this._filter = 'all';
              }}
            >
              Clear filters
            </button>
          </div>`
        : nothing}
      ${this.#renderDetailPanel()}
    `;
  }

  /** The rows in the window, plus the active row wherever it is, so keyboard focus is never dropped by scrolling. */
  #renderedIndexes(): number[] {
    return this.#window.indexes(this.#filtered.findIndex((row) => row.connection.id === this._activeId));
  }

  #renderRow(row: SyncStatusRow, index: number, admin: boolean): TemplateResult {
    const { connection, sync } = row;
    const id = connection.id;
    const status = this.#statusOf(row);
    const name = companyLabel(connection);
    const active = id === this._activeId;
    const tab = active ? 0 : -1;
    const selected = this._selected.has(id);
    const action = this.#primaryAction(row, status);
    const open = this._detailId === id;
    const docs = this.#renderDocuments(row, tab);
    const people = sync.visibility.user_ids.length;
    const visibilityLabel =
      sync.visibility.mode === 'organization' ? 'Everyone' : people === 0 ? 'Admins only' : `${people} ${people === 1 ? 'person' : 'people'}`;
    return html`<div
      role="row"
      part="row"
      class="row ${admin ? 'admin' : ''} kind-${status.kind} ${selected ? 'selected' : ''} ${open ? 'open' : ''}"
      data-id=${id}
      tabindex=${tab}
      aria-rowindex=${index + 2}
      aria-selected=${admin ? String(selected) : nothing}
      style="transform: translateY(${index * this.#window.rowHeight}px)"
    >
      ${admin
        ? html`<div role="gridcell" class="cell select">
            <input type="checkbox" tabindex=${tab} aria-label="Select ${name}" .checked=${live(selected)} @change=${() => this.#toggleSelected(id)} />
          </div>`
        : nothing}
      <div role="gridcell" class="cell client">
        <span class="name" part="company-name" title=${name}>${name}</span>
      </div>
      <div role="gridcell" class="cell status ${docs === nothing ? '' : 'with-docs'}">${this.#renderStatus(row, status)}${docs}</div>
      <div role="gridcell" class="cell last-sync ${status.kind === 'stale' ? 'stale' : ''}">${momentOrNever(sync.last_successful_sync_at, this.#locale)}</div>
      <div role="gridcell" class="cell num">${this.#renderHealth(row, tab)}</div>
      ${admin
        ? html`<div role="gridcell" class="cell visibility">
            <button
              type="button"
              class="link-button"
              tabindex=${tab}
              data-visibility-for=${id}
              aria-label="${visibilityLabel}${sync.visibility.mode === 'restricted' && sync.visibility.user_ids.length > 0
                ? ` (${this.#visibilityWords(sync.visibility.mode, sync.visibility.user_ids)})`
                : ''}: change who can see ${name}"
              @click=${() => {
                if (this._detailId !== id) this.#toggleDetails(id);
                this.#openVisibility(id);
              }}
            >
              ${visibilityLabel}
            </button>
          </div>`
        : nothing}
      <div role="gridcell" class="cell actions">
        ${primaryButton(row, action, tab, () => this.#runPrimary(row))}
        <button
          type="button"
          class="button quiet small"
          part="details-button"
          tabindex=${tab}
          data-details-for=${id}
          aria-expanded=${open ? 'true' : 'false'}
          aria-controls=${open ? 'detail' : nothing}
          aria-label="Details for ${name}"
          @click=${() => this.#toggleDetails(id)}
        >
          Details
        </button>
      </div>
    </div>`;
  }

  #renderHealth(row: SyncStatusRow, tab: number | undefined): TemplateResult {
    return healthButton(row, tab, this.#locale, () => this.#openDetailSection(row, 'health-checks'));
  }

  /** Opens the row's details (if not open) at one section, focused there. */
  #openDetailSection(row: SyncStatusRow, section: 'health-checks' | 'documents'): void {
    this.#openSection = section;
    if (this.connectionId) return this.requestUpdate();
    if (this._detailId !== row.connection.id) this.#toggleDetails(row.connection.id);
    this.#focusAfterUpdate = undefined;
  }

  #renderStatus(row: SyncStatusRow, status: RowStatus): TemplateResult {
    return statusCell(row, status, this._pending.has(row.connection.id), this.#locale);
  }

  #renderDocuments(row: SyncStatusRow, tab?: number): TemplateResult | typeof nothing {
    return documentsButton(row, tab, () => this.#openDetailSection(row, 'documents'));
  }

  #renderNotice(): TemplateResult {
    const retry = this._noticeRetry ? this.#byId.get(this._noticeRetry) : undefined;
    return html`<div class="notice" part="notice">
      <span>${this._notice}</span>
      <span class="notice-actions">
        ${retry
          ? html`<button type="button" class="button small primary" part="notice-retry-button" @click=${() => this.#reconnect(retry)}>
              Try again
            </button>`
          : nothing}
        <button type="button" class="button quiet small" aria-label="Dismiss message" @click=${() => this.#clearNotice()}>Dismiss</button>
      </span>
    </div>`;
  }

  #renderDetailPanel(): TemplateResult | typeof nothing {
    const row = this._detailId ? this.#byId.get(this._detailId) : undefined;
    if (!row) return nothing;
    const name = companyLabel(row.connection);
    return html`<section
      id="detail"
      class="detail"
      part="details"
      aria-labelledby="detail-title"
      @keydown=${(event: KeyboardEvent) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          this.#closeDetails();
        }
      }}
    >
      <div class="detail-head">
        <span id="detail-title" class="detail-title" tabindex="-1">${name}</span>
        ${this.#renderStatus(row, this.#statusOf(row))}
        <span class="spacer"></span>
        <button type="button" class="button quiet small" @click=${() => this.#closeDetails()}>Close</button>
      </div>
      ${keyed(row.connection.id, this.#renderDetailBody(row, false))}
    </section>`;
  }

  #renderCard(row: SyncStatusRow): TemplateResult {
    const status = this.#statusOf(row);
    const action = this.#primaryAction(row, status);
    const name = companyLabel(row.connection);
    return html`${this.#renderPermissionNotes([row])}
      ${this._notice ? this.#renderNotice() : nothing}
      <article class="card" part="card" aria-labelledby="card-title">
        <div class="card-head">
          <span id="card-title" class="card-title" part="company-name">${name}</span>
          <span class="spacer"></span>
          ${primaryButton(row, action, undefined, () => this.#runPrimary(row))}
        </div>
        <div class="card-status">${this.#renderStatus(row, status)}${this.#renderDocuments(row)}</div>
        <dl class="facts">
          <div><dt>Last sync</dt><dd class=${status.kind === 'stale' ? 'stale' : ''}>${momentOrNever(row.sync.last_successful_sync_at, this.#locale)}</dd></div>
          <div><dt>Health</dt><dd>${this.#renderHealth(row, undefined)}</dd></div>
          ${row.sync.next_scheduled_at
            ? html`<div><dt>Next sync</dt><dd>${momentOrNever(row.sync.next_scheduled_at, this.#locale)}</dd></div>`
            : nothing}
        </dl>
        ${keyed(row.connection.id, this.#renderDetailBody(row, true))}
      </article>`;
  }

  /** Facts, per-entity progress, health checks, history and visibility: the panel in list mode, the card's lower half. */
  #renderDetailBody(row: SyncStatusRow, compact: boolean): TemplateResult {
    const { connection, sync } = row;
    const status = this.#statusOf(row);
    const locale = this.#locale;
    const count = new Intl.NumberFormat(locale);
    const run = sync.current_run ?? sync.last_run;
    const entities = run ? entityProgress(run, locale) : [];
    const runs = this._runs.get(connection.id);
    const lastRun = sync.last_run;
    const id = connection.id;
    return html`<div class="detail-body ${compact ? 'compact' : ''}">
      ${status.error?.detail && status.error.detail !== status.error.summary
        ? html`<p class="detail-error">${status.error.detail}</p>`
        : nothing}
      ${sync.current_run?.error && sync.current_run.status !== 'succeeded'
        ? html`<p class="detail-error">${sync.current_run.status === 'queued' ? 'The last attempt stopped' : 'An earlier attempt stopped'}: ${sync.current_run.error.message}${sync.current_run.status === 'queued' && sync.current_run.error.retry_at
            ? html` Next try at <time datetime=${sync.current_run.error.retry_at}>${formatDateTime(sync.current_run.error.retry_at, locale)}</time>.`
            : nothing}</p>`
        : nothing}
      ${sync.current_run && sync.throttled_until && Date.parse(sync.throttled_until) > Date.now()
        ? html`<p class="detail-error">QuickBooks limits how often we may ask for data. Nothing is lost: the import resumes by itself at
            <time datetime=${sync.throttled_until}>${formatDateTime(sync.throttled_until, locale)}</time>.</p>`
        : nothing}
      ${status.kind === 'stale'
        ? html`<p class="stale-note"><span aria-hidden="true">⚠</span> The last successful sync is older than the schedule promises. Sync now to bring it up to date.</p>`
        : nothing}
      ${compact
        ? nothing
        : html`<dl class="facts">
            <div><dt>Last successful sync</dt><dd>${sync.last_successful_sync_at ? html`${formatDateTime(sync.last_successful_sync_at, locale)}` : 'Never'}</dd></div>
            <div><dt>Next scheduled sync</dt><dd>${sync.next_scheduled_at ? formatDateTime(sync.next_scheduled_at, locale) : '—'}</dd></div>
            <div><dt>Provider</dt><dd>${providerName(connection.provider)}</dd></div>
            ${lastRun
              ? html`<div class="wide">
                  <dt>Last run</dt>
                  <dd>${runSummary(lastRun, locale)}</dd>
                </div>`
              : nothing}
          </dl>`}
      ${sync.current_run?.records_per_second
        ? html`<p class="muted throughput">
            ${count.format(sync.current_run.progress.done)}${sync.current_run.progress.total !== null ? ` of ${count.format(sync.current_run.progress.total)}` : ''} records ·
            ${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(sync.current_run.records_per_second)} per second
          </p>`
        : nothing}
      ${entities.length > 0 ? entityTable(entities, sync.current_run !== null) : nothing}
      ${sync.health ? healthChecks(sync.health, locale) : nothing}
      <details
        class="disclosure history"
        @toggle=${(event: Event) => {
          if ((event.target as HTMLDetailsElement).open && this._runs.get(id)?.kind !== 'ready') void this.#loadRuns(id);
        }}
      >
        <summary>Sync history</summary>
        ${runHistory(runs, locale, () => void this.#loadRuns(id))}
      </details>
      <details
        class="disclosure documents"
        @toggle=${(event: Event) => {
          if ((event.target as HTMLDetailsElement).open) void this.#loadDocuments(id);
        }}
      >
        <summary>Documents to QuickBooks</summary>
        ${documentQueue(
          this._documents.get(id),
          this.#canAdmin && !this.#settings?.read_only ? (document) => void this.#retryDocument(id, document.id) : undefined,
          () => void this.#loadDocuments(id),
          (missing) => this.emit<OpenMappingEventDetail>('ledgerlink-open-mapping', { connection_id: id, ...missing }),
        )}
      </details>
      ${this.#canAdmin ? this.#renderVisibility(row) : nothing}
      ${this.#renderDetailActions(row, status)}
    </div>`;
  }

  /** Re-import everything and Disconnect: both ask first, in place, with Cancel focused. */
  #renderDetailActions(row: SyncStatusRow, status: RowStatus): TemplateResult | typeof nothing {
    const id = row.connection.id;
    const name = companyLabel(row.connection);
    const live = status.kind !== 'disconnected' && status.kind !== 'reconnect';
    const reimport = this.#canSync && live;
    const disconnect = this.#canAdmin && row.connection.status !== 'disconnected' && row.connection.provider === 'qbo';
    if (!reimport && !disconnect) return nothing;
    const confirm = this._confirm?.id === id ? this._confirm.kind : undefined;
    const busy = this._busy === id;
    if (confirm === 'reimport') {
      return html`<div class="detail-actions confirm" role="group" aria-labelledby="confirm-${id}" @keydown=${this.#onConfirmKeydown}>
        <p id="confirm-${id}">Re-import everything from ${name}? Every record is read again, which takes longer than a sync of changes.</p>
        <span class="confirm-buttons">
          <button type="button" class="button small primary" data-confirm-reimport @click=${() => {
            this._confirm = undefined;
            void this.#syncNow(row, true);
          }}>Re-import everything</button>
          <button type="button" class="button small" data-confirm-cancel @click=${() => this.#closeConfirm(id, 'reimport')}>Cancel</button>
        </span>
      </div>`;
    }
    if (confirm === 'disconnect') {
      return html`<div class="detail-actions confirm" role="group" aria-labelledby="confirm-${id}" @keydown=${this.#onConfirmKeydown}>
        <p id="confirm-${id}">Disconnect ${name}? Syncing stops; data already imported is kept. You can reconnect later.</p>
        <span class="confirm-buttons">
          <button type="button" class="button small danger" data-confirm-disconnect aria-disabled=${busy ? 'true' : nothing}
            @click=${() => void this.#disconnect(row)}>${busy ? 'Disconnecting…' : 'Disconnect'}</button>
          <button type="button" class="button small" data-confirm-cancel @click=${() => this.#closeConfirm(id, 'disconnect')}>Cancel</button>
        </span>
      </div>`;
    }
    const running = Boolean(row.sync.current_run || this._pending.has(id));
    return html`<div class="detail-actions">
      ${reimport
        ? html`<button type="button" class="button small" data-reimport-for=${id} aria-disabled=${running ? 'true' : nothing}
              title=${running ? 'A sync is already running.' : 'Reads every record again instead of only changes. Takes longer.'}
              @click=${() => {
                if (running) return;
                this._confirm = { kind: 'reimport', id };
                this.#focusAfterUpdate = '[data-confirm-cancel]';
              }}>Re-import everything…</button>`
        : nothing}
      ${disconnect
        ? html`<button type="button" class="button small" data-disconnect-for=${id} @click=${() => {
            this._confirm = { kind: 'disconnect', id };
            this.#focusAfterUpdate = '[data-confirm-cancel]';
          }}>Disconnect…</button>`
        : nothing}
    </div>`;
  }

  #onConfirmKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !this._confirm) return;
    event.preventDefault();
    event.stopPropagation();
    this.#closeConfirm(this._confirm.id, this._confirm.kind);
  };

  #closeConfirm(id: string, kind: 'disconnect' | 'reimport'): void {
    this._confirm = undefined;
    this.#focusAfterUpdate = kind === 'reimport' ? `[data-reimport-for="${cssEscape(id)}"]` : `[data-disconnect-for="${cssEscape(id)}"]`;
  }

  #renderVisibility(row: SyncStatusRow): TemplateResult {
    const draft = this._draft;
    if (draft && draft.target === row.connection.id) return this.#renderVisibilityEditor(draft);
    const { mode, user_ids } = row.sync.visibility;
    return html`<div class="visibility-summary">
      <span><span class="muted">Visible to:</span> ${mode === 'organization' ? 'Everyone in your organization' : this.#visibilityWords(mode, user_ids)}</span>
      <button type="button" class="button small" data-visibility-for=${row.connection.id} @click=${() => this.#openVisibility(row.connection.id)}>
        Change
      </button>
    </div>`;
  }

  #renderVisibilityEditor(draft: VisibilityDraft): TemplateResult {
    return visibilityEditor(draft, {
      users: this.users,
      locale: this.#locale,
      change: (patch) => (this._draft = { ...draft, ...patch }),
      save: () => void this.#saveVisibility(),
      close: () => this.#closeVisibility(),
    });
  }
}

/** A run that waits for a known time (a retry, a QuickBooks limit): a clock, not a spinner. */

/** A run queued again after a failure, waiting for its next try (reason and time in its error). */
function waitsForRetry(row: SyncStatusRow): boolean {
  const run = row.sync.current_run;
  return run?.status === 'queued' && run.error?.retry_at !== null && run.error?.retry_at !== undefined;
}

/** What the history table shows of a row's runs: when it changes, an open history is read again. */
function runSignature(row: SyncStatusRow): string {
  const run = row.sync.current_run;
  return [run?.id, run?.status, run?.error?.retry_at, row.sync.last_run?.id].join('|');
}

function cssEscape(value: string): string {
  return typeof CSS !== 'undefined' && CSS.escape ? CSS.escape(value) : value.replace(/["\\]/g, '\\$&');
}
