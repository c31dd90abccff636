import { html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { LedgerlinkApiError } from '../base/bff-client.ts';
import { buttonStyles, controlStyles } from '../base/controls.styles.ts';
import { LedgerlinkElement } from '../base/ledgerlink-element.ts';
import { onlyRolesCan, permissionNote, permissionNoteStyles } from '../base/permission-note.ts';
import { themeStyles } from '../base/theme.ts';
import { WindowedRows } from '../base/windowed-rows.ts';
import type { MappingState } from '../../shared/api/mappings.ts';
import { saysReverseCharge } from '../../shared/mapping/tax-meaning.ts';
import type { ConnectionsState } from '../base/connection-store.ts';
import { AUTOMATED_TAX_NOTE, hostDetail, KIND_WORDS, plainApiMessage, STATUS_WORDS, type MapperKind } from './mapping-words.ts';
import { taxRateMapperStyles } from './tax-rate-mapper.styles.ts';

type Row = MappingState['rows'][number];
type Target = MappingState['targets'][number];
type Change = { host_id: string; target: { type: string; id: string } | null; method?: 'confirmed' | 'manual' };
type Created = MappingChangedEventDetail['changes'][number] & { outcome: 'created' | 'linked' };

/** A picker option's value: type and id, as an item and an account (or two lists) may share an id. */
const keyOf = (target: { type: string; id: string }) => `${target.type}:${target.id}`;

/** `ledgerlink-mapping-changed`: mappings were saved on the server (a pick, accepted suggestions, an undo, a created code). */
export interface MappingChangedEventDetail {
  connection_id: string;
  kind: MapperKind;
  changes: { host_id: string; target: { type: string; id: string; name: string } | null; version: number }[];
}

declare global {
  interface HTMLElementTagNameMap {
    'tax-rate-mapper': TaxRateMapper;
  }
  interface HTMLElementEventMap {
    'ledgerlink-mapping-changed': CustomEvent<MappingChangedEventDetail>;
  }
}

const ROW_HEIGHT = 64;
/**
 * Up to this many rows the grid is not windowed: every row is laid out in the flow at its own height (a card with a
 * long reason is tall, the others are not, and borders never overlap). A mapper rarely has more; beyond it rows
 * are windowed, each in a slot of the tallest rendered one.
 */
const WINDOW_FROM = 100;

/** Said while the page's connection is not connected: Create and Accept need QuickBooks, so they wait for a reconnect. */
export const RECONNECT_NOTE = 'This company is not connected to QuickBooks: reconnect it, then create missing records or accept suggestions here. Your mappings are kept.';

/**
 * Maps the host's tax rates (or, with `kind`, its billable categories or staff) to QuickBooks, one row per host
 * record: the suggested target and why, a picker holding only the choices valid for that record (a purchase rate
 * sees only codes with purchase rates at its rate), and its status: mapped, needs attention (with what broke, e.g.
 * the code was switched off in QuickBooks) or unmapped. "Accept all suggestions" asks first and can be undone.
 * Where the company has tax agencies a default agency can be chosen; a US company on automated sales tax is told
 * that QuickBooks computes the tax and only taxable / non-taxable is mapped. A missing tax code or service can be
 * created in QuickBooks from the row.
 *
 * Keyboard: Tab into the grid, Up/Down/Home/End move between rows (only rows in view are rendered), Enter on a row
 * accepts its suggestion, Tab reaches the row's picker and buttons. In a picker the arrows only browse its options:
 * Enter or leaving the picker saves what it shows, Escape puts back the saved choice; focus stays where it was. Roles outside `connect_roles` see everything
 * with the controls disabled and the reason. Below 560px of its own width rows become stacked cards. Reasons wrap
 * and long names wrap rather than being cut; each row is as tall as its own content (beyond 100 rows, windowed, every
 * row takes the height of the tallest one in view). Follows the page's shared connection state: while the company is
 * disconnected or must be reconnected, Create is hidden and Accept disabled, with a note saying to reconnect.
 *
 * @summary Map host tax rates, billable categories or staff to QuickBooks.
 *
 * @attr connection-id - Required. The QuickBooks connection to map against.
 * @attr kind - `tax-rates` (default), `billable-categories`, `staff`, `products`, `classes` or `locations`.
 *
 * @event {CustomEvent<MappingChangedEventDetail>} ledgerlink-mapping-changed - Mappings were saved.
 * @event {CustomEvent<{code: string, message: string}>} ledgerlink-error - Loading or saving failed.
 *
 * @csspart note - The automated sales tax explanation.
 * @csspart defaults - The default tax agency line.
 * @csspart accept-all-button - "Accept all suggestions".
 * @csspart grid - The scrolling grid.
 * @csspart row - One host record.
 * @csspart status - Its status.
 * @csspart picker - Its choice of QuickBooks record (a select).
 * @csspart reasons - Why the suggestion was made, or what is wrong.
 * @csspart accept-button - "Accept" on one row.
 * @csspart create-button - "Create in QuickBooks".
 * @csspart notice - The last action's result, with Undo.
 * @csspart permission-note - Why the controls are unavailable to this role.
 * @csspart reconnect-note - The company must be reconnected before Create or Accept.
 *
 * @cssproperty --ll-mapper-max-height - Height of the grid before it scrolls. Default `480px`.
 * @cssproperty --ll-mapper-row-height - Height of one row. Default `64px`.
 * @cssproperty --ll-mapper-card-height - Height of one row shown as a card, below 560px. Default `112px`.
 * @cssproperty --ll-mapper-row-hover - Background of the row holding focus.
 * @cssproperty --ll-mapper-background - The element's background.
 */
export class TaxRateMapper extends LedgerlinkElement {
  static override styles = [themeStyles, buttonStyles, controlStyles, permissionNoteStyles, taxRateMapperStyles];

  static override properties = {
    ...LedgerlinkElement.properties,
    connectionId: { type: String, attribute: 'connection-id' },
    kind: { type: String },
    _state: { state: true },
    _error: { state: true },
    _busy: { state: true },
    _confirm: { state: true },
    _notice: { state: true },
    _active: { state: true },
    _agencyNeeded: { state: true },
  };

  declare connectionId: string | undefined;
  declare kind: MapperKind;
  declare private _state: MappingState | undefined;
  declare private _error: string;
  declare private _busy: boolean;
  declare private _confirm: boolean;
  declare private _notice: { text: string; undo?: Change[] } | undefined;
  declare private _active: number;
  /** Creating a tax code was refused for want of a default tax agency: the agency picker is marked and focused. */
  declare private _agencyNeeded: boolean;

  #store: ConnectionsState | undefined;
  /** The API answered an action with "reconnect" before the page's state knew: kept until that state changes. */
  #reconnectAnswered = false;
  #unsubscribe: (() => void) | undefined;
  #forbidden: string | undefined;
  #seq = 0;
  /** The last key pressed on a picker moved through its options (arrows, Home/End, a letter): not yet a choice. */
  #browsing = false;
  /**
   * The row whose picker shows a keyboard choice not yet saved. Only that is saved when focus leaves the picker:
   * leaving after Enter (or after any save) must not save again, least of all whatever the DOM shows mid-render.
   */
  #unsaved: string | undefined;
  #windowed = new WindowedRows(this, { scroller: '.scroller', row: '.body .row', header: '.header', rowHeight: ROW_HEIGHT, headerHeight: 34, wrapping: true });

  constructor() {
    super();
    this.kind = 'tax-rates';
    this._error = '';
    this._busy = false;
    this._confirm = false;
    this._active = 0;
    this._agencyNeeded = false;
  }

  /** The mapping state as last loaded. */
  get state(): Readonly<MappingState> | undefined {
    return this._state;
  }

  /** Loads the state from the server again. */
  refresh(): void {
    void this.#load();
  }

  protected override sessionChanged(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = this.connectionStore()?.subscribe((state) => {
      if (this.#pageStatus(state) !== this.#pageStatus(this.#store)) this.#reconnectAnswered = false;
      this.#store = state;
      this.requestUpdate();
    }, { connections: this.connectionId ?? 'all', sync: false });
    void this.#load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribe?.();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (this.hasUpdated && (changed.has('connectionId') || changed.has('kind')) && this.hasSession) void this.#load();
    this.#windowed.setCount(this._state?.rows.length ?? 0);
  }

  get #denied(): string | undefined {
    const { session, settings } = this.#store ?? {};
    if (this.#forbidden) return this.#forbidden;
    if (session && settings && !settings.connect_roles.includes(session.user.role)) return onlyRolesCan(settings.connect_roles, 'change mappings');
    return undefined;
  }

  /** The connection's status as the page's shared state has it (undefined until it has this connection). */
  #pageStatus(state: ConnectionsState | undefined): string | undefined {
    return state?.entries.find((entry) => entry.connection.id === this.connectionId)?.connection.status;
  }

  /** QuickBooks can't be reached for this company until it is reconnected (disconnected, or needs a reconnect). */
  get #needsReconnect(): boolean {
    const status = this.#pageStatus(this.#store);
    return this.#reconnectAnswered || (status !== undefined && status !== 'connected');
  }

  get #path(): string {
    return `/v1/widget/connections/${encodeURIComponent(this.connectionId ?? '')}`;
  }

  async #load(): Promise<void> {
    if (!this.connectionId) return;
    const seq = ++this.#seq;
    try {
      const state = await this.client.request<MappingState>('GET', `${this.#path}/mappings/${this.kind}`);
      if (seq === this.#seq) [this._state, this._error] = [state, ''];
    } catch (error) {
      if (seq === this.#seq) this.#fail(error, true);
    }
  }

  #fail(error: unknown, loading = false): void {
    const { code = 'internal', message = String(error), status = 0, details } = error as LedgerlinkApiError;
    const shown = plainApiMessage(message, details);
    if (status === 403) this.#forbidden = shown;
    if (details?.['action'] === 'reconnect') {
      // The page may not know yet: it is asked again, and the note shows until its state changes.
      this.#reconnectAnswered = true;
      this.connectionStore()?.refresh();
    }
    if (loading) this._error = shown;
    else this._notice = { text: shown };
    // The host gets the API's own message: it is for developers, with the field it names.
    this.emit('ledgerlink-error', { code, message });
  }

  /** Saves changes, tells the host, reloads; `undo` is what reverses them, offered in the notice. */
  async #save(changes: Change[], undo?: Change[], words?: string): Promise<void> {
    if (this.#denied || changes.length === 0) return;
    this._busy = true;
    try {
      const { data } = await this.client.request<{ data: MappingChangedEventDetail['changes'] }>('PUT', `${this.#path}/mappings/${this.kind}`, { body: { mappings: changes } });
      this.#changed(data);
      this._notice = words ? { text: words, ...(undo ? { undo } : {}) } : undefined;
      await this.#load();
    } catch (error) {
      this.#fail(error);
    } finally {
      this._busy = false;
      this._confirm = false;
    }
  }

  #changed(changes: MappingChangedEventDetail['changes']): void {
    this.emit<MappingChangedEventDetail>('ledgerlink-mapping-changed', { connection_id: this.connectionId ?? '', kind: this.kind, changes });
  }

  /** Rows whose suggestion is not yet their mapping, and valid where the row limits choices. */
  get #acceptable(): Row[] {
    return (this._state?.rows ?? []).filter((row) => row.suggestion && row.mapping?.target.id !== row.suggestion.target.id && (row.choices?.includes(row.suggestion.target.id) ?? true));
  }

  /** Staff suggestions short of name and email both matching (another email, a similar name): named before mapping. */
  get #weaker(): Row[] {
    return this.kind === 'staff' ? this.#acceptable.filter((row) => row.suggestion!.confidence !== 'auto') : [];
  }

  #acceptAll(onlyStrong = false): void {
    const weaker = new Set(this.#weaker);
    const rows = this.#acceptable.filter((row) => !onlyStrong || !weaker.has(row));
    const undo = rows.map((row) => ({ host_id: String(row.host['id']), target: row.mapping ? { type: row.mapping.target.type, id: row.mapping.target.id } : null }));
    void this.#save(rows.map((row) => ({ host_id: String(row.host['id']), target: row.suggestion!.target, method: 'confirmed' as const })), undo, `Mapped ${rows.length} to their suggestions.`);
  }

  /** `key` is an option value (type:id), '' for "Not mapped". */
  #pick(row: Row, key: string): Promise<void> | undefined {
    if (this._busy || (row.mapping ? keyOf(row.mapping.target) : '') === key) return undefined;
    const target = this._state?.targets.find((candidate) => keyOf(candidate) === key);
    const hostId = String(row.host['id']);
    return this.#save([{ host_id: hostId, target: target ? { type: target.type, id: target.id } : null, method: row.suggestion && keyOf(row.suggestion.target) === key ? 'confirmed' : 'manual' }]);
  }

  async #create(row: Row): Promise<void> {
    if (this.#denied) return;
    this._busy = true;
    try {
      const { outcome, ...made } = await this.client.request<Created>('POST', `${this.#path}/mappings/${this.kind}/${encodeURIComponent(String(row.host['id']))}/create`, { body: this.kind === 'tax-rates' ? {} : undefined });
      this.#changed([made]);
      this._notice = {
        text: outcome === 'linked'
          ? `QuickBooks already has "${made.target?.name}": mapped ${row.host['name']} to it instead of creating a duplicate.`
          : `Created "${made.target?.name}" in QuickBooks and mapped ${row.host['name']} to it.`,
      };
      await this.#load();
    } catch (error) {
      const issues = (error as LedgerlinkApiError).details?.['issues'];
      if (Array.isArray(issues) && issues.some((issue) => (issue as { field?: string }).field === 'default_tax_agency')) this.#askForAgency(error as LedgerlinkApiError);
      else this.#fail(error);
    } finally {
      this._busy = false;
    }
  }

  /** A new tax code's rates need an agency: say so next to the default agency picker and take focus there. */
  #askForAgency(error: LedgerlinkApiError): void {
    this._agencyNeeded = true;
    const unset = this._state?.mode.has_agencies && !this._state.defaults.tax_agency?.value;
    // The API's reason is a clause for developers; the person gets one sentence saying what to do here.
    this._notice = { text: unset ? AGENCY_NEEDED : asSentence(plainApiMessage(error.message, error.details)) };
    this.emit('ledgerlink-error', { code: error.code, message: error.message });
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLSelectElement>('[part="defaults"] select')?.focus());
  }

  async #setAgency(id: string): Promise<void> {
    try {
      await this.client.request('PUT', `${this.#path}/mapping-defaults`, { body: { tax_agency: id || null } });
      this._agencyNeeded = id === '' && this._agencyNeeded;
      await this.#load();
    } catch (error) {
      this.#fail(error);
    }
  }

  #onKey(event: KeyboardEvent): void {
    const rows = this._state?.rows ?? [];
    if ((event.target as HTMLElement).getAttribute('role') !== 'row') return;
    const moves: Record<string, number> = { ArrowDown: this._active + 1, ArrowUp: this._active - 1, Home: 0, End: rows.length - 1, PageDown: this._active + this.#windowed.page, PageUp: this._active - this.#windowed.page };
    if (event.key === 'Enter') {
      const row = rows[this._active];
      if (row?.suggestion && row.mapping?.target.id !== row.suggestion.target.id && !this.#needsReconnect) void this.#pick(row, keyOf(row.suggestion.target));
      return;
    }
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    this._active = Math.max(0, Math.min(rows.length - 1, next));
    if (rows.length > WINDOW_FROM) this.#windowed.reveal(this._active);
    // Focusing a row scrolls it into view; rows in the flow have their own heights, so no slot maths is needed.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[aria-rowindex="${this._active + 2}"]`)?.focus());
  }

  protected override render() {
    const words = KIND_WORDS[this.kind] ?? KIND_WORDS['tax-rates'];
    if (this._error) {
      return html`<div class="load-error" part="error" role="alert"><p>${this._error}</p><button class="button" @click=${() => this.refresh()}>Retry</button></div>`;
    }
    const state = this._state;
    if (!state) return html`<div class="scroller" aria-busy="true" aria-label="Loading ${words.title.toLowerCase()}"><span class="bone"></span></div>`;
    const denied = this.#denied;
    const off = denied ? 'true' : this._busy ? 'true' : 'false';
    const count = (status: Row['status']) => state.rows.filter((row) => row.status === status).length;
    const acceptable = this.#acceptable.length;
    const weaker = this.#weaker;
    const agency = state.defaults.tax_agency;
    const reconnect = this.#needsReconnect;
    const acceptOff = reconnect ? 'true' : off;
    const acceptWhy = denied ? 'mapper-permission' : reconnect ? 'mapper-reconnect' : nothing;
    const windowed = state.rows.length > WINDOW_FROM;
    return html`
      ${state.mode.kind === 'automated' && this.kind === 'tax-rates' ? html`<p class="note" part="note">${AUTOMATED_TAX_NOTE}</p>` : nothing}
      ${denied ? permissionNote('mapper-permission', denied) : nothing}
      ${reconnect ? html`<p class="note" part="reconnect-note" id="mapper-reconnect" role="status">${RECONNECT_NOTE}</p>` : nothing}
      <div class="toolbar">
        <span class="count muted">${(['mapped', 'needs_attention', 'unmapped'] as const).map((status) => `${count(status)} ${STATUS_WORDS[status].toLowerCase()}`).join(' · ')}</span>
        ${this.kind === 'tax-rates' && state.mode.has_agencies && agency
          ? html`<label part="defaults">Default tax agency
              <select .value=${agency.value?.id ?? ''} aria-disabled=${off} aria-invalid=${this._agencyNeeded && !agency.value ? 'true' : 'false'}
                aria-describedby=${this._agencyNeeded && this._notice ? 'mapper-notice' : nothing} ?disabled=${Boolean(denied)} @change=${(event: Event) => void this.#setAgency((event.target as HTMLSelectElement).value)}>
                <option value="">None</option>
                ${agency.targets.map((target) => html`<option value=${target.id} ?selected=${agency.value?.id === target.id}>${target.name}</option>`)}
              </select></label>`
          : nothing}
        <span class="spacer"></span>
        ${this._confirm
          ? html`<span role="group" aria-label="Confirm accepting suggestions" part="confirm">Map ${acceptable} to the suggestion?
              ${weaker.length > 0
                ? html`<span part="weaker">${weaker.length} ${weaker.length === 1 ? 'is a weaker match' : 'are weaker matches'}: ${weaker.map((row) => `${String(row.host['name'])} → ${state.targets.find((target) => target.id === row.suggestion!.target.id && target.type === row.suggestion!.target.type)?.name ?? row.suggestion!.target.id} (${row.suggestion!.reasons.join(', ')})`).join('; ')}.</span>`
                : nothing}
              <button class="button small primary" @click=${() => this.#acceptAll()}>Map ${acceptable}</button>
              ${weaker.length > 0 && weaker.length < acceptable
                ? html`<button class="button small" part="accept-strong-button" @click=${() => this.#acceptAll(true)}>Map only the ${acceptable - weaker.length} exact</button>`
                : nothing}
              <button class="button small" @click=${() => (this._confirm = false)}>Cancel</button></span>`
          : html`<button class="button small" part="accept-all-button" aria-disabled=${acceptable === 0 ? 'true' : acceptOff} aria-describedby=${acceptWhy}
              @click=${() => acceptable > 0 && acceptOff === 'false' && (this._confirm = true)}>Accept all suggestions (${acceptable})</button>`}
      </div>
      ${this._notice
        ? html`<p class="note" part="notice" id="mapper-notice" role="status">${this._notice.text}
            ${this._notice.undo ? html` <button class="button small" @click=${() => void this.#save(this._notice!.undo!, undefined, 'Undone.')}>Undo</button>` : nothing}</p>`
        : nothing}
      ${state.rows.length === 0
        ? html`<div class="empty" part="empty"><p class="empty-title">No ${words.title.toLowerCase()} to map yet</p><p class="muted">Your product sends them to Ledgerlink; they appear here with a suggested ${words.target}.</p><slot name="empty"></slot></div>`
        : html`<div class="scroller" part="grid" role="grid" aria-label=${`${words.title} mapped to QuickBooks`} aria-rowcount=${state.rows.length + 1} @scroll=${this.#windowed.onScroll} @keydown=${this.#onKey}>
            <div class="header row" role="row" aria-rowindex="1">
              <span class="cell" role="columnheader">Your ${words.one}</span><span class="cell" role="columnheader">Status</span><span class="cell" role="columnheader">${words.target}</span>
            </div>
            <div class="body ${windowed ? '' : 'flow'}" role="rowgroup" style=${windowed ? `height:${state.rows.length * this.#windowed.rowHeight}px` : ''}>
              ${repeat(windowed ? this.#windowed.indexes(this._active) : state.rows.map((_, index) => index), (index) => String(state.rows[index]!.host['id']), (index) => this.#row(state, state.rows[index]!, index, off, Boolean(denied), windowed, reconnect))}
            </div>
          </div>`}
    `;
  }

  /**
   * A closed select in Chromium fires `change` on every arrow key: moving through options is not a choice. Keys that
   * browse mark the picker, and its value is saved on Enter or when focus leaves it (Escape puts the saved one back);
   * a choice made with the pointer or in the open list saves at once.
   */
  #pickerKey(event: KeyboardEvent, row: Row): void {
    const select = event.target as HTMLSelectElement;
    if (event.key === 'Enter') {
      // Enter is the choice: Chromium would also open the list, whose stale selection a Tab then "picks" (an unmap).
      event.preventDefault();
      this.#browsing = false;
      this.#unsaved = undefined;
      void this.#pick(row, select.value);
    } else if (event.key === 'Escape') {
      this.#browsing = false;
      this.#unsaved = undefined;
      select.value = row.mapping ? keyOf(row.mapping.target) : '';
    } else {
      this.#browsing = event.key.startsWith('Arrow') || event.key.startsWith('Page') || event.key === 'Home' || event.key === 'End' || event.key.length === 1;
    }
  }

  #pickerChange(event: Event, row: Row): void {
    if (this.#browsing) this.#unsaved = String(row.host['id']);
    else {
      this.#unsaved = undefined;
      void this.#pick(row, (event.target as HTMLSelectElement).value);
    }
  }

  /** Leaving a picker saves only a keyboard choice not yet saved; focus goes on to where it was going, or near it. */
  #pickerBlur(event: FocusEvent, row: Row): void {
    this.#browsing = false;
    if (this.#unsaved !== String(row.host['id'])) return;
    this.#unsaved = undefined;
    const next = event.relatedTarget as HTMLElement | null;
    const saved = this.#pick(row, (event.target as HTMLSelectElement).value);
    // The save re-renders the row: a control focus was moving to (its Accept button) may be gone, which would drop
    // focus to <body>. Then focus the next row's picker (or this one on the last row) instead.
    void saved?.then(() => this.updateComplete).then(() => {
      if (next?.isConnected || (this.renderRoot as ShadowRoot).activeElement) return;
      const pickers = [...this.renderRoot.querySelectorAll<HTMLSelectElement>('.body [part="picker"]')];
      const here = pickers.findIndex((picker) => picker.closest('[role="row"]')?.getAttribute('aria-rowindex') === String(this.#indexOf(row) + 2));
      (pickers[here + 1] ?? pickers[here])?.focus();
    });
  }

  #indexOf(row: Row): number {
    return this._state?.rows.findIndex((candidate) => candidate.host['id'] === row.host['id']) ?? -1;
  }

  /**
   * A picker shows the saved mapping after every render: its `.value` is set before Lit updates its options'
   * `selected` attributes, and changing those resets a select's value; so it is set again once the options are in.
   */
  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    for (const picker of this.renderRoot.querySelectorAll<HTMLSelectElement>('.body [part="picker"]')) {
      const mapped = picker.dataset['mapped'] ?? '';
      if (picker.dataset['host'] !== this.#unsaved && picker.value !== mapped) picker.value = mapped;
    }
  }

  #row(state: MappingState, row: Row, index: number, off: string, denied: boolean, windowed: boolean, reconnect: boolean) {
    const name = String(row.host['name']);
    const mapped = row.mapping ? keyOf(row.mapping.target) : '';
    const choices = state.targets.filter((target) => (row.choices ? row.choices.includes(target.id) : target.active) || keyOf(target) === mapped);
    const suggested = row.suggestion && state.targets.find((target) => target.id === row.suggestion!.target.id && target.type === row.suggestion!.target.type);
    const pending = suggested && row.mapping?.target.id !== suggested.id;
    const why = row.problems.length > 0 ? row.problems.map((problem) => problem.message).join(' ') : pending ? `Suggested ${suggested.name}: ${row.suggestion!.reasons.join(', ')}` : '';
    return html`<div class="row" part="row" role="row" aria-rowindex=${index + 2} tabindex=${index === this._active ? 0 : -1} style=${windowed ? `transform:translateY(${index * this.#windowed.rowHeight}px);min-height:${this.#windowed.rowHeight}px` : ''} @focusin=${() => (this._active = index)}>
      <span class="cell" role="gridcell"><span class="name">${name}</span><span class="small">${hostDetail(this.kind, row.host)}</span></span>
      <span class="cell" role="gridcell"><span class="status ${row.status}" part="status">${STATUS_WORDS[row.status]}</span></span>
      <span class="cell target" role="gridcell">
        <span class="pick">
          <select part="picker" aria-label=${`${KIND_WORDS[this.kind].target} for ${name}`} aria-disabled=${off} ?disabled=${denied} .value=${live(mapped)}
            @keydown=${(event: KeyboardEvent) => this.#pickerKey(event, row)} @pointerdown=${() => (this.#browsing = false)}
            @change=${(event: Event) => this.#pickerChange(event, row)} @blur=${(event: FocusEvent) => this.#pickerBlur(event, row)}
            data-host=${String(row.host['id'])} data-mapped=${mapped}>
            <option value="">Not mapped</option>
            ${choices.map((target: Target) => {
              const holder = this.kind === 'staff' ? heldBy(state, target, row) : undefined;
              // Staff map one-to-one: an employee another person has is shown with who, and can't be picked here.
              return html`<option value=${keyOf(target)} ?disabled=${Boolean(holder)}>${optionLabel(target, choices)}${holder ? ` · mapped to ${holder}` : ''}</option>`;
            })}
          </select>
          ${pending
            ? html`<button class="button small primary" part="accept-button" aria-disabled=${reconnect ? 'true' : off} aria-describedby=${reconnect ? 'mapper-reconnect' : nothing}
                aria-label=${`Accept ${suggested.name} for ${name}`} @click=${() => off === 'false' && !reconnect && this.#pick(row, keyOf(suggested))}>Accept</button>`
            : nothing}
          ${!reconnect && canCreate(this.kind, state, row, Boolean(suggested))
            ? html`<button class="button small" part="create-button" aria-disabled=${off} @click=${() => off === 'false' && void this.#create(row)}>Create in QuickBooks</button>`
            : nothing}
        </span>
        <span class="reasons small ${row.problems.length > 0 ? 'problem' : ''}" part="reasons">${why}${switchedOff(row) ? ` ${REACTIVATE_HINT}` : ''}</span>
      </span>
    </div>`;
  }
}

const AGENCY_NEEDED = 'A new tax code needs a tax agency to pay its rates to: choose the default tax agency above, then create the code again.';

/** A clause as a sentence: capitalised, ending in a full stop. */
function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

const REACTIVATE_HINT = 'Make it active again in QuickBooks and sync, or pick another.';

/** The row's mapped record was switched off (made inactive) in QuickBooks: re-activate or re-map, never create a namesake. */
function switchedOff(row: Row): boolean {
  return Boolean(row.mapping) && row.problems.some((problem) => problem.code === 'inactive');
}

/**
 * "Create in QuickBooks" only where the API would make something: not for a row already mapped (it needs
 * re-activating or re-mapping; a namesake would be refused as a duplicate name), another country's rate, an
 * ambiguous category (pick one of the records named), a reverse-charge rate (QuickBooks sets those codes up
 * itself), or US automated sales tax.
 */
function canCreate(kind: MapperKind, state: MappingState, row: Row, suggested: boolean): boolean {
  if (row.status === 'mapped' || row.mapping) return false;
  if (row.problems.some((problem) => problem.code === 'other_region' || problem.code === 'ambiguous')) return false;
  if (kind === 'tax-rates') return row.choices?.length === 0 && state.mode.kind !== 'automated' && !saysReverseCharge({ name: String(row.host['name']) });
  return kind === 'billable-categories' && !suggested;
}

/** The other person a QuickBooks employee is mapped to, if any. */
function heldBy(state: MappingState, target: Target, row: Row): string | undefined {
  const holder = state.rows.find((other) => other !== row && other.host['id'] !== row.host['id'] && other.mapping?.target.type === target.type && other.mapping.target.id === target.id);
  return holder ? String(holder.host['name']) : undefined;
}

/** "Name (detail)", with the QuickBooks id when another choice would read the same (two items of one name). */
function optionLabel(target: Target, choices: readonly Target[]): string {
  const label = `${target.name}${target.detail ? ` (${target.detail})` : ''}`;
  const twin = choices.some((other) => other !== target && other.name === target.name && other.detail === target.detail);
  return twin ? `${label} · id ${target.id}` : label;
}
