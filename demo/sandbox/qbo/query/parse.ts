/**
 * The QuickBooks query language: SELECT * | COUNT(*) FROM Entity [WHERE c AND c ...] [ORDERBY f [ASC|DESC], ...]
 * [STARTPOSITION n] [MAXRESULTS n], or a property list instead of * ("SELECT Id, DisplayName FROM Vendor", which Intuit's
 * data-query docs allow: "SELECT * | count(*) | <property list>"). Conditions compare one property with =, <, >, <=,
 * >=, IN (...) or LIKE '%x%'; there is no OR and no join. Keywords and entity names are case-insensitive.
 */
export type QueryValue = string | number | boolean;
export type Operator = '=' | '<' | '>' | '<=' | '>=' | 'IN' | 'LIKE';

export interface Condition {
  field: string;
  op: Operator;
  value: QueryValue | QueryValue[];
}

export interface OrderTerm {
  field: string;
  desc: boolean;
}

export interface ParsedQuery {
  count: boolean;
  /** The property list of a projection; null for SELECT * and COUNT(*). */
  fields: string[] | null;
  entity: string;
  where: Condition[];
  orderBy: OrderTerm[];
  startPosition: number;
  maxResults: number;
}

/** A query QuickBooks would refuse: 4000 for syntax, 4001 for validation. */
export class QueryError extends Error {
  constructor(
    readonly code: '4000' | '4001',
    readonly detail: string,
  ) {
    super(code === '4000' ? 'Error parsing query' : 'Invalid query');
  }
}

export const MAX_RESULTS_LIMIT = 1000;
export const DEFAULT_MAX_RESULTS = 100;

type Token =
  | { kind: 'word'; text: string; column: number }
  | { kind: 'string'; text: string; column: number }
  | { kind: 'number'; text: string; column: number }
  | { kind: 'symbol'; text: string; column: number };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i] ?? '';
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= query.length) throw new QueryError('4000', `QueryParserError: Lexical error at line 1, column ${column}. Unterminated string.`);
        const c = query[i] ?? '';
        if (c === '\\' && i + 1 < query.length) {
          text += query[i + 1];
          i += 2;
        } else if (c === "'") {
          i++;
          break;
        } else {
          text += c;
          i++;
        }
      }
      tokens.push({ kind: 'string', text, column });
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(query[i + 1] ?? ''))) {
      const match = /^-?\d+(\.\d+)?/.exec(query.slice(i));
      const text = match?.[0] ?? ch;
      tokens.push({ kind: 'number', text, column });
      i += text.length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(query.slice(i));
      const text = match?.[0] ?? ch;
      tokens.push({ kind: 'word', text, column });
      i += text.length;
    } else if (ch === '<' || ch === '>' || ch === '!') {
      const two = query.slice(i, i + 2);
      const text = two === '<=' || two === '>=' || two === '!=' || two === '<>' ? two : ch;
      tokens.push({ kind: 'symbol', text, column });
      i += text.length;
    } else if ('=(),*'.includes(ch)) {
      tokens.push({ kind: 'symbol', text: ch, column });
      i++;
    } else {
      throw new QueryError('4000', `QueryParserError: Lexical error at line 1, column ${column}. Encountered: "${ch}"`);
    }
  }
  return tokens;
}

class Cursor {
  #index = 0;
  constructor(readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.#index];
  }

  next(): Token | undefined {
    return this.tokens[this.#index++];
  }

  isWord(word: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && token.text.toUpperCase() === word;
  }

  isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token?.kind === 'symbol' && token.text === symbol;
  }

  unexpected(): QueryError {
    const token = this.peek();
    if (!token) return new QueryError('4000', 'QueryParserError: Encountered "<EOF>" at end of query.');
    return new QueryError('4000', `QueryParserError: Encountered " ${token.text.toUpperCase()} "${token.text} "" at line 1, column ${token.column}.`);
  }

  expectWord(word: string): void {
    if (!this.isWord(word)) throw this.unexpected();
    this.next();
  }

  expectSymbol(symbol: string): void {
    if (!this.isSymbol(symbol)) throw this.unexpected();
    this.next();
  }
}

const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'ORDERBY', 'ORDER', 'STARTPOSITION', 'MAXRESULTS', 'ASC', 'DESC', 'IN', 'LIKE', 'COUNT']);

function value(cursor: Cursor): QueryValue {
  const token = cursor.next();
  if (!token) throw cursor.unexpected();
  if (token.kind === 'string') return token.text;
  if (token.kind === 'number') return Number(token.text);
  if (token.kind === 'word' && /^(true|false)$/i.test(token.text)) return token.text.toLowerCase() === 'true';
  throw new QueryError('4000', `QueryParserError: Encountered " ${token.text} " at line 1, column ${token.column}.`);
}

