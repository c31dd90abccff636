import { css } from 'lit';

export const supplierMatcherStyles = css`
  :host {
    --_max-height: var(--ll-matcher-max-height, 520px);
    --_row-height: var(--ll-matcher-row-height, 52px);
    --_row-hover: var(--ll-matcher-row-hover, var(--_surface-raised));
    --_tab-indicator: var(--ll-matcher-tab-indicator, var(--_accent));
    --_reason: var(--ll-matcher-reason-color, var(--_text-muted));
    --_picker-shadow: var(--ll-matcher-picker-shadow, 0 8px 24px color-mix(in srgb, black 16%, transparent), 0 1px 3px color-mix(in srgb, black 10%, transparent));
    --_cols: minmax(190px, 1.25fr) minmax(190px, 1.25fr) minmax(150px, 1fr) 236px;
    --_hairline: color-mix(in srgb, var(--_border) 65%, transparent);
    font-variant-numeric: tabular-nums;
    background: var(--ll-matcher-background, transparent);
    /* Rows become cards below the element's own width, wherever the host puts it (see the @container rules). */
    container-type: inline-size;
  }
  /* QuickBooks records not in your list: the contact line gets the room; the status and the one Import are short. */
  .provider-view {
    --_cols: minmax(190px, 1.25fr) minmax(190px, 1.6fr) minmax(150px, 0.7fr) 130px;
  }
  /* Dark on a light page: the element brings its own surface, or light text lands on the page's white. */
  :host([theme='dark']) {
    padding: calc(var(--_space) * 3);
    border-radius: var(--_radius);
    background: var(--ll-matcher-background, var(--_surface));
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      padding: calc(var(--_space) * 3);
      border-radius: var(--_radius);
      background: var(--ll-matcher-background, var(--_surface));
      color-scheme: dark;
    }
  }

  /* ── Company ───────────────────────────────────────────────────────────── */
  .company {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--_space) * 2);
    margin-bottom: calc(var(--_space) * 2);
  }
  .company .filter {
    max-width: 100%;
  }


  /* ── Buttons (shared ones in base/controls.styles.ts) ─────────────────── */
  .button.icon {
    width: 28px;
    padding: 0;
    font-size: 0.9em;
  }
  .button.quiet[aria-disabled='true']:hover {
    background: transparent;
    color: var(--_text-muted);
  }

  /* ── Notes ─────────────────────────────────────────────────────────────── */
  /* The permission note's look is the shared one (permission-note.ts); only its place here is ours. */
  .permission-note {
    margin-bottom: calc(var(--_space) * 3);
  }
  .info-note,
  .notice {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 2);
    margin-bottom: calc(var(--_space) * 3);
    padding: calc(var(--_space) * 2) calc(var(--_space) * 3);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
    color: var(--_text-muted);
    font-size: 0.93em;
  }
  .info-note {
    border: 1px solid color-mix(in srgb, var(--_warning) 35%, var(--_border));
    background: color-mix(in srgb, var(--_warning) 6%, var(--_surface));
    color: var(--_text);
  }
  .notice {
    justify-content: space-between;
    gap: calc(var(--_space) * 3);
    border: 1px solid color-mix(in srgb, var(--_danger) 35%, var(--_border));
    background: color-mix(in srgb, var(--_danger) 6%, var(--_surface));
    color: var(--_text);
  }

  /* ── Tabs ──────────────────────────────────────────────────────────────── */
  .tabs {
    position: relative;
    display: flex;
    gap: calc(var(--_space) * 1);
    margin-bottom: calc(var(--_space) * 3);
    border-bottom: 1px solid var(--_border);
    overflow-x: auto;
    scrollbar-width: thin;
  }
  .tab {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) * 2);
    margin-bottom: -1px;
    padding: calc(var(--_space) * 2) calc(var(--_space) * 3);
    border: none;
    border-bottom: 2px solid transparent;
    border-radius: var(--_radius) var(--_radius) 0 0;
    background: none;
    color: var(--_text-muted);
    font-weight: 500;
    white-space: nowrap;
    cursor: pointer;
  }
  .tab:hover {
    color: var(--_text);
  }
  .tab[aria-selected='true'] {
    color: var(--_text);
    border-bottom-color: var(--_tab-indicator);
    font-weight: 600;
  }
  .tab-count {
    min-width: 22px;
    padding: 0 6px;
    border-radius: 10px;
    background: var(--_surface-raised);
    box-shadow: inset 0 0 0 1px var(--_hairline);
    color: var(--_text-muted);
    font-size: 0.86em;
    font-weight: 500;
    line-height: 20px;
    text-align: center;
  }
  .tab[aria-selected='true'] .tab-count {
    background: color-mix(in srgb, var(--_accent) 12%, var(--_surface));
    box-shadow: none;
    color: var(--_text);
  }
  .panel:focus-visible {
    border-radius: var(--_radius);
  }

  /* ── Toolbar ───────────────────────────────────────────────────────────── */
  .segmented {
    display: inline-flex;
    padding: 2px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
  }
  .segmented button {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) * 1.5);
    height: 24px;
    padding: 0 calc(var(--_space) * 2.5);
    border: none;
    border-radius: calc(var(--_radius) - 2px);
    background: none;
    color: var(--_text-muted);
    font-size: 0.93em;
    font-weight: 500;
    white-space: nowrap;
    cursor: pointer;
  }
  .segmented button[aria-pressed='true'] {
    background: var(--_surface);
    color: var(--_text);
    box-shadow: 0 0 0 1px var(--_hairline), 0 1px 2px color-mix(in srgb, black 8%, transparent);
  }

  /* ── The grid ──────────────────────────────────────────────────────────── */
  .row {
    display: grid;
    grid-template-columns: var(--_cols);
    align-items: center;
    height: var(--_row-height);
    min-width: 800px;
    border-bottom: 1px solid var(--_hairline);
  }
  .header-row {
    height: 34px;
    background: var(--_surface-raised);
    border-bottom-color: var(--_border);
    color: var(--_text-muted);
    font-size: 0.86em;
    font-weight: 600;
  }
  .body .row.busy {
    opacity: 0.7;
  }
  .body .row:focus {
    outline: none;
  }
  .body .row:focus-visible {
    box-shadow: inset 0 0 0 2px var(--_accent);
  }
  .party-text {
    display: flex;
    flex-direction: column;
    gap: 1px;
    min-width: 0;
    max-width: 100%;
  }
  .cell.party.with-lead {
    flex-direction: row;
    align-items: center;
    justify-content: flex-start;
    gap: calc(var(--_space) * 2.5);
  }
  .select-all {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) * 2);
    font-size: 0.93em;
    cursor: pointer;
  }
  .select {
    flex: none;
    width: 16px;
    height: 16px;
    margin: 0;
    accent-color: var(--_accent);
  }
  .cell.party,
  .cell.how {
    flex-direction: column;
    align-items: flex-start;
    justify-content: center;
    gap: 1px;
  }
  .cell.actions {
    justify-content: flex-end;
    gap: calc(var(--_space) * 1.5);
  }
  .cell.resolution {
    grid-column: 3 / span 2;
    justify-content: space-between;
    gap: calc(var(--_space) * 3);
  }
  /* A long QuickBooks name shortens the button's label, never pushes it out of the row. */
  .cell.resolution .button {
    display: block;
    flex: none;
    max-width: 68%;
    overflow: hidden;
    text-overflow: ellipsis;
    line-height: 26px;
  }
  .name,
  .meta,
  .reasons,
  .how-text,
  .status-ok,
  .status-warn {
    max-width: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .name {
    font-weight: 500;
  }
  .meta {
    color: var(--_text-muted);
    font-size: 0.86em;
  }
  .reasons {
    color: var(--_reason);
    font-size: 0.93em;
  }
  .how time {
    text-decoration: underline dotted color-mix(in srgb, currentColor 45%, transparent);
    text-underline-offset: 3px;
    cursor: help;
  }
  .tag {
    margin-right: calc(var(--_space) * 1.5);
    padding: 0 5px;
    white-space: nowrap;
    border-radius: 4px;
    background: var(--_surface-raised);
    box-shadow: inset 0 0 0 1px var(--_hairline);
    color: var(--_text-muted);
    font-size: 0.78em;
    font-weight: 500;
    vertical-align: 1px;
  }
  .meta .tag {
    font-size: inherit;
  }
  .status-ok {
    color: var(--_success);
    font-size: 0.93em;
  }
  .status-warn {
    color: var(--_warning);
    font-size: 0.93em;
  }

  /* ── "Choose…" and the picker ──────────────────────────────────────────── */
  .choose,
  .picker-input {
    width: 100%;
    max-width: 280px;
    height: 30px;
    padding: 0 calc(var(--_space) * 2.5);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .choose {
    display: inline-flex;
    align-items: center;
    justify-content: space-between;
    gap: calc(var(--_space) * 2);
    color: var(--_text-muted);
    cursor: pointer;
  }
  .choose:hover {
    border-color: color-mix(in srgb, var(--_text-muted) 60%, var(--_border));
    color: var(--_text);
  }
  .choose[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.55;
  }
  .chevron {
    font-size: 0.8em;
  }
  .picker-input {
    border-color: var(--_accent);
    box-shadow: var(--_focus-ring);
  }
  .picker-input:focus-visible {
    outline: none;
  }
  .picker {
    position: fixed;
    inset: auto;
    margin: 0;
    padding: calc(var(--_space) * 1) 0 0;
    max-height: 320px;
    overflow: auto;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    box-shadow: var(--_picker-shadow);
    font-family: var(--_font-family);
    font-size: var(--_font-size);
    line-height: var(--_line-height);
    z-index: 10;
  }
  .picker-list {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .picker-option {
    display: grid;
    grid-template-columns: 1fr auto;
    column-gap: calc(var(--_space) * 3);
    padding: calc(var(--_space) * 1.5) calc(var(--_space) * 3);
    cursor: pointer;
  }
  .picker-option[aria-selected='true'] {
    background: color-mix(in srgb, var(--_accent) 11%, var(--_surface));
    box-shadow: inset 2px 0 0 var(--_accent);
  }
  .option-name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 500;
  }
  .option-meta {
    grid-column: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-size: 0.86em;
  }
  .option-reasons {
    grid-column: 2;
    grid-row: 1 / span 2;
    align-self: center;
    max-width: 160px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    color: var(--_reason);
    font-size: 0.86em;
  }
  /* Text colour, not the warning hue: it sits on the highlighted option's tint too, where amber fails contrast. */
  .option-paired {
    color: var(--_text);
    font-weight: 500;
  }
  .picker-option.taken {
    cursor: not-allowed;
  }
  .picker-option.taken .option-name {
    color: var(--_text-muted);
  }
  .picker-status {
    padding: calc(var(--_space) * 2) calc(var(--_space) * 3);
    border-top: 1px solid var(--_hairline);
    font-size: 0.86em;
  }
  .picker-list:empty + .picker-status {
    border-top: none;
  }

  /* ── Undo ──────────────────────────────────────────────────────────────── */
  /* In the flow under the grid, never over rows; it leaves on its own (UNDO_MS). */
  .undo {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 2);
    width: fit-content;
    max-width: 100%;
    margin-top: calc(var(--_space) * 3);
    padding: calc(var(--_space) * 1.5) calc(var(--_space) * 2) calc(var(--_space) * 1.5) calc(var(--_space) * 4);
    border-radius: var(--_radius);
    background: var(--_text);
    color: var(--_surface);
    box-shadow: 0 4px 14px color-mix(in srgb, black 18%, transparent);
  }
  .undo-text {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .undo .button {
    border-color: color-mix(in srgb, var(--_surface) 35%, transparent);
    background: transparent;
    color: var(--_surface);
  }
  .undo .button:hover {
    background: color-mix(in srgb, var(--_surface) 14%, transparent);
  }
  .undo .button.quiet {
    border-color: transparent;
    color: color-mix(in srgb, var(--_surface) 80%, transparent);
  }

  /* ── Empty, no match, load error, skeleton ─────────────────────────────── */
  .empty .button {
    margin-top: calc(var(--_space) * 1);
  }
  .skeleton-tabs {
    display: flex;
    gap: calc(var(--_space) * 6);
    height: 39px;
    align-items: center;
    margin-bottom: calc(var(--_space) * 3);
    padding: 0 calc(var(--_space) * 3);
    border-bottom: 1px solid var(--_border);
  }
  .skeleton {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: linear-gradient(var(--_surface-raised) 34px, var(--_surface) 34px);
    padding-top: 34px;
  }
  .skeleton-row {
    display: grid;
    grid-template-columns: var(--_cols);
    align-items: center;
    height: var(--_row-height);
    padding: 0 calc(var(--_space) * 3);
    column-gap: calc(var(--_space) * 6);
    border-top: 1px solid var(--_hairline);
  }
  .bone.short {
    width: 50%;
  }
  .bone.button-bone {
    justify-self: end;
    width: 120px;
    height: 24px;
    border-radius: var(--_radius);
  }
  @media (prefers-reduced-motion: reduce) {
    .bone {
      animation: none;
    }
  }

  /* ── "Create in QuickBooks" dialog ─────────────────────────────────────── */
  .dialog {
    width: min(440px, calc(100vw - 32px));
    padding: calc(var(--_space) * 5);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) + 2px);
    background: var(--_surface);
    color: var(--_text);
    box-shadow: var(--_picker-shadow);
  }
  .dialog::backdrop {
    background: color-mix(in srgb, black 40%, transparent);
  }
  .dialog-title {
    margin: 0 0 calc(var(--_space) * 2);
    font-size: 1.08em;
    font-weight: 600;
  }
  .fields {
    display: grid;
    grid-template-columns: max-content minmax(0, 1fr);
    gap: calc(var(--_space) * 1) calc(var(--_space) * 4);
    margin: calc(var(--_space) * 3) 0 calc(var(--_space) * 5);
  }
  .fields dt {
    color: var(--_text-muted);
  }
  .fields dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .dialog-actions {
    display: flex;
    justify-content: flex-end;
    gap: calc(var(--_space) * 2);
  }

  /* ── Narrow: below 640px of the element's own width, rows are cards ───── */
  @container (max-width: 640px) {
    .panel,
    .skeleton {
      --_row-height: var(--ll-matcher-card-height, 132px);
    }
    /* An end with more tabs past it fades out (data-scrolled, data-end: set as the strip scrolls). */
    .tabs {
      gap: 0;
      padding-right: calc(var(--_space) * 8);
      mask-image: linear-gradient(to right, black calc(100% - 32px), transparent);
    }
    .tabs[data-end] {
      mask-image: none;
    }
    .tabs[data-scrolled] {
      mask-image: linear-gradient(to right, transparent, black 32px, black calc(100% - 32px), transparent);
    }
    .tabs[data-scrolled][data-end] {
      mask-image: linear-gradient(to right, transparent, black 32px);
    }
    .tab {
      padding: calc(var(--_space) * 2) calc(var(--_space) * 2.5);
    }
    .segmented {
      display: flex;
      width: 100%;
    }
    .segmented button {
      flex: 1;
      justify-content: center;
      height: auto;
      min-height: 28px;
      padding: calc(var(--_space) * 1) calc(var(--_space) * 2);
      white-space: normal;
      text-align: center;
    }
    .search {
      flex: 1 1 100%;
    }
    .row {
      min-width: 0;
      grid-template-columns: minmax(0, 1fr) auto;
      grid-template-rows: auto auto auto;
      align-content: center;
      row-gap: calc(var(--_space) * 1);
      padding: calc(var(--_space) * 2) 0;
    }
    .row > .cell {
      height: auto;
    }
    .row > .cell:nth-child(1),
    .row > .cell:nth-child(2) {
      grid-column: 1 / -1;
    }
    .row > .cell:nth-child(3) {
      grid-column: 1;
    }
    .row > .cell.actions {
      grid-column: 2;
      grid-row: 3;
    }
    .row > .cell.resolution {
      grid-column: 1 / -1;
      grid-row: 3;
    }
    .cell.party[data-label]:nth-child(2)::before {
      content: attr(data-label);
      color: var(--_text-muted);
      font-size: 0.78em;
      text-transform: uppercase;
      letter-spacing: 0.03em;
    }
    .cell.pick {
      grid-column: 1 / -1;
    }

    .choose,
    .picker-input {
      max-width: none;
    }
    /* The header stays for screen readers (column names); cards show their own labels. */
    .header-row {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    .skeleton {
      background: var(--_surface);
      padding-top: 0;
    }
    .skeleton-row {
      grid-template-columns: minmax(0, 1fr);
      align-content: center;
      row-gap: calc(var(--_space) * 3);
    }
    .undo-text {
      white-space: normal;
    }
  }
`;
