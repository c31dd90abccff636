import { CreatedSession, CreateSessionBody, EndedSessions, EndSessionsBody, SessionInfo } from '../../shared/api/sessions.ts';
import { endUserSessions } from '../auth/session-revocation.ts';
import { signSessionToken } from '../auth/session-token.ts';
import type { AppEnv } from '../context.ts';
import { jsonBody, jsonResponse, serverRoute, widgetRoute } from '../http/routes.ts';
import { ensureOrganization } from '../organizations/store.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const sessionRoutes = apiRoutes();

sessionRoutes.openapi(
  serverRoute({
    method: 'post',
    path: '/v1/sessions',
    summary: 'Mint a short-lived session token for one user of one organization',
    description:
      'Call from the host backend with the tenant secret key; hand the token to the components (session-token attribute or fetchSessionToken).',
    tags: ['Sessions'],
    request: jsonBody(CreateSessionBody),
    responses: { 201: jsonResponse('The session token', CreatedSession) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const { sql, keys, config, now } = c.get('deps');
    const { tenantId, keyId } = c.get('tenant');
    await ensureOrganization(sql, tenantId, body.organization_id);
    const { token, expiresAt } = await signSessionToken(
      keys.signing,
      { tenantId, keyId, organizationId: body.organization_id, user: body.user },
      now(),
      body.ttl_seconds ?? config.LEDGERLINK_SESSION_TTL_SECONDS,
    );
    return c.json({ token, expires_at: expiresAt.toISOString() }, 201);
  },
);

sessionRoutes.openapi(
  serverRoute({
    method: 'post',
    path: '/v1/sessions/revoke',
    summary: 'End one user\'s widget sessions (sign-out, role change, removal from the team)',
    description:
      'Every session token of the user issued until now stops working at once on this replica and within 2 s on the others; ' +
      'components then call fetchSessionToken again. Revoking a tenant secret key likewise ends the sessions minted with it.',
    tags: ['Sessions'],
    request: jsonBody(EndSessionsBody),
    responses: { 200: jsonResponse('Until when sessions are ended', EndedSessions) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const { sql, now } = c.get('deps');
    const revokedBefore = await endUserSessions(sql, c.get('tenant').tenantId, body.user_id, body.organization_id, now());
    return c.json({ revoked_before: revokedBefore.toISOString() }, 200);
  },
);

sessionRoutes.openapi(
  widgetRoute({
    method: 'get',
    path: '/v1/widget/session',
    summary: 'Who this session is: organization, user, role and expiry',
    tags: ['Widget'],
    responses: { 200: jsonResponse('The session', SessionInfo) },
  }),
  (c) => {
    const session = c.get('session');
    return c.json(
      {
        tenant_id: session.tenantId,
        organization_id: session.organizationId,
        user: session.user,
        expires_at: session.expiresAt.toISOString(),
      },
      200,
    );
  },
);
