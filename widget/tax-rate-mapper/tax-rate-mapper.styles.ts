import { css } from 'lit';

export const taxRateMapperStyles = css`
  :host {
    --_max-height: var(--ll-mapper-max-height, 480px);
    --_row-hover: var(--ll-mapper-row-hover, var(--_surface-raised));
    --_cols: minmax(150px, 1fr) 130px minmax(180px, 1.3fr);
    display: block;
    container-type: inline-size;
    background: var(--ll-mapper-background, transparent);
  }
  :host([theme='dark']) {
    padding: calc(var(--_space) * 3);
    border-radius: var(--_radius);
    background: var(--ll-mapper-background, var(--_surface));
    color-scheme: dark;
  }
  .note {
    margin-bottom: calc(var(--_space) * 2);
    padding: calc(var(--_space) * 2) calc(var(--_space) * 3);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
  }
  .note.error {
    color: var(--_danger);
  }
  .row {
    display: grid;
    grid-template-columns: var(--_cols);
    min-height: var(--ll-mapper-row-height, 64px);
    border-bottom: 1px solid var(--_border);
  }
  .header.row {
    min-height: 34px;
    background: var(--_surface-raised);
    font-weight: 600;
  }
  .cell {
    flex-direction: column;
    align-items: flex-start;
    justify-content: center;
    /* Rows grow with a wrapped reason: a cell is as tall as its content, never clipped to a fixed row. */
    height: auto;
    padding-block: calc(var(--_space) * 1.5);
    overflow: visible;
  }
  .small {
    max-width: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  /* A host's name is what the row is about: it wraps, whole, at any width (a long rate name is never cut). */
  .name {
    max-width: 100%;
    white-space: normal;
    overflow-wrap: anywhere;
  }
  /* Not windowed (see WINDOW_FROM): rows follow each other in the flow, each at its own height. */
  .body.flow .row {
    position: static;
  }
  .small {
    color: var(--_text-muted);
    font-size: 0.86em;
  }
  /* Why a code is suggested or what is wrong is what a person acts on: it wraps, whole, at any width. */
  .reasons {
    white-space: normal;
    overflow: visible;
    text-overflow: clip;
    overflow-wrap: anywhere;
  }
  .status {
    font-weight: 500;
  }
  .status.mapped {
    color: var(--_success);
  }
  .status.needs_attention {
    color: var(--_warning);
  }
  .problem {
    color: var(--_danger);
  }
  .pick {
    display: flex;
    gap: var(--_space);
    width: 100%;
  }
  select {
    min-width: 0;
    flex: 1;
    height: 30px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .row:focus-within {
    background: var(--_row-hover);
  }
  @container (max-width: 560px) {
    .header.row {
      display: none;
    }
    .row {
      grid-template-columns: minmax(0, 1fr) auto;
      min-height: var(--ll-mapper-card-height, 112px);
    }
    .cell.target {
      grid-column: 1 / -1;
      padding-bottom: calc(var(--_space) * 2);
    }
    /* Picker and buttons stack: the picker takes the full card width, the buttons wrap beneath it. */
    .pick {
      flex-wrap: wrap;
    }
    .pick select {
      flex: 1 1 100%;
    }
  }
`;
