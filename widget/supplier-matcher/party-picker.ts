import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { MatchCandidate } from '../base/bff-client.ts';
import { providerName } from './party-words.ts';

/** Typing pauses this long before the server is asked again. */
export const SEARCH_DEBOUNCE_MS = 200;

export interface PartyPickerOptions {
  /** Ranked QuickBooks records for a host record, narrowed by the typed text. */
  search(hostId: string, q: string, signal: AbortSignal): Promise<MatchCandidate[]>;
  /** The user picked one (Enter or click). The picker is already closed. */
  choose(hostId: string, candidate: MatchCandidate): void;
  /** The picker closed without a pick (Escape, Tab, clicking away); `refocus` when focus should return to its button. */
  closed(hostId: string, refocus: boolean): void;
  /**
   * Which other host record a QuickBooks record is already paired with: `linked` ones cannot be picked (one link per
   * record on each side) and say so; proposed ones (Auto-matched, Suggested) can, and say whose they would stop being.
   */
  pairedWith?(providerId: string): { name: string; linked: boolean } | undefined;
}

/**
 * The manual picker of a QuickBooks record for one host record, as an ARIA combobox: a text box in the row
 * (`role=combobox`, `aria-activedescendant`) and a listbox in a popover (top layer, so neither the scrolling grid nor
 * a host's `overflow: hidden` clips it). It opens with the server's ranked candidates for the row; typing narrows them
 * (the server ranks both). Up/Down move through the results, Enter picks, Escape closes. Records already linked to
 * another host record are marked and cannot be picked. A controller rather than its own element so the text box and its listbox
 * share one shadow root, which `aria-controls` and `aria-activedescendant` need.
 */
