import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import type { ErrorBody } from '../../shared/api/errors.ts';
import { NeedsReconnectError } from '../connections/tokens.ts';
import type { AppEnv } from '../context.ts';
import { QboError } from '../providers/qbo/faults.ts';
import { ApiError } from './api-error.ts';

const targetName: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'header', form: 'body', cookie: 'cookie' };

/** A zod failure as a 400 whose message names the first bad field and whose details list them all. */
export function validationError(error: ZodError, target: string): ApiError {
  const prefix = targetName[target] ?? target;
  const issues = error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = issues[0] ?? { field: prefix, message: 'is invalid' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new ApiError('invalid_request', `${first.field}: ${first.message}${more}`, { issues });
}

/** Hook for every zod-openapi route: invalid input never reaches a handler. */
export const validationHook = (result: { success: boolean; error?: ZodError; target: string }) => {
  if (!result.success && result.error) throw validationError(result.error, result.target);
};

export const renderError: ErrorHandler<AppEnv> = (error, c) => {
  const refused = dataExceptionCode(error);
  if (refused) {
    // A safety net, not the way in: schemas and storableText() refuse these first, so reaching here means a
    // field lacks a bound. Logged as an error so the gap is found; answered 400 because the input is at fault.
    c.get('logger')?.error('the database refused a value from the request; a schema should have refused it', {
      postgres_error: refused, // not "…code" or "…state": the logger redacts those names
      method: c.req.method,
      path: c.req.path,
      error,
    });
    const message = 'a value in this request cannot be stored (text with NUL characters, a number or date out of range, or too long)';
    return c.json(body(new ApiError('invalid_request', `request: ${message}`, { issues: [{ field: 'request', message }] })), 400);
  }
  // Only an error that is not ours can be an abort's reason; c.req.raw is built on demand, so 429s skip it.
  if (!(error instanceof ApiError) && c.req.raw.signal.aborted) {
    // The client went away (its request was abandoned and its work stopped): nobody reads this answer.
    c.get('logger')?.info('request abandoned by the client', { method: c.req.method, path: c.req.path });
    return new Response(null, { status: 499 });
  }
  const apiError = toApiError(error);
  const retryAfter = apiError.details?.retry_after_seconds;
  if (apiError.code === 'rate_limited' && typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter));
  if (apiError.status >= 500) c.get('logger')?.error('request failed', { error });
  return c.json(body(apiError), apiError.status);
};

/**
 * The SQLSTATE of a Postgres data exception (class 22: invalid text representation 22P02, datetime overflow
 * 22008, numeric out of range 22003, untranslatable character 22P05, string data right truncation 22001…),
 * or undefined for any other error.
 */
export function dataExceptionCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'PostgresError') return undefined;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('22') ? code : undefined;
}

export const renderNotFound: NotFoundHandler<AppEnv> = (c: Context<AppEnv>) =>
  c.json(body(new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}`)), 404);

/** Said for every request that needs QuickBooks on a connection that is disconnected or must be reconnected. */
export const reconnectFirst = 'This company is not connected to QuickBooks: reconnect it, then try again.';

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  // A dead connection is the caller's to fix (reconnect), never our 500: every route that reaches QuickBooks,
  // today's and tomorrow's, answers it as starting a sync does (409, action reconnect), whichever route threw it.
  if (error instanceof NeedsReconnectError || (error instanceof QboError && error.category === 'needs_reconnect')) {
    return new ApiError('conflict', reconnectFirst, { category: 'needs_reconnect', action: 'reconnect' });
  }
  if (error instanceof HTTPException) {
    if (error.status === 400 && /JSON/i.test(error.message)) {
      return new ApiError('malformed_json', 'The request body is not valid JSON');
    }
    if (error.status === 401) return new ApiError('unauthorized', error.message || 'Unauthorized');
    if (error.status === 404) return new ApiError('not_found', error.message || 'Not found');
    if (error.status === 413) return new ApiError('payload_too_large', 'The request body is too large for this route');
    if (error.status < 500) return new ApiError('invalid_request', error.message || 'Bad request');
  }
  return new ApiError('internal', 'Something went wrong on our side; it has been logged');
}

function body(error: ApiError): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
}
