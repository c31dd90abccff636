/** Text helpers the components share (one copy in the bundle instead of one per component). */

/** Lower case without accents, for matching what someone types: "Café" and "cafe" fold to the same text. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

/** The first letter in upper case, for a word that starts a sentence ("suppliers" → "Suppliers"). */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
