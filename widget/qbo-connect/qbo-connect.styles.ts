import { css } from 'lit';

export const qboConnectStyles = css`
  :host {
    --_qb-bg: var(--ll-qbo-button-bg, #2ca01c);
    --_qb-bg-hover: var(--ll-qbo-button-bg-hover, #108000);
    --_qb-bg-active: var(--ll-qbo-button-bg-active, #0b6b00);
    --_qb-text: var(--ll-qbo-button-text, #ffffff);
    --_qb-radius: var(--ll-qbo-button-radius, 4px);
    /* White on #2CA01C is 3.4:1: enough for large bold text (WCAG: 14pt bold = 18.67px), not for smaller. */
    --_qb-font-size: var(--ll-qbo-button-font-size, 18.67px);
    --_mark-size: var(--ll-qbo-mark-size, 36px);
    --_mark-circle: var(--_qb-bg);
    --_mark-glyph: #ffffff;
    /* Text on filled accent buttons: the dark palette's lighter accent needs dark text (theme.ts decides). */
    --_on-accent: var(--_accent-text);
  }

  /* ── Layout ─────────────────────────────────────────────────────────────── */
  .card {
    display: flex;
    align-items: flex-start;
    gap: calc(var(--_space) * 3);
    padding: calc(var(--_space) * 4);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .main {
    display: flex;
    flex: 1;
    min-width: 0;
    flex-direction: column;
    gap: calc(var(--_space) * 1);
  }
  .heading {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: space-between;
    gap: calc(var(--_space) * 1) calc(var(--_space) * 3);
    min-height: var(--_mark-size);
    align-content: center;
  }
  .title {
    font-weight: 600;
    font-size: 1.08em;
    overflow-wrap: anywhere;
    border-radius: 2px;
  }
  .title:focus {
    outline: none;
  }
  .title:focus-visible {
    box-shadow: var(--_focus-ring);
  }
  .details,
  .sync,
  .message {
    color: var(--_text-muted);
  }
  .details + .message,
  .heading + .message {
    margin-top: calc(var(--_space) * -0.5);
  }
  .refused .message,
  .error .message {
    color: var(--_text);
  }
  .sync time {
    text-decoration: underline dotted;
    text-underline-offset: 2px;
    cursor: help;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--_space) * 2);
    margin-top: calc(var(--_space) * 2);
  }
  .connection .actions {
    justify-content: flex-end;
  }
  .connection.status-disconnected .actions,
  .connection .actions:has(.confirm) {
    justify-content: flex-start;
  }
  /* The look is the shared one (permission-note.ts); only its place in the card is ours. */
  .permission-note {
    margin-top: calc(var(--_space) * 1);
  }

  /* ── Several companies ─────────────────────────────────────────────────── */
  .company-list {
    display: flex;
    flex-direction: column;
    margin: calc(var(--_space) * 2) 0 0;
    padding: 0;
    list-style: none;
    border-top: 1px solid color-mix(in srgb, var(--_border) 65%, transparent);
  }
  .company-list:focus {
    outline: none;
  }
  .company {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    grid-template-areas:
      'head actions'
      'details actions'
      'message message';
    align-items: center;
    gap: calc(var(--_space) * 0.5) calc(var(--_space) * 3);
    padding: calc(var(--_space) * 3) 0;
    border-bottom: 1px solid color-mix(in srgb, var(--_border) 65%, transparent);
  }
  .company-head {
    grid-area: head;
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: calc(var(--_space) * 1) calc(var(--_space) * 3);
    min-width: 0;
  }
  .company-name {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .company .details {
    grid-area: details;
    font-size: 0.93em;
  }
  .company .message {
    grid-area: message;
    font-size: 0.93em;
  }
  .company .actions {
    grid-area: actions;
    margin-top: 0;
    justify-content: flex-end;
  }
  .company .confirm {
    grid-column: 1 / -1;
  }
  .company:has(.confirm) {
    grid-template-areas:
      'head head'
      'details details'
      'message message'
      'actions actions';
  }
  .company time {
    text-decoration: underline dotted;
    text-underline-offset: 2px;
    cursor: help;
  }

  /* ── Mark and status ───────────────────────────────────────────────────── */
  .mark {
    flex: none;
    width: var(--_mark-size);
    height: var(--_mark-size);
  }
  .alert-icon {
    flex: none;
    display: grid;
    place-items: center;
    width: var(--_mark-size);
    height: var(--_mark-size);
    border-radius: 50%;
    background: color-mix(in srgb, var(--_danger) 14%, var(--_surface));
    color: var(--_danger);
    font-weight: 700;
    font-size: 1.2em;
  }
  .badge {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) * 1.5);
    font-size: 0.93em;
    white-space: nowrap;
    color: var(--_text-muted);
  }
  .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: currentColor;
  }
  .badge.connected {
    color: var(--_success);
  }
  .badge.needs_reconnect {
    color: var(--_warning);
  }
  .badge.error {
    color: var(--_danger);
  }
  .badge.disconnected .dot {
    background: transparent;
    box-shadow: inset 0 0 0 1.5px currentColor;
  }

  /* ── Buttons ───────────────────────────────────────────────────────────── */
  button {
    font: inherit;
    cursor: pointer;
  }
  .button {
    display: inline-flex;
    align-items: center;
    min-height: 32px;
    padding: 0 calc(var(--_space) * 3);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    font-weight: 500;
  }
  .button.primary {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .button.danger {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  .button.danger:hover {
    background: color-mix(in srgb, var(--_danger) 8%, var(--_surface));
  }
  .button[aria-disabled='true']:hover {
    background: var(--_surface);
  }
  .button[aria-busy='true'] {
    cursor: progress;
  }

  /* Intuit's "Connect to QuickBooks": green, white label, the mark on the left; base, hover and active defined. */
  .qb-button {
    --_mark-circle: var(--_qb-text);
    --_mark-glyph: var(--_qb-bg);
    display: inline-flex;
    align-items: center;
    gap: 10px;
    min-height: 44px;
    padding: 0 18px 0 6px;
    border: none;
    border-radius: var(--_qb-radius);
    background: var(--_qb-bg);
    color: var(--_qb-text);
    font-size: var(--_qb-font-size);
    font-weight: 700;
    line-height: 1.1;
    white-space: nowrap;
    transition: background-color 120ms ease;
  }
  .qb-button .mark {
    width: 32px;
    height: 32px;
  }
  .qb-button:hover {
    background: var(--_qb-bg-hover);
    --_mark-glyph: var(--_qb-bg-hover);
  }
  .qb-button:active {
    background: var(--_qb-bg-active);
    --_mark-glyph: var(--_qb-bg-active);
  }
  .qb-button:focus-visible {
    box-shadow: none;
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .qb-button[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.5;
  }
  .qb-button[aria-disabled='true']:hover {
    background: var(--_qb-bg);
    --_mark-glyph: var(--_qb-bg);
  }
  /* Intuit's own artwork must not be altered: no fill, padding or hover tint around it. */
  .qb-button.artwork,
  .qb-button.artwork:hover,
  .qb-button.artwork:active {
    padding: 0;
    min-height: 0;
    background: none;
  }
  ::slotted([slot='connect-button']) {
    display: block;
  }

  /* ── Disconnect confirmation ───────────────────────────────────────────── */
  .confirm {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 2);
    width: 100%;
    padding: calc(var(--_space) * 3);
    border: 1px solid color-mix(in srgb, var(--_danger) 40%, var(--_border));
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_danger) 5%, var(--_surface));
  }
  .confirm-text {
    font-weight: 500;
  }
  .confirm-actions {
    display: flex;
    gap: calc(var(--_space) * 2);
  }
  .purge {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 2);
    color: var(--_text-muted);
  }
  .purge input {
    margin: 0;
    accent-color: var(--_danger);
  }

  /* ── Loading skeleton ──────────────────────────────────────────────────── */
  .skeleton {
    display: flex;
    flex: 1;
    gap: calc(var(--_space) * 3);
  }
  .bones {
    display: flex;
    flex: 1;
    flex-direction: column;
    gap: calc(var(--_space) * 2);
    padding-top: calc(var(--_space) * 1);
  }
  .bone {
    display: block;
    border-radius: 4px;
    background: linear-gradient(90deg, var(--_surface-raised) 0%, var(--_border) 50%, var(--_surface-raised) 100%) 0 0 / 300% 100%;
    animation: shimmer 1.4s ease-in-out infinite;
    opacity: 0.7;
  }
  .bone.circle {
    flex: none;
    width: var(--_mark-size);
    height: var(--_mark-size);
    border-radius: 50%;
  }
  .bone.line {
    height: 12px;
    width: 45%;
  }
  .bone.line.wide {
    width: 65%;
    height: 14px;
  }
  .bone.button {
    width: 220px;
    max-width: 100%;
    height: 36px;
    margin-top: calc(var(--_space) * 1);
  }
  @media (prefers-reduced-motion: reduce) {
    .bone {
      animation: none;
    }
  }

  /* ── Narrow: the card reflows by its own width (container query), not the viewport's ── */
  :host(:not([mode='button'])) {
    container: qbo-connect / inline-size;
  }
  @container qbo-connect (max-width: 480px) {
    .card {
      padding: calc(var(--_space) * 3);
      gap: calc(var(--_space) * 2);
    }
    .card > .mark,
    .card > .alert-icon,
    .card > .skeleton > .bone.circle {
      --_mark-size: 28px;
    }
    .actions,
    .connection .actions {
      justify-content: flex-start;
    }
    .company {
      grid-template-columns: minmax(0, 1fr);
      grid-template-areas:
        'head'
        'details'
        'message'
        'actions';
    }
    .company .actions {
      justify-content: flex-start;
      margin-top: calc(var(--_space) * 1);
    }
    .qb-button {
      max-width: 100%;
      white-space: normal;
      text-align: left;
    }
  }
  @container qbo-connect (max-width: 340px) {
    .card > .mark,
    .card > .alert-icon {
      display: none;
    }
    /* Never smaller: white on Intuit green passes contrast only as large bold text. It wraps instead. */
    .qb-button {
      width: 100%;
    }
  }

  /* ── Button mode: just the button, or one line of status with its actions ─ */
  :host([mode='button']) {
    display: inline-block;
    max-width: 100%;
  }
  :host([mode='button']) .card {
    align-items: flex-start;
    padding: 0;
    border: none;
    background: none;
    gap: calc(var(--_space) * 2);
  }
  :host([mode='button']) .main {
    flex-direction: row;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--_space) * 1) calc(var(--_space) * 3);
  }
  :host([mode='button']) .heading {
    min-height: 0;
    justify-content: flex-start;
  }
  :host([mode='button']) .mark,
  :host([mode='button']) .alert-icon,
  :host([mode='button']) .bone.circle {
    --_mark-size: 24px;
  }
  :host([mode='button']) .actions {
    margin-top: 0;
  }
  :host([mode='button']) .heading + .sync {
    margin-right: auto;
  }
  :host([mode='button']) .permission-note,
  :host([mode='button']) .message {
    flex-basis: 100%;
  }
  :host([mode='button']) .loading .bone.line {
    display: none;
  }
  :host([mode='button']) .loading .bones {
    padding: 0;
  }
  :host([mode='button']) .confirm {
    flex-basis: 100%;
  }
  .compact-button {
    display: inline-flex;
    flex-direction: column;
    align-items: flex-start;
    gap: calc(var(--_space) * 2);
  }
`;
