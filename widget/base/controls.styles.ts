import { css } from 'lit';

/**
 * Button states shared by every component (<client-sync-status>, <supplier-matcher>, <qbo-connect>), placed after
 * `themeStyles` and before the component's own sheet so the component's variants still win.
 *
 * Styles: `p`; `.button:hover`, `.button.primary:hover`, `.button.quiet` (and `:hover`),
 * `.button[aria-disabled='true']`, `.button.primary[aria-disabled='true']:hover`; the `shimmer` animation of skeleton bones.
 *
 * The `.button` and `.button.primary` bases are not here: <qbo-connect>'s differ (no centring or nowrap; its own
 * text colour on the accent). `.button[aria-disabled='true']:hover` is not here either: in <qbo-connect> it must
 * come after `.button.danger:hover`. Class names and custom properties are a theming contract with hosts.
 */
export const buttonStyles = css`
  p {
    margin: 0;
  }
  .button:hover {
    background: var(--_surface-raised);
  }
  .button.primary:hover {
    background: color-mix(in srgb, var(--_accent) 88%, black);
  }
  .button.quiet {
    border-color: transparent;
    background: transparent;
    color: var(--_text-muted);
  }
  .button.quiet:hover {
    color: var(--_text);
    background: var(--_surface-raised);
  }
  .button[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.55;
  }
  .button.primary[aria-disabled='true']:hover {
    background: var(--_accent);
  }
  @keyframes shimmer {
    from {
      background-position: 100% 0;
    }
    to {
      background-position: 0 0;
    }
  }
`;

/**
 * Controls shared by the list components (<client-sync-status>, <supplier-matcher>), placed after
 * `buttonStyles` and before each component's own sheet so the component's variants still win.
 *
 * Styles: `input`/`select`/`button` (font, colour), `.muted`, `.spacer`;
 * buttons `.button`, `.button.small`, `.button.primary`, `.button[aria-disabled='true']:hover`;
 * toolbar `.toolbar`, `.search`, `.filter`, `.count`;
 * grid `.scroller`, `.header`, `.body`, `.body .row` (position, hover), `.cell`;
 * states `.empty`, `.empty-title`, `::slotted([slot='empty'])`, `.load-error`, `.no-match`;
 * skeleton `.bone`.
 *
 * Only rules that were identical in both components live here. <qbo-connect> does not load it:
 * its `.button`, `.button.primary`, `.bone`, `.skeleton` and `.permission-note` differ.
 * Class names and custom properties are a theming contract with hosts: keep them as they are.
 */
export const controlStyles = css`
  .muted {
    color: var(--_text-muted);
  }
  .spacer {
    flex: 1;
  }
  input,
  select,
  button {
    font: inherit;
    color: inherit;
  }
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-height: 32px;
    padding: 0 calc(var(--_space) * 3);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    font-weight: 500;
    white-space: nowrap;
    cursor: pointer;
  }
  .button.small {
    min-height: 28px;
    padding: 0 calc(var(--_space) * 2.5);
    font-size: 0.93em;
  }
  .button.primary {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_accent-text);
  }
  .button[aria-disabled='true']:hover {
    background: var(--_surface);
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--_space) * 2);
    margin-bottom: calc(var(--_space) * 2);
  }
  .search,
  .filter {
    height: 30px;
    padding: 0 calc(var(--_space) * 2.5);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .search {
    width: 220px;
    max-width: 100%;
  }
  .search::placeholder {
    color: var(--_text-muted);
  }
  .count {
    margin-left: calc(var(--_space) * 1);
    font-size: 0.93em;
  }
  .scroller {
    position: relative;
    max-height: var(--_max-height);
    overflow: auto;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    overscroll-behavior: contain;
  }
  .header {
    position: sticky;
    top: 0;
    z-index: 2;
  }
  .body {
    position: relative;
  }
  .body .row {
    position: absolute;
    top: 0;
    left: 0;
    right: 0;
    background: var(--_surface);
  }
  .body .row:hover {
    background: var(--_row-hover);
  }
  .cell {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 2);
    min-width: 0;
    height: 100%;
    padding: 0 calc(var(--_space) * 3);
    overflow: hidden;
  }
  .empty,
  .load-error {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: calc(var(--_space) * 2);
    padding: calc(var(--_space) * 6);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .empty-title {
    font-weight: 600;
    font-size: 1.08em;
  }
  ::slotted([slot='empty']) {
    margin-top: calc(var(--_space) * 2);
  }
  .load-error {
    border-color: color-mix(in srgb, var(--_danger) 35%, var(--_border));
  }
  .no-match {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 3);
    padding: calc(var(--_space) * 4) calc(var(--_space) * 3);
    color: var(--_text-muted);
  }
  .bone {
    display: block;
    height: 10px;
    border-radius: 4px;
    background: linear-gradient(90deg, var(--_surface-raised) 0%, var(--_border) 50%, var(--_surface-raised) 100%) 0 0 / 300% 100%;
    animation: shimmer 1.4s ease-in-out infinite;
    opacity: 0.7;
  }
`;
