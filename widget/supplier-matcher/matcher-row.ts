import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { formatDateTime, formatRelativeTime } from '../format/relative-time.ts';
import type { HostRecord, Link, ProviderParty, Suggestion } from '../../shared/api/matching.ts';
import type { LinkedPair, MatcherRow } from './matching-sections.ts';
import { placeLine, type PartyPicker } from './party-picker.ts';
import { providerName, type PartyWords } from './party-words.ts';

/** "Create in QuickBooks" for one host record: under way, done, or refused because QuickBooks has the name. */
export type CreateState = { status: 'sending' } | { status: 'sent' } | { status: 'duplicate'; providerId: string; providerName: string };

export const methodWords: Record<Link['method'], string> = {
  auto: 'Matched automatically',
  confirmed: 'Confirmed',
  manual: 'Chosen by hand',
  created: 'Created in QuickBooks',
  imported: 'Imported from QuickBooks',
};

/**
 * What a row needs from <supplier-matcher>: the words and locale, why actions are unavailable, the per-record
 * progress of creates and imports, the ticked records, the picker, and the actions its buttons run.
 */
export interface RowHost {
  readonly words: PartyWords;
  readonly locale: string | undefined;
  /** Why this user cannot change links (every action disabled, described by #permission-note). */
  readonly permissionNote: string | undefined;
  /** Why "Create in QuickBooks" does nothing right now, and the id of the text saying so. */
  readonly createBlocked: { reason: string; id: string } | undefined;
  readonly creates: ReadonlyMap<string, CreateState>;
  readonly imports: ReadonlyMap<string, 'sending' | 'sent'>;
  readonly selected: ReadonlySet<string>;
  readonly picker: PartyPicker;
  confirm(suggestion: Suggestion): void;
  reject(suggestion: Suggestion): void;
  unlink(link: LinkedPair): Promise<void>;
  import(provider: ProviderParty): Promise<boolean>;
  askCreate(record: HostRecord, button: HTMLElement | null): void;
  linkInstead(record: HostRecord, duplicate: Extract<CreateState, { status: 'duplicate' }>): void;
  openPicker(hostId: string): void;
  toggleSelected(ids: readonly string[], on: boolean): void;
}

/*
 * The cells of the matcher's grid rows. Rows stay in the component's shadow root (role=row under role=grid, with a
 * roving tabindex), so they are render functions over a RowHost rather than elements of their own.
 */

