/** Text helpers the components share (one copy in the bundle instead of one per component). */

/**
 * Lower case without accents, for matching what someone types: "Café" and "cafe" fold to the same text, "Straße" to
 * "strasse". The matching library's folding, which the bundle carries anyway (the tax mapper reads rate names with it).
 */
export { foldText as fold } from '../../shared/matching/fold-text.ts';

/** The first letter in upper case, for a word that starts a sentence ("suppliers" → "Suppliers"). */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
