import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { ErrorBody } from '../../shared/api/errors.ts';
import { requireAdmin, requireSecretKey, requireWidgetCaller } from '../auth/middleware.ts';
import { limitCaller } from './rate-limit.ts';

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBody } } });

/** The error answers every authenticated route can give, documented once. */
const commonErrors = {
  400: errorResponse('Invalid input; the message names the field'),
  401: errorResponse('Missing, invalid or expired credential'),
  403: errorResponse('Not allowed for this caller'),
  404: errorResponse('Not found in the caller\'s scope'),
} as const;

type Route = RouteConfig;

/** Server-to-server route: tenant secret key. */
export function serverRoute<R extends Route>(route: R) {
  return createRoute({
    ...route,
    security: [{ secretKey: [] }],
    middleware: [requireSecretKey, limitCaller],
    responses: { ...commonErrors, ...route.responses },
  });
}

/** Browser route under /v1/widget: session token, the caller's limits, and the caller's origin must be its tenant's. */
export function widgetRoute<R extends Route>(route: R) {
  return createRoute({
    ...route,
    security: [{ sessionToken: [] }],
    middleware: [requireWidgetCaller],
    responses: { ...commonErrors, ...route.responses },
  });
}

/** Operator route: admin token. */
export function adminRoute<R extends Route>(route: R) {
  return createRoute({
    ...route,
    security: [{ adminToken: [] }],
    middleware: [requireAdmin],
    responses: { ...commonErrors, ...route.responses },
  });
}

export const jsonBody = <T>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});

export const jsonResponse = <T>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});
