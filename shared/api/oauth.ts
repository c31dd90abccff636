import { z } from 'zod';
import { Connection } from './connections.ts';

export const StartUrlBody = z
  .object({
    connection_id: z.string().regex(/^con_[0-9a-f]{20}$/, 'must be a connection id such as con_…').optional().meta({
      description: 'Reconnect this connection (the same company keeps the same connection id and its data).',
    }),
    mode: z.enum(['popup', 'redirect']).default('popup'),
    // Bounded like every stored URL (webhook endpoints too): it is kept with the attempt and sent back in a Location header.
    return_url: z.string().max(2048).url().optional().meta({
      description: 'Redirect mode: where to send the browser afterwards; must be on one of the tenant\'s allowed origins.',
    }),
  })
  .strict()
  .refine((body) => body.mode === 'popup' || body.return_url !== undefined, {
    message: 'return_url is required in redirect mode',
    path: ['return_url'],
  })
  .meta({ id: 'StartUrlRequest' });

export const StartUrl = z
  .object({
    url: z.string().url().meta({ description: 'Open this (popup or full page). Single use; holds no session token.' }),
    expires_at: z.string(),
  })
  .meta({ id: 'StartUrl' });

export const oauthOutcomes = ['connected', 'refused', 'cancelled', 'error'] as const;
export type OAuthOutcome = (typeof oauthOutcomes)[number];

/**
 * What the callback page posts to its opener (popup mode), with target origin = the page that asked.
 * Redirect mode carries the same facts as query parameters on return_url:
 * `ledgerlink_oauth=<outcome>&ledgerlink_connection=<id>&ledgerlink_message=<text>`.
 */
export const OAuthResultMessage = z.object({
  source: z.literal('ledgerlink'),
  type: z.literal('oauth-result'),
  outcome: z.enum(oauthOutcomes),
  connection: Connection.optional(),
  /** Plain words for refused and error outcomes, e.g. "QuickBooks Online in South Africa is not supported". */
  message: z.string().optional(),
  code: z.string().optional(),
});

export type OAuthResultMessage = z.infer<typeof OAuthResultMessage>;
