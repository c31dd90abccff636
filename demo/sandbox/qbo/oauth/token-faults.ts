import type { Context } from 'hono';
import { z } from 'zod';
import type { QboState } from '../state.ts';

/**
 * Failures the token endpoint can be told to give, as Intuit gives them:
 * - `invalid_grant`: 400 `{"error_description":"Token invalid","error":"invalid_grant"}` (a revoked, rotated or lapsed
 *   refresh token; QBO-FACTS "OAuth 2.0"), while the grant itself stays as it was;
 * - `500` / `503`: the sign-in service failing (JSON `server_error` / an HTML gateway page), which intuit-oauth retries;
 * - `timeout`: the connection held for the sandbox's `timeout_ms`, then a 504 gateway page: a client with no deadline
 *   of its own waits that long.
 */
export const TOKEN_FAULT_KINDS = ['invalid_grant', '500', '503', 'timeout'] as const;
export type TokenFaultKind = (typeof TOKEN_FAULT_KINDS)[number];

export const tokenFaultSchema = z
  .object({
    kind: z.enum(TOKEN_FAULT_KINDS).nullable(),
    times: z.number().int().min(1).max(1_000_000).nullable().optional(),
    grant_type: z.enum(['refresh_token', 'authorization_code']).nullable().optional(),
  })
  .strict();

export interface TokenFaultState {
  /** The failure given, or null when the endpoint behaves. */
  kind: TokenFaultKind | null;
  /** How many more token requests fail (null: every one until cleared). */
  remaining: number | null;
  /** Only requests of this grant type fail (null: both). */
  grant_type: 'refresh_token' | 'authorization_code' | null;
  /** Token requests failed on purpose since the fault was set. */
  given: number;
}

const cleared = (): TokenFaultState => ({ kind: null, remaining: null, grant_type: null, given: 0 });
const bySandbox = new WeakMap<QboState, TokenFaultState>();

/** The token-endpoint fault of one sandbox (the control API sets it, the token endpoint reads it). */
export function tokenFaultOf(state: QboState): TokenFaultState {
  let fault = bySandbox.get(state);
  if (!fault) bySandbox.set(state, (fault = cleared()));
  return fault;
}

export function setTokenFault(state: QboState, input: z.infer<typeof tokenFaultSchema>): TokenFaultState {
  const fault = tokenFaultOf(state);
  Object.assign(fault, cleared(), { kind: input.kind, remaining: input.kind ? (input.times ?? null) : null, grant_type: input.grant_type ?? null });
  return fault;
}

export function clearTokenFault(state: QboState): void {
  Object.assign(tokenFaultOf(state), cleared());
}

function hold(state: QboState, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      state.pending.delete(entry);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const entry = { cancel: done };
    state.pending.add(entry);
    signal.addEventListener('abort', done);
  });
}

/**
 * The failure this token request gets, if one is set for its grant type; counts it. Runs after client
 * authentication, as Intuit checks the client before the grant.
 */
export async function injectTokenFault(state: QboState, c: Context, grantType: string | undefined): Promise<Response | null> {
  const fault = tokenFaultOf(state);
  if (!fault.kind || (fault.grant_type && fault.grant_type !== grantType)) return null;
  const kind = fault.kind;
  fault.given += 1;
  if (fault.remaining !== null && --fault.remaining <= 0) Object.assign(fault, { kind: null, remaining: null, grant_type: null });
  switch (kind) {
    case 'invalid_grant':
      return c.json({ error_description: 'Token invalid', error: 'invalid_grant' }, 400);
    case '500':
      return c.json({ error: 'server_error', error_description: 'An unexpected error occurred. Please try again.' }, 500);
    case '503':
      return c.body('<html><body><h1>503 Service Unavailable</h1>No server is available to handle this request.</body></html>', 503, { 'content-type': 'text/html' });
    case 'timeout':
      await hold(state, state.settings().timeout_ms, c.req.raw.signal);
      return c.body('<html><body><h1>504 Gateway Time-out</h1></body></html>', 504, { 'content-type': 'text/html' });
  }
}
