/**
 * Balances QuickBooks derives (a customer's Balance, a vendor's Balance, a parent's BalanceWithJobs, an
 * account's CurrentBalance) change when a transaction changes, without the party's own LastUpdatedTime
 * moving, so CDC never reports them. These helpers find which parties a set of transaction versions
 * touches, so the incremental sync can re-read exactly those.
 */
export interface AffectedParties {
  Customer: Set<string>;
  Vendor: Set<string>;
  accounts: boolean;
  /**
   * Every customer and vendor is re-read: which parties moved cannot be told from the versions at hand (a
   * mirror that lacked a transaction, or unseen versions after a run whose party reads were never settled).
   */
  all: boolean;
  /**
   * A transaction had versions the mirror never held (a deletion of one never stored, a first sight of one
   * already edited, a SyncToken that skipped). They matter only if a stored party Balance was read while one
   * of them was current: never after a settled run (see settleBalances in incremental-run.ts).
   */
  unseen: boolean;
}

export const noParties = (): AffectedParties => ({ Customer: new Set(), Vendor: new Set(), accounts: false, all: false, unseen: false });

/**
 * Transactions QuickBooks does not post: a purchase order or a time activity moves no account and no open
 * balance, so a change to one moves no derived balance.
 */
export const NON_POSTING = new Set(['PurchaseOrder', 'TimeActivity', 'Estimate']);

type Ref = { value?: unknown; type?: unknown } | undefined;

/** Adds the parties one version of a transaction references (CustomerRef, VendorRef, EntityRef, journal lines). */
export function collectParties(into: AffectedParties, transaction: Record<string, unknown>): void {
  into.accounts = true;
  const add = (type: unknown, ref: Ref) => {
    if (!ref || ref.value === undefined || ref.value === null) return;
    if (type === 'Customer' || type === 'Vendor') into[type].add(String(ref.value));
  };
  add('Customer', transaction.CustomerRef as Ref);
  add('Vendor', transaction.VendorRef as Ref);
  const entity = transaction.EntityRef as Ref;
  add(entity?.type, entity);
  for (const line of (transaction.Line as Record<string, unknown>[] | undefined) ?? []) {
    const detail = line.JournalEntryLineDetail as { Entity?: { Type?: unknown; EntityRef?: Ref } } | undefined;
    if (detail?.Entity) add(detail.Entity.Type, detail.Entity.EntityRef);
  }
}
