/**
 * A supplier, customer or employee as either side knows it. Only `id` and `name` are required; every other field
 * is optional corroborating evidence that can raise or lower confidence in a pair.
 */
export interface MatchRecord {
  /** Unique within its side (host ids on the left, QuickBooks ids on the right). */
  id: string;
  /** Display name as typed by people: "Smith, John & Mary", "Acme Ltd t/a Roadrunner Supplies". */
  name: string;
  email?: string;
  phone?: string;
  postalCode?: string;
  /** Country name or ISO 3166 alpha-2 code ("United Kingdom", "UK", "GB" are the same). */
  country?: string;
  /** VAT number, EIN, ABN, GST number… compared as letters and digits only. */
  taxId?: string;
  /** The account number one side holds for the other (QuickBooks `AcctNum`). */
  accountNumber?: string;
  addressLine?: string;
  city?: string;
}

/**
 * `auto`: strong enough to link without a person looking. `suggested`: plausible, shown for one click of review.
 */
export type MatchConfidence = 'auto' | 'suggested';

/** One proposed pair from {@link suggestMatches}. Every id appears in at most one Match per side. */
export interface Match {
  leftId: string;
  rightId: string;
  /** 0..1, higher is more certain; comparable across pairs of one run. */
  score: number;
  confidence: MatchConfidence;
  /**
   * Short human words for the UI: how the names agree ("name", "similar name", "trading name", "household member"),
   * then agreeing fields ("tax id", "account number", "email", "email domain", "phone", "postal code", "address"),
   * then disagreeing ones ("different tax id", "different account number", "different email", "different phone",
   * "different postal code", "different city", "different country"), and "another close match" when a rival kept an otherwise
   * certain pair from `auto`.
   */
  reasons: string[];
}

/** One entry of a ranked candidate list for the manual picker. */
export interface Candidate {
  id: string;
  score: number;
  reasons: string[];
}
