import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { describe, expect, test, vi } from 'vitest';
import { apiRoutes } from './api-routes.ts';
import { renderError } from './errors.ts';

/**
 * apiRoutes validates a route's path and query with `safeParse` (no async layer per request), with the same
 * results as @hono/zod-openapi's validators: 400 naming the field, the route's middleware first, the route
 * still in the OpenAPI document, and a schema with an async refinement still parsed asynchronously.
 */
function app(middleware: MiddlewareHandler[] = []) {
  const routes = apiRoutes();
  routes.onError(renderError);
  const Params = z.object({ id: z.string().regex(/^con_[0-9a-f]{4}$/, 'must be a connection id') });
  const Query = z.object({ limit: z.coerce.number().int().min(1).max(10).default(5), tag: z.union([z.string(), z.array(z.string())]).optional() });
  const asyncSafeParse = vi.spyOn(Params, 'safeParseAsync');
  routes.openapi(
    createRoute({ method: 'get', path: '/things/{id}', request: { params: Params, query: Query }, middleware, responses: { 200: { description: 'a thing' } } }),
    (c) => c.json({ id: c.req.valid('param').id, query: c.req.valid('query') }, 200),
  );
  return { routes, asyncSafeParse };
}

describe('apiRoutes validation', () => {
  test('valid path and query reach the handler parsed, without an async parse', async () => {
    const { routes, asyncSafeParse } = app();
    const answer = await routes.request('/things/con_00ab?limit=3&tag=a&tag=b');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ id: 'con_00ab', query: { limit: 3, tag: ['a', 'b'] } });
    expect((await (await routes.request('/things/con_00ab')).json()).query).toEqual({ limit: 5 });
    expect(asyncSafeParse).not.toHaveBeenCalled();
  });

  test('a bad path or query is a 400 naming the field, after the route middleware', async () => {
    const order: string[] = [];
    const { routes } = app([async (_c, next) => { order.push('auth'); await next(); }]);
    const badPath = await routes.request('/things/nope');
    expect(badPath.status).toBe(400);
    expect(((await badPath.json()) as { error: { message: string } }).error.message).toBe('path.id: must be a connection id');
    expect(order).toEqual(['auth']);
    const badQuery = await routes.request('/things/con_00ab?limit=99');
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as { error: { message: string } }).error.message).toMatch(/^query\.limit: /);
    const proto = await routes.request('/things/con_00ab?__proto__=x');
    expect(proto.status).toBe(200);
  });

  test('the route is documented with its path and query parameters', () => {
    const { routes } = app();
    const doc = routes.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
    const parameters = (doc.paths?.['/things/{id}']?.get?.parameters ?? []) as { name: string; in: string }[];
    expect(parameters.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['path:id', 'query:limit', 'query:tag']);
  });

  test('a schema with an async refinement is still parsed, asynchronously', async () => {
    const routes = apiRoutes();
    routes.onError(renderError);
    const Params = z.object({ id: z.string().refine(async (id) => id !== 'taken', 'is taken') });
    routes.openapi(
      createRoute({ method: 'get', path: '/names/{id}', request: { params: Params }, responses: { 200: { description: 'a name' } } }),
      (c) => c.json({ id: c.req.valid('param').id }, 200),
    );
    expect((await routes.request('/names/free')).status).toBe(200);
    const taken = await routes.request('/names/taken');
    expect(taken.status).toBe(400);
    expect(((await taken.json()) as { error: { message: string } }).error.message).toBe('path.id: is taken');
  });
});
