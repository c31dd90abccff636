import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { z } from 'zod';
import { errorDetail, LedgerlinkApiError, type MatchCandidate } from '../base/bff-client.ts';
import { LedgerlinkElement } from '../base/ledgerlink-element.ts';
import { buttonStyles, controlStyles } from '../base/controls.styles.ts';
import { Announcer } from '../base/announcer.ts';
import { themeStyles } from '../base/theme.ts';
import { capabilityNote, permissionNote, permissionNoteStyles, roleCan } from '../base/permission-note.ts';
import { TypeAhead } from '../client-sync-status/type-ahead.ts';
import { capitalize } from '../format/text.ts';
import type { ErrorEventDetail } from '../qbo-connect/qbo-connect.ts';
import type { CreateLinksBody, HostRecord, Link, MatchingState, PartyKind, ProviderParty, Suggestion } from '../../shared/api/matching.ts';
import type { OrganizationSettings } from '../../shared/api/organizations.ts';
import type { SessionInfo } from '../../shared/api/sessions.ts';
import type { Connection } from '../../shared/api/connections.ts';
import {
  filterChoices,
  filterRows,
  hasNoHostRecords,
  linkPairs,
  releasePairs,
  rowName,
  rowsOf,
  sectionCounts,
  sectionKeys,
  type LinkedPair,
  type MatcherRow,
  type Move,
  type SectionKey,
  type UnmatchedView,
} from './matching-sections.ts';
import { PartyPicker } from './party-picker.ts';
import { companyName, renderCompanyLine } from './company-line.ts';
import { CreateConfirm } from './create-confirm.ts';
import { methodWords, refuseClick, renderCells, type CreateState, type RowHost } from './matcher-row.ts';
import { renderSectionEmpty } from './section-empty.ts';
import { UndoOffer } from './undo-offer.ts';
import { countOf, partyWords, providerName, sentence, type MatcherEntity, type PartyWords } from './party-words.ts';
import { supplierMatcherStyles } from './supplier-matcher.styles.ts';
import { WindowedRows } from '../base/windowed-rows.ts';

/** `ledgerlink-link-created`: the server linked these pairs (Confirm, Accept all, a manual pick, "Link to … instead", or Undo of an unlink). */
export interface LinkCreatedEventDetail {
  connection_id: string;
  kind: PartyKind;
  links: Link[];
}

/** `ledgerlink-link-removed`: the server removed the link of one host record (Unlink, or Undo of a link). Fired once per link. */
export interface LinkRemovedEventDetail {
  connection_id: string;
  kind: PartyKind;
  host_id: string;
  provider_id: string;
}

/** `ledgerlink-record-imported`: the server accepted "Import" of a QuickBooks record; the host receives `event_id`. */
export interface RecordImportedEventDetail {
  connection_id: string;
  kind: PartyKind;
  provider_id: string;
  event_id: string;
}

/** `ledgerlink-connection-selected`: the user chose another QuickBooks company to match against. */
export interface ConnectionSelectedEventDetail {
  connection_id: string;
  previous_connection_id: string | undefined;
}

export type { MatcherEntity } from './party-words.ts';

declare global {
  interface HTMLElementTagNameMap {
    'supplier-matcher': SupplierMatcher;
  }
  interface HTMLElementEventMap {
    'ledgerlink-link-created': CustomEvent<LinkCreatedEventDetail>;
    'ledgerlink-link-removed': CustomEvent<LinkRemovedEventDetail>;
    'ledgerlink-record-imported': CustomEvent<RecordImportedEventDetail>;
    'ledgerlink-connection-selected': CustomEvent<ConnectionSelectedEventDetail>;
  }
}

type LinkRequest = z.input<typeof CreateLinksBody>['links'][number];

/** Undo stays offered this long after an action (longer while focus or the pointer is on it). */
export const UNDO_MS = 8_000;
/** At most this many imports at once when several QuickBooks records are imported together. */
const IMPORT_CONCURRENCY = 4;
/** At most this many DELETEs at once when undoing a bulk link. */
const UNLINK_CONCURRENCY = 6;
/** The styles' --ll-matcher-row-height and header height, until measured. */
const DEFAULT_ROW_HEIGHT = 52;
const HEADER_HEIGHT = 34;

const sectionLabels: Record<SectionKey, string> = {
  auto: 'Auto-matched',
  suggested: 'Suggested',
  unmatched: 'Unmatched',
  linked: 'Linked',
};

