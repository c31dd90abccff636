import type { CompanySpec } from './company-spec.ts';

/** The demo's companies: fixed realm ids, a few hundred entities each, one per region the host products meet. */
export const DEMO_COMPANIES: readonly CompanySpec[] = [
  { realm_id: '9341455000000101', name: 'Acme Landscaping LLC', country: 'US', plan: 'Plus', seed: 'acme-landscaping', size: 'small' },
  { realm_id: '9341455000000102', name: 'Harbor Dental Group', country: 'CA', plan: 'Advanced', seed: 'harbor-dental', size: 'small' },
  { realm_id: '9341455000000103', name: 'Kestrel Freight Ltd', country: 'UK', plan: 'Essentials', seed: 'kestrel-freight', size: 'small' },
  { realm_id: '9341455000000104', name: 'Yarra Timber Pty Ltd', country: 'AU', plan: 'Plus', seed: 'yarra-timber', size: 'small' },
  { realm_id: '9341455000000105', name: 'Protea Traders (Pty) Ltd', country: 'ZA', plan: 'Plus', seed: 'protea-traders', size: 'small' },
];
