import type { ProviderRecord } from './store.ts';

/**
 * What separates records in the text a page is stored from: ASCII RS, which valid JSON text never holds raw
 * (a string must escape it and it is no whitespace), so splitting there cannot cut a record.
 */
export const RECORD_SEPARATOR = '\u001e';
const RS = 0x1e;

/**
 * A page's records as Postgres takes them: each record's JSON text, joined by RECORD_SEPARATOR. Postgres parses
 * each record on its own into the row's jsonb. Parsing the whole answer into one jsonb and taking the records
 * out of it cost about twice as much server CPU per record (the whole page's tree is built, copied out of the
 * answer twice and each record copied out again), and was the largest share of an import's CPU.
 */
export interface PageRecords {
  /**
   * The records' JSON texts joined by RECORD_SEPARATOR, as UTF-8 bytes; empty when there are none. Bytes, not a
   * string: a page waits in memory for its commit, and a string that outlives a young-generation GC is garbage in
   * V8's old generation after the commit, which V8 lets grow to about four times what is live before collecting
   * it (the 1M import's peak RSS was mostly committed pages); a buffer's memory is outside that heap, and V8
   * collects after a fixed amount of it.
   */
  joined: Buffer;
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
function afterSpace(bytes: Buffer, from: number): number {
  let at = from;
  while (at < bytes.length && isSpace(bytes[at]!)) at++;
  return at;
}

/**
 * Index of the quote closing the string opened at `open`: the next quote not escaped (preceded by an even number of
 * backslashes). -1 when there is none. The splitter's loop repeats this inline: called there once per string, it
 * made the whole split four times slower.
 */
function closingQuote(bytes: Buffer, open: number): number {
  let end = bytes.indexOf(QUOTE, open + 1);
  while (end > 0 && bytes[end - 1] === BACKSLASH && !evenBackslashesBefore(bytes, end)) end = bytes.indexOf(QUOTE, end + 1);
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

function evenBackslashesBefore(bytes: Buffer, at: number): boolean {
  let count = 0;
  while (bytes[at - 1 - count] === BACKSLASH) count++;
  return count % 2 === 0;
}

/** The string token bytes[open..close] as a JS string: the raw text unless it holds escapes. */
const stringAt = (bytes: Buffer, open: number, close: number): string => {
  const raw = bytes.toString('utf8', open + 1, close);
  return raw.includes('\\') ? (JSON.parse(bytes.toString('utf8', open, close + 1)) as string) : raw;
};

/** Whether bytes[from..to) is JSON whitespace only. */
function blank(bytes: Buffer, from: number, to: number): boolean {
  for (let at = from; at < to; at++) if (!isSpace(bytes[at]!)) return false;
  return true;
}

const NO_RECORDS: Buffer = Buffer.alloc(0);

/**
 * Splits a query answer (`{"QueryResponse":{"<type>":[{…},…],…},…}`) into its records' texts by one pass over its
 * UTF-8 bytes, building no objects: strings are skipped whole (indexOf), only the structure between them is read
 * (a byte of a multi-byte character is never an ASCII one, so none is taken for a quote or a bracket). The records
 * stay where they came: the commas between them become RECORD_SEPARATOR in place, and `joined` is the array's
 * inside, a view of the answer's own bytes (which the page then owns; a string answer is copied first), so a page
 * holds one copy of its records, never the answer and its records both. Postgres stores exactly what it would have
 * taken from the whole answer. As jsonb does, a key given twice counts its last value. An answer without the type's
 * array (an empty page) has no records. Text that is not a JSON object, or holds RS raw, throws MalformedPageError.
 */
export function splitQueryPage(answer: Uint8Array | string, type: string): PageRecords {
  const bytes = typeof answer === 'string' ? Buffer.from(answer) : Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength);
  if (bytes.indexOf(RS) >= 0) malformed('rs');
  let depth = 0;
  let received = 0;
  let joined: Buffer = NO_RECORDS;
  let firstId: string | null = null;
  let lastId: string | null = null;
  // The last key read at depth 1 (the answer) and depth 2 (QueryResponse, when inQueryResponse).
  let rootKey: string | null = null;
  let responseKey: string | null = null;
  let inQueryResponse = false;
  let inArray = false;
  /** Where the type's array's inside starts (after its `[`), and the current record (after the `[` or `,` before it). */
  let arrayStart = 0;
  let recordStart = 0;
  let recordId: string | null = null;
  let sawRoot = false;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      let close = bytes.indexOf(QUOTE, i + 1);
      while (close > 0 && bytes[close - 1] === BACKSLASH && !evenBackslashesBefore(bytes, close)) close = bytes.indexOf(QUOTE, close + 1);
      if (close < 0) malformed('string', i);
      // Keys matter at three depths only: the answer's, QueryResponse's and a record's own (its Id, checked by
      // its length and letters first: a record has dozens of keys).
      if (depth === 4) {
        if (inArray && close === i + 3 && bytes[i + 1] === 73 /* I */ && bytes[i + 2] === 100 /* d */) {
          const colon = afterSpace(bytes, close + 1);
          if (bytes[colon] === COLON) recordId = readId(bytes, colon + 1);
        }
      } else if (depth === 1 || (depth === 2 && inQueryResponse)) {
        if (bytes[afterSpace(bytes, close + 1)] === COLON) {
          const key = stringAt(bytes, i, close);
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
          received = 0;
          joined = NO_RECORDS;
          firstId = lastId = null;
        }
      } else if (depth === 2 && inQueryResponse && c === OPEN_ARRAY && responseKey === type) {
        inArray = true;
        received = 0;
        joined = NO_RECORDS;
        firstId = lastId = null;
        arrayStart = recordStart = i + 1;
      }
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth < 0) malformed('unbalanced', i);
      if (depth === 2 && inArray) {
        if (c !== CLOSE_ARRAY) malformed('unbalanced', i);
        // `[]` holds no record; `[ ]` neither.
        if (received > 0 || !blank(bytes, recordStart, i)) {
          received++;
          if (received === 1) firstId = recordId;
          lastId = recordId;
          joined = bytes.subarray(arrayStart, i);
        }
        inArray = false;
      } else if (depth === 1) {
        inQueryResponse = false;
      }
    } else if (c === COMMA && depth === 3 && inArray) {
      // No closure for this (nor the array's end): variables a closure captures cost the loop dearly.
      received++;
      if (received === 1) firstId = recordId;
      lastId = recordId;
      recordId = null;
      bytes[i] = RS;
      recordStart = i + 1;
    }
  }
  if (!sawRoot || depth !== 0) malformed('end');
  return { joined, received, firstId, lastId };
}

/** A record's Id value starting at or after `from`: a string's text, a number's as written, null for JSON null. */
function readId(bytes: Buffer, from: number): string | null {
  const at = afterSpace(bytes, from);
  if (bytes[at] === QUOTE) {
    const close = closingQuote(bytes, at);
    return close < 0 ? null : stringAt(bytes, at, close);
  }
  let end = at;
  while (end < bytes.length) {
    const c = bytes[end]!;
    if (c === COMMA || c === CLOSE_OBJECT || isSpace(c)) break;
    end++;
  }
  const token = bytes.toString('latin1', at, end);
  return token === 'null' ? null : token;
}

/** Records already in hand (a CDC batch, a re-read), as the same joined texts. */
export function joinRecords(records: readonly ProviderRecord[]): PageRecords {
  const id = (record: ProviderRecord | undefined) => (record?.Id === undefined || record.Id === null ? null : typeof record.Id === 'string' ? record.Id : JSON.stringify(record.Id));
  return { joined: Buffer.from(records.map((record) => JSON.stringify(record)).join(RECORD_SEPARATOR)), received: records.length, firstId: id(records[0]), lastId: id(records[records.length - 1]) };
}
