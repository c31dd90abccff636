import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { HostRecord } from '../../shared/api/matching.ts';
import type { PartyWords } from './party-words.ts';

export interface CreateConfirmOptions {
  /** The person confirmed: create `record` in QuickBooks. The dialog stays open, showing "Creating…", until `close()`. */
  confirm(record: HostRecord): void;
}

/**
 * "Create in QuickBooks" asks first: a modal dialog listing what QuickBooks will receive (the fields the server
 * copies from the host record) and in which company, with Create and Cancel. A native `<dialog>` opened with
 * `showModal()`, so focus is trapped, Escape cancels and the rest of the component stays as it was; only the
 * dialog's button shows progress, the component is never blanked while QuickBooks answers.
 */
export class CreateConfirm implements ReactiveController {
  /** The host record about to be created; undefined while closed. */
  record: HostRecord | undefined;
  busy = false;
  /** Where focus returns when the dialog closes. */
  #returnTo: HTMLElement | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & { renderRoot: ParentNode },
    private readonly options: CreateConfirmOptions,
  ) {
    host.addController(this);
  }

  open(record: HostRecord, returnTo?: HTMLElement | null): void {
    this.record = record;
    this.busy = false;
    this.#returnTo = returnTo ?? undefined;
    this.host.requestUpdate();
  }

  /** Closes the dialog; with `refocus`, focus goes back to the button that opened it. */
  close(refocus = false): void {
    if (!this.record) return;
    this.record = undefined;
    this.busy = false;
    const back = this.#returnTo;
    this.#returnTo = undefined;
    this.host.requestUpdate();
    if (refocus && back) void this.host.updateComplete.then(() => back.isConnected && back.focus());
  }

  hostUpdated(): void {
    const dialog = this.host.renderRoot.querySelector<HTMLDialogElement>('#create-dialog');
    if (dialog && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>('[data-create-confirm]')?.focus();
    }
  }

  hostDisconnected(): void {
    this.record = undefined;
  }

  render(words: PartyWords, company: string | undefined): TemplateResult | typeof nothing {
    const record = this.record;
    if (!record) return nothing;
    const fields = createdFields(record, words);
    return html`<dialog
      id="create-dialog"
      class="dialog"
      part="create-dialog"
      aria-labelledby="create-title"
      aria-describedby="create-text"
      @cancel=${(event: Event) => {
        event.preventDefault();
        this.close(true);
      }}
    >
      <h2 id="create-title" class="dialog-title">Create this ${words.provider} in QuickBooks?</h2>
      <p id="create-text" class="muted">
        ${company ? html`A new ${words.provider} is added to <strong>${company}</strong>` : html`A new ${words.provider} is added to QuickBooks`} and linked to your
        ${words.host}. QuickBooks receives:
      </p>
      <dl class="fields" part="create-fields">
        ${fields.map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}
      </dl>
      <div class="dialog-actions">
        <button type="button" class="button" ?disabled=${this.busy} @click=${() => this.close(true)}>Cancel</button>
        <button
          type="button"
          class="button primary"
          part="create-confirm-button"
          data-create-confirm
          aria-disabled=${this.busy ? 'true' : nothing}
          @click=${() => {
            if (this.busy) return;
            this.busy = true;
            this.host.requestUpdate();
            this.options.confirm(record);
          }}
        >
          ${this.busy ? 'Creating…' : `Create ${words.provider}`}
        </button>
      </div>
    </dialog>`;
  }
}

/** What the server copies from a host record into the new QuickBooks record (bff/matching/parties.ts providerBodyFrom). */
export function createdFields(record: HostRecord, words: PartyWords): [string, string][] {
  const place = [record.city, [record.region, record.postal_code].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  const address = [record.address_line1, record.address_line2, place, record.country].filter(Boolean).join(' · ');
  const fields: [string, string | undefined][] = [
    ['Name', record.name],
    ['Email', record.email],
    ['Phone', record.phone],
    ['Address', address],
    ['Account number', words.kind === 'suppliers' ? record.account_number : undefined],
  ];
  return fields.filter((field): field is [string, string] => Boolean(field[1]));
}
