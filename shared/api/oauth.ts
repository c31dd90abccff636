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
 * Why an attempt did not connect, for code to branch on (the message is for people). Stable: renaming one is a
 * breaking change for hosts that branch on `code`.
 */
export const oauthResultCodes = [
  'policy_refused', // refused: the organization's settings exclude this company (country, plan, number of companies)
  'reconnect_wrong_company', // refused: reconnecting one company, the person chose another in QuickBooks; nothing changed
  'access_denied', // cancelled: the person declined on the QuickBooks consent screen
  'provider_error', // cancelled: QuickBooks sent back another error than access_denied (message: "QuickBooks said: …")
  'missing_company', // error: QuickBooks came back without a code or without a company
  'provider_unavailable', // error: QuickBooks did not answer; try again in a minute
  'connect_failed', // error: QuickBooks refused to complete the connection
  'attempt_expired', // error: the start link was used already, or the sign-in took longer than its link lives
  'attempt_pending', // error: another load of the same callback is still finishing it; the app shows the result
  'invalid_state', // error: the callback's state is forged, from another installation, or expired
  'wrong_browser', // error: the callback was loaded in another browser than the one that opened the start link; nothing changed
] as const;
export type OAuthResultCode = (typeof oauthResultCodes)[number];

/**
 * What the callback page posts to its opener (popup mode), with target origin = the page that asked.
 * Redirect mode puts only an opaque id on return_url (`ledgerlink_oauth=<id>`); the same result is read with
 * the session of the user who started, from GET /v1/widget/oauth/results/{id}, so a crafted link names nothing.
 * Every load of one callback (a reload, a second tab, a prefetch) answers with the same result.
 */
export const OAuthResultMessage = z
  .object({
    source: z.literal('ledgerlink'),
    type: z.literal('oauth-result'),
    outcome: z.enum(oauthOutcomes),
    connection: Connection.optional().meta({
      description:
        'connected: the connection made or reconnected. refused with reconnect_wrong_company: the connection still waiting ' +
        'to be reconnected, unchanged (start again with its id).',
    }),
    message: z.string().optional().meta({
      description: 'Plain words for refused and error outcomes, e.g. "QuickBooks Online in South Africa is not supported".',
    }),
    code: z.enum(oauthResultCodes).optional().meta({ description: 'Why it did not connect; absent when connected.' }),
  })
  .meta({ id: 'OAuthResult' });

export type OAuthResultMessage = z.infer<typeof OAuthResultMessage>;
