import type { ProviderRecord } from './store.ts';

/**
 * What separates records in the text a page is stored from: ASCII RS, which valid JSON text never holds raw
 * (a string must escape it and it is no whitespace), so splitting there cannot cut a record.
 */
export const RECORD_SEPARATOR = '\u001e';

/**
 * A page's records as Postgres takes them: each record's JSON text, joined by RECORD_SEPARATOR. Postgres parses
 * each record on its own into the row's jsonb. Parsing the whole answer into one jsonb and taking the records
 * out of it cost about twice as much server CPU per record (the whole page's tree is built, copied out of the
 * answer twice and each record copied out again), and was the largest share of an import's CPU.
 */
export interface PageRecords {
  /** The records' JSON texts joined by RECORD_SEPARATOR; '' when there are none. */
  joined: string;
  /** Records in the page (those without an Id included). */
  received: number;
  /** The first and last record's top-level `Id` as Postgres' `->>` reads it (null when absent or JSON null). */
  firstId: string | null;
  lastId: string | null;
}

export class MalformedPageError extends Error {
  constructor(detail: string) {
    super(`QuickBooks answered a query with text that is not a JSON query answer: ${detail}`);
    this.name = 'MalformedPageError';
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COMMA = 44;
const COLON = 58;

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/** The first index at or after `from` that is not JSON whitespace. */
function afterSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

/**
 * Index of the quote closing the string opened at `open`: the next quote not escaped (preceded by an even number of
 * backslashes). -1 when there is none. The splitter's loop repeats this inline: called there once per string, it
 * made the whole split four times slower.
 */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end > 0 && text.charCodeAt(end - 1) === BACKSLASH && !evenBackslashesBefore(text, end)) end = text.indexOf('"', end + 1);
  return end;
}

/**
 * Throws. The splitter's loop only calls this with a number: a `throw`, or even a template string, written in the
 * loop made the whole split two or three times slower (V8 optimises the loop less).
 */
function malformed(problem: 'string' | 'root' | 'unbalanced' | 'end' | 'rs', at = 0): never {
  const details = {
    string: `a string opened at ${at} is never closed`,
    root: 'the answer is not one JSON object',
    unbalanced: `unbalanced bracket at ${at}`,
    end: 'the answer ends before its JSON object does',
    rs: 'it holds a raw control character (RS)',
  };
  throw new MalformedPageError(details[problem]);
}

function evenBackslashesBefore(text: string, at: number): boolean {
  let count = 0;
  while (text.charCodeAt(at - 1 - count) === BACKSLASH) count++;
  return count % 2 === 0;
}

/** The string token text[open..close] as a JS string: the raw text unless it holds escapes. */
const stringAt = (text: string, open: number, close: number): string => {
  const raw = text.slice(open + 1, close);
  return raw.includes('\\') ? (JSON.parse(text.slice(open, close + 1)) as string) : raw;
};

/**
 * Splits a query answer (`{"QueryResponse":{"<type>":[{…},…],…},…}`) into its records' texts by one pass over the
 * text, building no objects: strings are skipped whole (indexOf), only the structure between them is read. The
 * records are cut from the text as they came, so Postgres stores exactly what it would have taken from the whole
 * answer. As jsonb does, a key given twice counts its last value. An answer without the type's array (an empty page)
 * has no records. Text that is not a JSON object, or holds RS raw, throws MalformedPageError.
 */