/** The four cells of one row, by the row's kind. `tab` is the roving tabindex of the row's controls. */
export function renderCells(row: MatcherRow, tab: number, busy: boolean, host: RowHost): TemplateResult {
  switch (row.type) {
    case 'suggestion': {
      const { host: record, provider, reasons } = row.suggestion;
      return html`${partyCell(host, record)}${partyCell(host, provider)}
        <div role="gridcell" class="cell why"><span class="reasons" part="reasons" title=${reasons.join(', ')}>${reasons.join(', ') || '—'}</span></div>
        <div role="gridcell" class="cell actions">
          ${rowButton(host, 'Confirm', 'confirm-button', tab, busy ? 'Linking…' : undefined, () => host.confirm(row.suggestion), `Confirm ${record.name} is ${provider.name}`)}
          ${rowButton(host, '✕', 'reject-button', tab, busy ? '' : undefined, () => host.reject(row.suggestion), `Not a match: ${record.name} and ${provider.name}`, 'quiet icon')}
        </div>`;
    }
    case 'host':
      return unmatchedHostCells(row.host, tab, busy, host);
    case 'provider': {
      const provider = row.provider;
      const state = host.imports.get(provider.id);
      const select = state
        ? nothing
        : html`<input
            type="checkbox"
            class="select"
            part="select"
            tabindex=${tab}
            aria-label="Select ${providerName(provider.name)} to import"
            .checked=${live(host.selected.has(provider.id))}
            aria-disabled=${host.permissionNote !== undefined ? 'true' : nothing}
            aria-describedby=${host.permissionNote !== undefined ? 'permission-note' : nothing}
            @click=${refuseClick(host.permissionNote)}
            @change=${(event: Event) => host.toggleSelected([provider.id], (event.target as HTMLInputElement).checked)}
          />`;
      return html`${partyCell(host, provider, select)}
        <div role="gridcell" class="cell contact">
          <span class="meta" part="meta" title=${[provider.email, provider.phone].filter(Boolean).join(' · ') || nothing}>${[provider.email, provider.phone].filter(Boolean).join(' · ') || html`<span aria-hidden="true">—</span><span class="visually-hidden">No contact details</span>`}</span>
        </div>
        <div role="gridcell" class="cell status">${state === 'sent' ? html`<span class="status-ok"><span aria-hidden="true">✓</span> Sent to your ${host.words.hosts}</span>` : nothing}</div>
        <div role="gridcell" class="cell actions">
          ${state === 'sent'
            ? nothing
            : rowButton(host, 'Import', 'import-button', tab, state === 'sending' ? 'Importing…' : undefined, () => void host.import(provider), `Import ${provider.name} into your ${host.words.hosts}`)}
        </div>`;
    }
    case 'linked': {
      const link = row.link;
      const locale = host.locale;
      return html`${link.host ? partyCell(host, link.host) : missingCell(link.host_id)}${link.provider ? partyCell(host, link.provider, nothing, true) : missingCell(link.provider_id)}
        <div role="gridcell" class="cell how">
          <span class="how-text">${methodWords[link.method]}</span>
          <time class="meta" datetime=${link.linked_at} title=${formatDateTime(link.linked_at, locale)}>${formatRelativeTime(link.linked_at, { locale })}</time>
        </div>
        <div role="gridcell" class="cell actions">
          ${rowButton(host, 'Unlink', 'unlink-button', tab, busy ? 'Unlinking…' : undefined, () => void host.unlink(link), `Unlink ${link.host?.name ?? link.host_id} from ${link.provider?.name ?? link.provider_id}`)}
        </div>`;
    }
  }
}

function unmatchedHostCells(record: HostRecord, tab: number, busy: boolean, host: RowHost): TemplateResult {
  const words = host.words;
  const create = host.creates.get(record.id);
  const pickerOpen = host.picker.hostId === record.id;
  const note = host.permissionNote;
  const blocked = host.createBlocked;
  let status: TemplateResult | typeof nothing = nothing;
  if (create?.status === 'sent') status = html`<span class="status-ok"><span aria-hidden="true">✓</span> Created in QuickBooks</span>`;
  let action: TemplateResult | typeof nothing;
  if (create?.status === 'duplicate') {
    // QuickBooks refused the name: the way out takes the status and action columns, so the name is never cut.
    return html`${partyCell(host, record)}${pickCell(record, tab, busy, pickerOpen, note, host)}
      <div role="gridcell" class="cell resolution" aria-colspan="2">
        <span class="status-warn" title="QuickBooks already has “${create.providerName}”">Already in QuickBooks</span>
        ${rowButton(host, `Link to ${create.providerName} instead`, 'link-instead-button', tab, busy ? 'Linking…' : undefined, () => host.linkInstead(record, create), undefined, 'primary')}
      </div>`;
  } else if (create?.status === 'sent') {
    action = nothing;
  } else {
    action = html`<button
      type="button"
      class="button small"
      part="create-button"
      tabindex=${tab}
      aria-disabled=${blocked || create?.status === 'sending' || busy ? 'true' : nothing}
      aria-describedby=${blocked ? blocked.id : nothing}
      aria-label="Create in QuickBooks: ${record.name}"
      title=${blocked?.reason ?? nothing}
      @click=${(event: Event) => host.askCreate(record, event.currentTarget as HTMLElement)}
    >
      ${create?.status === 'sending' ? 'Creating…' : 'Create in QuickBooks'}
    </button>`;
  }
  return html`${partyCell(host, record)}${pickCell(record, tab, busy, pickerOpen, note, host)}
    <div role="gridcell" class="cell status">${status}</div>
    <div role="gridcell" class="cell actions">${action}</div>`;
}

