import { plain } from './qbo-fields.ts';
import type { HostTaxRate } from './types.ts';

/** What a rate or code means beyond its percentage: these are different lines on a tax return. */
export type Meaning = 'exempt' | 'zero' | 'reverse' | 'outside' | 'input_taxed';

const MEANINGS: [Meaning, RegExp][] = [
  ['reverse', /\breverse\b|\brc\b|\bdrc\b/],
  ['input_taxed', /\binput taxed\b/],
  ['outside', /\bno vat\b|\bout of scope\b|\boutside\b|\bnot applicable\b|\bbas excluded\b|\bno tax\b|\bnon ?taxable\b/],
  ['exempt', /\bexempt\b/],
  ['zero', /\bzero\b|\bgst free\b|\b0(\.0+)?% z\b|\bzero rated\b/],
];

export function meaningOf(name: string): Meaning | null {
  const folded = plain(name).replace(/-/g, ' ');
  for (const [meaning, pattern] of MEANINGS) if (pattern.test(folded)) return meaning;
  return null;
}

/** A host rate that says it is reverse charge: only a code built as reverse charge in QuickBooks can carry it. */
export function saysReverseCharge(host: Pick<HostTaxRate, 'name'>): boolean {
  return meaningOf(host.name) === 'reverse';
}
