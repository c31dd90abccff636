import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';
import type { RateDecision } from './rate-limiter.ts';

/** The security headers of one app: those that never change, and the policy for this request's answer. */
export interface SecurityValues {
  fixed: [string, string][];
  /** `fixed` as an object with lower-case names. */
  fixedObject: Record<string, string>;
  policyFor(c: Context): string;
}

type HeaderFn = (name: string, value?: string, options?: { append?: boolean }) => void;
type JsonFn = (object: unknown, arg?: unknown, headers?: unknown) => Response | Promise<Response>;

const ANSWER = 'answer' as never;

/**
 * The headers the request pipeline gives one request's answer (request id, CORS, RateLimit-*, security), kept
 * in a plain object and written once. `c.json(body, status)` with no `c.header` call before it builds its
 * response with all of them as a plain object, which Node writes without a `Headers` instance (a `Headers`
 * costs about twenty validated `set` calls and a sort per answer). Any other answer (a page, an error with
 * headers, a redirect, a stream, one whose route set headers itself) is built by Hono as before and gets the
 * same headers set onto it afterwards (`writeOnto`).
 */
export class Answer {
  /** Lower-case names; written through set() and drop(). */
  readonly headers: Record<string, string> = {};
  #count = 0;
  /** The response built with every header already in it: nothing to add afterwards. */
  built: Response | undefined;
  /** Whether anything called `c.header` on this request: then Hono builds the answer, with those headers. */
  touched = false;
  readonly #honoHeader: HeaderFn;
  readonly #honoJson: JsonFn;

  constructor(
    private readonly c: Context<AppEnv>,
    private readonly security: SecurityValues,
    private readonly ownPath: boolean,
    private readonly rateLimitHeaders: (decision: RateDecision) => [string, string][],
  ) {
    const own = c as unknown as { header: HeaderFn; json: JsonFn };
    this.#honoHeader = own.header;
    this.#honoJson = own.json;
    own.header = headerOf;
    own.json = jsonOf;
    c.set(ANSWER, this as never);
  }

  /** A header for the answer (lower-case name). */
  set(name: string, value: string): void {
    if (!(name in this.headers)) this.#count++;
    this.headers[name] = value;
  }

  /** A header the pipeline decided earlier is withdrawn (a CORS grant, once the tenant's origins are known). */
  drop(name: string): void {
    const lower = name.toLowerCase();
    if (!(lower in this.headers)) return;
    this.#count--;
    delete this.headers[lower];
  }

  /** Every header for an answer built here, as one object for the response's init. */
  complete(contentType: string): Record<string, string> {
    const h = this.headers;
    const decision = this.c.get('rateLimit');
    const id = h['x-request-id'];
    const origin = h['access-control-allow-origin'];
    const expose = h['access-control-expose-headers'];
    const vary = h['vary'];
    // A widget answer to a granted origin, the common case, as one literal: an object of constant shape is
    // built in well under a microsecond, one grown key by key takes V8 many times that.
    if (this.ownPath && decision && this.#count === 4 && id !== undefined && origin !== undefined && expose !== undefined && vary !== undefined) {
      const out: Record<string, string> = {
        'x-request-id': id,
        'access-control-allow-origin': origin,
        'access-control-expose-headers': expose,
        vary,
        'content-type': contentType,
        'ratelimit-limit': String(decision.limit),
        'ratelimit-remaining': String(decision.remaining),
        'ratelimit-reset': String(decision.resetSeconds),
        'ratelimit-policy': `${decision.limit};w=60;policy="${decision.policy}"`,
        'content-security-policy': this.security.policyFor(this.c),
        ...this.security.fixedObject,
      };
      return out;
    }
    const out: Record<string, string> = {};
    for (const name in h) out[name] = h[name]!;
    out['content-type'] = contentType;
    if (decision) for (const [name, value] of this.rateLimitHeaders(decision)) out[name.toLowerCase()] = value;
    if (this.ownPath) {
      out['content-security-policy'] = this.security.policyFor(this.c);
      for (const [name, value] of this.security.fixed) out[name.toLowerCase()] = value;
    }
    return out;
  }

  /** The same headers onto an answer Hono built: the route's own stay, but for those the pipeline decides. */
  writeOnto(res: Response): void {
    if (res === this.built) return;
    const decision = this.c.get('rateLimit');
    try {
      const headers = res.headers;
      for (const name in this.headers) {
        if (name === 'vary') appendToken(headers, name, this.headers[name]!);
        else headers.set(name, this.headers[name]!);
      }
      if (decision) for (const [name, value] of this.rateLimitHeaders(decision)) headers.set(name, value);
      if (this.ownPath) {
        headers.set('Content-Security-Policy', this.security.policyFor(this.c));
        for (const [name, value] of this.security.fixed) headers.set(name, value);
        headers.delete('X-Powered-By');
      }
    } catch {
      // An answer with immutable headers (a proxied fetch): Hono copies it into one that takes them.
      const set = (name: string, value: string) => this.#honoHeader.call(this.c, name, value);
      for (const name in this.headers) set(name, this.headers[name]!);
      if (decision) for (const [name, value] of this.rateLimitHeaders(decision)) set(name, value);
      if (this.ownPath) {
        set('Content-Security-Policy', this.security.policyFor(this.c));
        for (const [name, value] of this.security.fixed) set(name, value);
      }
    }
  }

  static of(c: Context): Answer | undefined {
    return (c as Context<AppEnv>).get(ANSWER) as Answer | undefined;
  }

  static header(answer: Answer, c: Context, name: string, value?: string, options?: { append?: boolean }): void {
    answer.touched = true;
    answer.#honoHeader.call(c, name, value, options);
  }

  static json(answer: Answer, c: Context, object: unknown, arg?: unknown, headers?: unknown): Response | Promise<Response> {
    if (answer.touched || typeof arg !== 'number' || headers !== undefined || c.finalized) return answer.#honoJson.call(c, object, arg, headers);
    const response = new Response(JSON.stringify(object), { status: arg, headers: answer.complete('application/json') });
    answer.built = response;
    return response;
  }
}

function appendToken(headers: Headers, name: string, token: string): void {
  const existing = headers.get(name);
  if (!existing) headers.set(name, token);
  else if (!existing.split(',').some((part) => part.trim().toLowerCase() === token.toLowerCase())) headers.set(name, `${existing}, ${token}`);
}

/** `c.header` for the rest of the request: Hono's own, noted, so `c.json` leaves the answer to Hono. */
function headerOf(this: Context, name: string, value?: string, options?: { append?: boolean }): void {
  Answer.header(Answer.of(this)!, this, name, value, options);
}

/** `c.json` for the rest of the request: see Answer. */
function jsonOf(this: Context, object: unknown, arg?: unknown, headers?: unknown): Response | Promise<Response> {
  return Answer.json(Answer.of(this)!, this, object, arg, headers);
}
