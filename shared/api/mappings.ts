import { z } from 'zod';
import { Timestamp } from './common.ts';
import { defaultKeys, mappingKinds, problemCodes } from '../mapping/types.ts';

export { mappingKinds };

const HostRecordId = z.string().min(1).max(128);

/** One of the host's tax rates. */
export const HostTaxRate = z
  .object({
    id: HostRecordId,
    name: z.string().trim().min(1).max(200),
    rate: z.number().min(0).max(100).meta({ description: 'Percent, e.g. 20 or 9.375.' }),
    applies_to: z.array(z.enum(['sales', 'purchases'])).min(1).max(2).refine((uses) => new Set(uses).size === uses.length, 'must not repeat a use'),
    region: z.string().trim().max(64).optional().meta({ description: 'Country and/or region: "GB", "CA-BC", "US-TX", "Ontario". A rate for another country than the company\'s is never suggested one of its codes; a state or province rate only codes of that state or province.' }),
  })
  .strict()
  .meta({ id: 'HostTaxRate' });

/** One of the host's billable categories (service, activity or time code). */
export const HostCategory = z
  .object({
    id: HostRecordId,
    name: z.string().trim().min(1).max(200),
    code: z.string().trim().max(100).optional().meta({ description: 'A code users type; matched against QuickBooks service names and SKUs.' }),
  })
  .strict()
  .meta({ id: 'HostCategory' });

export const HostStaff = z
  .object({
    id: HostRecordId,
    name: z.string().trim().min(1).max(200),
    email: z.string().trim().max(320).optional(),
    rate: z.number().min(0).max(1_000_000).optional().meta({ description: 'Hourly rate, in the company currency.' }),
  })
  .strict()
  .meta({ id: 'HostStaff' });

/** One of the host's products: document lines naming it become item lines for the QuickBooks item it maps to. */
export const HostProduct = z
  .object({
    id: HostRecordId,
    name: z.string().trim().min(1).max(200),
    sku: z.string().trim().max(100).optional().meta({ description: 'Matched against QuickBooks item SKUs for suggestions.' }),
  })
  .strict()
  .meta({ id: 'HostProduct' });

export const HostClass = z.object({ id: HostRecordId, name: z.string().trim().min(1).max(200) }).strict().meta({ id: 'HostClass' });

/** A branch or site: a QuickBooks department, which QuickBooks calls a location. */
export const HostLocation = z.object({ id: HostRecordId, name: z.string().trim().min(1).max(200) }).strict().meta({ id: 'HostLocation' });

export const hostSchemaOf = { 'tax-rates': HostTaxRate, 'billable-categories': HostCategory, staff: HostStaff, products: HostProduct, classes: HostClass, locations: HostLocation } as const;

export const putMappingHostRecordsBody = <T extends z.ZodType>(record: T, id: string) =>
  z
    .object({
      records: z.array(record).max(10_000),
      replace: z.boolean().default(false).meta({ description: 'true: records not in this list are removed (a full snapshot).' }),
    })
    .strict()
    .meta({ id });

export const TargetRef = z
  .object({
    type: z.enum(['TaxCode', 'Item', 'Account', 'Employee', 'Class', 'Department']),
    id: z.string().min(1).max(64).meta({ description: 'QuickBooks Id; TAX or NON for US sales tax.' }),
  })
  .strict()
  .meta({ id: 'MappingTargetRef' });

export const Target = z
  .object({
    type: z.string(),
    id: z.string(),
    name: z.string(),
    active: z.boolean(),
    sales_rate: z.number().nullable().optional(),
    purchase_rate: z.number().nullable().optional(),
    detail: z.string(),
  })
  .meta({ id: 'MappingTarget' });

export const Problem = z
  .object({
    code: z.enum(problemCodes),
    message: z.string(),
  })
  .meta({ id: 'MappingProblem' });

