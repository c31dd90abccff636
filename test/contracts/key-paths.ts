import { XMLParser } from 'fast-xml-parser';
import { readFileSync } from 'node:fs';
import { QBO_CONTRACTS } from './xsd-schema.ts';

type Node = Record<string, unknown>;

/** JSON key paths ("BillAddr.City"), arrays flattened, as a set. */
export function jsonPaths(value: unknown, prefix = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) jsonPaths(item, prefix, into);
    return into;
  }
  if (typeof value !== 'object' || value === null) return into;
  for (const [key, child] of Object.entries(value as Node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    into.add(path);
    jsonPaths(child, path, into);
  }
  return into;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', textNodeName: 'value', parseTagValue: false, ignoreDeclaration: true, removeNSPrefix: true });

/**
 * A captured XML response read the way QuickBooks' JSON writes the same data: attributes become keys beside the
 * element's text, which becomes `value` (`<CurrencyRef name="X">USD</CurrencyRef>` → {value, name}).
 */
export function capturedXml(file: string): Node {
  const parsed = parser.parse(readFileSync(`${QBO_CONTRACTS}captured-xml/${file}`, 'utf8')) as Node;
  const normalise = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(normalise);
    if (typeof node !== 'object' || node === null) return node;
    const out: Node = {};
    for (const [key, child] of Object.entries(node as Node)) if (key !== 'xmlns') out[key] = normalise(child);
    return out;
  };
  return normalise(parsed) as Node;
}

export function capturedJson(file: string): unknown {
  return JSON.parse(readFileSync(`${QBO_CONTRACTS}${file}`, 'utf8'));
}
