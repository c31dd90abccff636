import { html, nothing, type TemplateResult } from 'lit';
import { quickbooksMark } from './quickbooks-mark.ts';

/** The pieces every view of <qbo-connect> is built from: the card frame and its buttons. */

export interface CardParts {
  kind: string;
  mark: boolean;
  markLabel?: string;
  title: TemplateResult;
  badge?: TemplateResult;
  body?: TemplateResult | typeof nothing;
  actions?: TemplateResult | typeof nothing;
  /** What this role may not do here, said once under the actions (a `permissionNote`), or nothing. */
  note?: TemplateResult | typeof nothing;
}

/** One view of the card: the QuickBooks mark (or an alert sign), title and badge, body, actions, permission note. */
export function cardFrame(parts: CardParts): TemplateResult {
  return html`<div class="card ${parts.kind}" part="card">
    ${parts.mark ? quickbooksMark(parts.markLabel) : html`<span class="alert-icon" aria-hidden="true">!</span>`}
    <div class="main">
      <div class="heading">${parts.title} ${parts.badge ?? nothing}</div>
      ${parts.body ?? nothing}
      ${parts.actions && parts.actions !== nothing ? html`<div class="actions" part="actions">${parts.actions}</div>` : nothing}
      ${parts.note ?? nothing}
    </div>
  </div>`;
}

export interface ButtonOptions {
  label: string;
  part: string;
  onClick: () => void;
  /** Its `data-focus` value: a focus target, or `target:connection-id` inside the list. */
  focus?: string;
  /** The accessible name when the label alone is ambiguous (several "Disconnect" buttons in the list). */
  ariaLabel?: string | undefined;
  primary?: boolean;
  danger?: boolean;
  quiet?: boolean;
  /** Only roles in settings.connect_roles may use it. */
  gated?: boolean;
  busy?: boolean;
  disabled?: boolean;
}

/**
 * A card button. `refused`: this role may not use it. Disabled by role stays focusable (aria-disabled, not
 * disabled) and points at the permission note, so keyboard and screen reader users reach the explanation.
 */
export function cardButton(options: ButtonOptions, refused: boolean): TemplateResult {
  const inactive = refused || options.busy === true || options.disabled === true;
  const kind = options.danger ? 'danger' : options.primary ? 'primary' : options.quiet ? 'quiet' : 'secondary';
  return html`<button
    type="button"
    class="button ${kind}"
    part=${options.part}
    data-focus=${options.focus ?? nothing}
    aria-label=${options.ariaLabel ?? nothing}
    aria-disabled=${inactive ? 'true' : nothing}
    aria-busy=${options.busy ? 'true' : nothing}
    aria-describedby=${refused ? 'permission-note' : nothing}
    @click=${() => {
      if (!inactive) options.onClick();
    }}
  >
    ${options.label}
  </button>`;
}

/** "Connect to QuickBooks" in Intuit's style, or the host's own artwork slotted in as `connect-button`. */
export function connectButton(refused: boolean, artwork: boolean, onClick: () => void, onSlotChange: () => void): TemplateResult {
  return html`<button
    type="button"
    class="qb-button ${artwork ? 'artwork' : ''}"
    part="connect-button"
    data-focus="connect"
    aria-label="Connect to QuickBooks"
    aria-disabled=${refused ? 'true' : nothing}
    aria-describedby=${refused ? 'permission-note' : nothing}
    @click=${onClick}
  >
    <slot name="connect-button" @slotchange=${onSlotChange}>${quickbooksMark()}<span class="qb-label">Connect to QuickBooks</span></slot>
  </button>`;
}
