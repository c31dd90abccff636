import { foldText } from './fold-text.ts';
import {
  ALIAS_MARKER, BUSINESS_WORDS, CANONICAL_WORDS, FIRST_WORD_READINGS, LEGAL_FORMS, NOISE_WORDS, NUMBER_WORDS,
} from './name-vocabulary.ts';

/**
 * How a variant relates to the written name: the name itself (possibly reordered from "Surname, Given"), a trading
 * name or alias ("t/a", "DBA"), or one person of a household ("Smith, John & Mary" → "John
 * Smith"). Household members are weaker evidence than the name itself because the pair may be the other person.
 */
export type NameVariantKind = 'name' | 'trading name' | 'household member';

/** One comparable reading of a name: canonical tokens in written order, and the same tokens joined. */
export interface NameVariant {
  kind: NameVariantKind;
  tokens: string[];
  /** Tokens joined without spaces, so "North Star" and "Northstar" can still meet. */
  compact: string;
  /**
   * The name joins two parties with "&" or "and": "Evans & Thomas" is a firm, "Thomas Evans" a person, although
   * their words are the same.
   */
  joined: boolean;
}

const ALIAS_SPLIT = new RegExp(ALIAS_MARKER.source, 'g');
const PARENTHESISED = /\(([^)]*)\)/g;
// "J.P." and "A.B.C." are one word each; "J. Okafor" keeps the initial separate because a space follows the dot.
const DOTTED_INITIAL = /\b([a-z0-9])\.(?=[a-z0-9]\b)/g;
const APOSTROPHES = /['’‘`´]/g;
const AMPERSAND = /[&+]/g;
const NOT_WORD = /[^a-z0-9]+/g;
const ALPHABETIC = /^[a-z]+$/;

/**
 * Reads a written name into every comparable form it stands for. "Acme Ltd t/a Roadrunner Supplies" gives the
 * legal name ["acme"] and the trading name ["roadrunner", "supplies"]; "Okafor, John" gives ["john", "okafor"];
 * "Smith, John & Mary" gives the couple ["john", "mary", "smith"] and each person. Legal forms at the end, articles,
 * joiners and honorifics are dropped; abbreviations and number words are spelled one canonical way.
 */
export function nameVariants(writtenName: string): NameVariant[] {
  const folded = ` ${foldText(writtenName).replace(/\s+/g, ' ')} `;
  const [main = '', ...aliases] = folded.split(ALIAS_SPLIT);
  // Text in parentheses is as often a branch or a note ("(Old Town)", "(do not use)") as a second name, so it is
  // never read alone: the name is read once without it and once with it as ordinary words.
  const variants = readName(main.replace(PARENTHESISED, ' '), 'name');
  if (main.includes('(')) variants.push(...readName(main.replace(/[()]/g, ' '), 'name'));
  for (const alias of aliases) variants.push(...readName(alias, 'trading name'));
  return distinct(variants);
}

function readName(text: string, kind: NameVariantKind): NameVariant[] {
  const commaAt = text.indexOf(',');
  if (commaAt >= 0) {
    const surname = words(text.slice(0, commaAt)).filter((word) => !NOISE_WORDS.has(word));
    const given = words(text.slice(commaAt + 1).replace(/,/g, ' '));
    if (isSurnameFirst(surname, given)) return personVariants(splitOnAnd(given), surname, kind);
  }
  const all = words(text.replace(/,/g, ' '));
  const household = householdOf(all);
  if (household) return personVariants(household.givenGroups, household.surname, kind);
  const tokens = withoutLegalForm(all.filter((word) => !NOISE_WORDS.has(word)));
  const first = FIRST_WORD_READINGS.get(tokens[0] ?? '');
  if (first && tokens.length > 1) tokens[0] = first;
  return tokens.length > 0 ? [variant(kind, tokens, joinsTwoParties(all))] : [];
}

/** Splits folded text into canonical words: "Int'l Svcs & Co." → ["international", "services", "and", "co"]. */
export function words(text: string): string[] {
  const spaced = text
    .replace(APOSTROPHES, '')
    .replace(DOTTED_INITIAL, '$1')
    .replace(AMPERSAND, ' and ')
    .replace(NOT_WORD, ' ')
    .trim();
  if (spaced === '') return [];
  return spaced.split(' ').map((word) => CANONICAL_WORDS.get(word) ?? NUMBER_WORDS.get(word) ?? word);
}

/** Drops trailing legal forms ("Pty Ltd", "Co., Inc."), but never the last word: "The Company" stays "company". */
function withoutLegalForm(tokens: string[]): string[] {
  let end = tokens.length;
  while (end > 1 && LEGAL_FORMS.has(tokens[end - 1] ?? '')) end -= 1;
  return end === tokens.length ? tokens : tokens.slice(0, end);
}

function looksLikePersonWords(tokens: string[]): boolean {
  return tokens.every((word) => ALPHABETIC.test(word) && !BUSINESS_WORDS.has(word) && !LEGAL_FORMS.has(word));
}

// "Okafor, John" and "Smith, John & Mary" are surname-first; "Acme, Inc." and "Widgets, Parts & Tools" are not.
function isSurnameFirst(surname: string[], given: string[]): boolean {
  const givenWords = given.filter((word) => word !== 'and' && !NOISE_WORDS.has(word));
  return (
    surname.length >= 1 && surname.length <= 2 && givenWords.length >= 1 && givenWords.length <= 4 &&
    looksLikePersonWords(surname) && looksLikePersonWords(givenWords)
  );
}

function splitOnAnd(given: string[]): string[][] {
  const groups: string[][] = [[]];
  for (const word of given) {
    if (word === 'and') groups.push([]);
    else if (!NOISE_WORDS.has(word)) groups[groups.length - 1]?.push(word);
  }
  return groups.filter((group) => group.length > 0);
}

// "John & Mary Smith": one or two given words, "and", one given word and one surname, no business words.
function householdOf(all: string[]): { givenGroups: string[][]; surname: string[] } | undefined {
  const tokens = all.filter((word) => word === 'and' || !NOISE_WORDS.has(word));
  const andAt = tokens.indexOf('and');
  if (andAt < 1 || andAt > 2 || tokens.length - andAt !== 3 || tokens.lastIndexOf('and') !== andAt) return undefined;
  const people = tokens.filter((word) => word !== 'and');
  if (!looksLikePersonWords(people)) return undefined;
  const surname = tokens.slice(-1);
  return { givenGroups: [tokens.slice(0, andAt), tokens.slice(andAt + 1, -1)], surname };
}

function personVariants(givenGroups: string[][], surname: string[], kind: NameVariantKind): NameVariant[] {
  if (givenGroups.length <= 1) return [variant(kind, [...(givenGroups[0] ?? []), ...surname])];
  const together = variant(kind, [...givenGroups.flat(), ...surname], true);
  return [together, ...givenGroups.map((given) => variant('household member', [...given, ...surname]))];
}

function variant(kind: NameVariantKind, tokens: string[], joined = false): NameVariant {
  return { kind, tokens, compact: tokens.join(''), joined };
}

// "Evans & Thomas", "Smith and Sons": a word, "and", a word that is not a legal form ("Smith & Co." is one party).
function joinsTwoParties(all: string[]): boolean {
  const at = all.indexOf('and');
  if (at < 1 || at === all.length - 1) return false;
  const next = all[at + 1] ?? '';
  return !LEGAL_FORMS.has(next) && !NOISE_WORDS.has(all[at - 1] ?? 'and');
}

function distinct(variants: NameVariant[]): NameVariant[] {
  const seen = new Set<string>();
  return variants.filter((candidate) => {
    const key = candidate.tokens.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
