import type { OAuthOutcome, OAuthResultCode, OAuthResultMessage } from '../../shared/api/oauth.ts';

/**
 * The query parameters a return from QuickBooks can carry: today only `ledgerlink_oauth` (an opaque result
 * id); the others are what earlier versions put there, still stripped so an old or crafted link leaves no trace.
 */
const PARAMS = ['ledgerlink_oauth', 'ledgerlink_code', 'ledgerlink_connection', 'ledgerlink_message'] as const;

/** What came back from a full-page trip to QuickBooks, as the BFF recorded it. */
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
 * Takes the result id from the current URL and removes our parameters from the address bar (history.replaceState,
 * so Back does not replay it and a bookmark never carries it). Undefined when the page was not a return from
 * QuickBooks. The first element to call it takes the id. The id says nothing by itself: see resolveRedirectResult.
 */
export function takeRedirectResult(): string | undefined {
  const params = new URLSearchParams(location.search);
  const id = params.get('ledgerlink_oauth');
  if (id === null) return undefined;
  history.replaceState(history.state, '', returnUrl());
  return /^[A-Za-z0-9_-]{16,64}$/.test(id) ? id : undefined;
}

/** The one call resolveRedirectResult needs: BffClient's, with the element's session. */
interface ResultReader {
  request<T>(method: string, path: string): Promise<T>;
}

/**
 * What the BFF recorded for this result id, read with the element's session: only the user who started the
 * attempt, in its tenant and organization, within minutes, gets an answer. A link anyone could craft
 * (`?ledgerlink_oauth=connected&ledgerlink_message=…`) resolves to nothing, so it cannot make the element show
 * text or fire events. Undefined for any failure: the element then just shows its usual state.
 */
export async function resolveRedirectResult(client: ResultReader, id: string): Promise<RedirectResult | undefined> {
  try {
    const result = await client.request<OAuthResultMessage>('GET', `/v1/widget/oauth/results/${encodeURIComponent(id)}`);
    if (result?.source !== 'ledgerlink' || result.type !== 'oauth-result') return undefined;
    return { outcome: result.outcome, code: result.code, connectionId: result.connection?.id, message: result.message };
  } catch {
    return undefined;
  }
}
