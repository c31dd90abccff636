import { z } from 'zod';
import { RoleName } from './common.ts';
import { syncScheduleProblem } from './sync-schedule.ts';

export const countries = ['US', 'CA', 'GB', 'AU'] as const;
export const plans = ['SimpleStart', 'Essentials', 'Plus', 'Advanced'] as const;

/**
 * When scheduled syncs run. Checked with the same library and options the scheduler uses
 * (sync-schedule.ts), so a stored schedule is one the scheduler can compute: a time zone croner refuses would
 * otherwise throw inside the scheduler's batch and stop scheduled syncs for every organization in it.
 */
export const SyncSchedule = z
  .object({ cron: z.string().min(9).max(100), timezone: z.string().min(1).max(64) })
  .superRefine((schedule, ctx) => {
    const problem = syncScheduleProblem(schedule);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  })
  .meta({ description: 'When scheduled syncs run: a cron pattern (five fields, or six with seconds) in an IANA time zone, at most hourly.' });

/**
 * Per-organization policies. Every field is optional on write; reads return the effective values
 * (stored value or default).
 */
export const OrganizationSettings = z
  .object({
    max_connections: z.number().int().min(1).max(1000).meta({ description: '1 = one company per organization.' }),
    connect_roles: z.array(RoleName).min(1).max(20).meta({ description: 'Roles that may connect, reconnect and disconnect.' }),
    sync_roles: z.array(RoleName).min(1).max(20).meta({ description: 'Roles that may start a sync.' }),
    allowed_countries: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code such as US'))
      .min(1)
      .max(250)
      .meta({ description: 'ISO country codes of the companies that may connect; UK is accepted for GB.' }),
    required_plans: z.array(z.enum(plans)).max(4).meta({ description: 'Empty = any plan.' }),
    read_only: z.boolean().meta({ description: 'No write-back to the accounting system.' }),
    sync_schedule: SyncSchedule,
    default_visibility: z.enum(['organization', 'restricted']),
    field_conflict_policy: z
      .enum(['newest_wins', 'quickbooks_wins', 'host_wins'])
      .meta({ description: 'When a linked supplier field changed on both sides: the newer change wins, or always one side.' }),
    metric_window_months: z
      .number()
      .int()
      .min(1)
      .max(60)
      .meta({ description: 'Months of QuickBooks Profit and Loss and Balance Sheet kept for metrics, ending with the current month (default 24).' }),
    writeback_schedule: z
      .enum(['immediate', 'hourly'])
      .meta({ description: 'When submitted documents are pushed to QuickBooks: at once, or in an hourly batch ("push now" pushes at once either way).' }),
    allow_invoice_revisions: z
      .boolean()
      .meta({ description: 'false (default): an invoice once pushed is processed externally and further versions are refused; true: revisions update it.' }),
    import_payments: z.boolean().meta({ description: 'Report payments and bill payments made in QuickBooks against pushed documents (document.paid).' }),
  })
  .meta({ id: 'OrganizationSettings' });

export type OrganizationSettings = z.infer<typeof OrganizationSettings>;

export const defaultOrganizationSettings: OrganizationSettings = {
  max_connections: 1000,
  connect_roles: ['admin'],
  sync_roles: ['admin'],
  allowed_countries: [...countries],
  required_plans: [],
  read_only: false,
  sync_schedule: { cron: '0 2 * * *', timezone: 'UTC' },
  default_visibility: 'organization',
  field_conflict_policy: 'newest_wins',
  metric_window_months: 24,
  writeback_schedule: 'immediate',
  allow_invoice_revisions: false,
  import_payments: false,
};

/** Writes are partial; unknown keys are refused so a typo never silently does nothing. */
export const UpdateOrganizationSettings = OrganizationSettings.partial()
  .strict()
  .transform((value) => ({
    ...value,
    allowed_countries: value.allowed_countries?.map((code) => (code === 'UK' ? 'GB' : code)),
  }))
  .meta({ id: 'UpdateOrganizationSettings' });

/**
 * The effective settings of a stored row: each stored field that still passes today's rules, the default
 * for the rest. Rows written before a rule existed (or by hand) can hold anything; a background loop that
 * reads them must get usable values, and `problems` says which fields were set aside so callers can report them.
 */
export function effectiveSettings(stored: Record<string, unknown> | null | undefined): { settings: OrganizationSettings; problems: string[] } {
  const settings: Record<string, unknown> = { ...defaultOrganizationSettings };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(stored ?? {})) {
    const field = OrganizationSettings.shape[key as keyof OrganizationSettings];
    if (!field) continue;
    const parsed = field.safeParse(value);
    if (parsed.success) settings[key] = parsed.data;
    else problems.push(`${key}: ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  }
  return { settings: settings as OrganizationSettings, problems };
}