/**
 * Pairs the host's own suppliers (or clients) with QuickBooks vendors (or customers): accept the pairs the server
 * is sure about in one go, confirm or reject suggestions with their reasons, choose a partner by hand for the rest
 * (or create the record in QuickBooks), import QuickBooks records the host does not have, and unlink. Every change
 * can be undone for a few seconds.
 *
 * Sections are tabs (Left/Right/Home/End move between them). The active section is a grid that stays fast at
 * 10,000 rows (only the rows in view are rendered) and is filtered and searched in the browser over the loaded
 * state. Keyboard in the grid: Up/Down, Page Up/Down, Home/End move between rows, typing letters jumps to a name,
 * Enter runs the row's main action (Confirm, Choose…, Import); Tab moves from the row into its buttons.
 *
 * ✕ (reject) on an auto-matched or suggested pair is client-side only: both records move to Unmatched in this
 * view, nothing is stored, and the server suggests the pair again the next time the state is loaded.
 *
 * Roles outside `connect_roles` in the organization's settings see everything with the actions disabled and the
 * reason next to them; a 403 from the server does the same with the server's explanation.
 *
 * Above the tabs it names the QuickBooks company it matches against; when the user may see several connected
 * companies, that name is a menu to switch (the element's `connection-id` changes and
 * `ledgerlink-connection-selected` fires). "Create in QuickBooks" shows what will be created and asks first.
 * The QuickBooks-only list shows active records first and imports several at once.
 *
 * Below its own width of 640px (a container query, whatever the viewport) rows become stacked cards with their
 * actions inside, and the tabs scroll sideways.
 *
 * @summary Match the host's suppliers or clients to QuickBooks vendors or customers.
 *
 * @attr connection-id - Required. The QuickBooks connection whose records are matched.
 * @attr entity - `vendor` (default: the host's suppliers and QuickBooks vendors) or `customer` (clients and customers).
 *
 * @slot empty - Shown under "No suppliers to match yet" when the host has sent no records, e.g. a link to import them.
 *
 * @event {CustomEvent<LinkCreatedEventDetail>} ledgerlink-link-created - Pairs were linked on the server.
 * @event {CustomEvent<LinkRemovedEventDetail>} ledgerlink-link-removed - A link was removed on the server (once per link).
 * @event {CustomEvent<RecordImportedEventDetail>} ledgerlink-record-imported - A QuickBooks record was sent to the host's list.
 * @event {CustomEvent<ErrorEventDetail>} ledgerlink-error - Loading or an action failed (`code`, `message`).
 * @event {CustomEvent<ConnectionSelectedEventDetail>} ledgerlink-connection-selected - The user switched to another QuickBooks company.
 *
 * @csspart company - The line naming the QuickBooks company matched against.
 * @csspart company-select - The menu to switch company, when there are several.
 * @csspart tabs - The tab list of sections.
 * @csspart tab - One section's tab.
 * @csspart tab-count - The number on a tab.
 * @csspart panel - The active section (role tabpanel).
 * @csspart toolbar - Search, filter, count and "Accept all" above the grid.
 * @csspart search - The filter text box.
 * @csspart filter - The reason or link-method filter.
 * @csspart view-toggle - In Unmatched: the host's records or QuickBooks records not in the host's list.
 * @csspart accept-all-button - "Accept all".
 * @csspart grid - The scrolling grid.
 * @csspart header - The column header row.
 * @csspart row - One row.
 * @csspart name - A record's name.
 * @csspart meta - The line under a name (city, postal code or email).
 * @csspart reasons - Why a pair was suggested ("similar name, phone"), in rows and in the picker.
 * @csspart confirm-button - "Confirm".
 * @csspart reject-button - ✕, "Not a match".
 * @csspart picker-button - "Choose…", opens the picker.
 * @csspart picker-input - The picker's text box (role combobox).
 * @csspart picker - The picker's popover with its results (role listbox).
 * @csspart picker-option - One result in the picker.
 * @csspart create-button - "Create in QuickBooks".
 * @csspart link-instead-button - "Link to … instead", after QuickBooks refused a duplicate name.
 * @csspart import-button - "Import".
 * @csspart select - The check box selecting a QuickBooks record for "Import selected".
 * @csspart import-selected-button - "Import N selected".
 * @csspart provider-id - The QuickBooks id of a linked record.
 * @csspart create-dialog - The dialog confirming "Create in QuickBooks".
 * @csspart create-fields - The fields QuickBooks will receive, in that dialog.
 * @csspart create-confirm-button - The dialog's "Create vendor" (or "Create customer").
 * @csspart unlink-button - "Unlink".
 * @csspart permission-note - Why actions are unavailable to this role.
 * @csspart notice - A failed action, in plain words.
 * @csspart undo - The notice after an action, with its Undo button.
 * @csspart undo-button - "Undo".
 * @csspart empty - An empty state.
 * @csspart error - The load error with Retry.
 * @csspart skeleton - Loading placeholder rows.
 *
 * @cssproperty --ll-matcher-max-height - Height of the grid before it scrolls. Default `520px`.
 * @cssproperty --ll-matcher-row-height - Height of one row. Default `52px`.
 * @cssproperty --ll-matcher-row-hover - Row background on hover. Default the raised surface.
 * @cssproperty --ll-matcher-tab-indicator - The active tab's underline. Default the accent colour.
 * @cssproperty --ll-matcher-reason-color - Text colour of reasons. Default the muted text colour.
 * @cssproperty --ll-matcher-picker-shadow - The picker popover's shadow.
 * @cssproperty --ll-matcher-card-height - Height of one row shown as a card, below 640px. Default `132px`.
 * @cssproperty --ll-matcher-background - The element's background. Default transparent in the light theme, the surface colour in the dark one.
 */
export class SupplierMatcher extends LedgerlinkElement {
  static override styles = [themeStyles, buttonStyles, controlStyles, permissionNoteStyles, supplierMatcherStyles];

  static override properties = {
    ...LedgerlinkElement.properties,
    connectionId: { type: String, attribute: 'connection-id' },
    entity: { type: String },
    _phase: { state: true },
    _loadError: { state: true },
    _state: { state: true },
    _tab: { state: true },
    _view: { state: true },
    _query: { state: true },
    _filter: { state: true },
    _activeKey: { state: true },
    _busy: { state: true },
    _bulkBusy: { state: true },
    _creates: { state: true },
    _createUnavailable: { state: true },
    _imports: { state: true },
    _forbidden: { state: true },
    _notice: { state: true },
    _connections: { state: true },
    _selected: { state: true },
  };

  /** How long Undo is offered after an action, in ms. A static so a subclass (or a test) can change it. */
  static undoMs = UNDO_MS;

  /** The QuickBooks connection whose records are matched. Required. */
  declare connectionId: string | undefined;
  /** `vendor` (default) matches the host's suppliers to QuickBooks vendors; `customer` its clients to QuickBooks customers. */
  declare entity: MatcherEntity;

  declare private _phase: 'loading' | 'ready' | 'error';
  declare private _loadError: string;
  declare private _state: MatchingState | undefined;
  declare private _tab: SectionKey;
  declare private _view: UnmatchedView;
  declare private _query: string;
  declare private _filter: string;
  declare private _activeKey: string | undefined;
  /** Rows with a request in flight (host ids; `p:` + id for QuickBooks records). */
  declare private _busy: ReadonlySet<string>;
  declare private _bulkBusy: boolean;
  declare private _creates: ReadonlyMap<string, CreateState>;
  declare private _createUnavailable: boolean;
  declare private _imports: ReadonlyMap<string, 'sending' | 'sent'>;
  /** The server's 403 explanation once an action was refused; every action is disabled with it from then on. */
  declare private _forbidden: string | undefined;
  declare private _notice: string | undefined;
  /** The connected QuickBooks companies this user may see, for the company line; undefined until known. */
  declare private _connections: Connection[] | undefined;
  /** QuickBooks records ticked for "Import selected". */
  declare private _selected: ReadonlySet<string>;

