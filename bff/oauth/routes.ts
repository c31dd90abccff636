import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { OAuthResultCode } from '../../shared/api/oauth.ts';
import { OAuthResultMessage, StartUrl, StartUrlBody } from '../../shared/api/oauth.ts';
import { findConnection, type ConnectionRow } from '../connections/store.ts';
import { requireRole } from '../auth/roles.ts';
import { SingleFlight } from '../http/single-flight.ts';
import { qboBudgetKey } from '../sync/provider-caller.ts';
import type { AppEnv, Deps } from '../context.ts';
import { ApiError, notFound } from '../http/api-error.ts';
import { jsonBody, jsonResponse, widgetRoute } from '../http/routes.ts';
import { QboGrantError } from '../providers/qbo/oauth-client.ts';
import { QboError } from '../providers/qbo/faults.ts';
import { ATTEMPT_TTL_MS, claimCompletion, createAttempt, findAttempt, findResult, recordOutcome, startAttempt, waitForOutcome, type AttemptRow } from './attempts.ts';
import { bindBrowser, isSameBrowser } from './browser-binding.ts';
import { pageNonce } from '../ops/security-headers.ts';
import { completeQboConnect } from './complete-qbo.ts';
import { redirectBackUrl, resultPage } from './result-page.ts';
import { signState, verifyState } from './state.ts';
import { markDisconnectedByProvider } from '../connections/lifecycle.ts';
import { checkConnection } from '../connections/check.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const oauthRoutes = apiRoutes();

/** Anyone may call the Disconnect URL: its checks of one company run once per this many seconds, across replicas. */
export const DISCONNECT_PROBE_SECONDS = 60;
const disconnectSweeps = new WeakMap<Deps, SingleFlight<void>>();
// The callback answers in HTML (popup) or a redirect, so no route names the result schema: register it so the
// OpenAPI document still describes what the page posts and what ledgerlink_* parameters carry.
oauthRoutes.openAPIRegistry.register('OAuthResult', OAuthResultMessage);

const ProviderParams = z.object({ provider: z.enum(['qbo']).meta({ description: 'Only QuickBooks Online is available so far' }) });
const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

oauthRoutes.openapi(
  widgetRoute({
    method: 'post',
    path: '/v1/widget/oauth/{provider}/start-url',
    summary: 'A one-time URL that starts connecting (or reconnecting) a company in a popup or by redirect',
    tags: ['Widget', 'OAuth'],
    request: { params: ProviderParams, ...jsonBody(StartUrlBody) },
    responses: { 201: jsonResponse('The start URL', StartUrl) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const session = c.get('session');
    const body = c.req.valid('json');
    await requireRole(c, 'manage', 'connect or reconnect QuickBooks');
    if (!deps.qbo) throw new ApiError('provider_unavailable', 'QuickBooks is not configured on this server');
    if (body.connection_id && !(await findConnection(deps.sql, session, body.connection_id))) throw notFound('Connection');
    const origin = c.req.header('origin') ?? null;
    if (body.return_url && !(await deps.origins.allowedForTenant(session.tenantId, new URL(body.return_url).origin))) {
      throw new ApiError('invalid_request', 'body.return_url: must be on one of this tenant\'s allowed origins', {
        issues: [{ field: 'body.return_url', message: 'not on an allowed origin' }],
      });
    }
    const attempt = await createAttempt(deps.sql, {
      tenant_id: session.tenantId,
      organization_id: session.organizationId,
      user_id: session.user.id,
      user_role: session.user.role,
      provider: 'qbo',
      connection_id: body.connection_id ?? null,
      mode: body.mode,
      return_url: body.return_url ?? null,
      opener_origin: origin,
      expires_at: new Date(deps.now().getTime() + ATTEMPT_TTL_MS),
    });
    const url = `${deps.config.publicUrl}/v1/oauth/qbo/start?ref=${encodeURIComponent(attempt.id)}`;
    return c.json({ url, expires_at: attempt.expires_at.toISOString() }, 201);
  },
);

oauthRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/oauth/qbo/start',
    summary: 'Opened by the popup: redirects to QuickBooks consent with a signed, single-use state',
    tags: ['OAuth'],
    request: { query: z.object({ ref: z.string().min(16).max(64) }) },
    responses: {
      302: { description: 'To the QuickBooks consent page; sets an HttpOnly, SameSite=Lax cookie that binds the attempt to this browser' },
      400: html('The link was used or has expired'),
    },
  }),
  async (c) => {
    const deps = c.get('deps');
    const attempt = await startAttempt(deps.sql, c.req.valid('query').ref, deps.now());
    if (!attempt || !deps.qbo) {
      return c.html(resultPage(failure('error', 'attempt_expired', 'This connect link was already used or has expired. Close this window and start again.'), null, pageNonce(c)), 400);
    }
    // A reconnect would ideally open consent on the company being reconnected, but Intuit's authorize endpoint
    // takes only client_id, redirect_uri, response_type, scope and state (no company hint), so the person may
    // choose another company: the callback refuses that (reconnect_wrong_company) instead of connecting it.
    const binding = bindBrowser(c, attempt.id, attempt.expires_at, deps.now());
    return c.redirect(deps.qbo.authorizeUrl(await signState(deps.keys.signing, attempt, binding)), 302);
  },
);

oauthRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/oauth/qbo/callback',
    summary: 'Where QuickBooks returns after consent; finishes the connection once and reports to the opener',
    tags: ['OAuth'],
    request: {
      query: z.object({
        state: z.string().max(2048).optional(),
        code: z.string().max(2048).optional(),
        realmId: z.string().max(64).optional(),
        error: z.string().max(200).optional(),
      }),
    },
    responses: {
      200: html('The result page (popup) '),
      302: { description: 'Back to the host (redirect mode), with `ledgerlink_oauth=<result id>` to read with GET /v1/widget/oauth/results/{id}' },
      400: html('Invalid state, or a browser other than the one that opened the start link'),
    },
  }),
  async (c) => {
    const deps = c.get('deps');
    const query = c.req.valid('query');
    const claims = query.state ? await verifyState(deps.keys.signing, query.state, deps.now()) : undefined;
    const attempt = claims ? await findAttempt(deps.sql, claims.attemptId) : undefined;
    const bound = attempt && claims && attempt.tenant_id === claims.tenantId && attempt.organization_id === claims.organizationId && attempt.user_id === claims.userId;
    if (!attempt || !bound) {
      deps.logger.warn('oauth callback with an invalid state');
      return c.html(resultPage(failure('error', 'invalid_state', 'This sign-in could not be verified. Close this window and start again from the app.'), null, pageNonce(c)), 400);
    }
    // Checked before the claim: a foreign browser neither exchanges the code nor uses up the attempt, which
    // stays open for the browser that started it.
    if (!isSameBrowser(c, attempt.id, claims.browserBinding)) {
      deps.logger.warn('oauth callback from another browser than the one that started it', { attempt_tenant: attempt.tenant_id });
      return c.html(
        resultPage(failure('error', 'wrong_browser', 'This sign-in was started in another browser, so nothing was connected. Start again from the app in this browser.'), null, pageNonce(c)),
        400,
      );
    }

    if (!(await claimCompletion(deps.sql, attempt.id, deps.now()))) {
      // A reload, a second tab or a prefetch of the same callback: never exchange the code again (Intuit would
      // revoke the first exchange's tokens); show what the load that holds the claim did, once it has done it.
      const settled = await waitForOutcome(deps.sql, attempt.id);
      if (settled.kind === 'settled') return answer(c, attempt, settled.outcome);
      if (settled.kind === 'expired') {
        return answer(c, attempt, failure('error', 'attempt_expired', 'This sign-in took too long and has expired. Close this window and start again from the app.'));
      }
      return answer(c, attempt, failure('error', 'attempt_pending', 'QuickBooks is still finishing this connection. Close this window; the app shows the company once it is connected.'));
    }

    let result: OAuthResultMessage;
    if (query.error) {
      result =
        query.error === 'access_denied'
          ? failure('cancelled', 'access_denied', 'You cancelled connecting to QuickBooks.')
          : failure('cancelled', 'provider_error', `QuickBooks said: ${/^[a-z_]{1,64}$/.test(query.error) ? query.error : 'an error'}`);
    } else if (!query.code || !query.realmId) {
      result = failure('error', 'missing_company', 'QuickBooks did not send back a company. Start again from the app.');
    } else {
      try {
        result = await completeQboConnect(deps, deps.qbo!, attempt, { code: query.code, realmId: query.realmId });
      } catch (error) {
        deps.logger.warn('connect failed', { error: (error as Error).message, attempt_tenant: attempt.tenant_id });
        const transient = (error instanceof QboGrantError && error.kind === 'transient') || (error instanceof QboError && (error.kind === 'unavailable' || error.kind === 'throttled'));
        result = transient
          ? failure('error', 'provider_unavailable', 'QuickBooks is not answering right now. Wait a minute and try again.')
          : failure('error', 'connect_failed', 'QuickBooks did not complete the connection. Try again.');
      }
    }
    await recordOutcome(deps.sql, attempt.id, result);
    return answer(c, attempt, result);
  },
);

