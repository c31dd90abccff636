import { z } from 'zod';
import { Timestamp } from './common.ts';

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
