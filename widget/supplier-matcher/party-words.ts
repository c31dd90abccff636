import type { PartyKind } from '../../shared/api/matching.ts';

/** What the host calls the records it matches: `vendor` (its suppliers) or `customer` (its clients). */
export type MatcherEntity = 'vendor' | 'customer';

/** The words one entity uses everywhere in the matcher, so "supplier" and "vendor" never get mixed up. */
export interface PartyWords {
  kind: PartyKind;
  /** The host's own record: "supplier" / "client". */
  host: string;
  hosts: string;
  /** The QuickBooks record: "vendor" / "customer". */
  provider: string;
  providers: string;
  hostColumn: string;
  providerColumn: string;
}

const words: Record<MatcherEntity, PartyWords> = {
  vendor: {
    kind: 'suppliers',
    host: 'supplier',
    hosts: 'suppliers',
    provider: 'vendor',
    providers: 'vendors',
    hostColumn: 'Your supplier',
    providerColumn: 'QuickBooks vendor',
  },
  customer: {
    kind: 'customers',
    host: 'client',
    hosts: 'clients',
    provider: 'customer',
    providers: 'customers',
    hostColumn: 'Your client',
    providerColumn: 'QuickBooks customer',
  },
};

/** Anything but `customer` reads as `vendor`, the attribute's default. */
export function partyWords(entity: string | undefined): PartyWords {
  return entity === 'customer' ? words.customer : words.vendor;
}

/** "1 supplier", "148 suppliers", with the user's digit grouping. */
export function countOf(count: number, singular: string, plural: string, locale?: string): string {
  return `${new Intl.NumberFormat(locale).format(count)} ${count === 1 ? singular : plural}`;
}

/**
 * Ends a sentence with a full stop unless it already ends with one: names such as "Cedar Printing Co." often do,
 * and "…to Cedar Printing Co.." reads as a typo.
 */
export function sentence(text: string): string {
  return /[.!?…]$/.test(text.trimEnd()) ? text.trimEnd() : `${text.trimEnd()}.`;
}

/**
 * A QuickBooks record's name as people read it: QuickBooks appends " (deleted)" to inactive vendors and customers,
 * which is a state, shown by its own label, not part of the name.
 */
export function providerName(name: string): string {
  return name.replace(/ \(deleted\)$/, '');
}
