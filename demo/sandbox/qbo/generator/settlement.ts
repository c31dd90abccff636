/**
 * Which generated payment settles which generated invoice (and bill payment which bill), as arithmetic on indexes:
 * payment i settles document floor(i·A/B), where A = 97 % of the documents and B = payments ≤ A. The map is
 * injective, so an invoice knows in O(1) whether and by what it was paid, without a pass over payments.
 */
export interface Settlement {
  documents: number;
  payments: number;
}

export function settlementOf(documents: number, payments: number): Settlement {
  const reach = Math.floor(documents * 0.97);
  return { documents: reach, payments: Math.min(payments, reach) };
}

export function settledDocument(s: Settlement, payment: number): number {
  return Math.floor((payment * s.documents) / s.payments);
}

/** The payment that settles `document`, or -1. */
export function settlingPayment(s: Settlement, document: number): number {
  if (s.payments === 0 || document >= s.documents) return -1;
  const payment = Math.ceil((document * s.payments) / s.documents);
  return payment < s.payments && settledDocument(s, payment) === document ? payment : -1;
}
