import { XMLParser } from 'fast-xml-parser';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The reference contracts live beside the repository: ../shared/contracts/qbo from the repo root. */
export const QBO_CONTRACTS = fileURLToPath(new URL('../../../shared/contracts/qbo/', import.meta.url));

type Node = Record<string, unknown>;

/** One child element as the schema declares it. */
export interface ElementDecl {
  name: string;
  /** Type name, local (`decimal`, `ReferenceType`, `Line`); `anyType` when the schema gives none. */
  type: string;
  minOccurs: number;
  /** Infinity for `unbounded`: QuickBooks' JSON writes such elements as arrays, the others as single values. */
  maxOccurs: number;
  /** Index of the xs:choice the element is a branch of, if any: branches are never required one by one. */
  choice: number | null;
}

export interface AttributeDecl {
  type: string;
  required: boolean;
}

export interface ComplexType {
  name: string;
  base: string | null;
  elements: Map<string, ElementDecl>;
  attributes: Map<string, AttributeDecl>;
  /** simpleContent: the text appears in JSON as `value`, of this type. */
  textType: string | null;
  /** Accepts any IntuitObject (entity) element, as QueryResponse does. */
  anyEntity: boolean;
  /** xs:any: any key is allowed (IntuitAnyType). */
  open: boolean;
  /** For each xs:choice: whether one of its branches must be present. */
  choices: boolean[];
}

interface SimpleType {
  base: string;
  enumeration: string[] | null;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => !name.startsWith('@_') });

function local(type: string | undefined): string {
  return (type ?? '').replace(/^.*:/, '');
}

function children(node: Node, key: string): Node[] {
  const value = node[key];
  return Array.isArray(value) ? (value as Node[]) : [];
}

function occurs(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  return value === 'unbounded' ? Infinity : Number(value);
}

// ── Built-in XSD types as QuickBooks writes them in JSON ────────────────────────────────────────────────────
const DATE = /^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const TIME = /^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const BUILTIN: Record<string, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  normalizedString: (v) => typeof v === 'string',
  token: (v) => typeof v === 'string',
  anyURI: (v) => typeof v === 'string',
  base64Binary: (v) => typeof v === 'string',
  decimal: (v) => typeof v === 'number' && Number.isFinite(v),
  double: (v) => typeof v === 'number' && Number.isFinite(v),
  float: (v) => typeof v === 'number' && Number.isFinite(v),
  int: (v) => Number.isInteger(v),
  integer: (v) => Number.isInteger(v),
  long: (v) => Number.isInteger(v),
  short: (v) => Number.isInteger(v),
  unsignedInt: (v) => Number.isInteger(v) && (v as number) >= 0,
  nonNegativeInteger: (v) => Number.isInteger(v) && (v as number) >= 0,
  positiveInteger: (v) => Number.isInteger(v) && (v as number) > 0,
  boolean: (v) => typeof v === 'boolean',
  date: (v) => typeof v === 'string' && DATE.test(v),
  dateTime: (v) => typeof v === 'string' && DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)),
  time: (v) => typeof v === 'string' && TIME.test(v),
  anyType: () => true,
  anySimpleType: (v) => typeof v !== 'object' || v === null,
};

/**
 * The QuickBooks XSDs read as a JSON validator: for each complexType (its xs:extension bases followed) the child
 * elements with their types, which are required (minOccurs ≥ 1 outside a choice), which are lists (maxOccurs > 1,
 * always arrays in QuickBooks' JSON) and the attributes; for simple types the built-in base and enumeration.
 */
export class XsdSchema {
  readonly types = new Map<string, ComplexType>();
  readonly simpleTypes = new Map<string, SimpleType>();
  /** Top-level element name → type. */
  readonly topElements = new Map<string, string>();
  readonly #groups = new Map<string, Node>();

  constructor(files: string[]) {
    const schemas = files.map((file) => children(parser.parse(readFileSync(`${QBO_CONTRACTS}xsd/${file}`, 'utf8')) as Node, 'xs:schema')[0] ?? {});
    for (const schema of schemas) for (const group of children(schema, 'xs:group')) this.#groups.set(String(group['@_name']), group);
    for (const schema of schemas) {
      for (const complex of children(schema, 'xs:complexType')) this.#complexType(String(complex['@_name']), complex);
      for (const simple of children(schema, 'xs:simpleType')) this.#simpleType(String(simple['@_name']), simple);
      for (const element of children(schema, 'xs:element')) {
        const name = String(element['@_name']);
        this.topElements.set(name, this.#elementType(name, element));
      }
    }
  }

  #complexType(name: string, node: Node): ComplexType {
    const type: ComplexType = { name, base: null, elements: new Map(), attributes: new Map(), textType: null, anyEntity: false, open: false, choices: [] };
    this.#collect(node, type, null);
    this.types.set(name, type);
    return type;
  }

