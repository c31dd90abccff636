import { COUNTRY_NAMES } from './business-identifiers.ts';
import { foldText } from './fold-text.ts';
import {
  ALIAS_MARKER, BUSINESS_WORDS, CANONICAL_WORDS, FIRST_WORD_READINGS, LEGAL_FORMS, NOISE_WORDS, NUMBER_WORDS,
  TRAILING_COUNTRY_CODES,
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
  /**
   * A branch, place or note written after the name was left out of this reading ("Acme Plumbing - Toronto",
   * "Acme (Head Office)", "Acme Plumbing UK" read as "acme plumbing"). Such a reading stands for the party only
   * against a name that does not carry a qualifier of its own: "Acme - Leeds" and "Acme - York" are two branches.
   */
  reduced: boolean;
}

const ALIAS_SPLIT = new RegExp(ALIAS_MARKER.source, 'g');
const PARENTHESISED = /\(([^)]*)\)/g;
// A spaced dash separates a name from a place or note: "Acme - Toronto", "Acme – Head Office". An unspaced one is
// part of a word ("Smith-Jones", "A-1").
const SPACED_DASH = /\s[-–—]+\s/g;
/** A qualifier longer than this is more likely a second half of the name than a place or a note. */
const MAX_QUALIFIER_WORDS = 4;
/** Countries at the end of a name, after a space or comma: "Acme UK", "Acme Plumbing, United States". */
const TRAILING_COUNTRY = new RegExp(
  `[\\s,]+(${[...COUNTRY_NAMES, ...TRAILING_COUNTRY_CODES].sort((a, b) => b.length - a.length).join('|')})\\s*$`,
);
/**
 * Legal forms that end a registered name and are never ordinary words ("Co" and "AG" are: "Smith & Co Builders",
 * "Farm Ag Supplies"), so words after them are a place or note: "Acme Ltd Toronto", "Acme Inc. CA". Matched on
 * folded text without dots, the last one in the name.
 */
const NAME_ENDING_FORMS: ReadonlySet<string> = new Set([
  'ltd', 'limited', 'inc', 'incorporated', 'llc', 'llp', 'plc', 'pllc', 'gmbh', 'kg', 'pty', 'corp', 'corporation',
]);
const AFTER_LEGAL_FORM = new RegExp(`^(.*\\b(?:${[...NAME_ENDING_FORMS].join('|')}))[\\s,]+(\\S.*?)\\s*$`);
const COUNTRY_LAST_WORDS: ReadonlySet<string> = new Set(
  [...COUNTRY_NAMES, ...TRAILING_COUNTRY_CODES].map((name) => name.slice(name.lastIndexOf(' ') + 1)),
);
const DASH_CHARACTER = /[-–—]/;
const NOT_LETTER = /[^a-z0-9]+/;
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
  const variants = readQualifiedName(main, 'name');
  for (const alias of aliases) variants.push(...readQualifiedName(alias, 'trading name'));
  return distinct(variants);
}

/**
 * Reads a name that may carry qualifiers: text in parentheses (as often a branch or a note, "(Old Town)",
 * "(do not use)", as a second name), a place or note after a spaced dash, a trailing country. The name is read
 * without them (marked `reduced`), with each one added back in turn, and whole; qualifiers are never read alone.
 * Legal forms before a qualifier are dropped as at the end: "Acme Ltd - Leeds" reads as "acme leeds".
 */
function readQualifiedName(text: string, kind: NameVariantKind): NameVariant[] {
  const qualifiers: string[] = [];
  let rest = text.replace(PARENTHESISED, (_group, inside: string) => {
    qualifiers.push(inside);
    return ' ';
  });
  for (;;) {
    const split = trailingQualifier(rest);
    if (!split) break;
    rest = split[0];
    qualifiers.unshift(split[1]);
  }
  if (qualifiers.length === 0) return readName(rest, kind);
  const readings = readName(rest, kind);
  const [primary] = readings;
  if (!primary) return readName(text.replace(/[()]/g, ' '), kind);
  const variants = readings.map((reading) => ({ ...reading, reduced: true }));
  let tokens = primary.tokens;
  qualifiers.forEach((qualifier, at) => {
    tokens = [...tokens, ...words(qualifier).filter((word) => !NOISE_WORDS.has(word))];
    variants.push({ ...variant(kind, tokens, primary.joined), reduced: at < qualifiers.length - 1 });
  });
  return variants;
}

