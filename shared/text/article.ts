/**
 * "a vendor", "an employee", "an Asset account", "a user", "an hour": the indefinite article as the word is said,
 * not just spelled. One helper for every sentence built around a noun from data (QuickBooks classifications and
 * entity names, host role names), in the BFF and the components alike.
 */
export function withArticle(noun: string): string {
  return `${articleFor(noun)} ${noun}`;
}

/** The article alone ("a" or "an") for a noun phrase. */
export function articleFor(noun: string): 'a' | 'an' {
  const word = noun.trim();
  // Spelled with a vowel but said with a consonant: "a user", "a unique", "a European", "a one-off".
  if (/^(?:u[nrs][aeiou]|use|uni|eu|one|once)/i.test(word)) return 'a';
  // Spelled with a consonant but said with a vowel: a silent h.
  if (/^(?:hour|honest|honou?r|heir)/i.test(word)) return 'an';
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
