import type { Tx } from '../db/client.ts';

const accountRefs = ['AccountRef', 'APAccountRef', 'ARAccountRef', 'DepositToAccountRef', 'IncomeAccountRef', 'ExpenseAccountRef', 'AssetAccountRef', 'CCAccountRef', 'BankAccountRef', 'DiscountAccountRef'];

/** Which entity type a reference field names (EntityRef says so itself; ParentRef names its own type). */
const refTargets: Record<string, string> = {
  VendorRef: 'Vendor',
  CustomerRef: 'Customer',
  EmployeeRef: 'Employee',
  ItemRef: 'Item',
  ClassRef: 'Class',
  DepartmentRef: 'Department',
  SalesTermRef: 'Term',
  TermRef: 'Term',
  PaymentMethodRef: 'PaymentMethod',
  ...Object.fromEntries(accountRefs.map((key) => [key, 'Account'])),
};

/** The name QuickBooks shows in references to a record: its fully qualified name, display name or name. */
export function referenceName(record: Record<string, unknown>): string | undefined {
  const name = record.FullyQualifiedName ?? record.DisplayName ?? record.Name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Rewrites, in place, every reference in `data` to (type, id) to carry `name`. Returns whether anything
 * changed. `ownType` is the type of the record being rewritten (for ParentRef).
 */
export function renameReferences(data: unknown, ownType: string, type: string, id: string, name: string): boolean {
  let changed = false;
  const walk = (node: unknown, key: string | null) => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child, key);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (key !== null && key.endsWith('Ref') && 'value' in record) {
      const target = key === 'ParentRef' ? ownType : key === 'EntityRef' ? String(record.type ?? '') : refTargets[key];
      // Only a name QuickBooks sends: some references carry none (a payment's DepositToAccountRef).
      if (target === type && String(record.value) === id && 'name' in record && record.name !== name) {
        record.name = name;
        changed = true;
      }
      return;
    }
    for (const [childKey, child] of Object.entries(record)) walk(child, childKey);
  };
  walk(data, null);
  return changed;
}

/** Types whose records nest (ParentRef): a child's fully qualified name is its parent's, a colon, its own name. */
const nested = new Set(['Customer', 'Account', 'Class', 'Department', 'Item']);

/** Which record types can hold a reference to each name-list type (so a rename scans only those). */
const referrers: Record<string, string[]> = {
  Vendor: ['Bill', 'BillPayment', 'PurchaseOrder', 'VendorCredit', 'Purchase', 'JournalEntry', 'Deposit', 'TimeActivity'],
  Customer: ['Customer', 'Invoice', 'Payment', 'CreditMemo', 'SalesReceipt', 'Estimate', 'Bill', 'Purchase', 'PurchaseOrder', 'JournalEntry', 'Deposit', 'TimeActivity', 'VendorCredit'],
  Employee: ['Purchase', 'JournalEntry', 'TimeActivity', 'Deposit'],
  Item: ['Item', 'Invoice', 'Bill', 'PurchaseOrder', 'CreditMemo', 'SalesReceipt', 'VendorCredit', 'Purchase', 'TimeActivity', 'Estimate'],
  Account: ['Account', 'Item', 'Invoice', 'Bill', 'BillPayment', 'Payment', 'PurchaseOrder', 'JournalEntry', 'Purchase', 'Deposit', 'CreditMemo', 'SalesReceipt', 'VendorCredit', 'TaxRate'],
  Class: ['Class', 'Invoice', 'Bill', 'PurchaseOrder', 'JournalEntry', 'Purchase', 'Deposit', 'CreditMemo', 'SalesReceipt', 'VendorCredit', 'TimeActivity', 'Estimate'],
  Department: ['Department', 'Invoice', 'Bill', 'PurchaseOrder', 'JournalEntry', 'Purchase', 'Deposit', 'CreditMemo', 'SalesReceipt', 'VendorCredit', 'Payment', 'Estimate'],
  Term: ['Vendor', 'Customer', 'Invoice', 'Bill', 'Estimate'],
  PaymentMethod: ['Customer', 'Payment', 'SalesReceipt', 'Purchase', 'Deposit', 'CreditMemo'],
};

/** The reference keys that point at each type (EntityRef and ParentRef are matched by the caller's check). */
const keysFor = (type: string): string[] => [
  ...Object.entries(refTargets).filter(([, target]) => target === type).map(([key]) => key),
  ...(type === 'Vendor' || type === 'Customer' || type === 'Employee' ? ['EntityRef'] : []),
  ...(nested.has(type) ? ['ParentRef'] : []),
];

/** A name-list record whose reference name changed, and that name. */
type Renamed = { type: string; id: string; name: string };

/**
 * Records of this connection holding a named reference (at any depth) whose value is one of `ids`: the
 * expression of the GIN index records_references (migration 021), written out identically so the planner
 * answers from it and reads only these candidates instead of every record of the company. The connection is
 * part of each index entry, so this condition alone is exact about the connection: callers leave out
 * `connection_id = …`, which would let a planner misled by stale statistics (a company just imported)
 * prefer walking the primary key through the whole company; likewise the type is compared in a form no
 * index can serve. Values only: callers check key and type.
 */