  #session: SessionInfo | undefined;
  #settings: OrganizationSettings | undefined;
  #loadSeq = 0;
  #rows: MatcherRow[] = [];
  #filtered: MatcherRow[] = [];
  #announcer = new Announcer(this);
  #windowed = new WindowedRows(this, { scroller: '.scroller', row: '.body [role="row"]', header: '.header-row', rowHeight: DEFAULT_ROW_HEIGHT, headerHeight: HEADER_HEIGHT });
  #typeAhead = new TypeAhead();
  /** Selectors tried in order after the next render; the first that exists gets focus. */
  #focusAfterUpdate: string | string[] | undefined;
  #undo = new UndoOffer(this, () => (this.constructor as typeof SupplierMatcher).undoMs);
  /** The rows' view of this element (matcher-row.ts renders the cells). */
  #rowHost: RowHost = (() => {
    // Getters, so each render reads the current state; inside them `this` is the object literal, hence `self`.
    const self = this;
    return {
      get words() { return self.#words; },
      get locale() { return self.#locale; },
      get permissionNote() { return self.#permissionNote; },
      get createBlocked() { return self.#createBlocked; },
      get creates() { return self._creates; },
      get imports() { return self._imports; },
      get selected() { return self._selected; },
      get picker() { return self.#picker; },
      confirm: (suggestion) => self.#confirm(suggestion),
      reject: (suggestion) => self.#reject(suggestion),
      unlink: (link) => self.#unlink(link),
      import: (provider) => self.#import(provider),
      askCreate: (record, button) => self.#askCreate(record, button),
      linkInstead: (record, duplicate) => self.#linkInstead(record, duplicate),
      openPicker: (hostId) => self.#openPicker(hostId),
      toggleSelected: (ids, on) => self.#toggleSelected(ids, on),
    };
  })();
  /** QuickBooks records met outside the state (picker results, duplicate answers), to show them once linked. */
  #known = new Map<string, ProviderParty>();
  #createConfirm = new CreateConfirm(this, { confirm: (record) => void this.#create(record) });
  #picker = new PartyPicker(this, {
    pairedWith: (providerId) => this.#pairedWith(providerId),
    search: (hostId, q, signal) => this.client.matchCandidates(this.connectionId ?? '', this.#words.kind, { host_id: hostId, q, limit: 10 }, signal),
    choose: (hostId, candidate) => this.#pick(hostId, candidate),
    closed: (hostId, refocus) => {
      if (refocus) this.#focusAfterUpdate = `[data-picker-for="${cssEscape(hostId)}"]`;
    },
  });

  constructor() {
    super();
    this.entity = 'vendor';
    this._phase = 'loading';
    this._loadError = '';
    this._tab = 'auto';
    this._view = 'host';
    this._query = '';
    this._filter = '';
    this._busy = new Set();
    this._bulkBusy = false;
    this._creates = new Map();
    this._createUnavailable = false;
    this._imports = new Map();
    this._selected = new Set();
  }

  /** The matching state as shown, including the changes made here since it was loaded. */
  get state(): Readonly<MatchingState> | undefined {
    return this._state;
  }

  /** Loads the state from the server again (local rejections are forgotten). */
  refresh(): void {
    if (this.hasSession) void this.#load();
  }

  protected override sessionChanged(): void {
    void this.#load();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.hasUpdated && (changed.has('connectionId') || changed.has('entity')) && this.hasSession) void this.#load();
    // Private state is not in keyof this; the map holds it all the same.
    const state = changed as ReadonlyMap<PropertyKey, unknown>;
    if (state.has('_tab') || state.has('_view')) {
      this._filter = '';
      this.#picker.close();
    }
    if (state.has('_state') || state.has('_tab') || state.has('_view') || state.has('_query') || state.has('_filter')) {
      this.#rows = this._state ? rowsOf(this._state, this._tab, this._view) : [];
      this.#filtered = filterRows(this.#rows, this._query, this._filter);
      if (!this.#filtered.some((row) => row.key === this._activeKey)) this._activeKey = this.#filtered[0]?.key;
      if (state.has('_tab') || state.has('_view')) this.#windowed.reset();
      this.#windowed.setCount(this.#filtered.length);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if ((changed as ReadonlyMap<PropertyKey, unknown>).has('_tab')) this.#revealTab();
    const target = this.#focusAfterUpdate;
    if (target) {
      this.#focusAfterUpdate = undefined;
      for (const selector of typeof target === 'string' ? [target] : target) {
        const element = this.renderRoot.querySelector<HTMLElement>(selector);
        if (element) {
          element.focus();
          break;
        }
      }
    }
  }

  // ── Loading ──────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Loads the state. `quiet` keeps what is shown until the new state arrives (after an action that the server may
   * have changed more than we know); otherwise skeleton rows stand in while it loads.
   */
  async #load(quiet = false): Promise<void> {
    const seq = ++this.#loadSeq;
    if (!quiet || this._phase !== 'ready') {
      this._phase = 'loading';
      this._state = undefined;
      this._busy = new Set();
      this._creates = new Map();
      this._imports = new Map();
      this._selected = new Set();
      this._notice = undefined;
      this._forbidden = undefined;
      this.#undo.dismiss();
      this.#createConfirm.close();
    }
    const id = this.connectionId;
    if (!id) {
      console.warn('[ledgerlink:matcher-connection] <supplier-matcher> needs a connection-id attribute: the QuickBooks connection to match.');
      this.#failLoad(new LedgerlinkApiError(0, 'bad_request', `No QuickBooks company was chosen for matching ${this.#words.hosts}.`));
      return;
    }
    try {
      // Which companies there are only names the one matched against: matching works without it.
      const connections = this.client.connections().catch(() => undefined);
      const [session, settings, matching] = await Promise.all([this.client.session(), this.client.settings(), this.client.matchingState(id, this.#words.kind)]);
      if (seq !== this.#loadSeq) return;
      this.#session = session;
      this.#settings = settings;
      this._state = matching;
      this._phase = 'ready';
      const list = await connections;
      if (seq === this.#loadSeq) this._connections = list?.filter((connection) => connection.provider === 'qbo' && (connection.status !== 'disconnected' || connection.id === id));
    } catch (error) {
      // A quiet reload that fails keeps what is shown: it was only a check.
      if (seq === this.#loadSeq && !(quiet && this._state)) this.#failLoad(error);
    }
  }

  #failLoad(error: unknown): void {
    const { code, message } = errorDetail(error);
    this._phase = 'error';
    this._loadError =
      code === 'not_found' ? 'This QuickBooks company is not available to you. It may have been disconnected or removed.' : message;
    this.#announcer.say(`${capitalize(this.#words.host)} matches could not be loaded. ${this._loadError}`);
    this.emit<ErrorEventDetail>('ledgerlink-error', { code, message });
  }

  // ── Permissions ──────────────────────────────────────────────────────────────────────────────────────

  get #canChange(): boolean {
    return !this._forbidden && roleCan({ session: this.#session, settings: this.#settings }, 'manage');
  }

  /** Why this user cannot change links, or undefined when they can. */
  get #permissionNote(): string | undefined {
    if (this._forbidden) return this._forbidden;
    if (this.#canChange || !this.#settings) return undefined;
    return capabilityNote(this.#settings, 'manage', `change how ${this.#words.hosts} are matched`, this.#locale);
  }

  /** Why "Create in QuickBooks" does nothing right now, with the id of the text that says so. */
  get #createBlocked(): { reason: string; id: string } | undefined {
    const note = this.#permissionNote;
    if (note) return { reason: note, id: 'permission-note' };
    if (this.#settings?.read_only) return { reason: 'Your organization does not write to QuickBooks, so records cannot be created there.', id: 'create-note' };
    if (this._createUnavailable) return { reason: createUnavailableText, id: 'create-note' };
    return undefined;
  }

  // ── Actions ──────────────────────────────────────────────────────────────────────────────────────────

  /** Links pairs on the server, moves them to Linked, tells the host, and offers Undo. */
  async #link(requests: LinkRequest[], announce: (links: Link[]) => string, busyKeys: string[], focusAfter?: string[]): Promise<boolean> {
    const id = this.connectionId;
    if (!id || !this.#canChange || requests.length === 0) return false;
    const kind = this.#words.kind;
    const focusIndex = this.#focusedRowIndex();
    this.#setBusy(busyKeys, true);
    let links: Link[];
    try {
      links = await this.client.createLinks(id, { kind, links: requests });
    } catch (error) {
      this.#setBusy(busyKeys, false);
      this.#actionFailed(error, `Could not link ${requests.length === 1 ? 'this pair' : `these ${this.#words.hosts}`}`);
      return false;
    }
    this.#setBusy(busyKeys, false);
    if (!this._state) return false;
    const move = linkPairs(this._state, links, this.#known);
    this._state = move.state;
    if (focusAfter) this.#focusAfterUpdate = focusAfter;
    else this.#refocus(focusIndex);
    this.emit<LinkCreatedEventDetail>('ledgerlink-link-created', { connection_id: id, kind, links });
    const text = announce(links);
    this.#announcer.say(text);
    this.#undo.offer(text, () => this.#undoLinks(links, move));
    return true;
  }

  async #undoLinks(links: readonly Link[], move: Move): Promise<void> {
    const id = this.connectionId;
    if (!id) return;
    const kind = this.#words.kind;
    const failed: unknown[] = [];
    const queue = [...links];
    const worker = async () => {
      for (let link = queue.shift(); link; link = queue.shift()) {
        try {
          await this.client.removeLink(id, kind, link.host_id);
          this.emit<LinkRemovedEventDetail>('ledgerlink-link-removed', { connection_id: id, kind, host_id: link.host_id, provider_id: link.provider_id });
        } catch (error) {
          failed.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(UNLINK_CONCURRENCY, links.length) }, worker));
    if (failed.length > 0) {
      this.#actionFailed(failed[0], 'Could not undo everything');
      // Some links are gone and some not: only the server knows which, so show its state.
      if (failed.length < links.length) this.refresh();
      return;
    }
    if (this._state) this._state = move.revert(this._state);
    this.#announcer.say(links.length === 1 ? 'Undone. The pair is no longer linked.' : `Undone. ${countOf(links.length, this.#words.host, this.#words.hosts, this.#locale)} no longer linked.`);
  }

  #acceptAll(): void {
    if (this._bulkBusy || !this.#canChange) return;
    const rows = this.#filtered.filter((row): row is Extract<MatcherRow, { type: 'suggestion' }> => row.type === 'suggestion');
    if (rows.length === 0) return;
    this._bulkBusy = true;
    void this.#link(
      rows.map((row) => ({ host_id: row.suggestion.host.id, provider_id: row.suggestion.provider.id, method: 'auto' })),
      (links) => `Linked ${countOf(links.length, this.#words.host, this.#words.hosts, this.#locale)}.`,
      rows.map((row) => row.key),
      // The button leaves with the rows it accepted: focus what comes next instead of losing focus to the page.
      // Never the Undo button: focus there holds the notice, which then never leaves.
      ['.panel [role="row"][tabindex="0"]', '.empty .button', '#tab-auto'],
    ).finally(() => (this._bulkBusy = false));
  }

  /** Confirm on one pair is a person's decision, so it is stored as `confirmed` in both Auto-matched and Suggested. */
  #confirm(suggestion: Suggestion): void {
    if (this._busy.has(suggestion.host.id)) return;
    void this.#link(
      [{ host_id: suggestion.host.id, provider_id: suggestion.provider.id, method: 'confirmed' }],
      () => sentence(`Linked ${suggestion.host.name} to ${providerName(suggestion.provider.name)}`),
      [suggestion.host.id],
    );
  }

  /** Client-side only: the pair leaves Auto-matched or Suggested and both records show as unmatched until the next load. */
  #reject(suggestion: Suggestion): void {
    if (!this._state || !this.#canChange) return;
    const focusIndex = this.#focusedRowIndex();
    const move = releasePairs(this._state, new Set([suggestion.host.id]));
    this._state = move.state;
    this.#refocus(focusIndex);
    const text = `${sentence(`${suggestion.host.name} is not matched to ${providerName(suggestion.provider.name)}`)} Both are in Unmatched.`;
    this.#announcer.say(text);
    this.#undo.offer(text, async () => {
      if (this._state) this._state = move.revert(this._state);
      this.#announcer.say('Undone. The suggestion is back.');
    });
  }

  #pick(hostId: string, candidate: MatchCandidate): void {
    this.#known.set(candidate.provider.id, candidate.provider);
    const host = this._state?.unmatched_host.find((record) => record.id === hostId);
    // The text box goes away with the picker: the row holds focus while the link is made.
    this.#focusAfterUpdate = `[role="row"][data-key="${cssEscape(hostId)}"]`;
    void this.#link(
      [{ host_id: hostId, provider_id: candidate.provider.id, method: 'manual' }],
      () => sentence(`Linked ${host?.name ?? 'it'} to ${providerName(candidate.provider.name)}`),
      [hostId],
    );
  }

  async #unlink(link: LinkedPair): Promise<void> {
    const id = this.connectionId;
    if (!id || !this.#canChange || this._busy.has(link.host_id) || !this._state) return;
    const kind = this.#words.kind;
    const focusIndex = this.#focusedRowIndex();
    this.#setBusy([link.host_id], true);
    try {
      await this.client.removeLink(id, kind, link.host_id);
    } catch (error) {
      this.#setBusy([link.host_id], false);
      this.#actionFailed(error, 'Could not unlink');
      return;
    }
    this.#setBusy([link.host_id], false);
    if (!this._state) return;
    const move = releasePairs(this._state, new Set([link.host_id]));
    this._state = move.state;
    this.#refocus(focusIndex);
    this.emit<LinkRemovedEventDetail>('ledgerlink-link-removed', { connection_id: id, kind, host_id: link.host_id, provider_id: link.provider_id });
    const text = sentence(`Unlinked ${link.host?.name ?? link.host_id} from ${link.provider ? providerName(link.provider.name) : 'its QuickBooks record'}`);
    this.#announcer.say(text);
    // created and imported links are not something a person can ask for; relinking by hand is what Undo does.
    const method: LinkRequest['method'] = link.method === 'auto' || link.method === 'confirmed' ? link.method : 'manual';
    this.#undo.offer(text, async () => {
      let links: Link[];
      try {
        links = await this.client.createLinks(id, { kind, links: [{ host_id: link.host_id, provider_id: link.provider_id, method }] });
      } catch (error) {
        this.#actionFailed(error, 'Could not undo');
        return;
      }
      if (this._state) {
        const fresh = new Map(links.map((made) => [made.host_id, made]));
        const restored = move.revert(this._state);
        this._state = { ...restored, linked: restored.linked.map((entry) => ({ ...entry, ...fresh.get(entry.host_id) })) };
      }
      this.emit<LinkCreatedEventDetail>('ledgerlink-link-created', { connection_id: id, kind, links });
      this.#announcer.say(`Undone. ${sentence(`${link.host?.name ?? 'The record'} is linked again`)}`);
    });
  }

