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

/**
 * A renamed parent renames its children (a customer's projects, a sub-account): QuickBooks derives their
 * FullyQualifiedName from the parent's, without their LastUpdatedTime moving. Rewrites the stored children
 * (and theirs, down the tree) and returns them as renamed too.
 */
async function renameDescendants(tx: Tx, connectionId: string, renamed: { type: string; id: string; name: string }[]): Promise<{ type: string; id: string; name: string }[]> {
  const all = [...renamed];
  for (let at = 0; at < all.length; at++) {
    const { type, id, name } = all[at]!;
    if (!nested.has(type)) continue;
    const children = await tx<{ external_id: string; data: Record<string, unknown> }[]>`
      select external_id, data from records
      where connection_id = ${connectionId} and type = ${type} and deleted_at is null and data->'ParentRef'->>'value' = ${id}`;
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
 * The candidates are found over the types that can refer to the renamed one; the rewrite here then checks
 * key, type and id.
 */
export async function propagateRenames(tx: Tx, connectionId: string, direct: { type: string; id: string; name: string }[]): Promise<number> {
  if (direct.length === 0) return 0;
  const renamed = await renameDescendants(tx, connectionId, direct);
  let rewritten = renamed.length - direct.length;
  const rows: { type: string; external_id: string; data: Record<string, unknown> }[] = [];
  for (const { type, id } of renamed) {
    const paths = keysFor(type).map((key) => `$.**.${key} ? (@.value == $id && exists(@.name))`);
    const vars = tx.json({ id } as never);
    const match = paths.map((path, index) => tx`${index === 0 ? tx`` : tx`or`} jsonb_path_exists(data, ${path}::jsonpath, ${vars})`);
    rows.push(
      ...(await tx<{ type: string; external_id: string; data: Record<string, unknown> }[]>`
        select type, external_id, data from records
        where connection_id = ${connectionId} and type in ${tx(referrers[type] ?? [])} and deleted_at is null and (${match})`),
    );
  }
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(`${row.type}:${row.external_id}`)) continue;
    seen.add(`${row.type}:${row.external_id}`);
    let changed = false;
    for (const { type, id, name } of renamed) {
      if (row.type === type && row.external_id === id) continue;
      changed = renameReferences(row.data, row.type, type, id, name) || changed;
    }
    if (!changed) continue;
    await tx`
      update records set data = ${tx.json(row.data as never)}, updated_at = now(), change_seq = nextval('record_change_seq')
      where connection_id = ${connectionId} and type = ${row.type} and external_id = ${row.external_id}`;
    rewritten += 1;
  }
  return rewritten;
}
