// `node --import tsx demo/sandbox/qbo/schema/build-finance-fields.ts [xsd-dir]`: regenerates finance-fields.json, the
// element and attribute names of every complex type reachable from the entities the sandbox serves, read from
// Intuit's own Finance.xsd and its includes (intuit/QuickBooks-V3-PHP-SDK src/XSD, Apache-2.0). The sandbox reads the
// generated table, never the XSD, so it runs without the reference contracts beside the repository.
import { XMLParser } from 'fast-xml-parser';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Node = Record<string, unknown>;

export interface SchemaType {
  /** The type this one extends, when it does. */
  base?: string;
  /** Child element name → type name (xs: prefix dropped; simple types such as "string" are leaves). */
  fields: Record<string, string>;
  /** XML attributes, which QuickBooks' JSON writes as keys beside the fields (e.g. ReferenceType "name"). */
  attributes?: string[];
  /** Text content, written as "value" in JSON (e.g. ReferenceType). */
  text?: true;
}

const FILES = ['IntuitBaseTypes.xsd', 'IntuitNamesTypes.xsd', 'Finance.xsd', 'SalesTax.xsd'];
const ROOTS = [
  'Account', 'TaxAgency', 'TaxRate', 'TaxCode', 'Term', 'PaymentMethod', 'Class', 'Department', 'Item', 'Employee', 'Vendor', 'Customer',
  'Invoice', 'Bill', 'PurchaseOrder', 'Payment', 'BillPayment', 'JournalEntry', 'Purchase', 'Deposit', 'CreditMemo', 'VendorCredit', 'TimeActivity',
  'CompanyInfo', 'Preferences', 'TaxService',
];

const local = (type: string | undefined) => (type ?? '').replace(/^xs:/, '').replace(/^.*:/, '');
const children = (node: Node, key: string): Node[] => (Array.isArray(node[key]) ? (node[key] as Node[]) : []);

function collect(node: Node, type: SchemaType): void {
  for (const element of children(node, 'xs:element')) {
    const name = element['@_name'] as string | undefined;
    const ref = element['@_ref'] as string | undefined;
    if (name) type.fields[name] = local((element['@_type'] as string | undefined) ?? 'string');
    else if (ref && ref !== 'IntuitObject') type.fields[local(ref)] = local(ref);
  }
  for (const attribute of children(node, 'xs:attribute')) (type.attributes ??= []).push(String(attribute['@_name']));
  for (const key of ['xs:sequence', 'xs:choice', 'xs:all']) for (const child of children(node, key)) collect(child, type);
  for (const key of ['xs:complexContent', 'xs:simpleContent']) {
    for (const content of children(node, key)) {
      if (key === 'xs:simpleContent') type.text = true;
      for (const extension of [...children(content, 'xs:extension'), ...children(content, 'xs:restriction')]) {
        if (key === 'xs:complexContent') type.base = local(extension['@_base'] as string | undefined);
        collect(extension, type);
      }
    }
  }
}

export function buildFinanceFields(xsdDir: string): Record<string, SchemaType> {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => !name.startsWith('@_') });
  const all = new Map<string, SchemaType>();
  for (const file of FILES) {
    const schema = children(parser.parse(readFileSync(`${xsdDir}/${file}`, 'utf8')) as Node, 'xs:schema')[0] ?? {};
    for (const complex of children(schema, 'xs:complexType')) {
      const type: SchemaType = { fields: {} };
      collect(complex, type);
      all.set(String(complex['@_name']), type);
    }
  }
  const out: Record<string, SchemaType> = {};
  const visit = (name: string) => {
    const type = all.get(name);
    if (!type || out[name]) return;
    out[name] = type;
    if (type.base) visit(type.base);
    for (const child of Object.values(type.fields)) visit(child);
  };
  for (const root of ROOTS) visit(root);
  return Object.fromEntries(Object.keys(out).sort().map((name) => [name, out[name] as SchemaType]));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const xsdDir = process.argv[2] ?? fileURLToPath(new URL('../../../../../shared/contracts/qbo/xsd', import.meta.url));
  const target = fileURLToPath(new URL('./finance-fields.json', import.meta.url));
  writeFileSync(target, `${JSON.stringify(buildFinanceFields(xsdDir))}\n`);
  console.log(`wrote ${target}`);
}