  /** Sends one QuickBooks record to the host's list; true when the server accepted it. */
  async #import(provider: ProviderParty, announce = true): Promise<boolean> {
    const id = this.connectionId;
    if (!id || !this.#canChange || this._imports.has(provider.id)) return false;
    const kind = this.#words.kind;
    this._imports = new Map(this._imports).set(provider.id, 'sending');
    try {
      const { event_id } = await this.client.importProviderRecord(id, kind, provider.id);
      this._imports = new Map(this._imports).set(provider.id, 'sent');
      this.#unselect([provider.id]);
      this.emit<RecordImportedEventDetail>('ledgerlink-record-imported', { connection_id: id, kind, provider_id: provider.id, event_id });
      if (announce) this.#announcer.say(`${sentence(`Sent ${providerName(provider.name)} to your ${this.#words.hosts}`)} It shows as linked once your list is updated.`);
      return true;
    } catch (error) {
      const imports = new Map(this._imports);
      imports.delete(provider.id);
      this._imports = imports;
      this.#actionFailed(error, `Could not import ${providerName(provider.name)}`);
      return false;
    }
  }

  /** "Import N selected": the ticked records, a few requests at a time, then one sentence for all of them. */
  async #importSelected(): Promise<void> {
    if (!this._state || !this.#canChange || this._bulkBusy) return;
    const selected = this._state.unmatched_provider.filter((provider) => this._selected.has(provider.id) && !this._imports.has(provider.id));
    if (selected.length === 0) return;
    this._bulkBusy = true;
    const queue = [...selected];
    let sent = 0;
    const worker = async () => {
      for (let provider = queue.shift(); provider; provider = queue.shift()) if (await this.#import(provider, false)) sent += 1;
    };
    await Promise.all(Array.from({ length: Math.min(IMPORT_CONCURRENCY, selected.length) }, worker));
    this._bulkBusy = false;
    const words = this.#words;
    if (sent > 0) this.#announcer.say(`Sent ${countOf(sent, `QuickBooks ${words.provider}`, `QuickBooks ${words.providers}`, this.#locale)} to your ${words.hosts}. They show as linked once your list is updated.`);
  }

  #toggleSelected(ids: readonly string[], on: boolean): void {
    const selected = new Set(this._selected);
    for (const id of ids) on ? selected.add(id) : selected.delete(id);
    this._selected = selected;
  }

