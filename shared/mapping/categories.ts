import { isActive, nameOf, plain, recordWords, text, withArticle, wordOverlap } from './qbo-fields.ts';
import type { CompanyLists, HostCategory, Problem, QboRecord, Suggestion, Target, TargetRef } from './types.ts';

/** Items a line can carry: not a category (a folder) or a bundle. */
const LINE_ITEM_TYPES = new Set(['Service', 'NonInventory', 'Inventory']);
/** Accounts a billable line can post to. */
const LINE_ACCOUNT_CLASSES = new Set(['Revenue', 'Expense']);
/** QuickBooks derives Classification from AccountType; both are checked, so a record where they disagree is not trusted. */
const LINE_ACCOUNT_TYPES = new Set(['Income', 'Other Income', 'Expense', 'Other Expense', 'Cost of Goods Sold']);

function isLineAccount(account: QboRecord): boolean {
  const type = text(account, 'AccountType');
  return LINE_ACCOUNT_CLASSES.has(text(account, 'Classification')) && (type === '' || LINE_ACCOUNT_TYPES.has(type));
}

const ITEM_WORDS: Record<string, string> = { Service: 'Service', NonInventory: 'Non-inventory item', Inventory: 'Inventory item' };

/** Items first (a host's "code" usually names a QuickBooks service), then income and expense accounts. */
export function categoryTargets(lists: Pick<CompanyLists, 'items' | 'accounts'>): Target[] {
  const items = lists.items
    .filter((item) => LINE_ITEM_TYPES.has(text(item, 'Type')))
    .map((item): Target => ({ type: 'Item', id: text(item, 'Id'), name: text(item, 'FullyQualifiedName') || nameOf(item), active: isActive(item), detail: [ITEM_WORDS[text(item, 'Type')] ?? 'Item', text(item, 'Sku')].filter(Boolean).join(' · ') }));
  const accounts = lists.accounts
    .filter((account) => isLineAccount(account))
    .map((account): Target => ({ type: 'Account', id: text(account, 'Id'), name: text(account, 'FullyQualifiedName') || nameOf(account), active: isActive(account), detail: `${text(account, 'AccountType') || 'Account'} account` }));
  return [...items, ...accounts];
}

export function categoryProblems(lists: Pick<CompanyLists, 'items' | 'accounts'>, host: HostCategory, target: TargetRef | null): Problem[] {
  if (!target) return [{ code: 'unmapped', message: `"${host.name}" is not mapped to a QuickBooks product, service or account.` }];
  if (target.type !== 'Item' && target.type !== 'Account') return [{ code: 'wrong_type', message: `A category maps to a QuickBooks product, service or account, not ${recordWords(target.type)}.` }];
  const record = (target.type === 'Item' ? lists.items : lists.accounts).find((candidate) => text(candidate, 'Id') === target.id);
  const what = target.type === 'Item' ? 'item' : 'account';
  if (!record) return [{ code: 'not_found', message: `QuickBooks ${what} ${target.id} does not exist (any more).` }];
  const name = nameOf(record);
  if (!isActive(record)) return [{ code: 'inactive', message: `"${name}" was deleted (made inactive) in QuickBooks.` }];
  if (target.type === 'Item' && !LINE_ITEM_TYPES.has(text(record, 'Type'))) {
    return [{ code: 'wrong_type', message: `"${name}" is ${withArticle(text(record, 'Type').toLowerCase())}, which a line can't use.` }];
  }
  if (target.type === 'Account' && !isLineAccount(record)) {
    return [{ code: 'wrong_type', message: `"${name}" is now ${withArticle(`${text(record, 'AccountType') || text(record, 'Classification')} account`)}; billable lines need an income or expense account.` }];
  }
  return [];
}

/** How a target is told apart from another of the same name: its full name (parent:child), kind and QuickBooks id. */
export const distinguish = (target: Target) => `"${target.name}" (${target.detail}, id ${target.id})`;

/**
 * A code equal to a service's name or SKU first (hosts that make users type the QuickBooks service name), then the
 * same name, then mostly the same words; items before accounts. Never certain enough to map on its own. Two
 * records matching equally well (two "Design" services under different parents, an item and an account of one
 * name) are not guessed between: the row says which they are, so a person picks.
 */
export function suggestCategory(targets: Target[], skus: Map<string, string>, host: HostCategory): { suggestion: Suggestion | null; problem: Problem | null } {
  const code = host.code ? plain(host.code) : '';
  const name = plain(host.name);
  const scored: { target: Target; score: number; reason: string }[] = [];
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
    if (score > 0) scored.push({ target, score, reason });
  }
  // Items first only among matches of different strength; an item and an account matching alike are a tie.
  scored.sort((a, b) => b.score - a.score || Number(b.target.type === 'Item') - Number(a.target.type === 'Item'));
  const [best] = scored;
  if (!best) return { suggestion: null, problem: null };
  const tied = scored.filter((entry) => entry.score === best.score);
  if (tied.length > 1) {
    return { suggestion: null, problem: { code: 'ambiguous', message: `"${host.name}" matches ${tied.length} QuickBooks records alike (${best.reason}): ${tied.map((entry) => distinguish(entry.target)).join(', ')}; pick one.` } };
  }
  return { suggestion: { target: { type: best.target.type, id: best.target.id }, confidence: 'suggested', reasons: [best.reason] }, problem: null };
}

export function skusOf(lists: Pick<CompanyLists, 'items'>): Map<string, string> {
  return new Map(lists.items.filter((item) => text(item, 'Sku')).map((item) => [text(item, 'Id'), plain(text(item, 'Sku'))]));
}
