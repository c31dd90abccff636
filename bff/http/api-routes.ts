import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { validationHook } from './errors.ts';

type Init<E extends Env> = ConstructorParameters<typeof OpenAPIHono<E>>[0];
type Target = 'query' | 'param';
type Hook = (result: { success: boolean; data: unknown; error?: unknown; target: Target }, c: Context) => unknown;

/**
 * An OpenAPIHono for our routes: invalid input is refused by validationHook (400 naming the field), and a
 * route's path parameters and query are validated synchronously. @hono/zod-openapi validates them as every
 * target, with an async layer around `safeParseAsync` (its own promises, a hook awaited, a Content-Type
 * lookup), which was a tenth of a cheap widget read's allocations. These schemas hold no async refinement,
 * so `safeParse` gives the same result and the same 400; one that does is still parsed asynchronously.
 * The OpenAPI document and the route's types are unchanged: the route is registered as declared.
 */
export function apiRoutes<E extends Env = AppEnv>(init: Init<E> = {}): OpenAPIHono<E> {
  const app = new OpenAPIHono<E>({ defaultHook: validationHook as never, ...init });
  const openapi = app.openapi;
  app.openapi = ((route: Parameters<typeof openapi>[0], handler: Parameters<typeof openapi>[1], hook?: Parameters<typeof openapi>[2]) => {
    const request = route.request;
    const query = request?.query;
    const params = request?.params;
    if (!isZod(query) && !isZod(params)) return openapi(route, handler, hook);
    const { middleware, hide, ...declared } = route;
    if (!hide) app.openAPIRegistry.registerPath(declared);
    const effectiveHook = (hook ?? app.defaultHook) as Hook | undefined;
    const own = middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware];
    // As zod-openapi orders them: the route's middleware (authentication), then query, then path.
    const validators: MiddlewareHandler[] = [];
    if (isZod(query)) validators.push(syncValidator('query', query, effectiveHook));
    if (isZod(params)) validators.push(syncValidator('param', params, effectiveHook));
    return openapi({ ...route, hide: true, request: { ...request, query: undefined, params: undefined }, middleware: [...own, ...validators] } as typeof route, handler, hook);
  }) as typeof openapi;
  return app;
}

/** As zod-openapi tells a zod schema from a plain OpenAPI one. */
function isZod(schema: unknown): schema is z.ZodType {
  return typeof schema === 'object' && schema !== null && typeof (schema as z.ZodType).safeParse === 'function' && typeof (schema as z.ZodType).safeParseAsync === 'function';
}

/** What @hono/zod-validator does for a query or path target, with `safeParse`: the same value, hook and 400. */
export function syncValidator(target: Target, schema: z.ZodType, hook: Hook | undefined): MiddlewareHandler {
  return function validate(c, next) {
    const value = target === 'param' ? c.req.param() : queryOf(c);
    let result: z.ZodSafeParseResult<unknown>;
    try {
      result = schema.safeParse(value);
    } catch (error) {
      if (!(error instanceof z.core.$ZodAsyncError)) throw error;
      return schema.safeParseAsync(value).then((parsed) => conclude(c, next, target, value, parsed, hook));
    }
    return conclude(c, next, target, value, result, hook);
  };
}

function conclude(
  c: Context,
  next: () => Promise<void>,
  target: Target,
  value: unknown,
  result: z.ZodSafeParseResult<unknown>,
  hook: Hook | undefined,
): Promise<Response | void> {
  const decided = hook?.({ data: value, ...result, target }, c);
  if (decided instanceof Promise) return decided.then((awaited) => answer(c, next, target, result, awaited));
  return answer(c, next, target, result, decided);
}

function answer(c: Context, next: () => Promise<void>, target: Target, result: z.ZodSafeParseResult<unknown>, decided: unknown): Promise<Response | void> {
  if (decided instanceof Response) return Promise.resolve(decided);
  if (decided && typeof decided === 'object' && 'response' in decided) return Promise.resolve((decided as { response: Response }).response);
  if (!result.success) return Promise.resolve(c.json(result, 400));
  c.req.addValidatedData(target, result.data as never);
  return next();
}

/** The query as @hono/zod-validator gives it: one value per name, an array for a repeated name (a name such as `__proto__` stays a plain key). */
function queryOf(c: Context): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(c.req.queries()).map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));
}
