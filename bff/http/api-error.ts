import type { ErrorCode } from '../../shared/api/errors.ts';

const statusOf: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 502> = {
  invalid_request: 400,
  malformed_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  provider_unavailable: 502,
  internal: 500,
};

/** The one error type handlers throw; `renderError` turns it into `{error:{code, message, details?}}`. */
export class ApiError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 502;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = statusOf[code];
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} was not found`);
export const forbidden = (why: string) => new ApiError('forbidden', why);
export const unauthorized = (why: string) => new ApiError('unauthorized', why);