export function splitQueryPage(text: string, type: string): PageRecords {
  if (text.includes(RECORD_SEPARATOR)) malformed('rs');
  let depth = 0;
  let parts: string[] = [];
  let firstId: string | null = null;
  let lastId: string | null = null;
  // The last key read at depth 1 (the answer) and depth 2 (QueryResponse, when inQueryResponse).
  let rootKey: string | null = null;
  let responseKey: string | null = null;
  let inQueryResponse = false;
  let inArray = false;
  /** Where the current record's text starts (after the `[` or `,` before it). */
  let recordStart = 0;
  let recordId: string | null = null;
  let sawRoot = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let close = text.indexOf('"', i + 1);
      while (close > 0 && text.charCodeAt(close - 1) === BACKSLASH && !evenBackslashesBefore(text, close)) close = text.indexOf('"', close + 1);
      if (close < 0) malformed('string', i);
      // Keys matter at three depths only: the answer's, QueryResponse's and a record's own (its Id, checked by
      // its length and letters first: a record has dozens of keys).
      if (depth === 4) {
        if (inArray && close === i + 3 && text.charCodeAt(i + 1) === 73 /* I */ && text.charCodeAt(i + 2) === 100 /* d */) {
          const colon = afterSpace(text, close + 1);
          if (text.charCodeAt(colon) === COLON) recordId = readId(text, colon + 1);
        }
      } else if (depth === 1 || (depth === 2 && inQueryResponse)) {
        if (text.charCodeAt(afterSpace(text, close + 1)) === COLON) {
          const key = stringAt(text, i, close);
          if (depth === 1) rootKey = key;
          else responseKey = key;
        }
      }
      i = close;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === 0) {
        if (c !== OPEN_OBJECT || sawRoot) malformed('root');
        sawRoot = true;
      } else if (depth === 1) {
        // A later QueryResponse replaces an earlier one, as in jsonb.
        inQueryResponse = c === OPEN_OBJECT && rootKey === 'QueryResponse';
        if (inQueryResponse) {
          parts = [];
          firstId = lastId = null;
        }
      } else if (depth === 2 && inQueryResponse && c === OPEN_ARRAY && responseKey === type) {
        inArray = true;
        parts = [];
        firstId = lastId = null;
        recordStart = i + 1;
      }
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth < 0) malformed('unbalanced', i);
      if (depth === 2 && inArray) {
        if (c !== CLOSE_ARRAY) malformed('unbalanced', i);
        // `[]` holds no record; `[ ]` neither.
        if (parts.length > 0 || text.slice(recordStart, i).trim() !== '') {
          parts.push(text.slice(recordStart, i));
          if (parts.length === 1) firstId = recordId;
          lastId = recordId;
        }
        inArray = false;
      } else if (depth === 1) {
        inQueryResponse = false;
      }
    } else if (c === COMMA && depth === 3 && inArray) {
      // No closure for this (nor the array's end): variables a closure captures cost the loop dearly.
      parts.push(text.slice(recordStart, i));
      if (parts.length === 1) firstId = recordId;
      lastId = recordId;
      recordId = null;
      recordStart = i + 1;
    }
  }
  if (!sawRoot || depth !== 0) malformed('end');
  return { joined: parts.join(RECORD_SEPARATOR), received: parts.length, firstId, lastId };
}

/** A record's Id value starting at or after `from`: a string's text, a number's as written, null for JSON null. */
function readId(text: string, from: number): string | null {
  const at = afterSpace(text, from);
  if (text.charCodeAt(at) === QUOTE) {
    const close = closingQuote(text, at);
    return close < 0 ? null : stringAt(text, at, close);
  }
  let end = at;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === COMMA || c === CLOSE_OBJECT || isSpace(c)) break;
    end++;
  }
  const token = text.slice(at, end);
  return token === 'null' ? null : token;
}

/** Records already in hand (a CDC batch, a re-read), as the same joined texts. */
export function joinRecords(records: readonly ProviderRecord[]): PageRecords {
  const id = (record: ProviderRecord | undefined) => (record?.Id === undefined || record.Id === null ? null : typeof record.Id === 'string' ? record.Id : JSON.stringify(record.Id));
  return { joined: records.map((record) => JSON.stringify(record)).join(RECORD_SEPARATOR), received: records.length, firstId: id(records[0]), lastId: id(records[records.length - 1]) };
}
