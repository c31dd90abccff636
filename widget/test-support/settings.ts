import type { OrganizationSettings } from '../../shared/api/organizations.ts';

/** An organization's effective settings as the BFF answers them, with the fields a test cares about changed. */
export function testSettings(overrides: Partial<OrganizationSettings> = {}): OrganizationSettings {
  return {
    max_connections: 1000,
    connect_roles: ['admin'],
    sync_roles: ['admin'],
    allowed_countries: ['US', 'CA', 'GB', 'AU'],
    required_plans: [],
    read_only: false,
    sync_schedule: { cron: '0 2 * * *', timezone: 'UTC' },
    default_visibility: 'organization',
    field_conflict_policy: 'newest_wins',
    metric_window_months: 24,
    writeback_schedule: 'immediate',
    allow_invoice_revisions: false,
    import_payments: false,
    ...overrides,
  };
}
