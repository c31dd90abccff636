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
      <path d="M17 13.5 H13.5 a6.5 6.5 0 0 0 0 13 H15" />
      <path d="M17 12 V31.5" />
      <path d="M23 26.5 H26.5 a6.5 6.5 0 0 0 0 -13 H25" />
      <path d="M23 28 V8.5" />
    </g>
  </svg>`;
}
