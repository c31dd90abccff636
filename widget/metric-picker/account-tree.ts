import type { AvailableData } from '../../shared/api/metrics.ts';

type Account = AvailableData['accounts'][number];
type MetricDataset = Account['dataset'];

/** One node of the account tree: a group (report totals, a classification) or a line a metric can track. */
export interface TreeNode {
  key: string;
  name: string;
  /** The metric line it selects (an account id or a total), null for a group heading. */
  line: string | null;
  inactive: boolean;
  children: TreeNode[];
}

/** A node as shown: its place in the tree, which is what aria-level / aria-setsize / aria-posinset announce. */
export interface VisibleNode {
  node: TreeNode;
  level: number;
  setSize: number;
  posInSet: number;
  parentKey: string | null;
  /** Has children shown under the current search: expandable. */
  branch: boolean;
}

const MAX_DEPTH = 20;

/**
 * The tree for one dataset: "Report totals", then one group per classification (Revenue, Expense, Asset, ...)
 * holding its accounts, sub-accounts under their parents at every depth.
 */
export function buildTree(data: AvailableData, dataset: MetricDataset): TreeNode[] {
  const totals: TreeNode = {
    key: 'group:totals',
    name: 'Report totals',
    line: null,
    inactive: false,
    children: data.totals.filter((t) => t.dataset === dataset).map((t) => ({ key: t.line, name: t.name, line: t.line, inactive: false, children: [] })),
  };
  const accounts = data.accounts.filter((a) => a.dataset === dataset);
  const ids = new Set(accounts.map((a) => a.id));
  const childrenOf = new Map<string | null, Account[]>();
  for (const account of accounts) {
    const parent = account.parent_id && ids.has(account.parent_id) ? account.parent_id : null;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), account]);
  }
  const node = (account: Account, depth: number): TreeNode => ({
    key: account.id,
    name: account.name,
    line: account.id,
    inactive: !account.active,
    children: depth < MAX_DEPTH ? (childrenOf.get(account.id) ?? []).map((child) => node(child, depth + 1)) : [],
  });
  const groups = new Map<string, TreeNode>();
  for (const root of childrenOf.get(null) ?? []) {
    const label = root.classification ?? 'Accounts';
    const group = groups.get(label) ?? { key: `group:${label}`, name: label, line: null, inactive: false, children: [] };
    group.children.push(node(root, 0));
    groups.set(label, group);
  }
  return [totals, ...groups.values()].filter((group) => group.children.length > 0);
}

/**
 * The nodes shown, in order: with a search, the matches and their ancestors (so a sub-account keeps its place),
 * all open, and the chosen line (`chosen`) even when it does not match, so what is chosen is never out of sight;
 * without one, the children of the nodes that are expanded.
 */
export function visibleNodes(roots: TreeNode[], isOpen: (key: string) => boolean, query: string, chosen: string | null = null): VisibleNode[] {
  const q = query.trim().toLowerCase();
  const keep = (node: TreeNode): TreeNode | null => {
    if (!q) return node;
    const children = node.children.map(keep).filter((child): child is TreeNode => child !== null);
    const shown = node.line !== null && (node.name.toLowerCase().includes(q) || node.line === chosen);
    return shown || children.length > 0 ? { ...node, children } : null;
  };
  const out: VisibleNode[] = [];
  const walk = (nodes: TreeNode[], level: number, parentKey: string | null) => {
    nodes.forEach((node, index) => {
      const branch = node.children.length > 0;
      out.push({ node, level, setSize: nodes.length, posInSet: index + 1, parentKey, branch });
      if (branch && (q || isOpen(node.key))) walk(node.children, level + 1, node.key);
    });
  };
  walk(roots.map(keep).filter((node): node is TreeNode => node !== null), 1, null);
  return out;
}

/** Type-ahead: the next shown node after `from` (wrapping) whose name starts with `prefix`. */
export function typeAhead(shown: VisibleNode[], from: number, prefix: string): number {
  const p = prefix.toLowerCase();
  for (let step = 1; step <= shown.length; step++) {
    const index = (from + step) % shown.length;
    if (shown[index]!.node.name.toLowerCase().startsWith(p)) return index;
  }
  return -1;
}