oauthRoutes.openapi(
  widgetRoute({
    method: 'get',
    path: '/v1/widget/oauth/results/{id}',
    summary: 'The outcome a redirect-mode return URL names (its `ledgerlink_oauth` parameter)',
    description:
      'Only for the session of the user who started the attempt, and for ten minutes after it finished. Anything else is 404: ' +
      'a link someone crafted carries no outcome, text or connection of its own.',
    tags: ['Widget', 'OAuth'],
    request: { params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be the ledgerlink_oauth value of a return URL') }) },
    responses: { 200: jsonResponse('The outcome, as the popup would have posted it', OAuthResultMessage) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const session = c.get('session');
    const result = await findResult(deps.sql, { tenantId: session.tenantId, organizationId: session.organizationId, userId: session.user.id }, c.req.valid('param').id, deps.now());
    if (!result) throw notFound('OAuth result');
    return c.json(result, 200);
  },
);

oauthRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/oauth/qbo/disconnect',
    summary: 'Intuit\'s Disconnect URL: the user removed the app inside QuickBooks',
    description:
      'Unauthenticated by nature, so it only triggers a check: connections whose grant is really gone become disconnected. ' +
      `Checks run at most once per company every ${DISCONNECT_PROBE_SECONDS} s, whoever calls, and calls are limited per address.`,
    tags: ['OAuth'],
    request: { query: z.object({ realmId: z.string().min(1).max(64) }) },
    responses: { 200: html('A page confirming the disconnection'), 400: html('realmId missing') },
  }),
  async (c) => {
    const deps = c.get('deps');
    const { realmId } = c.req.valid('query');
    let sweeps = disconnectSweeps.get(deps);
    if (!sweeps) disconnectSweeps.set(deps, (sweeps = new SingleFlight()));
    await sweeps.run(realmId, undefined, () => sweepDisconnected(deps, realmId));
    return c.html(resultPage({ source: 'ledgerlink', type: 'oauth-result', outcome: 'cancelled', message: 'The app was disconnected from QuickBooks. You can reconnect it any time from the app.' }, null, pageNonce(c)));
  },
);

/** Companies with a sweep due when their period ends, by deployment: one timer per company per process. */
const trailingSweeps = new WeakMap<Deps, Set<string>>();

/**
 * Checks every live connection to the company and marks those whose grant is gone, at most once per
 * DISCONNECT_PROBE_SECONDS across replicas: the claim is one upsert that moves the company's last probe time
 * only when that period has passed. A call inside the period is not dropped but folded into one more sweep
 * when the period ends, so a flood of calls cannot hide a real disconnection for longer than the period.
 * Companies nobody connected leave no row.
 */
async function sweepDisconnected(deps: Deps, realmId: string): Promise<void> {
  const rows = await deps.sql<ConnectionRow[]>`
    select * from connections where provider = 'qbo' and external_id = ${realmId} and status <> 'disconnected'`;
  if (rows.length === 0) return;
  const [claim] = await deps.sql<{ claimed: boolean; wait_ms: number }[]>`
    with claimed as (
      insert into provider_probes (probe_key, last_at) values (${`disconnect:${qboBudgetKey(realmId)}`}, clock_timestamp())
      on conflict (probe_key) do update set last_at = excluded.last_at
        where provider_probes.last_at < clock_timestamp() - make_interval(secs => ${DISCONNECT_PROBE_SECONDS})
      returning probe_key)
    select exists (select 1 from claimed) as claimed,
      coalesce((select extract(epoch from last_at - clock_timestamp()) * 1000 + ${DISCONNECT_PROBE_SECONDS * 1000}
        from provider_probes where probe_key = ${`disconnect:${qboBudgetKey(realmId)}`}), 0)::float8 as wait_ms`;
  if (!claim!.claimed) return sweepLater(deps, realmId, Number(claim!.wait_ms));
  for (const row of rows) {
    const checked = await checkConnection(deps, row).catch(() => row);
    if (checked.status !== 'connected') await markDisconnectedByProvider(deps, checked);
  }
}

function sweepLater(deps: Deps, realmId: string, waitMs: number): void {
  let due = trailingSweeps.get(deps);
  if (!due) trailingSweeps.set(deps, (due = new Set()));
  if (due.has(realmId)) return;
  due.add(realmId);
  const timer = setTimeout(() => {
    due.delete(realmId);
    sweepDisconnected(deps, realmId).catch((error: Error) => deps.logger.warn('a later disconnect check failed', { error: error.message }));
  }, Math.max(0, waitMs) + 50);
  timer.unref();
}

function failure(outcome: 'cancelled' | 'error', code: OAuthResultCode, message: string): OAuthResultMessage {
  return { source: 'ledgerlink', type: 'oauth-result', outcome, code, message };
}

function answer(c: Context<AppEnv>, attempt: AttemptRow, result: OAuthResultMessage) {
  if (attempt.mode === 'redirect' && attempt.return_url) return c.redirect(redirectBackUrl(attempt.return_url, attempt.result_id), 302);
  return c.html(resultPage(result, attempt.opener_origin, pageNonce(c)));
}
