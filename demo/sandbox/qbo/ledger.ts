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
}

/**
 * Running aggregates of every transaction's postings, by day and account, plus open balances per customer and
 * vendor. Reports and balances read these instead of re-reading a million transactions; every write to a
 * transaction removes its old effects and adds its new ones, so the aggregates always equal the entities.
 */
export class Ledger {
  readonly #byDay = new Map<number, Map<number, number>>();
  readonly #accountTotals = new Map<number, number>();
  readonly #parties = { Customer: new Map<number, number>(), Vendor: new Map<number, number>() };

  apply(effects: Effects, sign: 1 | -1): void {
    for (const posting of effects.postings) {
      if (posting.cents === 0) continue;
      let day = this.#byDay.get(posting.day);
      if (!day) {
        day = new Map();
        this.#byDay.set(posting.day, day);
      }
      day.set(posting.accountId, (day.get(posting.accountId) ?? 0) + sign * posting.cents);
      this.#accountTotals.set(posting.accountId, (this.#accountTotals.get(posting.accountId) ?? 0) + sign * posting.cents);
    }
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

  /** Debit-positive totals per account over [fromDay, toDay]. */
  totalsBetween(fromDay: number, toDay: number): Map<number, number> {
    const totals = new Map<number, number>();
    for (const [day, accounts] of this.#byDay) {
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
