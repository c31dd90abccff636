import type { DefaultKey, MappingKind } from '../../shared/mapping/types.ts';
import type { Queryable } from '../db/client.ts';
import { storedMappings } from './store.ts';

/** A QuickBooks reference as a write puts it on a line or transaction: `{ value, name }`. */
export interface QboRef {
  value: string;
  name: string;
}

/**
 * What write-back needs to build lines for one connection: for each host tax rate, billable category, staff id,
 * product, class and location the QuickBooks reference it maps to, and the organization defaults. Only mappings that are valid as of the
 * last sync are here: one flagged "needs attention" (its code switched off, its item deleted) is left out, with
 * its host id in `needs_attention`, so a caller holds those lines instead of posting wrong tax.
 * Tax-rate refs are TaxCode refs; in a US company on automated sales tax they are the pseudo codes TAX / NON.
 */
export interface ResolvedMappings {
  'tax-rates': Map<string, QboRef & { type: 'TaxCode' }>;
  'billable-categories': Map<string, QboRef & { type: 'Item' | 'Account' }>;
  staff: Map<string, QboRef & { type: 'Employee' }>;
  products: Map<string, QboRef & { type: 'Item' }>;
  classes: Map<string, QboRef & { type: 'Class' }>;
  locations: Map<string, QboRef & { type: 'Department' }>;
  defaults: Partial<Record<DefaultKey, QboRef>>;
  needs_attention: { kind: MappingKind | 'defaults'; host_id: string }[];
}

export async function resolveMappings(db: Queryable, connectionId: string): Promise<ResolvedMappings> {
  const resolved: ResolvedMappings = {
    'tax-rates': new Map(),
    'billable-categories': new Map(),
    staff: new Map(),
    products: new Map(),
    classes: new Map(),
    locations: new Map(),
    defaults: {},
    needs_attention: [],
  };
  for (const record of await storedMappings(db, connectionId)) {
    if (record.status !== 'mapped') {
      resolved.needs_attention.push({ kind: record.kind, host_id: record.host_id });
      continue;
    }
    const ref = { value: record.target_id, name: record.target_name };
    if (record.kind === 'defaults') resolved.defaults[record.host_id as DefaultKey] = ref;
    else (resolved[record.kind] as Map<string, QboRef & { type: string }>).set(record.host_id, { ...ref, type: record.target_type });
  }
  return resolved;
}
