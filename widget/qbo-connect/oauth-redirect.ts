import type { OAuthOutcome, OAuthResultCode } from '../../shared/api/oauth.ts';

/** The query parameters the BFF appends to return_url after a redirect-mode authorization. */
const PARAMS = ['ledgerlink_oauth', 'ledgerlink_code', 'ledgerlink_connection', 'ledgerlink_message'] as const;

const outcomes: readonly string[] = ['connected', 'refused', 'cancelled', 'error'] satisfies readonly OAuthOutcome[];

/** What came back on the URL after a full-page trip to QuickBooks. */
export interface RedirectResult {
  outcome: OAuthOutcome;
  /** Why it did not connect: an OAuthResultCode, or a newer one this version does not know (the message explains). */
  code: OAuthResultCode | (string & {}) | undefined;
  /** Connected: the connection. Refused with reconnect_wrong_company: the connection still to be reconnected. */
  connectionId: string | undefined;
  message: string | undefined;
}

/** The page's address without our parameters: where QuickBooks should send the browser back to. */
export function returnUrl(href: string = location.href): string {
  const url = new URL(href);
  for (const name of PARAMS) url.searchParams.delete(name);
  return url.href;
}

/**
 * Reads a redirect result from the current URL and removes our parameters from the address bar (history.replaceState,
 * so Back does not replay it and a bookmark never carries it). Undefined when the page was not a return from QuickBooks.
 * The first element to call it takes the result.
 */
export function takeRedirectResult(): RedirectResult | undefined {
  const params = new URLSearchParams(location.search);
  const outcome = params.get('ledgerlink_oauth');
  if (outcome === null) return undefined;
  history.replaceState(history.state, '', returnUrl());
  if (!outcomes.includes(outcome)) return undefined;
  return {
    outcome: outcome as OAuthOutcome,
    code: params.get('ledgerlink_code') ?? undefined,
    connectionId: params.get('ledgerlink_connection') ?? undefined,
    message: params.get('ledgerlink_message') ?? undefined,
  };
}