export const StoredMapping = z
  .object({
    target: z.object({ type: z.string(), id: z.string(), name: z.string() }),
    method: z.enum(['auto', 'confirmed', 'manual', 'created']),
    version: z.number().int(),
    updated_by: z.string(),
    updated_at: Timestamp,
  })
  .meta({ id: 'StoredMapping' });

export const MappingRow = z
  .object({
    host: z.record(z.string(), z.unknown()),
    mapping: StoredMapping.nullable(),
    status: z.enum(['mapped', 'needs_attention', 'unmapped']),
    problems: z.array(Problem),
    suggestion: z.object({ target: z.object({ type: z.string(), id: z.string() }), confidence: z.enum(['auto', 'suggested']), reasons: z.array(z.string()) }).nullable(),
    choices: z.array(z.string()).nullable().meta({ description: 'Target ids valid for this row; null: every active target.' }),
  })
  .meta({ id: 'MappingRow' });

export const TaxMode = z
  .object({
    country: z.string(),
    kind: z.enum(['automated', 'manual', 'per_line']),
    has_agencies: z.boolean(),
    class_tracking: z.boolean(),
    department_tracking: z.boolean(),
  })
  .meta({ id: 'TaxMode' });

export const DefaultSetting = z
  .object({
    enabled: z.boolean(),
    value: z.object({ id: z.string(), name: z.string() }).nullable(),
    problems: z.array(Problem),
    targets: z.array(Target),
  })
  .meta({ id: 'MappingDefault' });

export const MappingState = z
  .object({
    kind: z.enum(mappingKinds),
    mode: TaxMode,
    targets: z.array(Target),
    rows: z.array(MappingRow),
    defaults: z.record(z.enum(defaultKeys), DefaultSetting),
  })
  .meta({ id: 'MappingState' });

export type MappingState = z.infer<typeof MappingState>;

export const PutMappingsBody = z
  .object({
    mappings: z
      .array(
        z
          .object({
            host_id: HostRecordId,
            target: TargetRef.nullable().meta({ description: 'null unmaps.' }),
            method: z.enum(['confirmed', 'manual']).default('manual').meta({ description: 'confirmed: a suggestion accepted; manual: a pick.' }),
          })
          .strict(),
      )
      .min(1)
      .max(10_000),
  })
  .strict()
  .meta({ id: 'PutMappings' });

export const PutDefaultsBody = z
  .object(Object.fromEntries(defaultKeys.map((key) => [key, z.string().min(1).max(64).nullable().optional()])) as Record<(typeof defaultKeys)[number], z.ZodOptional<z.ZodNullable<z.ZodString>>>)
  .strict()
  .meta({ id: 'PutMappingDefaults' });

export const MappingChange = z
  .object({ host_id: z.string(), target: z.object({ type: z.string(), id: z.string(), name: z.string() }).nullable(), version: z.number().int() })
  .meta({ id: 'MappingChange' });

export const CreatedMapping = MappingChange.extend({
  outcome: z.enum(['created', 'linked']).meta({ description: 'created: a new record was made in QuickBooks; linked: an active one of the same name (or, for tax codes, a single valid one at the same rate) existed and was mapped instead of a duplicate.' }),
}).meta({ id: 'CreatedMapping' });

export const MappingHistoryQuery = z
  .object({ host_id: HostRecordId.meta({ description: 'Your record id (for kind defaults: tax_agency, class, department, fallback_item, fallback_account).' }) })
  .strict();

export const MappingHistory = z
  .object({
    kind: z.enum([...mappingKinds, 'defaults']),
    host_id: z.string(),
    data: z.array(
      z.object({
        version: z.number().int(),
        target: z.object({ type: z.string(), id: z.string(), name: z.string() }).nullable().meta({ description: 'null: unmapped in this version.' }),
        method: z.enum(['auto', 'confirmed', 'manual', 'created']).nullable(),
        changed_by: z.string(),
        changed_at: Timestamp,
      }),
    ),
  })
  .meta({ id: 'MappingHistory' });
