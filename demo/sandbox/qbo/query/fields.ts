/**
 * Reading a query's property from an entity: case-insensitive path segments, references compare by their value,
 * MetaData times as instants, everything else as QuickBooks compares it (numbers numerically, text ignoring case).
 */
import { parseRequestInstant } from '../qbo-time.ts';

export type Json = Record<string, unknown>;

export function readField(entity: Json, path: string): unknown {
  let current: unknown = entity;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    const record = current as Json;
    if (segment in record) {
      current = record[segment];
      continue;
    }
    const lower = segment.toLowerCase();
    const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === lower);
    current = key === undefined ? undefined : record[key];
  }
  if (typeof current === 'object' && current !== null && 'value' in current) return (current as Json)['value'];
  return current;
}

export function isTimeField(path: string): boolean {
  const lower = path.toLowerCase();
  return lower === 'metadata.lastupdatedtime' || lower === 'metadata.createtime';
}

export function isIdField(path: string): boolean {
  return path.toLowerCase() === 'id';
}

export function isActiveField(path: string): boolean {
  return path.toLowerCase() === 'active';
}

/** Comparable form of a value for a property: instants for times, numbers for numeric text, lower-case text. */
export function comparable(path: string, value: unknown): number | string | boolean | null {
  if (value === undefined || value === null) return null;
  if (isTimeField(path)) {
    return parseRequestInstant(String(value));
  }
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  const text = String(value);
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text.toLowerCase();
}

export function compareValues(a: number | string | boolean | null, b: number | string | boolean | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function likePattern(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*');
  return new RegExp(`^${escaped}$`, 'is');
}
