/**
 * Matching states for tests and screenshots of <supplier-matcher>: the host's suppliers, QuickBooks vendors, and
 * pairs in every section, built from small overrides so each test says only what matters to it.
 */
import type { HostRecord, Link, MatchingState, ProviderParty, Suggestion } from '../../shared/api/matching.ts';
import type { MatchCandidate } from '../base/bff-client.ts';

let sequence = 0;

export function host(overrides: Partial<HostRecord> = {}): HostRecord {
  sequence += 1;
  return { id: `sup_${sequence}`, name: `Supplier ${sequence}`, ...overrides };
}

export function provider(overrides: Partial<ProviderParty> = {}): ProviderParty {
  sequence += 1;
  return {
    id: String(100 + sequence),
    name: `Vendor ${sequence}`,
    email: null,
    phone: null,
    city: null,
    postal_code: null,
    country: 'US',
    account_number: null,
    active: true,
    ...overrides,
  };
}

export function suggestion(h: HostRecord, p: ProviderParty, confidence: 'auto' | 'suggested', reasons: string[], score = confidence === 'auto' ? 0.97 : 0.78): Suggestion {
  return { host: h, provider: p, score, confidence, reasons };
}

export function linked(h: HostRecord, p: ProviderParty, method: Link['method'] = 'confirmed', minutesAgo = 90): MatchingState['linked'][number] {
  return { host_id: h.id, provider_id: p.id, method, linked_by: 'u_admin', linked_at: new Date(Date.now() - minutesAgo * 60_000).toISOString(), host: h, provider: p };
}

export function candidate(p: ProviderParty, reasons: string[] = ['similar name'], score = 0.7): MatchCandidate {
  return { provider: p, score, reasons };
}

/** A small company's suppliers: three auto pairs, two suggestions, three unmatched each side, two linked. */
export function sampleState(): MatchingState {
  return {
    kind: 'suppliers',
    auto: [
      suggestion(host({ id: 'sup_smith', name: 'Smith & Jones Ltd', city: 'Portland', postal_code: '97201', phone: '503-555-0100' }), provider({ id: '58', name: 'Smith and Jones Limited', city: 'Portland', postal_code: '97201' }), 'auto', ['similar name', 'phone']),
      suggestion(host({ id: 'sup_acme', name: 'Acme Office Supply', city: 'Seattle', email: 'billing@acme.test' }), provider({ id: '61', name: 'ACME Office Supply Inc.', city: 'Seattle', email: 'billing@acme.test' }), 'auto', ['similar name', 'email']),
      suggestion(host({ id: 'sup_blue', name: 'Blue Ridge Paper', city: 'Asheville', postal_code: '28801' }), provider({ id: '64', name: 'Blue Ridge Paper Co', city: 'Asheville', postal_code: '28801' }), 'auto', ['name', 'address']),
    ],
    suggested: [
      suggestion(host({ id: 'sup_okafor', name: 'J. Okafor', city: 'Houston' }), provider({ id: '70', name: 'Okafor, John', city: 'Houston' }), 'suggested', ['similar name']),
      suggestion(host({ id: 'sup_harbor', name: 'Harbor Freight Lines', email: 'ap@harborfl.test' }), provider({ id: '71', name: 'Harbour Freight', email: 'ap@harborfl.test' }), 'suggested', ['email', 'similar name', 'another close match']),
    ],
    unmatched_host: [
      host({ id: 'sup_northwind', name: 'Northwind Labels', city: 'Boise', postal_code: '83702' }),
      host({ id: 'sup_kestrel', name: 'Kestrel Packaging', city: 'Denver' }),
      host({ id: 'sup_yarra', name: 'Yarra Timber', email: 'orders@yarratimber.test' }),
    ],
    unmatched_provider: [
      provider({ id: '80', name: 'Northwind Label Co.', city: 'Boise', postal_code: '83702', phone: '208-555-0199' }),
      provider({ id: '81', name: 'Cascade Courier', city: 'Tacoma', email: 'ar@cascade.test' }),
      provider({ id: '82', name: 'Old Mill Lumber', active: false }),
    ],
    linked: [
      linked(host({ id: 'sup_delta', name: 'Delta Print Works', city: 'Memphis' }), provider({ id: '90', name: 'Delta Print Works', city: 'Memphis' }), 'auto', 60 * 26),
      linked(host({ id: 'sup_evergreen', name: 'Evergreen Janitorial' }), provider({ id: '91', name: 'Evergreen Janitorial LLC' }), 'manual', 12),
    ],
  };
}

/** `count` auto pairs named "Supplier 00001" … so a test can find the first and last. */
export function bigState(count: number): MatchingState {
  const auto = Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(5, '0');
    return suggestion({ id: `h${n}`, name: `Supplier ${n}` }, provider({ id: `p${n}`, name: `Vendor ${n}` }), 'auto', ['name']);
  });
  return { kind: 'suppliers', auto, suggested: [], unmatched_host: [], unmatched_provider: [], linked: [] };
}

export function emptyState(): MatchingState {
  return { kind: 'suppliers', auto: [], suggested: [], unmatched_host: [], unmatched_provider: [], linked: [] };
}
