import { Hono, type Context } from 'hono';
import { entityNameOf, isSingleton, type EntityName } from '../entity-kinds.ts';
import { generateCompanyInfo, generatePreferences } from '../generator/company-info.ts';
import { executeQuery } from '../query/execute.ts';
import { parseQuery, QueryError } from '../query/parse.ts';
import { formatResponseTime } from '../qbo-time.ts';
import type { QboState } from '../state.ts';
import type { Company, Json } from '../company.ts';
import { changeDataCapture } from './cdc.ts';
import { faultBody, faults, QboFault } from './faults.ts';
import { accountingGuard, type ApiEnv } from './guard.ts';
import { REPORTS } from './reports.ts';
import { applyWrite, type WriteRecord } from './apply.ts';

type ApiContext = Context<ApiEnv>;

function time(c: ApiContext): string {
  const company = c.get('company');
  return formatResponseTime(company.nowMs, company.timeZone);
}

function singleton(company: Company, name: 'CompanyInfo' | 'Preferences'): Json {
  return company.singletons[name] ?? (name === 'CompanyInfo' ? generateCompanyInfo(company) : generatePreferences(company));
}

function entityType(segment: string): EntityName | null {
  const name = entityNameOf(segment);
  return name && !isSingleton(name) ? name : null;
}

async function jsonBody(c: ApiContext): Promise<Json> {
  const text = await c.req.text();
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Json;
  } catch {
    // fall through to the fault below
  }
  throw faults.malformedRequest('Error parsing object: the request body must be a JSON object');
}

function query(c: ApiContext, text: string): Response {
  const company = c.get('company');
  let parsed;
  try {
    parsed = parseQuery(text);
  } catch (error) {
    if (error instanceof QueryError) throw faults.query(error.code, error.message, error.detail);
    throw error;
  }
  const name = entityNameOf(parsed.entity);
  if (!name) throw faults.query('4000', 'Error parsing query', `QueryParserError: Invalid content. Entity '${parsed.entity}' is not supported.`);
  if (isSingleton(name)) {
    const item = singleton(company, name);
    c.set('entities', parsed.count ? 0 : 1);
    return c.json({ QueryResponse: parsed.count ? { totalCount: 1 } : { [name]: [item], startPosition: 1, maxResults: 1 }, time: time(c) });
  }
  let result;
  try {
    result = executeQuery(company, name, parsed, { cachedText: true });
  } catch (error) {
    // Validation of property names happens while planning: a 4001 fault, never a 500.
    if (error instanceof QueryError) throw faults.query(error.code, error.message, error.detail);
    throw error;
  }
  c.set('entities', result.kind === 'count' ? 0 : result.items.length);
  if (result.kind === 'count') return c.json({ QueryResponse: { totalCount: result.total }, time: time(c) });
  const items = result.items;
  if (items.some((item) => item instanceof Uint8Array)) {
    c.header('Content-Type', 'application/json');
    return c.body(pageBytes(name, items, result.startPosition, time(c)));
  }
  // An empty page has no entity key at all, as in QuickBooks.
  const body = items.length === 0 ? {} : { [name]: items, startPosition: result.startPosition, maxResults: items.length };
  return c.json({ QueryResponse: body, time: time(c) });
}

const COMMA = Buffer.from(',');

/**
 * A page answer spliced from cached entity text (Company.warmJson): byte for byte what
 * `c.json({ QueryResponse: { [name]: items, startPosition, maxResults }, time })` writes, without building the
 * cached entities or stringifying them again. Items that are entities (the overlay's) are stringified here.
 */
export function pageBytes(name: string, items: readonly (Json | Uint8Array)[], startPosition: number, time: string): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [Buffer.from(`{"QueryResponse":{${JSON.stringify(name)}:[`)];
  items.forEach((item, index) => {
    if (index > 0) parts.push(COMMA);
    parts.push(item instanceof Uint8Array ? item : Buffer.from(JSON.stringify(item)));
  });
  parts.push(Buffer.from(`],"startPosition":${JSON.stringify(startPosition)},"maxResults":${items.length}},"time":${JSON.stringify(time)}}`));
  return Buffer.concat(parts);
}

