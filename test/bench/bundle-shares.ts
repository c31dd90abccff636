// Where ledgerlink.js's gzipped bytes go, read from the build's source map: each generated character belongs to
// the source module the map names for it. A group's share is its marginal gzip cost (the bundle gzipped, minus
// the bundle gzipped without that group's characters), so shared words compressed against other modules are not
// counted twice; the shares add up to about the whole.
import { gzipSync } from 'node:zlib';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    let digit = BASE64.indexOf(char);
    const more = digit & 32;
    digit &= 31;
    value += digit << shift;
    if (more) shift += 5;
    else {
      values.push(value & 1 ? -(value >> 1) : value >> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** The bundle cut into pieces, each with the source it came from ('' for generated glue). */
export function piecesBySource(code: string, map: { sources: string[]; mappings: string }): { source: string; text: string }[] {
  const lines = code.split('\n');
  const pieces: { source: string; text: string }[] = [];
  let source = 0;
  map.mappings.split(';').forEach((line, index) => {
    const text = (lines[index] ?? '') + (index + 1 < lines.length ? '\n' : '');
    const columns: number[] = [];
    const sources: number[] = [];
    let column = 0;
    for (const segment of line ? line.split(',') : []) {
      const fields = decodeSegment(segment);
      column += fields[0] ?? 0;
      if (fields.length > 1) source += fields[1]!;
      columns.push(column);
      sources.push(fields.length > 1 ? source : -1);
    }
    if (columns.length === 0 || columns[0]! > 0) pieces.push({ source: '', text: text.slice(0, columns[0] ?? text.length) });
    columns.forEach((start, i) => {
      const end = i + 1 < columns.length ? columns[i + 1]! : text.length;
      pieces.push({ source: sources[i]! >= 0 ? (map.sources[sources[i]!] ?? '') : '', text: text.slice(start, end) });
    });
  });
  return pieces;
}

/** Marginal gzip bytes (and raw bytes) of each group; `groupOf` names a source's group. */
export function gzipShares(code: string, map: { sources: string[]; mappings: string }, groupOf: (source: string) => string): Map<string, { raw: number; gzip: number }> {
  const pieces = piecesBySource(code, map);
  const total = gzipSync(code, { level: 6 }).length;
  const groups = new Map(pieces.map((piece) => [piece.source, groupOf(piece.source)]));
  const shares = new Map<string, { raw: number; gzip: number }>();
  for (const group of new Set(groups.values())) {
    const without = pieces.filter((piece) => groups.get(piece.source) !== group).map((piece) => piece.text).join('');
    const raw = pieces.filter((piece) => groups.get(piece.source) === group).reduce((sum, piece) => sum + piece.text.length, 0);
    shares.set(group, { raw, gzip: total - gzipSync(without, { level: 6 }).length });
  }
  return shares;
}

/** What a stretch of the bundle is: css`` text, html`` markup (with the words in it), other string text, or code. */
export type LiteralKind = 'style sheets' | 'HTML templates' | 'other strings';

interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

/**
 * The character ranges of the bundle's literal text by kind, from its syntax tree (`parseAst` from vite). Tag names
 * are minified, so a tagged template counts as a style sheet when its text reads as CSS (starts with a selector or
 * at-rule and has no `<`), otherwise as HTML.
 */
export function literalRanges(program: AstNode): Map<LiteralKind, [number, number][]> {
  const ranges = new Map<LiteralKind, [number, number][]>([
    ['style sheets', []],
    ['HTML templates', []],
    ['other strings', []],
  ]);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object' || typeof (node as AstNode).type !== 'string') return;
    const n = node as AstNode;
    const quasis = (template: AstNode) => template.quasis as AstNode[];
    if (n.type === 'TaggedTemplateExpression') {
      const quasi = n.quasi as AstNode;
      const text = quasis(quasi).map((q) => (q.value as { raw: string }).raw).join('');
      const kind: LiteralKind = /^\s*(:host|@|[.#*:[a-z])[^<]*\{/i.test(text) && !text.includes('<') ? 'style sheets' : 'HTML templates';
      for (const q of quasis(quasi)) ranges.get(kind)!.push([q.start, q.end]);
      visit(quasi.expressions);
      visit(n.tag);
      return;
    }
    if (n.type === 'TemplateLiteral') {
      for (const q of quasis(n)) ranges.get('other strings')!.push([q.start, q.end]);
      visit(n.expressions);
      return;
    }
    if (n.type === 'Literal' && typeof n.value === 'string') {
      ranges.get('other strings')!.push([n.start, n.end]);
      return;
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'type' && key !== 'start' && key !== 'end') visit(value);
  };
  visit(program);
  return ranges;
}

/** The gzipped size of `code` with the given ranges cut out. */
export function gzipWithout(code: string, ranges: readonly [number, number][]): number {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let kept = '';
  let at = 0;
  for (const [start, end] of sorted) {
    kept += code.slice(at, start);
    at = end;
  }
  return gzipSync(kept + code.slice(at), { level: 6 }).length;
}