function field(cursor: Cursor): string {
  const token = cursor.next();
  if (!token || token.kind !== 'word' || KEYWORDS.has(token.text.toUpperCase())) {
    throw new QueryError('4000', `QueryParserError: Encountered "${token?.text ?? '<EOF>'}" at line 1, column ${token?.column ?? 0}.`);
  }
  return token.text;
}

function positiveInteger(cursor: Cursor, name: string): number {
  const token = cursor.next();
  if (!token || token.kind !== 'number' || !/^-?\d+$/.test(token.text)) throw new QueryError('4000', `QueryParserError: Encountered "${token?.text ?? '<EOF>'}" after ${name}.`);
  const number = Number(token.text);
  if (number < 1) throw new QueryError('4001', `QueryValidationError: value ${number} is too small. Min allowed value is 1`);
  return number;
}

export function parseQuery(text: string): ParsedQuery {
  const cursor = new Cursor(tokenize(text));
  cursor.expectWord('SELECT');
  let count = false;
  let fields: string[] | null = null;
  if (cursor.isSymbol('*')) {
    cursor.next();
  } else if (cursor.isWord('COUNT')) {
    cursor.next();
    cursor.expectSymbol('(');
    cursor.expectSymbol('*');
    cursor.expectSymbol(')');
    count = true;
  } else if (cursor.peek()?.kind === 'word' && !cursor.isWord('FROM')) {
    fields = [field(cursor)];
    while (cursor.isSymbol(',')) {
      cursor.next();
      fields.push(field(cursor));
    }
  } else {
    throw cursor.unexpected();
  }
  cursor.expectWord('FROM');
  const entityToken = cursor.next();
  if (!entityToken || entityToken.kind !== 'word') throw cursor.unexpected();
  const query: ParsedQuery = { count, fields, entity: entityToken.text, where: [], orderBy: [], startPosition: 1, maxResults: DEFAULT_MAX_RESULTS };

  if (cursor.isWord('WHERE')) {
    cursor.next();
    for (;;) {
      const name = field(cursor);
      const opToken = cursor.next();
      if (!opToken) throw cursor.unexpected();
      const opText = opToken.text.toUpperCase();
      if (opToken.kind === 'symbol' && ['=', '<', '>', '<=', '>='].includes(opText)) {
        query.where.push({ field: name, op: opText as Operator, value: value(cursor) });
      } else if (opToken.kind === 'word' && opText === 'IN') {
        cursor.expectSymbol('(');
        const values: QueryValue[] = [value(cursor)];
        while (cursor.isSymbol(',')) {
          cursor.next();
          values.push(value(cursor));
        }
        cursor.expectSymbol(')');
        query.where.push({ field: name, op: 'IN', value: values });
      } else if (opToken.kind === 'word' && opText === 'LIKE') {
        const pattern = value(cursor);
        if (typeof pattern !== 'string') throw new QueryError('4001', `QueryValidationError: LIKE needs a string value for ${name}`);
        query.where.push({ field: name, op: 'LIKE', value: pattern });
      } else {
        throw new QueryError('4000', `QueryParserError: Encountered " ${opToken.text} " at line 1, column ${opToken.column}.`);
      }
      if (!cursor.isWord('AND')) break;
      cursor.next();
    }
  }

  if (cursor.isWord('ORDERBY') || cursor.isWord('ORDER')) {
    if (cursor.isWord('ORDER')) {
      cursor.next();
      cursor.expectWord('BY');
    } else {
      cursor.next();
    }
    for (;;) {
      const name = field(cursor);
      let desc = false;
      if (cursor.isWord('ASC') || cursor.isWord('DESC')) desc = (cursor.next()?.text.toUpperCase() ?? '') === 'DESC';
      query.orderBy.push({ field: name, desc });
      if (!cursor.isSymbol(',')) break;
      cursor.next();
    }
  }

  for (let guard = 0; guard < 2; guard++) {
    if (cursor.isWord('STARTPOSITION')) {
      cursor.next();
      query.startPosition = positiveInteger(cursor, 'STARTPOSITION');
    } else if (cursor.isWord('MAXRESULTS')) {
      cursor.next();
      query.maxResults = positiveInteger(cursor, 'MAXRESULTS');
      if (query.maxResults > MAX_RESULTS_LIMIT) {
        throw new QueryError('4001', `QueryValidationError: value ${query.maxResults} is too large. Max allowed value is ${MAX_RESULTS_LIMIT}`);
      }
    }
  }
  if (cursor.peek()) throw cursor.unexpected();
  return query;
}
