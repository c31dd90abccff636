import { XMLParser } from 'fast-xml-parser';
import { readFileSync } from 'node:fs';
import { QBO_CONTRACTS, qboSchema } from './xsd-schema.ts';

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

const NUMERIC = new Set(['decimal', 'double', 'float', 'int', 'integer', 'long', 'short', 'unsignedInt', 'nonNegativeInteger', 'positiveInteger']);

/** The built-in XSD type a simple type finally restricts. */
function builtinOf(typeName: string): string {
  const schema = qboSchema();
  let name = typeName;
  for (let simple = schema.simpleTypes.get(name); simple; simple = schema.simpleTypes.get(name)) name = simple.base;
  return name;
}

function leaf(text: unknown, typeName: string): unknown {
  if (typeof text !== 'string') return text;
  const builtin = builtinOf(typeName);
  if (NUMERIC.has(builtin)) return Number(text);
  if (builtin === 'boolean') return text === 'true';
  return text;
}

/**
 * A captured XML response written the way QuickBooks writes the same data as JSON, typed by the XSDs:
 * decimals and integers become numbers, booleans booleans, unbounded elements arrays, attributes keys beside
 * the text `value`. This is what QuickBooks' JSON answer to the captured request would have been.
 */
export function capturedAsQboJson(file: string): Node {
  const schema = qboSchema();
  const convert = (node: unknown, typeName: string): unknown => {
    if (!schema.isComplex(typeName)) return leaf(node, typeName);
    const object: Node = typeof node === 'object' && node !== null ? (node as Node) : node === '' || node === undefined ? {} : { value: node };
    const out: Node = {};
    for (const [key, child] of Object.entries(object)) {
      const attribute = schema.attribute(typeName, key);
      if (attribute) out[key] = leaf(child, attribute.type);
      else if (key === 'value' && schema.textType(typeName)) out[key] = leaf(child, schema.textType(typeName)!);
      else {
        const element = schema.element(typeName, key);
        if (!element) {
          // IntuitAnyType extensions (`InvoiceEx`) hold any XML: kept as read.
          if (schema.chain(typeName).some((type) => type.open)) out[key] = child;
          else throw new Error(`${file}: ${key} is not an element of ${typeName}`);
          continue;
        }
        const items = (Array.isArray(child) ? child : [child]).map((item) => convert(item, element.type));
        out[key] = element.maxOccurs > 1 ? items : items[0];
      }
    }
    return out;
  };
  const root = capturedXml(file)['IntuitResponse'];
  return convert(root, 'IntuitResponse') as Node;
}
