import type { MappingState } from '../../shared/api/mappings.ts';

export type MapperKind = MappingState['kind'];
type Row = MappingState['rows'][number];

/** What each kind is called on screen: the host's records, and what they map to in QuickBooks. */
export const KIND_WORDS: Record<MapperKind, { title: string; one: string; target: string }> = {
  'tax-rates': { title: 'Tax rates', one: 'tax rate', target: 'QuickBooks tax code' },
  'billable-categories': { title: 'Billable categories', one: 'category', target: 'QuickBooks product, service or account' },
  staff: { title: 'Staff', one: 'staff member', target: 'QuickBooks employee' },
  products: { title: 'Products', one: 'product', target: 'QuickBooks product or service' },
  classes: { title: 'Classes', one: 'class', target: 'QuickBooks class' },
  locations: { title: 'Locations', one: 'location', target: 'QuickBooks location' },
};

export const STATUS_WORDS: Record<Row['status'], string> = { mapped: 'Mapped', needs_attention: 'Needs attention', unmapped: 'Unmapped' };

/** The line under a host record's name: its rate and uses, its code, or its email. */
export function hostDetail(kind: MapperKind, host: Record<string, unknown>): string {
  if (kind === 'tax-rates') {
    const uses = (host['applies_to'] as string[] | undefined) ?? [];
    return [`${Number(host['rate'])}%`, uses.join(' and '), host['region']].filter(Boolean).join(' · ');
  }
  return String((kind === 'staff' ? host['email'] : kind === 'products' ? host['sku'] : host['code']) ?? '');
}

/** For US automated sales tax: why only taxable/non-taxable is mapped. */
export const AUTOMATED_TAX_NOTE =
  'This company uses automated sales tax: QuickBooks works out the rate from each customer\u2019s address. Each of your rates is mapped only as taxable or non-taxable.';

interface ApiIssue {
  field?: string;
  host_name?: string | null;
  message?: string;
  problems?: { message?: string }[];
}

/**
 * An API refusal in words for the person at the screen: the API's message is for developers (it starts with the
 * field, `mappings[0].target: …`, and may name routes or ids), so the refused rows' own problems are shown instead,
 * and what is left of field names, QuickBooks ids and route hints is taken out.
 */
export function plainApiMessage(message: string, details: Record<string, unknown> | undefined): string {
  const issues = Array.isArray(details?.['issues']) ? (details['issues'] as ApiIssue[]) : [];
  const said = issues.length > 0
    ? [...new Set(issues.map((issue) => {
      const problems = (issue.problems ?? []).map((problem) => problem.message).filter(Boolean).join(' ');
      return problems || issue.message || '';
    }))].filter(Boolean).join(' ')
    : message;
  return tidy(said || message);
}

function tidy(text: string): string {
  const sentence = text
    .replace(/^[a-z_]+(\[\d+\])?(\.[a-z_]+)*: /, '')
    .replace(/ \((mapping-defaults|host-records) [^)]*\)/g, '')
    .replace(/,? or send [a-z_]+/g, '')
    .replace(/ \(id [^)]+\)/g, '')
    .replace(/, id [^),]+/g, '')
    .trim();
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
