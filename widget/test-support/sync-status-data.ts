/**
 * Sync-status answers for tests and screenshots of <client-sync-status>: realistic connections in every state,
 * built from small overrides so each test says only what matters to it.
 */
import type { Connection } from '../../shared/api/connections.ts';
import type { ConnectionSync, Health, SyncError, SyncRun } from '../../shared/api/sync.ts';

export interface SyncStatusEntryData {
  connection: Connection;
  sync: ConnectionSync;
}

let sequence = 0;
const minutes = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
const inMinutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

/** A connection id in the contract's shape (con_ + 20 hex). */
export function connectionId(n: number): string {
  return `con_${n.toString(16).padStart(20, '0')}`;
}

export function connection(overrides: Partial<Connection> = {}): Connection {
  sequence += 1;
  return {
    id: connectionId(sequence),
    organization_id: 'org_1',
    provider: 'qbo',
    external_id: `9130${sequence}`,
    company_name: `Company ${sequence}`,
    legal_name: null,
    country: 'US',
    plan: 'Plus',
    status: 'connected',
    status_reason: null,
    connected_by: 'u_admin',
    created_at: minutes(60 * 24 * 30),
    connected_at: minutes(60 * 24 * 30),
    last_refreshed_at: minutes(30),
    last_synced_at: minutes(120),
    ...overrides,
  };
}

export function run(overrides: Partial<SyncRun> & { connection_id: string }): SyncRun {
  sequence += 1;
  return {
    id: `run_${sequence}`,
    kind: 'incremental',
    trigger: 'schedule',
    status: 'succeeded',
    progress: { total: 1200, done: 1200, entities: [] },
    records_per_second: 40,
    eta_seconds: null,
    queued_at: minutes(125),
    started_at: minutes(124),
    finished_at: minutes(120),
    error: null,
    ...overrides,
  };
}

export function syncError(category: SyncError['category'], overrides: Partial<SyncError> = {}): SyncError {
  const defaults: Record<SyncError['category'], Omit<SyncError, 'category'>> = {
    needs_reconnect: { message: 'QuickBooks no longer accepts our access (invalid_grant).', action: 'reconnect', retry_at: null, field: null },
    rate_limited: { message: 'QuickBooks limited how often we can ask for data.', action: 'wait', retry_at: inMinutes(90), field: null },
    provider_unavailable: { message: 'QuickBooks answered 503 three times.', action: 'retry', retry_at: inMinutes(15), field: null },
    plan_or_region_unsupported: { message: 'QuickBooks Online Simple Start does not include purchase orders.', action: 'upgrade_plan', retry_at: null, field: null },
    validation: { message: 'QuickBooks refused invoice 1042: the customer has no billing address.', action: 'retry', retry_at: null, field: 'BillAddr' },
    internal: { message: 'Unexpected error.', action: 'retry', retry_at: null, field: null },
  };
  return { category, ...defaults[category], ...overrides };
}

export function health(score: number, overrides: Partial<Health> = {}): Health {
  return {
    score,
    computed_at: minutes(118),
    checks: [
      { id: 'overdue_invoices', label: 'Overdue invoices', count: score > 90 ? 0 : 12, weight: 0.4, examples: [{ id: '1', name: 'INV-1042' }, { id: '2', name: 'INV-1057' }] },
      { id: 'unreconciled', label: 'Unreconciled bank lines', count: score > 80 ? 0 : 31, weight: 0.3, examples: [] },
      { id: 'missing_tax', label: 'Invoices without a tax code', count: 3, weight: 0.3, examples: [{ id: '3', name: 'INV-0999' }] },
    ],
    ...overrides,
  };
}

/** A settled, healthy connection unless overridden. */
export function entry(options: { connection?: Partial<Connection>; sync?: Partial<ConnectionSync> } = {}): SyncStatusEntryData {
  const c = connection(options.connection);
  const last = run({ connection_id: c.id });
  return {
    connection: c,
    sync: {
      connection_id: c.id,
      current_run: null,
      last_run: last,
      last_successful_sync_at: last.finished_at,
      next_scheduled_at: inMinutes(60 * 10),
      throttled_until: null,
      health: health(87),
      stale: false,
      visibility: { mode: 'organization', user_ids: [] },
      documents: { waiting: 0, attention: 0 },
      ...options.sync,
    },
  };
}

/** A connection with a run at `done` of `total`. */
export function running(name: string, done: number, total: number, eta: number | null, overrides: Partial<SyncRun> = {}): SyncStatusEntryData {
  const base = entry({ connection: { company_name: name } });
  const current = run({
    connection_id: base.connection.id,
    status: 'running',
    kind: 'initial',
    trigger: 'connect',
    progress: {
      total,
      done,
      entities: [
        { type: 'Customer', total: Math.round(total * 0.1), done: Math.min(Math.round(total * 0.1), done) },
        { type: 'Invoice', total: Math.round(total * 0.6), done: Math.max(0, Math.min(Math.round(total * 0.6), done - Math.round(total * 0.1))) },
        { type: 'Payment', total: null, done: 0 },
      ],
    },
    eta_seconds: eta,
    started_at: minutes(4),
    finished_at: null,
    ...overrides,
  });
  return { connection: base.connection, sync: { ...base.sync, current_run: current, last_run: null, last_successful_sync_at: null, health: null } };
}

/** A connection whose last run failed with `category`. */
export function failed(name: string, category: SyncError['category'], overrides: Partial<Connection> = {}): SyncStatusEntryData {
  const base = entry({ connection: { company_name: name, ...overrides } });
  const last = run({ connection_id: base.connection.id, status: 'failed', error: syncError(category), finished_at: minutes(20) });
  return {
    connection: category === 'needs_reconnect' ? { ...base.connection, status: 'needs_reconnect' } : base.connection,
    sync: { ...base.sync, last_run: last, last_successful_sync_at: minutes(60 * 26) },
  };
}

/** The mixed list the sketch in UI.md shows, and a few more. */
export function sampleList(): SyncStatusEntryData[] {
  return [
    running('Acme Landscaping LLC', 3720, 6000, 185),
    entry({ connection: { company_name: 'Harbor Dental Group' } }),
    failed('Kestrel Freight Co.', 'needs_reconnect'),
    failed('Yarra Timber Pty Ltd', 'rate_limited', { provider: 'xero', country: 'AU' }),
    entry({ connection: { company_name: 'Birchwood Bakery' }, sync: { stale: true, last_successful_sync_at: minutes(60 * 50), health: health(64) } }),
    failed('Northwind Labels', 'provider_unavailable'),
    entry({ connection: { company_name: 'Okafor & Sons Plumbing' }, sync: { health: health(42) } }),
    failed('Maple Street Clinic', 'validation'),
    entry({ connection: { company_name: 'Quayside Property Management' }, sync: { visibility: { mode: 'restricted', user_ids: ['u_1', 'u_2'] } } }),
    failed('Lumen Architects', 'internal'),
  ];
}
