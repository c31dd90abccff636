import { foldText } from '../matching/fold-text.ts';
import type { QboRecord } from './types.ts';

/** Readers for QuickBooks JSON fields, tolerant of absent or oddly typed values. */
export const text = (record: QboRecord | null | undefined, key: string): string => {
  const value = record?.[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
};

export const nested = (record: QboRecord | null | undefined, key: string): QboRecord | null => {
  const value = record?.[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as QboRecord) : null;
};

export const isActive = (record: QboRecord): boolean => record['Active'] !== false;

/** The display name, without the " (deleted)" QuickBooks appends to inactive names. */
export const nameOf = (record: QboRecord): string =>
  (text(record, 'DisplayName') || text(record, 'FullyQualifiedName') || text(record, 'Name')).replace(/ \(deleted\)$/, '');

/** Lower case, accents and punctuation gone, single spaces: for comparing names and codes. */
export const plain = (value: string): string => foldText(value).replace(/[^a-z0-9%.]+/g, ' ').trim();

export const words = (value: string): string[] => plain(value).split(' ').filter(Boolean);

/** Dice coefficient over words: 1 for the same words in any order, 0 for none shared. */
export function wordOverlap(left: string, right: string): number {
  const a = new Set(words(left));
  const b = new Set(words(right));
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return (2 * shared) / (a.size + b.size);
}

export const percent = (value: number): string => `${Number(value.toFixed(4))}%`;

/** "a" or "an" before a word, by its first sound as written: "an item", "an Accounts Receivable account", "a service". */
export function withArticle(phrase: string): string {
  return `${/^[aeiou]/i.test(phrase) && !/^(one|uni|use|eu)/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

const RECORD_WORDS: Record<string, string> = { Item: 'item', Account: 'account', TaxCode: 'tax code', Employee: 'employee', Class: 'class', Department: 'location', TaxAgency: 'tax agency' };

/** A QuickBooks record type in words, with its article: "an item", "a tax code". */
export const recordWords = (type: string): string => withArticle(RECORD_WORDS[type] ?? type);
