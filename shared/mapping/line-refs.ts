import { isActive, nameOf, plain, recordWords, text, withArticle } from './qbo-fields.ts';
import type { CompanyLists, HostLocation, HostClass, HostProduct, Problem, Suggestion, Target, TargetRef, TaxMode } from './types.ts';

/**
 * What a document's lines and header name besides tax, categories and staff: the host's products (linked to
 * QuickBooks items: item-based lines, the procurement host's rule), classes (QuickBooks classes) and locations
 * (QuickBooks departments, which QuickBooks shows as "Locations"). Classes and locations only exist where the
 * company tracks them (Plus and Advanced, switched on in its settings).
 */
export type LineRefKind = 'products' | 'classes' | 'locations';
export const lineRefKinds: readonly LineRefKind[] = ['products', 'classes', 'locations'];
export const isLineRefKind = (kind: string): kind is LineRefKind => (lineRefKinds as readonly string[]).includes(kind);

/** Items a line can carry: not a category (a folder) or a bundle. */
const LINE_ITEM_TYPES = new Set(['Service', 'NonInventory', 'Inventory']);
const ITEM_WORDS: Record<string, string> = { Service: 'Service', NonInventory: 'Non-inventory item', Inventory: 'Inventory item' };

const SHAPE = {
  products: { type: 'Item', what: 'item', words: 'QuickBooks product or service' },
  classes: { type: 'Class', what: 'class', words: 'QuickBooks class' },
  locations: { type: 'Department', what: 'location', words: 'QuickBooks location' },
} as const;

type LineHost = HostProduct | HostClass | HostLocation;

export function lineRefTargets(lists: Pick<CompanyLists, 'items' | 'classes' | 'departments'>, kind: LineRefKind): Target[] {
  if (kind === 'products') {
    return lists.items
      .filter((item) => LINE_ITEM_TYPES.has(text(item, 'Type')))
      .map((item): Target => ({ type: 'Item', id: text(item, 'Id'), name: text(item, 'FullyQualifiedName') || nameOf(item), active: isActive(item), detail: [ITEM_WORDS[text(item, 'Type')], text(item, 'Sku') && `SKU ${text(item, 'Sku')}`].filter(Boolean).join(', ') }));
  }
  const list = kind === 'classes' ? lists.classes : lists.departments;
  return list.map((record): Target => ({ type: SHAPE[kind].type, id: text(record, 'Id'), name: text(record, 'FullyQualifiedName') || nameOf(record), active: isActive(record), detail: '' }));
}

export function lineRefProblems(lists: Pick<CompanyLists, 'items' | 'classes' | 'departments'>, mode: TaxMode, kind: LineRefKind, host: LineHost, target: TargetRef | null): Problem[] {
  const shape = SHAPE[kind];
  const tracked = kind === 'products' || (kind === 'classes' ? mode.class_tracking : mode.department_tracking);
  if (!tracked) return [{ code: 'not_tracked', message: `This company has ${shape.what} tracking switched off in QuickBooks (or its plan has none), so "${host.name}" can't be sent with ${withArticle(shape.what)}.` }];
  if (!target) return [{ code: 'unmapped', message: `"${host.name}" is not mapped to ${withArticle(shape.words)}.` }];
  if (target.type !== shape.type) return [{ code: 'wrong_type', message: `Your ${kind === 'products' ? 'product' : shape.what} maps to ${withArticle(shape.words)}, not ${recordWords(target.type)}.` }];
  const record = lineRefTargets(lists, kind).find((candidate) => candidate.id === target.id);
  if (!record) {
    const item = kind === 'products' ? lists.items.find((candidate) => text(candidate, 'Id') === target.id) : undefined;
    if (item) return [{ code: 'wrong_type', message: `"${nameOf(item)}" is ${withArticle(text(item, 'Type').toLowerCase())}, which a line can't use.` }];
    return [{ code: 'not_found', message: `QuickBooks ${shape.what} ${target.id} does not exist (any more).` }];
  }
  if (!record.active) return [{ code: 'inactive', message: `"${record.name}" was deleted (made inactive) in QuickBooks.` }];
  return [];
}

/** The same SKU (products), then the same name; never certain enough to map without a person. */
export function suggestLineRef(targets: Target[], lists: Pick<CompanyLists, 'items'>, kind: LineRefKind, host: LineHost): Suggestion | null {
  const hostSku = kind === 'products' ? (host as HostProduct).sku : undefined;
  const sku = hostSku ? plain(hostSku) : '';
  if (sku) {
    const item = lists.items.find((candidate) => isActive(candidate) && plain(text(candidate, 'Sku')) === sku && targets.some((target) => target.id === text(candidate, 'Id')));
    if (item) return { target: { type: 'Item', id: text(item, 'Id') }, confidence: 'suggested', reasons: [`SKU "${hostSku}" is its SKU`] };
  }
  const name = plain(host.name);
  const same = targets.find((target) => target.active && plain(target.name.split(':').at(-1) ?? target.name) === name);
  return same ? { target: { type: same.type, id: same.id }, confidence: 'suggested', reasons: ['same name'] } : null;
}
