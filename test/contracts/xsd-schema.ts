import { XMLParser } from 'fast-xml-parser';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The reference contracts live beside the repository: ../shared/contracts/qbo from the repo root. */
export const QBO_CONTRACTS = fileURLToPath(new URL('../../../shared/contracts/qbo/', import.meta.url));

type Node = Record<string, unknown>;

export interface ComplexType {
  name: string;
  base: string | null;
  /** Child element name → its type name (local, without the xs: prefix). */
  elements: Map<string, string>;
  attributes: Set<string>;
  /** Text content (simpleContent): appears in JSON as `value`. */
  hasText: boolean;
  /** Accepts any IntuitObject (entity) element, as QueryResponse does. */
  anyEntity: boolean;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => !name.startsWith('@_') });

function local(type: string | undefined): string {
  return (type ?? '').replace(/^xs:/, '').replace(/^.*:/, '');
}

function children(node: Node, key: string): Node[] {
  const value = node[key];
  return Array.isArray(value) ? (value as Node[]) : [];
}

/** Collects elements and attributes from a complexType body, through sequences, choices and extensions. */
function collect(node: Node, type: ComplexType): void {
  for (const element of children(node, 'xs:element')) {
    const name = element['@_name'] as string | undefined;
    const ref = element['@_ref'] as string | undefined;
    if (name) type.elements.set(name, local((element['@_type'] as string | undefined) ?? 'anonymous'));
    if (ref === 'IntuitObject' || ref === 'intuitObject') type.anyEntity = true;
    else if (ref) type.elements.set(local(ref), local(ref));
  }
  for (const attribute of children(node, 'xs:attribute')) type.attributes.add(String(attribute['@_name']));
  for (const key of ['xs:sequence', 'xs:choice', 'xs:all']) for (const child of children(node, key)) collect(child, type);
  for (const key of ['xs:complexContent', 'xs:simpleContent']) {
    for (const content of children(node, key)) {
      if (key === 'xs:simpleContent') type.hasText = true;
      for (const extension of [...children(content, 'xs:extension'), ...children(content, 'xs:restriction')]) {
        const base = local(extension['@_base'] as string | undefined);
        if (key === 'xs:complexContent') type.base = base;
        collect(extension, type);
      }
    }
  }
}

export class XsdSchema {
  readonly types = new Map<string, ComplexType>();
  readonly simpleTypes = new Set<string>();
  /** Top-level element name → type. */
  readonly topElements = new Map<string, string>();

  constructor(files: string[]) {
    for (const file of files) {
      const document = parser.parse(readFileSync(`${QBO_CONTRACTS}xsd/${file}`, 'utf8')) as Node;
      const schema = children(document, 'xs:schema')[0] ?? {};
      for (const complex of children(schema, 'xs:complexType')) {
        const type: ComplexType = { name: String(complex['@_name']), base: null, elements: new Map(), attributes: new Set(), hasText: false, anyEntity: false };
        collect(complex, type);
        this.types.set(type.name, type);
      }
      for (const simple of children(schema, 'xs:simpleType')) this.simpleTypes.add(String(simple['@_name']));
      for (const element of children(schema, 'xs:element')) this.topElements.set(String(element['@_name']), local((element['@_type'] as string | undefined) ?? String(element['@_name'])));
    }
  }

  /** A type and its bases, most derived first. */
  chain(name: string): ComplexType[] {
    const chain: ComplexType[] = [];
    let current = this.types.get(name);
    while (current) {
      chain.push(current);
      current = current.base ? this.types.get(current.base) : undefined;
    }
    return chain;
  }

  elementType(typeName: string, element: string): string | null {
    for (const type of this.chain(typeName)) {
      const found = type.elements.get(element);
      if (found) return found;
      if (type.anyEntity && this.topElements.has(element)) return this.topElements.get(element) ?? null;
    }
    return null;
  }

  isAttribute(typeName: string, key: string): boolean {
    return this.chain(typeName).some((type) => type.attributes.has(key));
  }

  hasText(typeName: string): boolean {
    return this.chain(typeName).some((type) => type.hasText) || this.simpleTypes.has(typeName) || !this.types.has(typeName);
  }

  isComplex(typeName: string): boolean {
    return this.types.has(typeName);
  }

  /**
   * Every JSON key path under `value` that the schema does not allow on `typeName`: keys must be child elements
   * (of the type or its bases) or attributes; `value` stands for text content, as QuickBooks' JSON writes it.
   */
  violations(value: unknown, typeName: string, path = typeName): string[] {
    if (Array.isArray(value)) return value.flatMap((item) => this.violations(item, typeName, path));
    if (typeof value !== 'object' || value === null) return [];
    if (!this.isComplex(typeName)) return [`${path} is an object but ${typeName} is a simple type`];
    const problems: string[] = [];
    for (const [key, child] of Object.entries(value as Node)) {
      const childPath = `${path}.${key}`;
      if (this.isAttribute(typeName, key)) continue;
      if (key === 'value' && this.hasText(typeName)) continue;
      const childType = this.elementType(typeName, key);
      if (!childType) {
        problems.push(`${childPath} is not an element of ${typeName}`);
        continue;
      }
      problems.push(...this.violations(child, childType, childPath));
    }
    return problems;
  }
}

let finance: XsdSchema | null = null;

/** Finance.xsd with its includes, plus the REST envelope and report schemas. */
export function qboSchema(): XsdSchema {
  finance ??= new XsdSchema(['IntuitBaseTypes.xsd', 'IntuitNamesTypes.xsd', 'Finance.xsd', 'SalesTax.xsd', 'Report.xsd', 'IntuitRestServiceDef.xsd']);
  return finance;
}
