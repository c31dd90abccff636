/**
 * Ends a sentence with one full stop: a sentence that already ends in one (a company name such as "Cedar Printing
 * Co.", or a server message) or in "?", "!" or "…" is left as it is. Build messages that end in a name with it:
 * `endSentence(\`Connected to ${name}\`)`, never `\`Connected to ${name}.\``.
 */
export function endSentence(text: string): string {
  const trimmed = text.trimEnd();
  if (trimmed === '') return '';
  return /[.!?…]["'”’)]*$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
