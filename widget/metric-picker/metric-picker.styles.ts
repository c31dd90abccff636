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
  .fields label {
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
  .fields .tree {
    padding: var(--_space);
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
  .value {
    font-size: 1.8em;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  svg {
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
  .axis {
    stroke: var(--_border);
    stroke-width: 0.3;
  }
  button {
    grid-column: 1 / -1;
    justify-self: start;
  }
  @container (max-width: 520px) {
    form {
      grid-template-columns: minmax(0, 1fr);
    }
    button {
      justify-self: stretch;
    }
  }
`;
