import { css } from 'lit';

/**
 * Design tokens every component reads. Hosts override any of them on the element or an ancestor
 * (`qbo-connect { --ll-color-accent: #6d28d9 }`); defaults are neutral so the element looks native.
 *
 * Light or dark follows CSS `color-scheme`, which inherits into shadow roots: with no `theme` attribute a component
 * takes the host page's scheme (a page with `color-scheme: dark`, or `light dark` on a dark system, gets the dark
 * palette), so it matches the page it sits in rather than the operating system. `theme="light"` and `theme="dark"`
 * force one palette and paint the component's own surface (dark on a light page stays readable); `theme="auto"`
 * follows the system. Every default pair passes WCAG AA (4.5:1) for text on both surfaces.
 */
export const themeStyles = css`
  :host {
    --_font-family: var(--ll-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif);
    --_font-size: var(--ll-font-size, 14px);
    --_line-height: var(--ll-line-height, 1.45);
    --_space: var(--ll-space, 4px);
    --_radius: var(--ll-radius, 6px);
    --_text: var(--ll-color-text, light-dark(#1f2328, #e6edf3));
    --_text-muted: var(--ll-color-text-muted, light-dark(#59636e, #9198a1));
    --_surface: var(--ll-color-surface, light-dark(#ffffff, #0d1117));
    --_surface-raised: var(--ll-color-surface-raised, light-dark(#f6f8fa, #151b23));
    --_border: var(--ll-color-border, light-dark(#d1d9e0, #3d444d));
    --_accent: var(--ll-color-accent, light-dark(#0969da, #4493f8));
    /* Dark text on the lighter dark-mode accent: white on #4493f8 is only 3.1:1. */
    --_accent-text: var(--ll-color-accent-text, light-dark(#ffffff, #0d1117));
    /* Text colours of states, readable (4.5:1) on the surface and on its raised and tinted variants. */
    --_success: var(--ll-color-success, light-dark(#1a7f37, #3fb950));
    --_warning: var(--ll-color-warning, light-dark(#9a6700, #d29922));
    --_danger: var(--ll-color-danger, light-dark(#cf222e, #f85149));
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
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([theme='auto']) {
    color-scheme: light dark;
  }
  /* A forced palette may differ from the page's: paint our own surface so text never lands on the page's colour. */
  :host([theme='light']),
  :host([theme='dark']),
  :host([theme='auto']) {
    background: var(--_surface);
    border-radius: var(--_radius);
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