  #unselect(ids: readonly string[]): void {
    if (ids.some((id) => this._selected.has(id))) this.#toggleSelected(ids, false);
  }

  /** "Create in QuickBooks" on a row: asks first, in a dialog that lists what QuickBooks will receive. */
  #askCreate(host: HostRecord, button: HTMLElement | null): void {
    const state = this._creates.get(host.id);
    if (this.#createBlocked || state?.status === 'sending' || state?.status === 'sent') return;
    this.#createConfirm.open(host, button);
  }

  async #create(host: HostRecord): Promise<void> {
    const id = this.connectionId;
    const state = this._creates.get(host.id);
    if (!id || this.#createBlocked || state?.status === 'sending' || state?.status === 'sent') return;
    const kind = this.#words.kind;
    this.#setCreate(host.id, { status: 'sending' });
    try {
      const created = await this.client.createProviderRecord(id, kind, host.id);
      this.#createConfirm.close();
      this.#setCreate(host.id, { status: 'sent' });
      this.#known.set(created.provider.id, created.provider);
      // The row moves to Linked here and now; the quiet reload only catches what else the server changed.
      if (this._state) this._state = linkPairs(this._state, [created.link], this.#known).state;
      this.#focusAfterUpdate = ['.panel [role="row"][tabindex="0"]', `#tab-${this._tab}`];
      this.#announcer.say(`Created ${host.name} in QuickBooks and linked it.`);
      this.emit<LinkCreatedEventDetail>('ledgerlink-link-created', { connection_id: id, kind, links: [created.link] });
      if (this.hasSession) void this.#load(true);
    } catch (error) {
      this.#createConfirm.close(true);
      this.#setCreate(host.id, undefined);
      const details = error instanceof LedgerlinkApiError ? error.details : undefined;
      if (error instanceof LedgerlinkApiError && error.status === 409 && typeof details?.provider_id === 'string') {
        const existing = typeof details.provider_name === 'string' ? details.provider_name : 'a record with this name';
        this.#setCreate(host.id, { status: 'duplicate', providerId: details.provider_id, providerName: existing });
        this.#known.set(details.provider_id, this.#providerById(details.provider_id) ?? namedProvider(details.provider_id, existing));
        this.#announcer.say(`${sentence(`QuickBooks already has a ${this.#words.provider} named ${existing}`)} You can link to it instead.`);
        this.#focusAfterUpdate = `[data-key="${cssEscape(host.id)}"] [part="link-instead-button"]`;
        return;
      }
      if (error instanceof LedgerlinkApiError && (error.status === 404 || error.status === 501)) {
        this._createUnavailable = true;
        this.#announcer.say(createUnavailableText);
        this.emit<ErrorEventDetail>('ledgerlink-error', { code: error.code, message: createUnavailableText });
        return;
      }
      this.#actionFailed(error, `Could not create ${host.name} in QuickBooks`);
    }
  }

  #linkInstead(host: HostRecord, duplicate: Extract<CreateState, { status: 'duplicate' }>): void {
    void this.#link(
      [{ host_id: host.id, provider_id: duplicate.providerId, method: 'manual' }],
      () => sentence(`Linked ${host.name} to ${duplicate.providerName}`),
      [host.id],
    ).then((linked) => {
      if (linked) this.#setCreate(host.id, undefined);
    });
  }

  /** Who else a QuickBooks record is paired with (linked, or proposed in Auto-matched or Suggested), for the picker. */
  #pairedWith(providerId: string): { name: string; linked: boolean } | undefined {
    const state = this._state;
    if (!state) return undefined;
    const link = state.linked.find((entry) => entry.provider_id === providerId);
    if (link) return { name: link.host?.name ?? link.host_id, linked: true };
    const pair = state.auto.find((entry) => entry.provider.id === providerId) ?? state.suggested.find((entry) => entry.provider.id === providerId);
    return pair ? { name: pair.host.name, linked: false } : undefined;
  }

  #actionFailed(error: unknown, prefix: string): void {
    const detail = errorDetail(error);
    if (error instanceof LedgerlinkApiError && error.status === 403) {
      this._forbidden = detail.message;
      this.#announcer.say(detail.message);
    } else {
      this._notice = `${sentence(prefix)} ${detail.message}`;
      this.#announcer.say(this._notice);
    }
    this.emit<ErrorEventDetail>('ledgerlink-error', detail);
  }

  #setBusy(keys: readonly string[], on: boolean): void {
    const busy = new Set(this._busy);
    for (const key of keys) on ? busy.add(key) : busy.delete(key);
    this._busy = busy;
  }

  #setCreate(hostId: string, state: CreateState | undefined): void {
    const creates = new Map(this._creates);
    if (state) creates.set(hostId, state);
    else creates.delete(hostId);
    this._creates = creates;
  }

  #providerById(id: string): ProviderParty | undefined {
    return this._state?.unmatched_provider.find((provider) => provider.id === id) ?? this.#known.get(id);
  }

  // ── Announcements ────────────────────────────────────────────────────────────────────────────────

  // ── Keyboard ─────────────────────────────────────────────────────────────────────────────────────────

  #onTabKeydown = (event: KeyboardEvent): void => {
    const index = sectionKeys.indexOf(this._tab);
    const last = sectionKeys.length - 1;
    const next =
      event.key === 'ArrowRight' ? (index + 1) % sectionKeys.length
      : event.key === 'ArrowLeft' ? (index - 1 + sectionKeys.length) % sectionKeys.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : undefined;
    if (next === undefined) return;
    event.preventDefault();
    this.#showSection(sectionKeys[next] ?? 'auto', true);
  };

  /**
   * Where the tabs scroll (narrow widths), the selected one is scrolled into view, starting at a tab's edge where
   * the strip allows so the first tab shown is whole.
   */
  #revealTab(): void {
    const list = this.renderRoot.querySelector<HTMLElement>('.tabs');
    const tabs = [...(list?.querySelectorAll<HTMLElement>('[role="tab"]') ?? [])];
    const tab = tabs.find((candidate) => candidate.getAttribute('aria-selected') === 'true');
    if (!list || !tab) return;
    if (list.scrollWidth > list.clientWidth) {
      const room = list.clientWidth - 40; // less the faded end
      const end = tab.offsetLeft + tab.offsetWidth;
      const start = tabs.map((candidate) => candidate.offsetLeft).find((left) => end - left <= room) ?? tab.offsetLeft;
      if (start < list.scrollLeft || end > list.scrollLeft + room) list.scrollLeft = start;
    }
    markTabEdges(list);
  }

  #showSection(section: SectionKey, focusTab: boolean): void {
    this._tab = section;
    if (focusTab) this.#focusAfterUpdate = `#tab-${section}`;
  }

  #onGridKeydown = (event: KeyboardEvent): void => {
    const target = event.target as HTMLElement;
    if (target instanceof HTMLInputElement) return;
    const rowElement = target.closest<HTMLElement>('[role="row"][data-key]');
    if (!rowElement) return;
    const onRow = target === rowElement;
    const index = this.#filtered.findIndex((row) => row.key === rowElement.dataset.key);
    const row = this.#filtered[index];
    if (!row) return;
    let next = this.#windowed.target(event.key, index, this.#filtered.length);
    if (next === undefined) {
      switch (event.key) {
        case 'Enter':
          if (!onRow) return;
          event.preventDefault();
          this.#runPrimary(row);
          return;
        default:
          if (!onRow || event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey || !/\S/.test(event.key)) return;
          next = this.#typeAhead.find(event.key, this.#filtered.map(rowName), index);
          if (next === undefined) return;
      }
    }
    event.preventDefault();
    this.#moveTo(next);
  };

  /** Enter on a row: its main action, when this user may take it. */
  #runPrimary(row: MatcherRow): void {
    if (!this.#canChange) return;
    if (row.type === 'suggestion') this.#confirm(row.suggestion);
    else if (row.type === 'host') this.#openPicker(row.host.id);
    else if (row.type === 'provider') void this.#import(row.provider);
  }

  #openPicker(hostId: string): void {
    if (!this.#canChange || this._busy.has(hostId)) return;
    this._activeKey = hostId;
    this.#picker.open(hostId);
    this.#focusAfterUpdate = '#picker-input';
  }

  #moveTo(index: number): void {
    const row = this.#filtered[index];
    if (!row) return;
    this._activeKey = row.key;
    this.#windowed.reveal(index);
    this.#focusAfterUpdate = `[role="row"][data-key="${cssEscape(row.key)}"]`;
    this.requestUpdate();
  }

  /** The index of the row holding focus, so focus can stay at that place when the row leaves the list. */
  #focusedRowIndex(): number | undefined {
    const key = (this.shadowRoot?.activeElement as HTMLElement | null)?.closest<HTMLElement>('[role="row"][data-key]')?.dataset.key;
    if (key === undefined) return undefined;
    const index = this.#filtered.findIndex((row) => row.key === key);
    return index < 0 ? undefined : index;
  }

  /** After rows left the list: the row now at `index` (or the last) becomes active and focused. */
  #refocus(index: number | undefined): void {
    if (index === undefined) return;
    const rows = this._state ? filterRows(rowsOf(this._state, this._tab, this._view), this._query, this._filter) : [];
    const row = rows[Math.min(index, rows.length - 1)];
    if (row) {
      this._activeKey = row.key;
      this.#focusAfterUpdate = `[role="row"][data-key="${cssEscape(row.key)}"]`;
    } else {
      this.#focusAfterUpdate = `#tab-${this._tab}`;
    }
  }

  get #words(): PartyWords {
    return partyWords(this.entity);
  }

  get #locale(): string | undefined {
    return this.closest('[lang]')?.getAttribute('lang') || undefined;
  }

  // ── Rendering ────────────────────────────────────────────────────────────────────────────────────────

  protected override render(): TemplateResult {
    return html`${this.#renderView()}
      ${this.#announcer.render()}`;
  }

  #renderView(): TemplateResult {
    const words = this.#words;
    if (this._phase === 'loading') return this.#renderLoading();
    if (this._phase === 'error' || !this._state) {
      return html`<div class="load-error" part="error" role="alert">
        <p><strong>${capitalize(words.host)} matches could not be loaded.</strong> ${this._loadError}</p>
        <button type="button" class="button primary" data-retry @click=${() => void this.#load()}>Retry</button>
      </div>`;
    }
    if (hasNoHostRecords(this._state)) {
      return html`<div class="empty whole" part="empty">
        <p class="empty-title">No ${words.hosts} to match yet</p>
        <p class="muted">When your ${words.hosts} are available, they appear here next to your QuickBooks ${words.providers}.</p>
        <slot name="empty"></slot>
      </div>`;
    }
    const counts = sectionCounts(this._state);
    const count = new Intl.NumberFormat(this.#locale);
    const note = this.#permissionNote;
    return html`
      ${renderCompanyLine(this._connections, this.connectionId, (next) => this.#selectConnection(next))}
      ${note ? permissionNote('permission-note', note) : nothing}
      <div
        class="tabs"
        role="tablist"
        part="tabs"
        aria-label="${capitalize(words.host)} matches"
        @keydown=${this.#onTabKeydown}
        @scroll=${(event: Event) => markTabEdges(event.currentTarget as HTMLElement)}
      >
        ${sectionKeys.map(
          (key) => html`<button
            type="button"
            role="tab"
            part="tab"
            class="tab"
            id="tab-${key}"
            aria-selected=${key === this._tab ? 'true' : 'false'}
            aria-controls="panel"
            tabindex=${key === this._tab ? 0 : -1}
            @click=${() => this.#showSection(key, false)}
          >
            ${sectionLabels[key]}<span class="tab-count" part="tab-count">${count.format(counts[key])}</span>
          </button>`,
        )}
      </div>
      <div class="panel" role="tabpanel" id="panel" part="panel" aria-labelledby="tab-${this._tab}">
        ${this.#rows.length > 0 || this._tab === 'unmatched' ? this.#renderToolbar() : nothing}
        ${this._notice
          ? html`<div class="notice" part="notice">
              <span>${this._notice}</span>
              <button type="button" class="button quiet small" @click=${() => (this._notice = undefined)}>Dismiss</button>
            </div>`
          : nothing}
        ${this._createUnavailable && this._tab === 'unmatched' && this._view === 'host'
          ? html`<p class="info-note" part="notice" id="create-note">${createUnavailableText} Choose an existing QuickBooks ${words.provider} instead, or add it in QuickBooks; it appears here after the next sync.</p>`
          : this.#settings?.read_only && this._tab === 'unmatched' && this._view === 'host' && !note
            ? html`<p class="info-note" part="notice" id="create-note">Your organization does not write to QuickBooks, so records cannot be created there. Choose an existing QuickBooks ${words.provider} instead.</p>`
            : nothing}
        ${this.#rows.length === 0 ? renderSectionEmpty(this._tab, this._view, counts, this.#words, (section) => this.#showSection(section, true)) : this.#renderGrid()}
      </div>
      ${this.#undo.render()}
      ${this.#picker.renderPopup(`QuickBooks ${words.providers}`, words.providers, this._state.unmatched_host.find((record) => record.id === this.#picker.hostId)?.name)}
      ${this.#createConfirm.render(words, this.#companyName)}
    `;
  }

  get #companyName(): string | undefined {
    const current = this._connections?.find((connection) => connection.id === this.connectionId);
    return current ? companyName(current) : undefined;
  }

  #selectConnection(next: string): void {
    const previous = this.connectionId;
    if (next === previous) return;
    this.connectionId = next;
    this.emit<ConnectionSelectedEventDetail>('ledgerlink-connection-selected', { connection_id: next, previous_connection_id: previous });
  }

  #renderLoading(): TemplateResult {
    return html`<div class="loading" part="skeleton" aria-busy="true">
      <span class="visually-hidden">Loading ${this.#words.host} matches…</span>
      <div class="skeleton-tabs" aria-hidden="true">
        ${[92, 76, 86, 60].map((width) => html`<span class="bone" style="width: ${width}px"></span>`)}
      </div>
      <div class="skeleton" aria-hidden="true">
        ${Array.from(
          { length: 6 },
          (_, i) => html`<div class="skeleton-row">
            <span class="bone" style="width: ${[62, 48, 70, 55, 66, 44][i]}%"></span>
            <span class="bone" style="width: ${[58, 66, 44, 60, 50, 64][i]}%"></span>
            <span class="bone short"></span>
            <span class="bone button-bone"></span>
          </div>`,
        )}
      </div>
    </div>`;
  }

  #renderToolbar(): TemplateResult {
    const words = this.#words;
    const locale = this.#locale;
    const count = new Intl.NumberFormat(locale);
    const shown = this.#filtered.length;
    const total = this.#rows.length;
    const tab = this._tab;
    const providerView = tab === 'unmatched' && this._view === 'provider';
    const noun = providerView ? `QuickBooks ${words.providers}` : words.hosts;
    const choices = tab === 'auto' || tab === 'suggested' || tab === 'linked' ? filterChoices(this.#rows) : [];
    const note = this.#permissionNote;
    return html`<div class="toolbar" part="toolbar">
      ${tab === 'unmatched' && this._state
        ? html`<div class="segmented" part="view-toggle" role="group" aria-label="Show">
            <button type="button" aria-pressed=${this._view === 'host' ? 'true' : 'false'} @click=${() => (this._view = 'host')}>
              Your ${words.hosts} <span class="muted">${count.format(this._state.unmatched_host.length)}</span>
            </button>
            <button type="button" aria-pressed=${this._view === 'provider' ? 'true' : 'false'} @click=${() => (this._view = 'provider')}>
              QuickBooks ${words.providers} not in your list <span class="muted">${count.format(this._state.unmatched_provider.length)}</span>
            </button>
          </div>`
        : nothing}
      <input
        type="search"
        class="search"
        part="search"
        placeholder="Filter ${noun}"
        aria-label="Filter ${sectionLabels[tab].toLowerCase()} ${noun} by name, email or city"
        .value=${live(this._query)}
        @input=${(event: Event) => (this._query = (event.target as HTMLInputElement).value)}
        @keydown=${(event: KeyboardEvent) => {
          if (event.key === 'ArrowDown' && this.#filtered.length > 0) {
            event.preventDefault();
            this.#moveTo(Math.max(0, this.#filtered.findIndex((row) => row.key === this._activeKey)));
          }
        }}
      />
      ${choices.length > 0
        ? html`<select
            class="filter"
            part="filter"
            aria-label=${tab === 'linked' ? 'How they were linked' : 'Why they match'}
            .value=${live(this._filter)}
            @change=${(event: Event) => (this._filter = (event.target as HTMLSelectElement).value)}
          >
            <option value="" ?selected=${this._filter === ''}>${tab === 'linked' ? 'Linked any way' : 'Any reason'}</option>
            ${choices.map(
              (choice) => html`<option value=${choice.key} ?selected=${this._filter === choice.key}>
                ${tab === 'linked' ? methodWords[choice.key as Link['method']] ?? choice.key : capitalize(choice.key)} (${count.format(choice.count)})
              </option>`,
            )}
          </select>`
        : nothing}
      ${providerView && shown > 0 ? this.#renderSelectAll(this.#filtered) : nothing}
      <span class="count muted">${shown === total ? countOf(total, tab === 'auto' || tab === 'suggested' ? 'pair' : providerView ? 'record' : words.host, tab === 'auto' || tab === 'suggested' ? 'pairs' : providerView ? 'records' : words.hosts, locale) : `${count.format(shown)} of ${count.format(total)}`}</span>
      <span class="spacer"></span>
      ${tab === 'auto' && shown > 0
        ? html`<button
            type="button"
            class="button primary small"
            part="accept-all-button"
            aria-disabled=${note || this._bulkBusy ? 'true' : nothing}
            aria-describedby=${note ? 'permission-note' : nothing}
            @click=${() => this.#acceptAll()}
          >
            ${this._bulkBusy ? 'Linking…' : shown === total ? `Accept all ${count.format(total)}` : `Accept ${count.format(shown)} shown`}
          </button>`
        : nothing}
      ${providerView && this._selected.size > 0
        ? html`<button
            type="button"
            class="button primary small"
            part="import-selected-button"
            aria-disabled=${note || this._bulkBusy ? 'true' : nothing}
            aria-describedby=${note ? 'permission-note' : nothing}
            @click=${() => void this.#importSelected()}
          >
            ${this._bulkBusy ? 'Importing…' : `Import ${count.format(this._selected.size)} selected`}
          </button>`
        : nothing}
    </div>`;
  }

  #columns(): [string, string, string] {
    const words = this.#words;
    switch (this._tab) {
      case 'auto':
      case 'suggested':
        return [words.hostColumn, words.providerColumn, 'Why'];
      case 'unmatched':
        return this._view === 'host' ? [words.hostColumn, words.providerColumn, 'Status'] : [words.providerColumn, 'Contact', 'Status'];
      case 'linked':
        return [words.hostColumn, words.providerColumn, 'How'];
    }
  }

  #renderGrid(): TemplateResult {
    const rows = this.#filtered;
    const [first, second, third] = this.#columns();
    const active = rows.findIndex((row) => row.key === this._activeKey);
    const height = this.#windowed.rowHeight;
    const noun = this._tab === 'unmatched' && this._view === 'provider' ? `QuickBooks ${this.#words.providers} not in your list` : `${sectionLabels[this._tab].toLowerCase()} ${this.#words.hosts}`;
    return html`<div
        class="scroller ${this._tab === 'unmatched' && this._view === 'provider' ? 'provider-view' : ''}"
        part="grid"
        role="grid"
        aria-label=${capitalize(noun)}
        aria-rowcount=${rows.length + 1}
        aria-colcount="4"
        @scroll=${() => {
          this.#windowed.onScroll();
          if (this.#picker.isOpen) this.requestUpdate();
        }}
      >
        <div role="rowgroup" class="header">
          <div role="row" class="row header-row" part="header" aria-rowindex="1">
            <div role="columnheader" class="cell">${first}</div>
            <div role="columnheader" class="cell">${second}</div>
            <div role="columnheader" class="cell">${third}</div>
            <div role="columnheader" class="cell actions-head"><span class="visually-hidden">Actions</span></div>
          </div>
        </div>
        <div
          role="rowgroup"
          class="body"
          style="height: ${rows.length * height}px"
          @keydown=${this.#onGridKeydown}
          @focusin=${(event: FocusEvent) => {
            const key = (event.target as HTMLElement).closest<HTMLElement>('[data-key]')?.dataset.key;
            if (key !== undefined && key !== this._activeKey) this._activeKey = key;
          }}
        >
          ${repeat(
            this.#windowed.indexes(active),
            (index) => rows[index]?.key ?? index,
            (index) => {
              const row = rows[index];
              return row ? this.#renderRow(row, index, height) : nothing;
            },
          )}
        </div>
      </div>
      ${rows.length === 0
        ? html`<div class="no-match" part="empty">
            <p>No ${this._tab === 'unmatched' && this._view === 'provider' ? 'records' : this.#words.hosts} match${this._query.trim() ? html` “${this._query.trim()}”` : nothing}${this._filter ? ' this filter' : nothing}.</p>
            <button
              type="button"
              class="button small"
              @click=${() => {
                this._query = '';
                this._filter = '';
              }}
            >
              Clear filters
            </button>
          </div>`
        : nothing}`;
  }

  #renderRow(row: MatcherRow, index: number, height: number): TemplateResult {
    const active = row.key === this._activeKey;
    const tab = active ? 0 : -1;
    const busy = this._busy.has(row.key);
    return html`<div
      role="row"
      part="row"
      class="row ${row.type} ${busy ? 'busy' : ''}"
      data-key=${row.key}
      tabindex=${tab}
      aria-rowindex=${index + 2}
      aria-busy=${busy ? 'true' : nothing}
      style="transform: translateY(${index * height}px)"
    >
      ${renderCells(row, tab, busy, this.#rowHost)}
    </div>`;
  }

  /** The provider view's "Select all" in the toolbar: every record shown that is not imported yet, or none. */
  #renderSelectAll(rows: readonly MatcherRow[]): TemplateResult {
    const ids = rows.flatMap((row) => (row.type === 'provider' && !this._imports.has(row.provider.id) ? [row.provider.id] : []));
    const chosen = ids.filter((id) => this._selected.has(id)).length;
    return html`<label class="select-all">
      <input
        type="checkbox"
        class="select"
        part="select"
        .checked=${live(ids.length > 0 && chosen === ids.length)}
        .indeterminate=${chosen > 0 && chosen < ids.length}
        ?disabled=${ids.length === 0}
        aria-disabled=${this.#permissionNote !== undefined ? 'true' : nothing}
        aria-describedby=${this.#permissionNote !== undefined ? 'permission-note' : nothing}
        @click=${refuseClick(this.#permissionNote)}
        @change=${(event: Event) => this.#toggleSelected(ids, (event.target as HTMLInputElement).checked)}
      />
      Select all
    </label>`;
  }

}

const createUnavailableText = "Creating records in QuickBooks isn't available yet.";

/** A QuickBooks record known only by id and name (from a duplicate-name answer). */
function namedProvider(id: string, name: string): ProviderParty {
  return { id, name, email: null, phone: null, city: null, postal_code: null, country: null, account_number: null, active: true };
}

/** Which ends of a scrolling tab strip have more tabs past them: the styles fade those ends. */
function markTabEdges(list: HTMLElement): void {
  list.toggleAttribute('data-scrolled', list.scrollLeft > 1);
  list.toggleAttribute('data-end', list.scrollLeft + list.clientWidth >= list.scrollWidth - 1);
}

function cssEscape(value: string): string {
  return typeof CSS !== 'undefined' && CSS.escape ? CSS.escape(value) : value.replace(/["\\]/g, '\\$&');
}