  #simpleType(name: string, node: Node): void {
    const restriction = children(node, 'xs:restriction')[0];
    const list = children(node, 'xs:list')[0];
    const enumeration = restriction ? children(restriction, 'xs:enumeration').map((entry) => String(entry['@_value'])) : [];
    this.simpleTypes.set(name, {
      base: list ? 'string' : local((restriction?.['@_base'] as string | undefined) ?? 'string'),
      enumeration: enumeration.length > 0 ? enumeration : null,
    });
  }

  /** An element's type: named, or an inline (anonymous) type registered as `Owner.Element`. */
  #elementType(qualified: string, element: Node): string {
    const named = element['@_type'] as string | undefined;
    if (named) return local(named);
    const inlineComplex = children(element, 'xs:complexType')[0];
    if (inlineComplex) return this.#complexType(qualified, inlineComplex).name;
    const inlineSimple = children(element, 'xs:simpleType')[0];
    if (inlineSimple) {
      this.#simpleType(qualified, inlineSimple);
      return qualified;
    }
    return 'anyType';
  }

  /** Collects elements and attributes from a complexType body, through sequences, choices, groups and extensions. */
  #collect(node: Node, type: ComplexType, choice: number | null, optional = false): void {
    for (const element of children(node, 'xs:element')) {
      const ref = element['@_ref'] as string | undefined;
      const maxOccurs = occurs(element['@_maxOccurs'], 1);
      if (ref === 'IntuitObject' || ref === 'intuitObject') {
        type.anyEntity = true;
        continue;
      }
      const name = ref ? local(ref) : String(element['@_name']);
      const elementType = ref ? local(ref) : this.#elementType(`${type.name}.${name}`, element);
      type.elements.set(name, { name, type: elementType, minOccurs: optional ? 0 : occurs(element['@_minOccurs'], 1), maxOccurs, choice });
    }
    if (children(node, 'xs:any').length > 0) type.open = true;
    for (const attribute of children(node, 'xs:attribute')) {
      type.attributes.set(String(attribute['@_name']), { type: local((attribute['@_type'] as string | undefined) ?? 'string'), required: attribute['@_use'] === 'required' });
    }
    for (const sequence of [...children(node, 'xs:sequence'), ...children(node, 'xs:all')]) {
      this.#collect(sequence, type, choice, optional || occurs(sequence['@_minOccurs'], 1) === 0);
    }
    for (const group of children(node, 'xs:group')) {
      const body = this.#groups.get(local(group['@_ref'] as string | undefined));
      if (body) this.#collect(body, type, choice, optional || occurs(group['@_minOccurs'], 1) === 0);
    }
    for (const inner of children(node, 'xs:choice')) {
      const index = type.choices.length;
      // A choice is required when it must occur and none of its branches may be left out.
      type.choices.push(false);
      this.#collect(inner, type, index, optional);
      const branches = [...type.elements.values()].filter((element) => element.choice === index);
      type.choices[index] = !optional && occurs(inner['@_minOccurs'], 1) >= 1 && branches.length > 0 && branches.every((element) => element.minOccurs >= 1) && !type.anyEntity;
    }
    for (const key of ['xs:complexContent', 'xs:simpleContent']) {
      for (const content of children(node, key)) {
        for (const extension of [...children(content, 'xs:extension'), ...children(content, 'xs:restriction')]) {
          const base = local(extension['@_base'] as string | undefined);
          if (key === 'xs:simpleContent') type.textType = this.types.has(base) ? null : base;
          else type.base = base;
          if (key === 'xs:simpleContent' && this.types.has(base)) type.base = base;
          this.#collect(extension, type, choice, optional);
        }
      }
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

  element(typeName: string, name: string): ElementDecl | null {
    for (const type of this.chain(typeName)) {
      const found = type.elements.get(name);
      if (found) return found;
      if (type.anyEntity && this.topElements.has(name)) return { name, type: this.topElements.get(name)!, minOccurs: 0, maxOccurs: Infinity, choice: null };
    }
    return null;
  }


  attribute(typeName: string, key: string): AttributeDecl | null {
    for (const type of this.chain(typeName)) {
      const found = type.attributes.get(key);
      if (found) return found;
    }
    return null;
  }

  textType(typeName: string): string | null {
    for (const type of this.chain(typeName)) if (type.textType) return type.textType;
    return null;
  }

  isComplex(typeName: string): boolean {
    return this.types.has(typeName);
  }

  /** Why a JSON leaf is not a valid value of a simple type, or null. */
  simpleViolation(value: unknown, typeName: string): string | null {
    const simple = this.simpleTypes.get(typeName);
    if (simple) {
      const baseProblem = this.simpleViolation(value, simple.base);
      if (baseProblem) return `${baseProblem} (${typeName})`;
      if (simple.enumeration && !simple.enumeration.includes(String(value))) return `${JSON.stringify(value)} is not one of ${typeName} (${simple.enumeration.join('|')})`;
      return null;
    }
    const check = BUILTIN[typeName];
    if (!check) return `${typeName} is a type the schema does not define`;
    return check(value) ? null : `${JSON.stringify(value)} is not a ${typeName}`;
  }

  /**
   * Every way `value` breaks `typeName`, as `path: problem` lines: keys that are neither child elements (of the type
   * or its bases) nor attributes; leaves of the wrong type (decimals must be numbers, booleans booleans, dates and
   * date-times ISO strings, enumerations one of their values); lists written as single values or single values as
   * lists; required elements and attributes (and required choices) left out. `value` stands for text content.
   */
  violations(value: unknown, typeName: string, path = typeName): string[] {
    if (!this.isComplex(typeName)) {
      const problem = this.simpleViolation(value, typeName);
      return problem ? [`${path}: ${problem}`] : [];
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: ${JSON.stringify(value)?.slice(0, 40)} is not an object (${typeName})`];
    const problems: string[] = [];
    const chain = this.chain(typeName);
    const present = value as Node;
    for (const [key, child] of Object.entries(present)) {
      const childPath = `${path}.${key}`;
      const attribute = this.attribute(typeName, key);
      if (attribute) {
        const problem = this.simpleViolation(child, attribute.type);
        if (problem) problems.push(`${childPath}: ${problem}`);
        continue;
      }
      if (key === 'value') {
        const text = this.textType(typeName);
        if (text) {
          const problem = this.simpleViolation(child, text);
          if (problem) problems.push(`${childPath}: ${problem}`);
          continue;
        }
      }
      const element = this.element(typeName, key);
      if (!element) {
        if (!chain.some((type) => type.open)) problems.push(`${childPath}: not an element of ${typeName}`);
        continue;
      }
      if (element.maxOccurs > 1) {
        if (!Array.isArray(child)) {
          problems.push(`${childPath}: a list (maxOccurs ${element.maxOccurs}) written as a single value`);
          continue;
        }
        if (child.length > element.maxOccurs) problems.push(`${childPath}: ${child.length} entries, at most ${element.maxOccurs}`);
        child.forEach((item) => problems.push(...this.violations(item, element.type, childPath)));
      } else if (Array.isArray(child)) {
        problems.push(`${childPath}: a single element written as a list`);
      } else {
        problems.push(...this.violations(child, element.type, childPath));
      }
    }
    if (this.textType(typeName) && !('value' in present)) problems.push(`${path}.value: the text of ${typeName} (a reference's id), missing`);
    // QuickBooks' rule the schema leaves to prose: a line's DetailType names the one detail element it carries.
    if (chain.some((type) => type.name === 'Line') && 'DetailType' in present) {
      const details = Object.keys(present).filter((key) => key.endsWith('LineDetail'));
      if (details.length !== 1 || details[0] !== present['DetailType']) problems.push(`${path}: DetailType ${String(present['DetailType'])} but detail ${details.join('+') || 'none'}`);
    }
    for (const type of chain) {
      for (const element of type.elements.values()) {
        if (element.minOccurs >= 1 && element.choice === null && !(element.name in present)) problems.push(`${path}.${element.name}: required by ${type.name}, missing`);
      }
      for (const [name, attribute] of type.attributes) if (attribute.required && !(name in present)) problems.push(`${path}.${name}: required attribute of ${type.name}, missing`);
      type.choices.forEach((required, index) => {
        const branches = [...type.elements.values()].filter((element) => element.choice === index);
        // The schema requires a custom field's value, but QuickBooks leaves it out of an empty one
        // (captured change_data_capture_response.xml): the real answers win.
        if (required && type.name !== 'CustomField' && !branches.some((element) => element.name in present)) problems.push(`${path}: ${type.name} needs one of ${branches.map((element) => element.name).join('|')}`);
      });
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
