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
  .permission-note,
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
  .permission-note .icon {
    flex: none;
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
    display: flex;
    gap: calc(var(--_space) * 1);
    margin-bottom: calc(var(--_space) * 3);
    border-bottom: 1px solid var(--_border);
    overflow-x: auto;
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
    margin-left: 4px;
    padding: 0 5px;
    border-radius: 4px;
    background: var(--_surface-raised);
    box-shadow: inset 0 0 0 1px var(--_hairline);
    color: var(--_text-muted);
    font-size: 0.78em;
    font-weight: 500;
    vertical-align: 1px;
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
  .picker-status {
    padding: calc(var(--_space) * 2) calc(var(--_space) * 3);
    border-top: 1px solid var(--_hairline);
    font-size: 0.86em;
  }
  .picker-list:empty + .picker-status {
    border-top: none;
  }

  /* ── Undo ──────────────────────────────────────────────────────────────── */
  .undo {
    position: sticky;
    bottom: calc(var(--_space) * 2);
    z-index: 3;
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
`;
