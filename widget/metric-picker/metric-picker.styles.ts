import { css } from 'lit';

/** <metric-picker>'s own rules; tokens come from themeStyles (--ll-*), so hosts theme it like the others. */
export const pickerStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    color: var(--_text);
    font: var(--_font-size) / var(--_line-height) var(--_font-family);
  }
  form {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    gap: calc(var(--_space) * 4);
  }
  .fields {
    display: grid;
    gap: var(--_space);
    align-content: start;
  }
  .fields label,
  .fields .label-text {
    margin-top: calc(var(--_space) * 2);
    font-weight: 500;
  }
  .fields input:not([type='checkbox']),
  .fields select {
    min-height: 32px;
    padding: 0 calc(var(--_space) * 2);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  /* The account tree: one scrolling box; each item indents by its aria-level. */
  .tree {
    max-height: 18em;
    overflow: auto;
    margin: 0;
    padding: var(--_space);
    list-style: none;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .tree[aria-invalid='true'],
  select[aria-invalid='true'],
  input[aria-invalid='true'] {
    border-color: var(--_danger);
  }
  [role='treeitem'] {
    display: flex;
    gap: var(--_space);
    align-items: center;
    min-height: 32px;
    padding-inline: calc(var(--_space) + (var(--level, 1) - 1) * 1.25em) calc(var(--_space) * 2);
    border-radius: calc(var(--_radius) - 2px);
    cursor: pointer;
    overflow-wrap: anywhere;
  }
  [role='treeitem']:hover {
    background: var(--_surface-raised);
  }
  [role='treeitem'].heading {
    font-weight: 600;
  }
  [role='treeitem'][aria-selected='true'] {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  .twisty {
    flex: none;
    width: 1.25em;
    text-align: center;
  }
  .empty {
    color: var(--_text-muted);
  }
  .fields .check {
    display: flex;
    gap: calc(var(--_space) * 2);
    align-items: center;
    font-weight: 400;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 1px;
  }
  .preview {
    padding: calc(var(--_space) * 3);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
  }
  .label,
  .note {
    color: var(--_text-muted);
  }
  .note {
    margin-top: calc(var(--_space) * 2);
    color: var(--_warning);
  }
  .note.field-error {
    margin-top: 0;
    color: var(--_danger);
  }
  .value {
    font-size: 1.8em;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .chart {
    display: block;
    width: 100%;
    height: 64px;
    margin-top: calc(var(--_space) * 2);
  }
  rect {
    fill: var(--ll-chart-color, var(--_accent));
  }
  rect.neg {
    fill: var(--_danger);
  }
  /* A period not over yet ("to date"): drawn lighter, as its figure will still change. */
  rect.partial {
    fill-opacity: 0.45;
  }
  .axis {
    stroke: var(--_border);
    stroke-width: 0.3;
  }
  .hint,
  .legend {
    margin: calc(var(--_space) * 1) 0 0;
    color: var(--_text-muted);
    font-size: 0.93em;
  }
  /* A confirmation, not a warning: the success token (AA on the surface in light and dark). */
  .saved {
    grid-column: 1 / -1;
    margin: 0;
    color: var(--_success);
    font-weight: 500;
  }
  .actions {
    grid-column: 1 / -1;
    display: grid;
    gap: calc(var(--_space) * 2);
    justify-items: start;
  }
  @container (max-width: 520px) {
    form {
      grid-template-columns: minmax(0, 1fr);
    }
    .actions {
      justify-items: stretch;
    }
  }
`;