/** The name before a trailing dash-separated qualifier or country, and that qualifier; undefined if there is none. */
function trailingQualifier(text: string): [string, string] | undefined {
  let dashEnd = -1;
  let dashStart = -1;
  // Most names have no dash, no legal form before their last word and no country at the end; plain word lookups
  // find that before any of the slower patterns run (reading names is a tenth of a whole matching job).
  const hasDash = DASH_CHARACTER.test(text);
  const plainWords = text.replace(/\./g, '').split(NOT_LETTER).filter(Boolean);
  const formBeforeEnd = plainWords.slice(0, -1).some((word) => NAME_ENDING_FORMS.has(word));
  const countryAtEnd = COUNTRY_LAST_WORDS.has(plainWords[plainWords.length - 1] ?? '');
  if (!hasDash && !formBeforeEnd && !countryAtEnd) return undefined;
  for (const dash of hasDash ? text.matchAll(SPACED_DASH) : []) {
    dashStart = dash.index;
    dashEnd = dash.index + dash[0].length;
  }
  if (dashStart >= 0) {
    const before = text.slice(0, dashStart);
    const after = text.slice(dashEnd);
    const qualifier = words(after);
    // "Predovic - Hackett Ltd": a legal form after the dash ends the name, so the dash joins two partners.
    const endsName = LEGAL_FORMS.has(qualifier[qualifier.length - 1] ?? '');
    if (qualifier.length >= 1 && qualifier.length <= MAX_QUALIFIER_WORDS && !endsName && words(before).length >= 1) {
      return [before, after];
    }
  }
  // "U.K." and "U.S.A." are the codes with dots.
  const undotted = text.replace(/\./g, '');
  const afterForm = formBeforeEnd ? AFTER_LEGAL_FORM.exec(undotted) : null;
  if (afterForm) {
    const qualifier = words(afterForm[2] ?? '');
    if (qualifier.length >= 1 && qualifier.length <= MAX_QUALIFIER_WORDS && !qualifier.some((word) => LEGAL_FORMS.has(word))) {
      return [afterForm[1] ?? '', afterForm[2] ?? ''];
    }
  }
  const country = countryAtEnd ? TRAILING_COUNTRY.exec(undotted) : null;
  if (country && words(undotted.slice(0, country.index)).length >= 1) return [undotted.slice(0, country.index), country[1] ?? ''];
  return undefined;
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
  return { kind, tokens, compact: tokens.join(''), joined, reduced: false };
}

// "Evans & Thomas", "Smith and Sons": a word, "and", a word that is not a legal form ("Smith & Co." is one party).
function joinsTwoParties(all: string[]): boolean {
  const at = all.indexOf('and');
  if (at < 1 || at === all.length - 1) return false;
  const next = all[at + 1] ?? '';
  return !LEGAL_FORMS.has(next) && !NOISE_WORDS.has(all[at - 1] ?? 'and');
}

/** One variant per reading; a reading that is both reduced and whole ("Acme (Ltd)") counts as whole. */
function distinct(variants: NameVariant[]): NameVariant[] {
  const seen = new Map<string, NameVariant>();
  for (const candidate of variants) {
    const key = candidate.tokens.join(' ');
    const earlier = seen.get(key);
    if (!earlier) seen.set(key, candidate);
    else if (earlier.reduced && !candidate.reduced) seen.set(key, { ...earlier, reduced: false });
  }
  return [...seen.values()];
}