/** The QuickBooks cell of an unmatched row: "Choose…", the picker's text box while it is open, or "Linking…". */
function pickCell(record: HostRecord, tab: number, busy: boolean, pickerOpen: boolean, note: string | undefined, host: RowHost): TemplateResult {
  const words = host.words;
  return html`<div role="gridcell" class="cell pick">
      ${pickerOpen
        ? host.picker.renderInput(`Find a QuickBooks ${words.provider} for ${record.name}`, `Search QuickBooks ${words.providers}…`)
        : busy && host.creates.get(record.id)?.status !== 'duplicate'
          ? html`<span class="muted">Linking…</span>`
          : html`<button
              type="button"
              class="choose"
              part="picker-button"
              tabindex=${tab}
              data-picker-for=${record.id}
              aria-haspopup="listbox"
              aria-disabled=${note ? 'true' : nothing}
              aria-describedby=${note ? 'permission-note' : nothing}
              aria-label="Choose a QuickBooks ${words.provider} for ${record.name}"
              title=${note ?? nothing}
              @click=${() => host.openPicker(record.id)}
            >
              <span>Choose…</span><span class="chevron" aria-hidden="true">▾</span>
            </button>`}
    </div>`;
}

/** A row button: disabled with the reason when this role may not act, or with a busy label while its request runs. */
function rowButton(host: RowHost, label: string, part: string, tab: number, busyLabel: string | undefined, run: () => void, accessibleName?: string, variant = ''): TemplateResult {
  const note = host.permissionNote;
  const disabled = note !== undefined || busyLabel !== undefined;
  return html`<button
    type="button"
    class="button small ${variant}"
    part=${part}
    tabindex=${tab}
    aria-disabled=${disabled ? 'true' : nothing}
    aria-describedby=${note ? 'permission-note' : nothing}
    aria-label=${accessibleName ?? nothing}
    title=${note ?? (variant.includes('icon') ? 'Not a match' : part === 'link-instead-button' ? label : nothing)}
    @click=${() => {
      if (!disabled) run();
    }}
  >
    ${busyLabel || label}
  </button>`;
}

/**
 * A record's cell: its name, and under it "Inactive in QuickBooks" (there, not beside the name, so neither cuts
 * the other), where it is (or its email), and with `showId` the QuickBooks id (practice-management hosts quote it).
 */
function partyCell(host: RowHost, record: HostRecord | ProviderParty, lead: TemplateResult | typeof nothing = nothing, showId = false): TemplateResult {
  const provider = 'active' in record;
  const name = provider ? providerName(record.name) : record.name;
  const place = placeLine(record) || record.email || '';
  const inactive = provider && !record.active;
  return html`<div role="gridcell" class="cell party ${lead === nothing ? '' : 'with-lead'}" data-label=${provider ? `QuickBooks ${host.words.provider}` : nothing}>
    ${lead}
    <span class="party-text">
      <span class="name" part="name" title=${name}>${name}</span>
      ${place || showId || inactive
        ? html`<span class="meta" part="meta" title=${[inactive ? 'Inactive in QuickBooks' : '', place, showId ? `QuickBooks ID ${record.id}` : ''].filter(Boolean).join(' · ')}>${inactive ? html`<span class="tag">Inactive in QuickBooks</span>` : nothing}${place}${place && showId ? ' · ' : ''}${showId
            ? html`<span part="provider-id">QuickBooks ID ${record.id}</span>`
            : nothing}</span>`
        : nothing}
    </span>
  </div>`;
}

function missingCell(id: string): TemplateResult {
  return html`<div role="gridcell" class="cell party"><span class="name muted">No longer listed</span><span class="meta" part="meta">${id}</span></div>`;
}

/**
 * A check box this role may not use stays focusable and points at the permission note (aria-disabled, as every
 * refused control does), so a click must not tick it.
 */
export function refuseClick(note: string | undefined): ((event: Event) => void) | undefined {
  return note === undefined ? undefined : (event: Event) => event.preventDefault();
}