export class PartyPicker implements ReactiveController {
  /** The host record being matched; undefined while closed. */
  hostId: string | undefined;
  query = '';
  results: MatchCandidate[] = [];
  active = -1;
  status: 'loading' | 'ready' | 'error' = 'loading';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #abort: AbortController | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & { renderRoot: ParentNode },
    private readonly options: PartyPickerOptions,
  ) {
    host.addController(this);
  }

  get isOpen(): boolean {
    return this.hostId !== undefined;
  }

  open(hostId: string): void {
    this.#cancel();
    this.hostId = hostId;
    this.query = '';
    this.results = [];
    this.active = -1;
    this.#search(0);
  }

  close(refocus = false): void {
    const hostId = this.hostId;
    if (hostId === undefined) return;
    this.#cancel();
    this.hostId = undefined;
    this.host.requestUpdate();
    this.options.closed(hostId, refocus);
  }

  hostDisconnected(): void {
    this.#cancel();
    this.hostId = undefined;
  }

  hostUpdated(): void {
    const popup = this.host.renderRoot.querySelector<HTMLElement>('#picker-popup');
    const input = this.host.renderRoot.querySelector<HTMLElement>('#picker-input');
    if (!popup || !input) return;
    if (typeof popup.showPopover === 'function' && !popup.matches(':popover-open')) popup.showPopover();
    const box = input.getBoundingClientRect();
    // Never wider than the window: at 390px the popover spans the window less its margins.
    const width = Math.min(Math.max(box.width, 360), window.innerWidth - 16);
    const left = Math.max(8, Math.min(box.left, window.innerWidth - width - 8));
    const below = window.innerHeight - box.bottom;
    popup.style.left = `${left}px`;
    popup.style.width = `${width}px`;
    // Opens upwards when the row sits near the bottom of the window.
    if (below < 240 && box.top > below) {
      popup.style.top = '';
      popup.style.bottom = `${window.innerHeight - box.top + 4}px`;
    } else {
      popup.style.bottom = '';
      popup.style.top = `${box.bottom + 4}px`;
    }
    this.host.renderRoot.querySelector(`#picker-option-${this.active}`)?.scrollIntoView?.({ block: 'nearest' });
  }

  /** The combobox text box, rendered in the row's QuickBooks cell. */
  renderInput(label: string, placeholder: string): TemplateResult {
    const active = this.active >= 0 && this.active < this.results.length ? `picker-option-${this.active}` : undefined;
    return html`<input
      id="picker-input"
      class="picker-input"
      part="picker-input"
      type="text"
      role="combobox"
      autocomplete="off"
      spellcheck="false"
      aria-label=${label}
      aria-autocomplete="list"
      aria-expanded="true"
      aria-controls="picker-listbox"
      aria-activedescendant=${active ?? nothing}
      placeholder=${placeholder}
      .value=${live(this.query)}
      @input=${(event: Event) => {
        this.query = (event.target as HTMLInputElement).value;
        this.#search(SEARCH_DEBOUNCE_MS);
      }}
      @keydown=${this.#onKeydown}
      @blur=${(event: FocusEvent) => {
        const to = event.relatedTarget as Node | null;
        if (!to || !this.host.renderRoot.querySelector('#picker-popup')?.contains(to)) this.close(false);
      }}
    />`;
  }

  /** The popover listbox with the results; rendered once, outside the grid. */
  renderPopup(listLabel: string, providers: string, forName = ''): TemplateResult | typeof nothing {
    if (!this.isOpen) return nothing;
    const query = this.query.trim();
    const paired = this.results.map((candidate) => this.options.pairedWith?.(candidate.provider.id));
    return html`<div id="picker-popup" class="picker" part="picker" popover="manual" @mousedown=${(event: Event) => event.preventDefault()}>
      <ul id="picker-listbox" role="listbox" aria-label=${listLabel} class="picker-list">
        ${this.results.map(
          (candidate, index) => html`<li
            id="picker-option-${index}"
            role="option"
            class="picker-option ${paired[index]?.linked ? 'taken' : ''}"
            part="picker-option"
            aria-selected=${index === this.active ? 'true' : 'false'}
            aria-disabled=${paired[index]?.linked ? 'true' : nothing}
            @click=${() => this.#choose(index)}
            @mousemove=${() => {
              if (this.active !== index) {
                this.active = index;
                this.host.requestUpdate();
              }
            }}
          >
            <span class="option-name">${providerName(candidate.provider.name)}${candidate.provider.active ? nothing : html` <span class="tag">Inactive in QuickBooks</span>`}</span>
            <span class="option-meta muted">${paired[index]
              ? html`<span class="option-paired" part="picker-paired">${paired[index].linked ? `Linked to ${paired[index].name}` : `Suggested for ${paired[index].name}`}</span>${placeLine(candidate.provider) ? ' · ' : ''}`
              : nothing}${placeLine(candidate.provider) || (paired[index] ? '' : candidate.provider.email || '')}</span>
            ${candidate.reasons.length > 0 ? html`<span class="option-reasons" part="reasons">${candidate.reasons.join(', ')}</span>` : nothing}
          </li>`,
        )}
      </ul>
      <p class="picker-status muted" aria-hidden=${this.status === 'ready' && this.results.length > 0 ? 'true' : nothing}>
        ${this.status === 'loading'
          ? 'Searching…'
          : this.status === 'error'
            ? 'QuickBooks records could not be searched. Keep typing to try again.'
            : this.results.length === 0
              ? query
                ? `No QuickBooks ${providers} match “${query}”.`
                : `Type a name to search your QuickBooks ${providers}.`
              : `${query || !forName ? '' : `Best matches for ${forName} · `}↑ ↓ to move · Enter to link · Esc to close`}
      </p>
    </div>`;
  }

  #onKeydown = (event: KeyboardEvent): void => {
    const count = this.results.length;
    switch (event.key) {
      case 'ArrowDown':
        if (count > 0) this.active = this.#step(1);
        break;
      case 'ArrowUp':
        if (count > 0) this.active = this.#step(-1);
        break;
      case 'Enter':
        if (this.active < 0 || this.active >= count) return void event.preventDefault();
        event.preventDefault();
        event.stopPropagation();
        this.#choose(this.active);
        return;
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        this.close(true);
        return;
      case 'Tab':
        this.close(false);
        return;
      default:
        // Letters, Home/End and the rest edit the text; keep them from the grid's row keys and type-ahead.
        event.stopPropagation();
        return;
    }
    event.preventDefault();
    event.stopPropagation();
    this.host.requestUpdate();
  };

  /** Records linked to another host record cannot be picked, so arrow keys pass over them. */
  #pickable(candidate: MatchCandidate): boolean {
    return !this.options.pairedWith?.(candidate.provider.id)?.linked;
  }

  /** The next pickable result from the active one in `direction`, wrapping; the active one when there is none. */
  #step(direction: 1 | -1): number {
    const count = this.results.length;
    for (let offset = 1; offset <= count; offset += 1) {
      const index = (((this.active < 0 && direction < 0 ? 0 : this.active) + direction * offset) % count + count) % count;
      if (this.#pickable(this.results[index]!)) return index;
    }
    return this.active;
  }

  #choose(index: number): void {
    const hostId = this.hostId;
    const candidate = this.results[index];
    if (hostId === undefined || !candidate || this.options.pairedWith?.(candidate.provider.id)?.linked) return;
    this.#cancel();
    this.hostId = undefined;
    this.host.requestUpdate();
    this.options.choose(hostId, candidate);
  }

  #search(delay: number): void {
    const hostId = this.hostId;
    if (hostId === undefined) return;
    clearTimeout(this.#timer);
    this.status = 'loading';
    this.host.requestUpdate();
    this.#timer = setTimeout(() => {
      this.#abort?.abort();
      const abort = new AbortController();
      this.#abort = abort;
      this.options.search(hostId, this.query.trim(), abort.signal).then(
        (results) => {
          if (abort.signal.aborted || this.hostId !== hostId) return;
          this.results = results;
          this.active = results.findIndex((candidate) => this.#pickable(candidate));
          this.status = 'ready';
          this.host.requestUpdate();
        },
        (error: unknown) => {
          if (abort.signal.aborted || (error as Error).name === 'AbortError' || this.hostId !== hostId) return;
          this.results = [];
          this.active = -1;
          this.status = 'error';
          this.host.requestUpdate();
        },
      );
    }, delay);
  }

  #cancel(): void {
    clearTimeout(this.#timer);
    this.#abort?.abort();
    this.#abort = undefined;
  }
}

/** "Portland · 97201" — where a record is, to tell namesakes apart. */
export function placeLine(record: { city?: string | null | undefined; postal_code?: string | null | undefined }): string {
  return [record.city, record.postal_code].filter(Boolean).join(' · ');
}
