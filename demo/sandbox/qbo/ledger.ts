import type { Classification } from './chart-of-accounts.ts';

/** One side of a double entry: debits positive, credits negative, in cents on a company-local day. */
export interface Posting {
  accountId: number;
  day: number;
  cents: number;
}

/** Open balance a document adds to a customer or vendor (invoices and bills up, credits down). */
export interface PartyEffect {
  type: 'Customer' | 'Vendor';
  id: number;
  cents: number;
}

export interface Effects {
  postings: Posting[];
  party: PartyEffect | null;
  /**
   * Where cash basis differs from accrual: income and expense recognised when paid. Invoices and bills contribute
   * nothing here; the payments that settle them bring their lines' accounts, pro rata, on the payment date.
   */
  cashPostings?: Posting[];
  /** True when cash basis books this transaction exactly as accrual does (expenses paid at once, journals). */
  cashSameAsAccrual?: boolean;
}

export type Basis = 'Accrual' | 'Cash';

/**
 * Running aggregates of every transaction's postings, by day and account, plus open balances per customer and
 * vendor. Reports and balances read these instead of re-reading a million transactions; every write to a
 * transaction removes its old effects and adds its new ones, so the aggregates always equal the entities.
 */
export class Ledger {
  readonly #byDay = new Map<number, Map<number, number>>();
  readonly #cashByDay = new Map<number, Map<number, number>>();
  readonly #accountTotals = new Map<number, number>();
  readonly #parties = { Customer: new Map<number, number>(), Vendor: new Map<number, number>() };

  static #add(target: Map<number, Map<number, number>>, posting: Posting, sign: 1 | -1): void {
    let day = target.get(posting.day);
    if (!day) {
      day = new Map();
      target.set(posting.day, day);
    }
    day.set(posting.accountId, (day.get(posting.accountId) ?? 0) + sign * posting.cents);
  }

  apply(effects: Effects, sign: 1 | -1): void {
    for (const posting of effects.postings) {
      if (posting.cents === 0) continue;
      Ledger.#add(this.#byDay, posting, sign);
      if (effects.cashSameAsAccrual) Ledger.#add(this.#cashByDay, posting, sign);
      this.#accountTotals.set(posting.accountId, (this.#accountTotals.get(posting.accountId) ?? 0) + sign * posting.cents);
    }
    for (const posting of effects.cashPostings ?? []) if (posting.cents !== 0) Ledger.#add(this.#cashByDay, posting, sign);
    if (effects.party && effects.party.cents !== 0) {
      const map = this.#parties[effects.party.type];
      map.set(effects.party.id, (map.get(effects.party.id) ?? 0) + sign * effects.party.cents);
    }
  }

  /** CurrentBalance as QuickBooks shows it: balance-sheet accounts in their natural sign, P&L accounts 0. */
  accountBalanceCents(accountId: number, classification: Classification): number {
    const debit = this.#accountTotals.get(accountId) ?? 0;
    if (classification === 'Revenue' || classification === 'Expense') return 0;
    return classification === 'Asset' ? debit : -debit;
  }

  partyBalanceCents(type: 'Customer' | 'Vendor', id: number): number {
    return this.#parties[type].get(id) ?? 0;
  }

  /**
   * Debit-positive totals per account over [fromDay, toDay]. Cash basis is kept for income and expense accounts
   * only (what a cash-basis ProfitAndLoss reads).
   */
  totalsBetween(fromDay: number, toDay: number, basis: Basis = 'Accrual'): Map<number, number> {
    const totals = new Map<number, number>();
    for (const [day, accounts] of basis === 'Cash' ? this.#cashByDay : this.#byDay) {
      if (day < fromDay || day > toDay) continue;
      for (const [accountId, cents] of accounts) totals.set(accountId, (totals.get(accountId) ?? 0) + cents);
    }
    return totals;
  }

  /** Sum of every posting; zero whenever the books balance. */
  trialBalanceCents(): number {
    let sum = 0;
    for (const cents of this.#accountTotals.values()) sum += cents;
    return sum;
  }
}
