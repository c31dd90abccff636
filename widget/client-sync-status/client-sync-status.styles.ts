import { css } from 'lit';

export const clientSyncStatusStyles = css`
  :host {
    --_max-height: var(--ll-sync-status-max-height, 560px);
    --_row-height: var(--ll-sync-status-row-height, 48px);
    --_progress: var(--ll-sync-status-progress-color, var(--_accent));
    --_progress-track: var(--ll-sync-status-progress-track, color-mix(in srgb, var(--_border) 70%, transparent));
    --_health-good: var(--ll-sync-status-health-good, var(--_success));
    --_health-fair: var(--ll-sync-status-health-fair, var(--_warning));
    --_health-poor: var(--ll-sync-status-health-poor, var(--_danger));
    --_row-hover: var(--ll-sync-status-row-hover, var(--_surface-raised));
    --_row-selected: var(--ll-sync-status-row-selected, color-mix(in srgb, var(--_accent) 9%, var(--_surface)));
    /* Columns fit their content: "3 minutes ago" and "Reconnecting…" + "Details" never cut; status takes the rest and wraps. */
    --_cols: minmax(140px, 1.2fr) minmax(200px, 2fr) 9.5em 5.5em 13.5em;
    --_cols-admin: 40px minmax(130px, 1.2fr) minmax(190px, 2fr) 9.5em 5.5em 8.5em 13.5em;
    /* Rows are as tall as their layout needs: one line of columns (wide), two lines, or a stacked card (narrow). */
    --_row-height-wide: var(--ll-sync-status-row-height, 60px);
    --_row-height: var(--_row-height-wide);
    container: sync-status / inline-size;
    font-variant-numeric: tabular-nums;
  }

  /* A forced theme paints the element's own surface (theme.ts); the toolbar then needs room from its edge. */
  :host([theme='light']),
  :host([theme='dark']),
  :host([theme='auto']) {
    padding: calc(var(--_space) * 2);
  }

  .small {
    font-size: 0.9em;
  }
  .num {
    text-align: right;
    justify-content: flex-end;
  }
  input[type='checkbox'],
  input[type='radio'] {
    accent-color: var(--_accent);
    margin: 0;
  }

  /* ── Buttons ───────────────────────────────────────────────────────────── */
  .link-button {
    padding: 2px 4px;
    margin-left: -4px;
    border: none;
    border-radius: 4px;
    background: none;
    color: var(--_text);
    cursor: pointer;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-width: 100%;
  }
  .link-button:hover {
    text-decoration: underline;
    text-underline-offset: 2px;
  }

  /* ── Notes above the list ──────────────────────────────────────────────── */
  .permission-notes {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 1);
    margin-bottom: calc(var(--_space) * 3);
  }
  .notice {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 1);
    margin-bottom: calc(var(--_space) * 3);
    padding: calc(var(--_space) * 2) calc(var(--_space) * 3);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
    color: var(--_text-muted);
    font-size: 0.93em;
  }
  .notice {
    flex-direction: row;
    align-items: center;
    justify-content: space-between;
    gap: calc(var(--_space) * 3);
    border: 1px solid color-mix(in srgb, var(--_danger) 35%, var(--_border));
    background: color-mix(in srgb, var(--_danger) 6%, var(--_surface));
    color: var(--_text);
  }
  .notice-actions {
    display: inline-flex;
    flex: none;
    gap: calc(var(--_space) * 2);
  }

  /* ── Toolbar ───────────────────────────────────────────────────────────── */
  .refresh-failed {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) * 1.5);
    color: var(--_warning);
    font-size: 0.93em;
  }
  .selection {
    font-size: 0.93em;
  }

  /* ── The grid ──────────────────────────────────────────────────────────── */
  .scroller:focus-visible {
    box-shadow: var(--_focus-ring);
  }
  .row {
    display: grid;
    grid-template-columns: var(--_cols);
    align-items: center;
    height: var(--_row-height);
    border-bottom: 1px solid color-mix(in srgb, var(--_border) 65%, transparent);
  }
  .row.admin {
    grid-template-columns: var(--_cols-admin);
  }
  .header-row {
    height: 34px;
    background: var(--_surface-raised);
    border-bottom-color: var(--_border);
    color: var(--_text-muted);
    font-size: 0.86em;
    font-weight: 600;
  }
  .body .row.selected {
    background: var(--_row-selected);
  }
  .body .row.open {
    box-shadow: inset 3px 0 0 var(--_accent);
  }
  .body .row:focus {
    outline: none;
  }
  .body .row:focus-visible {
    box-shadow: inset 0 0 0 2px var(--_accent);
  }
  .cell.select {
    justify-content: center;
    padding: 0;
  }
  .cell.actions {
    justify-content: flex-end;
    gap: calc(var(--_space) * 1);
  }
  .cell.client,
  .cell.status {
    overflow: visible;
  }
  /* Documents not in QuickBooks yet, under the status (the widest column); ends with … only when even that is narrow. */
  .cell.with-docs {
    flex-direction: column;
    align-items: stretch;
    justify-content: center;
    gap: 0;
  }
  .with-docs .docs {
    align-self: flex-start;
  }
  .docs {
    font-size: 0.86em;
    color: var(--_text-muted);
  }
  .docs.attention {
    color: var(--_warning);
  }
  /* Long names take two lines, then end with … and keep the whole name in the title (and in details). */
  .name {
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 2;
    overflow: hidden;
    overflow-wrap: anywhere;
    font-weight: 500;
    line-height: 1.3;
  }
  .last-sync time,
  .facts time,
  .mini-table time {
    text-decoration: underline dotted color-mix(in srgb, currentColor 45%, transparent);
    text-underline-offset: 3px;
    cursor: help;
    white-space: nowrap;
  }
  .last-sync.stale,
  dd.stale {
    color: var(--_warning);
  }

  /* ── Status, progress, errors ──────────────────────────────────────────── */
  .badge {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) * 2);
    white-space: nowrap;
  }
  .dot,
  .health-dot {
    flex: none;
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--_text-muted);
  }
  .badge.kind-synced .dot {
    background: var(--_success);
  }
  .badge.kind-stale {
    color: var(--_warning);
  }
  .badge.kind-stale .dot {
    background: var(--_warning);
  }
  .badge.kind-never,
  .badge.kind-disconnected {
    color: var(--_text-muted);
  }
  .badge.kind-never .dot,
  .badge.kind-disconnected .dot {
    background: transparent;
    box-shadow: inset 0 0 0 1.5px var(--_text-muted);
  }
  /* The bar above, the words under it: "33% · ~10 seconds left" has the cell's whole width and may wrap. */
  .progress-wrap {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: calc(var(--_space) * 1);
    min-width: 0;
    width: 100%;
  }
  .progress {
    position: relative;
    flex: none;
    width: min(100%, 220px);
    height: 6px;
    border-radius: 3px;
    background: var(--_progress-track);
    overflow: hidden;
  }
  .progress .fill {
    position: absolute;
    inset: 0 auto 0 0;
    border-radius: inherit;
    background: var(--_progress);
    transition: width 400ms ease;
  }
  .progress.indeterminate .fill {
    width: 35% !important;
    animation: slide 1.6s ease-in-out infinite;
  }
  @keyframes slide {
    from {
      transform: translateX(-100%);
    }
    to {
      transform: translateX(290%);
    }
  }
  .progress-text,
  .error-text .text {
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 2;
    overflow: hidden;
    line-height: 1.3;
  }
  .progress-text {
    color: var(--_text-muted);
    font-size: 0.93em;
  }
  .progress-wrap.waiting .progress-text {
    color: var(--_warning);
  }
  .wait-icon {
    display: inline-block;
    vertical-align: -2px;
    margin-right: 4px;
  }
  .error-text {
    display: inline-flex;
    align-items: flex-start;
    gap: calc(var(--_space) * 2);
    min-width: 0;
  }
  .error-text .icon {
    margin-top: 1px;
  }
  .error-text .icon {
    flex: none;
    display: inline-grid;
    place-items: center;
    width: 16px;
    height: 16px;
    border-radius: 50%;
    font-size: 11px;
    font-weight: 700;
    line-height: 1;
  }
  .error-text.tone-danger .icon {
    background: color-mix(in srgb, var(--_danger) 14%, var(--_surface));
    color: var(--_danger);
  }
  .error-text.tone-warning .icon {
    color: var(--_warning);
    font-size: 13px;
  }
  .health {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--_space) * 1.5);
    padding: 2px 4px;
    margin-right: -4px;
    border: none;
    border-radius: 4px;
    background: none;
    cursor: pointer;
  }
  .health:hover {
    background: var(--_surface-raised);
  }
  .band-good .health-dot {
    background: var(--_health-good);
  }
  .band-fair .health-dot {
    background: var(--_health-fair);
  }
  .band-poor .health-dot {
    background: var(--_health-poor);
  }

  /* ── Empty, no match, load error, skeleton ─────────────────────────────── */
  .skeleton {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    padding-top: 34px;
    background: linear-gradient(var(--_surface-raised) 34px, var(--_surface) 34px);
  }
  .skeleton.single {
    padding-top: 0;
  }
  .skeleton-row {
    display: grid;
    grid-template-columns: minmax(180px, 1.5fr) minmax(230px, 2fr) 112px 64px;
    align-items: center;
    gap: calc(var(--_space) * 6);
    height: var(--_row-height);
    padding: 0 calc(var(--_space) * 3);
    border-top: 1px solid color-mix(in srgb, var(--_border) 65%, transparent);
  }
  .skeleton.single .skeleton-row {
    border-top: none;
  }
  .bone.bar {
    width: 60%;
    height: 6px;
  }
  .bone.short {
    width: 70%;
  }
  @media (prefers-reduced-motion: reduce) {
    .bone,
    .progress.indeterminate .fill {
      animation: none;
    }
    .progress .fill {
      transition: none;
    }
  }

  /* ── Details (panel under the list, lower half of the card) ────────────── */
  .detail {
    margin-top: calc(var(--_space) * 3);
    padding: calc(var(--_space) * 4);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .detail-head,
  .card-head {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 3);
    min-width: 0;
  }
  .detail-head {
    margin-bottom: calc(var(--_space) * 3);
  }
  .detail-head {
    flex-wrap: wrap;
  }
  .detail-head .progress-wrap {
    width: auto;
    flex: 1 1 240px;
  }
  .detail-head .progress-text,
  .detail-head .error-text .text,
  .card-status .progress-text,
  .card-status .error-text .text {
    -webkit-line-clamp: unset;
    display: block;
  }
  .detail-title,
  .card-title {
    font-weight: 600;
    font-size: 1.08em;
    overflow-wrap: anywhere;
    border-radius: 2px;
  }
  .detail-title:focus {
    outline: none;
  }
  .detail-title:focus-visible {
    box-shadow: var(--_focus-ring);
  }
  .detail-body {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 3);
  }
  .detail-error {
    padding: calc(var(--_space) * 2) calc(var(--_space) * 3);
    border-left: 3px solid var(--_border);
    background: var(--_surface-raised);
    color: var(--_text-muted);
    border-radius: 0 var(--_radius) var(--_radius) 0;
  }
  .stale-note {
    color: var(--_warning);
  }
  .facts {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
    gap: calc(var(--_space) * 3) calc(var(--_space) * 6);
    margin: 0;
  }
  .facts dt {
    color: var(--_text-muted);
    font-size: 0.86em;
    margin-bottom: 2px;
  }
  .facts dd {
    margin: 0;
  }
  /* The last run is a sentence (result · records · time taken · when): two columns' room, so it is not cut into shreds. */
  .facts .wide {
    grid-column: span 2;
  }
  .throughput {
    font-size: 0.93em;
  }
  .disclosure {
    border-top: 1px solid color-mix(in srgb, var(--_border) 65%, transparent);
    padding-top: calc(var(--_space) * 2);
  }
  .disclosure > summary {
    width: fit-content;
    padding: 2px 4px;
    margin-left: -4px;
    border-radius: 4px;
    font-weight: 500;
    cursor: pointer;
  }
  .disclosure > summary:hover {
    background: var(--_surface-raised);
  }
  .disclosure[open] > summary {
    margin-bottom: calc(var(--_space) * 2);
  }
  .mini-table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.93em;
  }
  .mini-table th,
  .mini-table td {
    padding: calc(var(--_space) * 1.5) calc(var(--_space) * 2);
    border-bottom: 1px solid color-mix(in srgb, var(--_border) 55%, transparent);
    text-align: left;
    font-weight: normal;
  }
  .mini-table thead th {
    color: var(--_text-muted);
    font-size: 0.93em;
    font-weight: 600;
  }
  .mini-table .num {
    text-align: right;
  }
  .mini-table .bar-col {
    width: 40%;
  }
  .progress.mini {
    display: block;
    width: 100%;
    max-width: 220px;
  }
  .run-failed {
    color: var(--_danger);
  }
  .run-succeeded {
    color: var(--_success);
  }
  .checks {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 1.5);
    margin: 0 0 calc(var(--_space) * 2);
    padding: 0;
    list-style: none;
  }
  .checks li {
    display: grid;
    grid-template-columns: minmax(160px, 1fr) 64px;
    column-gap: calc(var(--_space) * 4);
  }
  /* A document's status is words ("Needs mapping"), not a count: its column fits them. */
  .checks.documents li {
    grid-template-columns: minmax(0, 1fr) auto;
  }
  .checks .examples {
    grid-column: 1 / -1;
    font-size: 0.9em;
  }
  .checks .clean .check-count {
    color: var(--_success);
  }
  .doc-actions {
    grid-column: 1 / -1;
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
  }
  .doc-actions a {
    text-decoration: none;
  }
  .detail-actions.confirm {
    flex-direction: column;
    align-items: flex-start;
  }
  .confirm-buttons {
    display: flex;
    gap: calc(var(--_space) * 2);
  }
  .button.danger {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  .button.danger:hover {
    background: color-mix(in srgb, var(--_danger) 8%, var(--_surface));
  }
  .visibility-summary,
  .detail-actions {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 3);
    border-top: 1px solid color-mix(in srgb, var(--_border) 65%, transparent);
    padding-top: calc(var(--_space) * 3);
  }
  .visibility-editor {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 3);
    margin-bottom: calc(var(--_space) * 3);
    padding: calc(var(--_space) * 3) calc(var(--_space) * 4);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
  }
  .detail-body .visibility-editor {
    margin-bottom: 0;
  }
  .visibility-editor fieldset {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 2);
    margin: 0;
    padding: 0;
    border: none;
  }
  .visibility-editor legend {
    padding: 0;
    margin-bottom: calc(var(--_space) * 2);
    font-weight: 600;
  }
  .radio,
  .check {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 2);
    cursor: pointer;
  }
  .people {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
    gap: calc(var(--_space) * 1.5) calc(var(--_space) * 4);
    max-height: 200px;
    overflow: auto;
    margin-left: calc(var(--_space) * 6);
    padding: calc(var(--_space) * 2) 0;
  }
  .people-empty,
  .people + p {
    margin-left: calc(var(--_space) * 6);
  }
  .editor-error {
    color: var(--_danger);
  }
  .editor-actions {
    display: flex;
    gap: calc(var(--_space) * 2);
  }

  /* ── Single mode card ──────────────────────────────────────────────────── */
  .card {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 3);
    padding: calc(var(--_space) * 4);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .card-status .progress-wrap .progress {
    flex-basis: 240px;
  }

  .mini-table.runs {
    table-layout: auto;
  }

  /* ── Narrower than the columns: two lines per row, then stacked cards (container queries) ── */
  /* The host is the container, so the row height is set on its descendants, where queries apply. */
  @container sync-status (max-width: 900px) {
    .scroller,
    .skeleton {
      --_row-height: 84px;
    }
    .header-row {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      border: 0;
    }
    .body .row,
    .body .row.admin {
      grid-template-columns: minmax(0, 1fr) auto auto;
      grid-template-areas:
        'client last health'
        'status status actions';
      align-items: center;
      row-gap: calc(var(--_space) * 1);
      padding: calc(var(--_space) * 2) 0;
    }
    .body .row.admin {
      grid-template-columns: 40px minmax(0, 1fr) auto auto;
      grid-template-areas:
        'select client last health'
        'select status status actions';
    }
    .body .cell {
      height: auto;
    }
    .body .cell.select {
      grid-area: select;
    }
    .body .cell.client {
      grid-area: client;
    }
    .body .cell.status {
      grid-area: status;
    }
    .body .cell.last-sync {
      grid-area: last;
      color: var(--_text-muted);
      font-size: 0.93em;
    }
    /* The column header is gone: the cell says what it is. */
    .body .cell.last-sync::before {
      content: 'Last sync ';
      white-space: pre;
    }
    .body .cell.num {
      grid-area: health;
    }
    .body .cell.visibility {
      display: none;
    }
    .body .cell.actions {
      grid-area: actions;
    }
    .name {
      -webkit-line-clamp: 1;
    }
  }
  @container sync-status (max-width: 520px) {
    .scroller,
    .skeleton {
      --_row-height: 168px;
    }
    .body .row,
    .body .row.admin {
      grid-template-columns: minmax(0, 1fr) auto;
      grid-template-areas:
        'client health'
        'status status'
        'last last'
        'actions actions';
      align-content: center;
      row-gap: calc(var(--_space) * 1.5);
      padding: calc(var(--_space) * 3) 0;
    }
    .body .row.admin {
      grid-template-columns: 36px minmax(0, 1fr) auto;
      grid-template-areas:
        'select client health'
        'select status status'
        'select last last'
        'select actions actions';
    }
    .body .cell.select {
      align-self: start;
      padding-top: 2px;
    }
    .body .cell.actions {
      justify-content: flex-start;
    }
    .search {
      flex: 1 1 100%;
      width: auto;
    }
    .skeleton-row {
      grid-template-columns: 1fr 1fr;
    }
    .facts {
      grid-template-columns: 1fr;
    }
    .facts .wide {
      grid-column: auto;
    }
    .mini-table.runs th:nth-child(2),
    .mini-table.runs td:nth-child(2) {
      display: none;
    }
    .notice {
      flex-direction: column;
      align-items: flex-start;
    }
  }
`;
