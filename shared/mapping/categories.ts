import { isActive, nameOf, plain, text, wordOverlap } from './qbo-fields.ts';
import type { CompanyLists, HostCategory, Problem, Suggestion, Target, TargetRef } from './types.ts';

/** Items a line can carry: not a category (a folder) or a bundle. */
const LINE_ITEM_TYPES = new Set(['Service', 'NonInventory', 'Inventory']);
/** Accounts a billable line can post to. */
const LINE_ACCOUNT_CLASSES = new Set(['Revenue', 'Expense']);

const ITEM_WORDS: Record<string, string> = { Service: 'Service', NonInventory: 'Non-inventory item', Inventory: 'Inventory item' };

/** Items first (a host's "code" usually names a QuickBooks service), then income and expense accounts. */
export function categoryTargets(lists: Pick<CompanyLists, 'items' | 'accounts'>): Target[] {
  const items = lists.items
    .filter((item) => LINE_ITEM_TYPES.has(text(item, 'Type')))
    .map((item): Target => ({ type: 'Item', id: text(item, 'Id'), name: text(item, 'FullyQualifiedName') || nameOf(item), active: isActive(item), detail: ITEM_WORDS[text(item, 'Type')] ?? 'Item' }));
  const accounts = lists.accounts
    .filter((account) => LINE_ACCOUNT_CLASSES.has(text(account, 'Classification')))
    .map((account): Target => ({ type: 'Account', id: text(account, 'Id'), name: text(account, 'FullyQualifiedName') || nameOf(account), active: isActive(account), detail: `${text(account, 'AccountType') || 'Account'} account` }));
  return [...items, ...accounts];
}

export function categoryProblems(lists: Pick<CompanyLists, 'items' | 'accounts'>, host: HostCategory, target: TargetRef | null): Problem[] {
  if (!target) return [{ code: 'unmapped', message: `"${host.name}" is not mapped to a QuickBooks product, service or account.` }];
  if (target.type !== 'Item' && target.type !== 'Account') return [{ code: 'wrong_type', message: `A category maps to a QuickBooks product, service or account, not a ${target.type}.` }];
  const record = (target.type === 'Item' ? lists.items : lists.accounts).find((candidate) => text(candidate, 'Id') === target.id);
  const what = target.type === 'Item' ? 'item' : 'account';
  if (!record) return [{ code: 'not_found', message: `QuickBooks ${what} ${target.id} does not exist (any more).` }];
  const name = nameOf(record);
  if (!isActive(record)) return [{ code: 'inactive', message: `"${name}" was deleted (made inactive) in QuickBooks.` }];
  if (target.type === 'Item' && !LINE_ITEM_TYPES.has(text(record, 'Type'))) {
    return [{ code: 'wrong_type', message: `"${name}" is a ${text(record, 'Type').toLowerCase()}, which a line can't use.` }];
  }
  if (target.type === 'Account' && !LINE_ACCOUNT_CLASSES.has(text(record, 'Classification'))) {
    return [{ code: 'wrong_type', message: `"${name}" is now a ${text(record, 'AccountType') || text(record, 'Classification')} account; billable lines need an income or expense account.` }];
  }
  return [];
}

/**
 * A code equal to a service's name or SKU first (hosts that make users type the QuickBooks service name), then the
 * same name, then mostly the same words; items before accounts. Never certain enough to map on its own.
 */
export function suggestCategory(targets: Target[], skus: Map<string, string>, host: HostCategory): Suggestion | null {
  const code = host.code ? plain(host.code) : '';
  const name = plain(host.name);
  let best: { target: Target; score: number; reason: string } | null = null;
  for (const target of targets) {
    if (!target.active) continue;
    const targetName = plain(target.name.split(':').at(-1) ?? target.name);
    let score = 0;
    let reason = '';
    if (code && target.type === 'Item' && (targetName === code || skus.get(target.id) === code)) [score, reason] = [4, `code "${host.code}" is its ${targetName === code ? 'name' : 'SKU'}`];
    else if (targetName === name) [score, reason] = [3, 'same name'];
    else {
      const overlap = wordOverlap(host.name, targetName);
      if (overlap >= 0.6) [score, reason] = [1 + overlap, 'similar name'];
    }
    if (score > 0 && target.type === 'Item') score += 0.1;
    if (score > (best?.score ?? 0)) best = { target, score, reason };
  }
  return best ? { target: { type: best.target.type, id: best.target.id }, confidence: 'suggested', reasons: [best.reason] } : null;
}

export function skusOf(lists: Pick<CompanyLists, 'items'>): Map<string, string> {
  return new Map(lists.items.filter((item) => text(item, 'Sku')).map((item) => [text(item, 'Id'), plain(text(item, 'Sku'))]));
}