/** The Accounting API under /qbo/v3/company/{realmId}/. */
export function accountingRoutes(state: QboState): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  api.use('/v3/company/:realmId/*', accountingGuard(state));
  // Intuit caps requestid at 50 characters on every call, writes and batches alike (6000).
  api.use('/v3/company/:realmId/*', async (c, next) => {
    const requestId = c.req.query('requestid');
    if (requestId !== undefined && requestId.length > 50) throw faults.requestIdTooLong();
    await next();
  });

  api.onError((error, c) => {
    const company = c.get('company') as Company | undefined;
    const stamp = formatResponseTime(state.clock.nowMs(), company?.timeZone ?? 0);
    if (error instanceof QboFault) return c.json(faultBody(error, stamp), error.status as 400);
    console.error('[sandbox] unexpected error', error);
    return c.json(faultBody(faults.internal(), stamp), 500);
  });

  api.get('/v3/company/:realmId/query', (c) => query(c, c.req.query('query') ?? ''));
  api.post('/v3/company/:realmId/query', async (c) => query(c, await c.req.text()));

  api.get('/v3/company/:realmId/cdc', (c) => {
    const company = c.get('company');
    const body = changeDataCapture(company, c.req.query('entities'), c.req.query('changedSince'), company.nowMs);
    const parts = (body as { CDCResponse: { QueryResponse: Record<string, unknown>[] }[] }).CDCResponse[0]?.QueryResponse ?? [];
    c.set('entities', parts.reduce((sum, part) => sum + Object.values(part).reduce<number>((n, value) => n + (Array.isArray(value) ? value.length : 0), 0), 0));
    return c.json({ ...body, time: time(c) });
  });

  api.get('/v3/company/:realmId/reports/:report', (c) => {
    const build = REPORTS[c.req.param('report')];
    if (!build) throw faults.unknownPath(`reports/${c.req.param('report')}`);
    return c.json(build(c.get('company'), c.req.query(), c.get('company').nowMs));
  });

  api.get('/v3/company/:realmId/companyinfo/:id', (c) => {
    if (c.req.param('id') !== c.req.param('realmId')) throw faults.objectNotFound();
    return c.json({ CompanyInfo: singleton(c.get('company'), 'CompanyInfo'), time: time(c) });
  });
  api.get('/v3/company/:realmId/preferences', (c) => c.json({ Preferences: singleton(c.get('company'), 'Preferences'), time: time(c) }));

  /** Applies a write and journals it (when the sandbox persists), so a restart replays it. */
  const write = (company: Company, record: WriteRecord) => {
    const result = applyWrite(company, record);
    state.journal?.(company.realmId, company.nowMs, record);
    return result;
  };

  api.post('/v3/company/:realmId/taxservice/taxcode', async (c) => {
    const company = c.get('company');
    return c.json(write(company, { op: 'taxcode', payload: await jsonBody(c) }).body as object);
  });

  api.post('/v3/company/:realmId/batch', async (c) => {
    const company = c.get('company');
    // A batch with a requestid is idempotent as a whole: a repeat replays the first answer, item faults included.
    const requestId = c.req.query('requestid');
    const replay = requestId ? company.replyFor(requestId, company.nowMs, state.settings().request_id_window_seconds * 1000) : undefined;
    if (replay) return c.json(replay.body as object, replay.status as 200);
    const payload = await jsonBody(c);
    return c.json(write(company, requestId ? { op: 'batch', payload, requestId } : { op: 'batch', payload }).body as object);
  });

  api.get('/v3/company/:realmId/:entity/:id', (c) => {
    const type = entityType(c.req.param('entity'));
    if (!type) throw faults.unknownPath(c.req.param('entity'));
    const id = Number(c.req.param('id'));
    const entity = Number.isInteger(id) ? c.get('company').get(type, id) : null;
    if (!entity) throw faults.objectNotFound();
    return c.json({ [type]: entity, time: time(c) });
  });

  api.post('/v3/company/:realmId/:entity', async (c) => {
    const type = entityType(c.req.param('entity'));
    if (!type) throw faults.unknownPath(c.req.param('entity'));
    const company = c.get('company');
    const requestId = c.req.query('requestid');
    const replay = requestId ? company.replyFor(requestId, company.nowMs, state.settings().request_id_window_seconds * 1000) : undefined;
    if (replay) return c.json(replay.body as object, replay.status as 200);
    let payload: Json;
    try {
      payload = await jsonBody(c);
    } catch (error) {
      if (!(error instanceof QboFault)) throw error;
      const body = faultBody(error, time(c));
      if (requestId) company.replies.set(requestId, { status: error.status, body, atMs: company.nowMs });
      return c.json(body as object, error.status as 400);
    }
    const record: WriteRecord = { op: 'entity', type, payload };
    const operation = c.req.query('operation');
    if (operation !== undefined) record.operation = operation;
    if (requestId) record.requestId = requestId;
    const result = write(company, record);
    return c.json(result.body as object, result.status as 200);
  });

  api.all('/v3/company/:realmId/*', (c) => {
    throw faults.unknownPath(c.req.path);
  });
  return api;
}
