import { z } from 'zod';
import { Timestamp } from './common.ts';
import { ProviderFault } from './errors.ts';

export const partyKinds = ['suppliers', 'customers'] as const;
export type PartyKind = (typeof partyKinds)[number];

/** One of the host's own suppliers or customers, as the host sends it for matching. */
export const HostRecord = z
  .object({
    id: z.string().min(1).max(128),
    name: z.string().trim().min(1).max(500),
    email: z.string().max(320).optional(),
    phone: z.string().max(64).optional(),
    address_line1: z.string().max(500).optional(),
    address_line2: z.string().max(500).optional(),
    city: z.string().max(200).optional(),
    region: z.string().max(200).optional().meta({ description: 'State or province.' }),
    postal_code: z.string().max(32).optional(),
    country: z.string().max(64).optional(),
    account_number: z.string().max(100).optional(),
    tax_id: z.string().max(64).optional(),
  })
  .strict()
  .meta({ id: 'HostRecord' });

export type HostRecord = z.infer<typeof HostRecord>;

export const PutHostRecordsBody = z
  .object({
    records: z.array(HostRecord).max(10_000),
    replace: z.boolean().default(false).meta({ description: 'true: records not in this list are removed (a full snapshot).' }),
  })
  .strict()
  .meta({ id: 'PutHostRecords' });

/** A QuickBooks vendor or customer as the matcher shows it (from the mirrored records). */
export const ProviderParty = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    city: z.string().nullable(),
    postal_code: z.string().nullable(),
    country: z.string().nullable(),
    account_number: z.string().nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'ProviderParty' });

export type ProviderParty = z.infer<typeof ProviderParty>;

export const linkMethods = ['auto', 'confirmed', 'manual', 'created', 'imported'] as const;

export const Link = z
  .object({
    host_id: z.string(),
    provider_id: z.string(),
    method: z.enum(linkMethods),
    linked_by: z.string(),
    linked_at: Timestamp,
  })
  .meta({ id: 'Link' });

export type Link = z.infer<typeof Link>;

export const Suggestion = z
  .object({
    host: HostRecord,
    provider: ProviderParty,
    score: z.number(),
    confidence: z.enum(['auto', 'suggested']),
    reasons: z.array(z.string()),
  })
  .meta({ id: 'Suggestion' });

export type Suggestion = z.infer<typeof Suggestion>;

/** Everything the matcher shows for one connection and kind, computed from current records and links. */
export const MatchingState = z
  .object({
    kind: z.enum(partyKinds),
    auto: z.array(Suggestion),
    suggested: z.array(Suggestion),
    unmatched_host: z.array(HostRecord),
    unmatched_provider: z.array(ProviderParty),
    linked: z.array(Link.extend({ host: HostRecord.nullable(), provider: ProviderParty.nullable() })),
  })
  .meta({ id: 'MatchingState' });

export type MatchingState = z.infer<typeof MatchingState>;

export const Candidate = z
  .object({ provider: ProviderParty, score: z.number(), reasons: z.array(z.string()) })
  .meta({ id: 'Candidate' });

export const CreateLinksBody = z
  .object({
    kind: z.enum(partyKinds),
    links: z
      .array(z.object({ host_id: z.string().min(1).max(128), provider_id: z.string().min(1).max(64), method: z.enum(['auto', 'confirmed', 'manual', 'imported']) }).strict())
      .min(1)
      .max(10_000),
  })
  .strict()
  .meta({ id: 'CreateLinks' });

/**
 * What the two-way field sync did for one linked supplier in one connected company. A field QuickBooks
 * refuses (a name another customer holds, a value over its length) is listed in `refused` with the reason;
 * it stays a pending change of the host's, and everything else about the record still syncs.
 */
export const FieldSyncOutcome = z
  .object({
    connection_id: z.string(),
    host_id: z.string(),
    provider_id: z.string(),
    status: z.enum(['synced', 'unchanged', 'partly_refused', 'refused', 'skipped_read_only']),
    pushed: z.array(z.string()).meta({ description: 'Fields written to QuickBooks.' }),
    reported: z.array(z.string()).meta({ description: 'QuickBooks changes sent to you as supplier.updated.' }),
    conflicts: z.array(z.string()).meta({ description: 'Fields changed on both sides, settled by the conflict policy.' }),
    refused: z.array(ProviderFault).meta({ description: 'Fields QuickBooks refused (or would refuse), each with the reason and the fix.' }),
  })
  .meta({ id: 'FieldSyncOutcome' });

export type FieldSyncOutcome = z.infer<typeof FieldSyncOutcome>;

export const FieldSyncResult = z
  .object({
    pushed: z.number().int(),
    reported: z.number().int(),
    conflicts: z.number().int(),
    failed: z.number().int().meta({ description: 'Linked suppliers with at least one field QuickBooks refused.' }),
    outcomes: z.array(FieldSyncOutcome),
    unreachable: z
      .array(ProviderFault.extend({ connection_id: z.string() }))
      .meta({ description: 'Connections whose field sync could not run (reconnect needed, QuickBooks down or limiting); your records are saved and their changes stay pending.' }),
  })
  .meta({ id: 'FieldSyncResult', description: 'Linked suppliers whose changed fields were written to QuickBooks (pushed), reported back, in conflict, or refused.' });

export type FieldSyncResult = z.infer<typeof FieldSyncResult>;
