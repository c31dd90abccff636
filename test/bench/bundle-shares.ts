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
