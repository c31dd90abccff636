import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../context.ts';
import { ApiError } from './api-error.ts';

/**
 * U+0000, which Postgres refuses in text (22021) and jsonb (22P05), and a UTF-16 surrogate without its other
 * half, which is not Unicode text at all: postgres.js turns it into U+FFFD in text and jsonb refuses its
 * escape (22P02). Found without the u flag on purpose, so the regex sees code units, not code points.
 */
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with a string, in words for the error message, or undefined when it can be stored. */
export function unstorableText(text: string): string | undefined {
  const found = unstorable.exec(text)?.[0];
  if (found === undefined) return undefined;
  if (found === '\u0000') return 'must not contain a NUL character (U+0000)';
  return `must not contain a lone surrogate (U+${found.charCodeAt(0).toString(16).toUpperCase()}); send well-formed UTF-8`;
}

/** A URL of printable ASCII with no percent escape: no NUL or surrogate can hide in it. */
const plainUrl = /^[\x21-\x24\x26-\x7e]*$/;

interface Issue {
  field: string;
  message: string;
}

const MAX_ISSUES = 20;

/**
 * Refuses, with a 400 naming the field (`path.host_id`, `query.q`, `body.records.0.name`), any request whose
 * path parameters, query or JSON body hold text no database column can store. One middleware ahead of every
 * route, so no route, present or added later, has to remember it and no handler or query ever sees such a
 * string. Headers need no check: the HTTP parser already refuses NUL and non-Latin-1 in them.
 */
export function storableText(): MiddlewareHandler<AppEnv> {
  return async function storableText(c, next) {
    // Most requests: a bodiless GET whose URL is printable ASCII without escapes, which can hold neither.
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && plainUrl.test(c.req.url)) return next();
    const issues: Issue[] = [];
    const report = (field: string, text: string | Decoded) => {
      const message = typeof text === 'string' ? unstorableText(text) : text.malformed ? 'must be percent-encoded UTF-8' : unstorableText(text.value);
      if (message && issues.length < MAX_ISSUES) issues.push({ field, message });
    };
    const url = new URL(c.req.url);
    checkPath(c, url.pathname, report);
    for (const pair of url.search.slice(1).split('&')) {
      if (pair === '') continue;
      const [rawName = '', ...rawValue] = pair.split('=');
      const name = decodeComponent(rawName.replace(/\+/g, ' '));
      const field = `query.${printable(name.value)}`;
      report(field, name);
      report(field, decodeComponent(rawValue.join('=').replace(/\+/g, ' ')));
    }
    const body = await jsonBody(c);
    if (body !== undefined) walk(body.value, report);
    const first = issues[0];
    if (first) {
      const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
      throw new ApiError('invalid_request', `${first.field}: ${first.message}${more}`, { issues });
    }
    await next();
  };
}

type Report = (field: string, text: string | Decoded) => void;

/** Path segments, named after the route's parameters. */
function checkPath(c: Context<AppEnv>, pathname: string, report: Report) {
  const endpoint = matchedRoutes(c).findLast((route) => route.method !== 'ALL');
  const names = endpoint?.path.split('/') ?? [];
  pathname.split('/').forEach((raw, index) => {
    const pattern = names[index];
    const name = pattern?.startsWith(':') ? pattern.slice(1).replace(/\{.*$/, '').replace(/\?$/, '') : undefined;
    report(name ? `path.${name}` : 'path', decodeComponent(raw));
  });
}

interface Decoded {
  value: string;
  /** Some %XX run is not UTF-8 (a lone surrogate sent as WTF-8, a stray %FF): the router would keep it raw. */
  malformed: boolean;
}

/** Decodes each run of %XX escapes as the router does, noting the runs it would have to leave undecoded. */
function decodeComponent(raw: string): Decoded {
  let malformed = false;
  const value = raw.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      malformed = true;
      return run;
    }
  });
  return { value, malformed };
}

/**
 * The parsed body when it is JSON. Read as bytes and decoded as strict UTF-8 first (anything else is a 400 naming
 * the body), the text kept in Hono's body cache, so the route's own validator and a route that needs the raw
 * body (the QuickBooks webhook signature) read the same body afterwards. A body
 * sent without a JSON content type is still checked when it parses, because the webhook reads it regardless.
 */
async function jsonBody(c: Context<AppEnv>): Promise<{ value: unknown } | undefined> {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return undefined;
  const type = c.req.header('content-type') ?? '';
  if (/multipart\/form-data|application\/x-www-form-urlencoded/i.test(type)) return undefined;
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    // Fatal: a byte sequence that is not UTF-8 is refused here, where `text()` would quietly turn it into U+FFFD
    // and the replacement would be stored as if the host had sent it.
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError('invalid_request', 'body: must be UTF-8 encoded; the request body holds bytes that are not UTF-8', {
      issues: [{ field: 'body', message: 'must be UTF-8 encoded' }],
    });
  }
  // The decoded text is what every later reader gets: the route's validator (`json()` parses the cached text)
  // and the QuickBooks webhook, whose signature is checked over these very bytes.
  // (Hono types the cache by value, yet stores and awaits the promises its readers return.)
  (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined; // not JSON: the route's validator answers malformed_json
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Where a value sits in the body: a parent chain, spelled out only for a string that is refused. */
interface Place {
  segment: string;
  parent: Place | undefined;
}

function fieldOf(place: Place): string {
  const segments: string[] = [];
  for (let at: Place | undefined = place; at; at = at.parent) segments.push(at.segment);
  return segments.reverse().join('.');
}

/**
 * Every string and key, depth first, keys before their values. With its own stack and parent chains: a
 * hostile body can nest deeper than the call stack, and copying paths would make that quadratic.
 */
function walk(root: unknown, report: Report) {
  const pending: [unknown, Place][] = [[root, { segment: 'body', parent: undefined }]];
  while (pending.length > 0) {
    const [value, place] = pending.pop()!;
    if (typeof value === 'string') {
      if (unstorableText(value)) report(fieldOf(place), value);
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) pending.push([value[index], { segment: String(index), parent: place }]);
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value).reverse()) {
        const here = { segment: printable(key), parent: place };
        pending.push([child, here], [key, here]);
      }
    }
  }
}

/** A field name safe to show: the very characters refused are written as \u escapes. */
function printable(name: string): string {
  return name.replace(/[\u0000-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
