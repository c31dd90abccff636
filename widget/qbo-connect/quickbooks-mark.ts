import { html, nothing, type TemplateResult } from 'lit';

/**
 * The QuickBooks mark drawn inline: a circle holding a stylised "qb" (a "q" whose stem drops, a "b" whose stem
 * rises, mirror images of each other). It is our faithful stand-in; hosts going through Intuit's app review supply
 * Intuit's own artwork through the `connect-button` slot instead.
 *
 * Colours come from `--_mark-circle` and `--_mark-glyph`, so the same drawing works on the green button (white
 * circle, green glyph) and on a card (green circle, white glyph).
 *
 * @param label - Accessible name when the mark stands alone (role="img"); omit it when text beside the mark
 *   already says "QuickBooks", and the mark is hidden from assistive technology.
 */
export function quickbooksMark(label?: string): TemplateResult {
  return html`<svg
    class="mark"
    part="mark"
    viewBox="0 0 40 40"
    width="40"
    height="40"
    focusable="false"
    role=${label ? 'img' : nothing}
    aria-label=${label ?? nothing}
    aria-hidden=${label ? nothing : 'true'}
  >
    <circle cx="20" cy="20" r="20" fill="var(--_mark-circle)" />
    <g fill="none" stroke="var(--_mark-glyph)" stroke-width="3.2" stroke-linejoin="round">
      <path d="M18.4 13.6 H14.6 a6.4 6.4 0 0 0 0 12.8 H16.2" />
      <path d="M18.4 12 V31.2" />
      <path d="M21.6 26.4 H25.4 a6.4 6.4 0 0 0 0 -12.8 H23.8" />
      <path d="M21.6 28 V8.8" />
    </g>
  </svg>`;
}
