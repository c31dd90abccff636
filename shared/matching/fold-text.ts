// Letters that Unicode decomposition (NFKD) leaves whole, so stripping combining marks alone would keep them.
const UNDECOMPOSED_LETTERS: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h',
};
const UNDECOMPOSED_PATTERN = /[ßæœøłđðþıħ]/g;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Lower-cases and removes accents so "Müller", "MÜLLER" and "Muller" compare equal ("Straße" becomes "strasse").
 * Compatibility forms are unfolded too: the ligature "ﬁ" becomes "fi", full-width letters become ASCII.
 */
export function foldText(text: string): string {
  // Most names are plain ASCII, and Unicode normalisation is the slowest step of preparing a record.
  if (ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(UNDECOMPOSED_PATTERN, (letter) => UNDECOMPOSED_LETTERS[letter] ?? letter);
}
