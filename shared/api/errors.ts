import { z } from 'zod';

/**
 * Every error the API returns has one of these codes. Clients branch on the code, show the message.
 * Stable: renaming one is a breaking change.
 */
export const errorCodes = [
  'invalid_request', // a field failed validation; details.issues names each one
  'malformed_json', // the body is not JSON
  'unauthorized', // missing, invalid, expired or revoked credential
  'forbidden', // valid credential, not allowed to do this
  'not_found',
  'conflict',
  'payload_too_large', // the body is larger than this route takes; details.max_bytes says how large it may be
  'rate_limited', // too many requests; wait Retry-After seconds (RateLimit-* headers say which limit)
  'provider_unavailable', // QuickBooks or Xero did not answer usefully; try again later
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export const ValidationIssue = z.object({
  field: z.string().meta({ example: 'body.user.role' }),
  message: z.string(),
});

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string().meta({ example: 'body.user.role: Required' }),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * What a QuickBooks fault means for the person who meets it, and the one action that fixes it. Validation
 * names the field; `conflict` is a record someone else changed meanwhile (read it again and retry).
 */
export const providerFaultCategories = ['needs_reconnect', 'rate_limited', 'provider_down', 'validation', 'conflict', 'plan_or_region_unsupported', 'internal'] as const;
export type ProviderFaultCategory = (typeof providerFaultCategories)[number];

export const providerFaultActions = ['reconnect', 'wait', 'retry', 'fix_record', 'upgrade_plan', 'contact_support'] as const;
export type ProviderFaultAction = (typeof providerFaultActions)[number];

/** One classified QuickBooks refusal, as the API reports it per record. */
export const ProviderFault = z
  .object({
    category: z.enum(providerFaultCategories),
    action: z.enum(providerFaultActions).meta({ description: 'reconnect, wait, retry, fix the record (field says which), upgrade the plan, or contact support.' }),
    field: z.string().nullable().meta({ description: 'Our field at fault (e.g. name, phone), when known.', example: 'name' }),
    quickbooks_field: z.string().nullable().meta({ example: 'DisplayName' }),
    quickbooks_code: z.string().nullable().meta({ description: 'QuickBooks fault code; null when we refused before sending.', example: '6240' }),
    message: z.string().meta({ example: 'The name is already used by a customer in QuickBooks: names are shared by vendors, customers and employees.' }),
  })
  .meta({ id: 'ProviderFault' });

export type ProviderFault = z.infer<typeof ProviderFault>;
