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
  'rate_limited',
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
