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
      if (target === type && String(record.value) === id && record.name !== name) {
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

/**
 * QuickBooks resolves reference names when it answers, so renaming a vendor (or deleting it, which appends
 * " (deleted)") changes every transaction that names it, without their LastUpdatedTime moving: CDC reports
 * only the vendor. The mirror follows by rewriting those references locally, with no provider calls.
 */
export async function propagateRenames(tx: Tx, connectionId: string, renamed: { type: string; id: string; name: string }[]): Promise<number> {
  let rewritten = 0;
  for (const { type, id, name } of renamed) {
    const rows = await tx<{ type: string; external_id: string; data: Record<string, unknown> }[]>`
      select type, external_id, data from records
      where connection_id = ${connectionId} and deleted_at is null and not (type = ${type} and external_id = ${id})
        and jsonb_path_exists(data, '$.** ? (@.value == $id)', ${tx.json({ id } as never)})`;
    for (const row of rows) {
      if (!renameReferences(row.data, row.type, type, id, name)) continue;
      await tx`
        update records set data = ${tx.json(row.data as never)}, updated_at = now(), change_seq = nextval('record_change_seq')
        where connection_id = ${connectionId} and type = ${row.type} and external_id = ${row.external_id}`;
      rewritten += 1;
    }
  }
  return rewritten;
}
