import { css } from 'lit';

/** The dark palette, used by theme="dark" and by theme="auto" when the system is dark. */
const darkPalette = css`
  --_text: var(--ll-color-text, #e6edf3);
  --_text-muted: var(--ll-color-text-muted, #9198a1);
  --_surface: var(--ll-color-surface, #0d1117);
  --_surface-raised: var(--ll-color-surface-raised, #151b23);
  --_border: var(--ll-color-border, #3d444d);
  --_accent: var(--ll-color-accent, #4493f8);
  /* Dark text on the lighter dark-mode accent: white on #4493f8 is only 3.1:1. */
  --_accent-text: var(--ll-color-accent-text, #0d1117);
  --_success: var(--ll-color-success, #3fb950);
  --_warning: var(--ll-color-warning, #d29922);
  --_danger: var(--ll-color-danger, #f85149);
`;

/**
 * Design tokens every component reads. Hosts override any of them on the element or an ancestor
 * (`qbo-connect { --ll-color-accent: #6d28d9 }`); defaults are neutral so the element looks native.
 * `theme="dark"` switches the palette, `theme="auto"` follows the user's system setting.
 */
export const themeStyles = css`
  :host {
    --_font-family: var(--ll-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif);
    --_font-size: var(--ll-font-size, 14px);
    --_line-height: var(--ll-line-height, 1.45);
    --_space: var(--ll-space, 4px);
    --_radius: var(--ll-radius, 6px);
    --_text: var(--ll-color-text, #1f2328);
    --_text-muted: var(--ll-color-text-muted, #59636e);
    --_surface: var(--ll-color-surface, #ffffff);
    --_surface-raised: var(--ll-color-surface-raised, #f6f8fa);
    --_border: var(--ll-color-border, #d1d9e0);
    --_accent: var(--ll-color-accent, #0969da);
    --_accent-text: var(--ll-color-accent-text, #ffffff);
    --_success: var(--ll-color-success, #1a7f37);
    --_warning: var(--ll-color-warning, #9a6700);
    --_danger: var(--ll-color-danger, #cf222e);
    --_focus-ring: var(--ll-focus-ring, 0 0 0 3px color-mix(in srgb, var(--_accent) 40%, transparent));

    display: block;
    font-family: var(--_font-family);
    font-size: var(--_font-size);
    line-height: var(--_line-height);
    color: var(--_text);
  }
  :host([hidden]) {
    display: none;
  }
  :host([theme='dark']) {
    ${darkPalette}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${darkPalette}
    }
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: none;
    box-shadow: var(--_focus-ring);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