export const holdsReferenceTo = (tx: Tx, connectionId: string, ids: string[]) =>
  tx`jsonb_set('{}'::jsonb, array[connection_id], jsonb_path_query_array(data, 'lax $.** ? (exists(@.name)).value')) @> any(${ids.map((id) => JSON.stringify({ [connectionId]: [id] }))}::text[]::jsonb[])`;

/**
 * A renamed parent renames its children (a customer's projects, a sub-account): QuickBooks derives their
 * FullyQualifiedName from the parent's, without their LastUpdatedTime moving. Rewrites the stored children
 * (and theirs, down the tree) and returns them as renamed too.
 */
async function renameDescendants(tx: Tx, connectionId: string, renamed: Renamed[]): Promise<Renamed[]> {
  const all = [...renamed];
  for (let at = 0; at < all.length; at++) {
    const { type, id, name } = all[at]!;
    if (!nested.has(type)) continue;
    // A child's ParentRef carries its parent's name, so the index finds it.
    const children = await tx<{ external_id: string; data: Record<string, unknown> }[]>`
      select external_id, data from records
      where ${holdsReferenceTo(tx, connectionId, [id])} and deleted_at is null and data->'ParentRef'->>'value' = ${id} and (type || '') = ${type}`;
    for (const child of children) {
      const own = type === 'Customer' ? child.data.DisplayName : child.data.Name;
      if (typeof own !== 'string' || !('FullyQualifiedName' in child.data)) continue;
      const full = `${name}:${own}`;
      if (child.data.FullyQualifiedName === full) continue;
      child.data.FullyQualifiedName = full;
      await tx`
        update records set data = ${tx.json(child.data as never)}, updated_at = now(), change_seq = nextval('record_change_seq')
        where connection_id = ${connectionId} and type = ${type} and external_id = ${child.external_id}`;
      all.push({ type, id: child.external_id, name: full });
    }
  }
  return all;
}

/**
 * QuickBooks resolves reference names when it answers, so renaming a vendor (or deleting it, which appends
 * " (deleted)") changes every transaction that names it, without their LastUpdatedTime moving: CDC reports
 * only the vendor. The mirror follows by rewriting those references locally, with no provider calls: at any
 * depth (a bill payment's CheckPayment.BankAccountRef), and only where a name is present, as QuickBooks
 * answers. A renamed parent renames its children's full names, and so their references, too.
 * One query per renamed type finds the candidates for all its renamed ids through the references index,
 * narrowed to the types that can refer to it and to the reference keys that point at it; the rewrite here
 * then checks key, type and id. The rewritten records are stored in one statement.
 */
export async function propagateRenames(tx: Tx, connectionId: string, direct: Renamed[]): Promise<number> {
  if (direct.length === 0) return 0;
  const renamed = await renameDescendants(tx, connectionId, direct);
  const idsByType = new Map<string, string[]>();
  for (const { type, id } of renamed) idsByType.set(type, [...(idsByType.get(type) ?? []), id]);
  const rows = new Map<string, { type: string; external_id: string; data: Record<string, unknown> }>();
  for (const [type, ids] of idsByType) {
    const vars = tx.json({ ids } as never);
    const match = keysFor(type).map((key, index) => tx`${index === 0 ? tx`` : tx`or`} jsonb_path_exists(data, ${`$.**.${key} ? (@.value == $ids[*] && exists(@.name))`}::jsonpath, ${vars})`);
    const found = await tx<{ type: string; external_id: string; data: Record<string, unknown> }[]>`
      select type, external_id, data from records
      where ${holdsReferenceTo(tx, connectionId, ids)} and deleted_at is null and (${match})`;
    // Only the types that can refer to this one (filtered here: a `type in (…)` in the query is one more
    // way for the planner to walk a whole index). A record naming renamed records of two types comes back
    // twice: the first copy takes every rename.
    const referring = new Set(referrers[type] ?? []);
    for (const row of found) if (referring.has(row.type) && !rows.has(`${row.type}:${row.external_id}`)) rows.set(`${row.type}:${row.external_id}`, row);
  }
  const changed = [...rows.values()].filter((row) => {
    let changed = false;
    for (const { type, id, name } of renamed) {
      if (row.type === type && row.external_id === id) continue;
      changed = renameReferences(row.data, row.type, type, id, name) || changed;
    }
    return changed;
  });
  if (changed.length > 0) {
    await tx`
      update records set data = v.data::jsonb, updated_at = now(), change_seq = nextval('record_change_seq')
      from unnest(${changed.map((row) => row.type)}::text[], ${changed.map((row) => row.external_id)}::text[], ${changed.map((row) => JSON.stringify(row.data))}::text[]) as v(type, external_id, data)
      where records.connection_id = ${connectionId} and records.type = v.type and records.external_id = v.external_id`;
  }
  return renamed.length - direct.length + changed.length;
}
