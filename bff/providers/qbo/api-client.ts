import { parseFault, QboError } from './faults.ts';

/** Supplies access tokens; after a 401 it is asked for a fresher one than the token that was refused. */
export interface AccessTokens {
  current(): Promise<string>;
  renewAfterRejection(rejected: string): Promise<string>;
  /**
   * Called when QuickBooks refuses the grant itself: even a renewed token got a 401, or a fault whose fix is
   * reconnecting (403 ApplicationAuthorizationFailed: the app or the user lost access to the company).
   */
  grantRefused?(reason: string): Promise<void>;
}

export interface QboApiOptions {
  /** Accounting API base ending in `/` (Intuit's, or a sandbox's). */
  apiBase: string;
  realmId: string;
  tokens: AccessTokens;
  minorVersion?: number;
  timeoutMs?: number;
}

/**
 * The one HTTP client for the QuickBooks Accounting API. It asks for JSON, names the minor version on every
 * call, turns faults (JSON, lower-case 401 JSON, XML throttles) into QboError, and on a 401 retries once
 * with a renewed token: a second 401 means the grant is gone (the caller marks the connection).
 */
export class QboApi {
  readonly #base: string;

  constructor(private readonly options: QboApiOptions) {
    this.#base = `${options.apiBase.replace(/\/?$/, '/')}v3/company/${encodeURIComponent(options.realmId)}/`;
  }

  async get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    return JSON.parse(await this.#request('GET', path, query)) as T;
  }

  /**
   * The answer's JSON as its UTF-8 bytes, unparsed and never decoded into a string: bulk pages go to Postgres as
   * they came, parsed once, there (records/query-page.ts says why bytes).
   */
  getBytes(path: string, query: Record<string, string> = {}, buffers?: ByteBuffers): Promise<Buffer> {
    return this.#request('GET', path, query, undefined, buffers ?? NEW_BUFFERS);
  }

  async post<T>(path: string, body: unknown, query: Record<string, string> = {}): Promise<T> {
    return JSON.parse(await this.#request('POST', path, query, body)) as T;
  }

  /** `SELECT …` through /query; the answer's QueryResponse. */
  async query<T = Record<string, unknown>>(statement: string): Promise<T> {
    const answer = await this.get<{ QueryResponse: T }>('query', { query: statement });
    return answer.QueryResponse;
  }

  #request(method: string, path: string, query: Record<string, string>, body?: unknown): Promise<string>;
  #request(method: string, path: string, query: Record<string, string>, body: unknown, bytes: ByteBuffers): Promise<Buffer>;
  async #request(method: string, path: string, query: Record<string, string>, body?: unknown, bytes?: ByteBuffers): Promise<string | Buffer> {
    let token = await this.options.tokens.current();
    let response = await this.#send(method, path, query, token, body);
    if (response.status === 401) {
      await response.body?.cancel();
      token = await this.options.tokens.renewAfterRejection(token);
      response = await this.#send(method, path, query, token, body);
      if (response.status === 401) await this.options.tokens.grantRefused?.('QuickBooks refused a freshly renewed authorization; the app may have been disconnected inside QuickBooks.');
    }
    if (response.ok) return bytes ? readBytes(response, bytes) : readBody(response);
    const text = await readBody(response);
    const fault = parseFault(response.status, text, response.headers.get('retry-after'));
    if (response.status !== 401 && fault.category === 'needs_reconnect') {
      await this.options.tokens.grantRefused?.('QuickBooks refused access to this company: the app, or the person who connected it, lost access. Reconnect to resume.');
    }
    throw fault;
  }

  async #send(method: string, path: string, query: Record<string, string>, token: string, body: unknown): Promise<Response> {
    const url = new URL(path, this.#base);
    url.searchParams.set('minorversion', String(this.options.minorVersion ?? 75));
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    try {
      return await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (error) {
      throw unreachable(error);
    }
  }
}

/** A timeout or a network failure as the retryable fault it is. */
function unreachable(error: unknown): QboError {
  const timedOut = (error as Error).name === 'TimeoutError';
  return new QboError('unavailable', 0, [{ code: timedOut ? 'timeout' : 'network', message: (error as Error).message, detail: '' }]);
}

/**
 * The answer's body. The request's deadline covers reading it too: a page whose body is still arriving when it
 * passes (a slow or overloaded server) is a timeout to retry, not an internal error that fails the run.
 */
async function readBody(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw unreachable(error);
  }
}

/** Where an answer's bytes are read into: `take` gives a buffer of at least that many bytes, `give` takes back one outgrown. */
export interface ByteBuffers {
  take(atLeast: number): Buffer;
  give(buffer: Buffer): void;
  /** The size to start with when the answer does not say its length. */
  readonly expected?: number;
}

const NEW_BUFFERS: ByteBuffers = { take: (atLeast) => Buffer.allocUnsafe(atLeast), give: () => {} };

/**
 * readBody as bytes, read chunk by chunk into a buffer of `buffers` (grown as needed): the answer's bytes are
 * never decoded into a string nor copied whole once more. Returns a view of the bytes read.
 */
async function readBytes(response: Response, buffers: ByteBuffers): Promise<Buffer> {
  try {
    // The length said is the encoded one when the answer is compressed: only a plain one sizes the buffer.
    const said = response.headers.get('content-encoding') ? Number.NaN : Number(response.headers.get('content-length'));
    let buffer = buffers.take(Number.isSafeInteger(said) && said > 0 ? said : (buffers.expected ?? 64 * 1024));
    let used = 0;
    if (response.body) {
      for await (const chunk of response.body) {
        if (used + chunk.length > buffer.length) {
          const larger = buffers.take(Math.max(buffer.length * 2, used + chunk.length));
          buffer.copy(larger, 0, 0, used);
          buffers.give(buffer);
          buffer = larger;
        }
        buffer.set(chunk, used);
        used += chunk.length;
      }
    }
    return buffer.subarray(0, used);
  } catch (error) {
    throw unreachable(error);
  }
}
