import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createLogger } from '../bff/http/logger.ts';
import { nextScheduledAt } from '../bff/sync/schedule.ts';
import { seededRandom } from '../shared/matching/fixtures/seeded-random.ts';
import { testApp } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { operationsOf, resolve, type JsonSchema, type OpenApiDocument, type OperationEntry } from './support/openapi-document.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { syncOnce } from './support/sync.ts';

/**
 * Hostile input on every route /openapi.json publishes: one field at a time is replaced by a hostile value
 * (wrong type, NUL, lone surrogate, huge and tiny numbers, dates no database stores, 10k-char strings,
 * another tenant's ids) while everything else stays valid, so each variant reaches as deep as it can.
 * Nothing may answer 5xx, and nothing tenant A sends may read or change tenant B.
 */

const sandbox = await startSandbox();
/** Error lines the app logs: a schema gap caught only by the database safety net shows up here, not as a 5xx. */
const errorLines: string[] = [];
const t = testApp({ ...sandboxDeps(sandbox.url), logger: createLogger('error', {}, (line) => void errorLines.push(line)) });
const VERIFIER = 'test-verifier'; // sandboxDeps' QBO_WEBHOOK_VERIFIER
const random = seededRandom(9);

// ── Two tenants with real data (a connected, imported company each), and a third for operator routes ───────

async function tenantWithData(label: 'a' | 'b') {
  const tenant = await t.createTenant(`Fuzz tenant ${label}`);
  const org = `org-${label}`;
  const { realm_id: realm } = await sandbox.control<{ realm_id: string }>('POST', '/qbo/companies', { size: 'small', country: 'US', plan: 'Plus' });
  const { result } = await connectThroughPopup(t, sandbox, tenant, org, realm);
  const connectionId = result.connection!.id;
  await syncOnce(t, connectionId);
  const [vendor] = await t.deps.sql<{ external_id: string }[]>`
    select external_id from records where connection_id = ${connectionId} and type = 'Vendor' and deleted_at is null order by external_id limit 1`;
  const hostIds = [`host-${label}-0`, `host-${label}-1`];
  const put = await t.request(`/v1/organizations/${org}/host-records/suppliers`, {
    method: 'PUT',
    token: tenant.secretKey,
    json: { records: hostIds.map((id, i) => ({ id, name: `Fuzz ${label} supplier ${i}` })) },
  });
  if (put.status !== 200) throw new Error(`host records: ${put.status} ${await put.text()}`);
  const linked = await t.request(`/v1/connections/${connectionId}/links`, {
    method: 'POST',
    token: tenant.secretKey,
    json: { kind: 'suppliers', links: [{ host_id: hostIds[0], provider_id: vendor!.external_id, method: 'manual' }] },
  });
  if (linked.status !== 201) throw new Error(`link: ${linked.status} ${await linked.text()}`);
  const endpoint = await t.request('/v1/webhook-endpoints', { method: 'POST', token: tenant.secretKey, json: { url: `https://hooks.example/${label}`, events: ['*'] } });
  const endpointId = ((await endpoint.json()) as { id: string }).id;
  const session = await t.session(tenant, org, { id: `user-${label}`, role: 'admin' });
  const metric = await t.request(`/v1/connections/${connectionId}/metrics`, {
    method: 'POST',
    token: tenant.secretKey,
    json: { name: `Fuzz ${label} revenue`, dataset: 'profit_and_loss', line: 'total:revenue', aggregation: 'sum', period: 'month', accounting_method: 'accrual' },
  });
  if (metric.status !== 201) throw new Error(`metric: ${metric.status} ${await metric.text()}`);
  const metricId = ((await metric.json()) as { id: string }).id;
  return { tenant, org, realm, connectionId, endpointId, hostIds, vendorId: vendor!.external_id, session, metricId };
}

const a = await tenantWithData('a');
const b = await tenantWithData('b');
const operator = await t.createTenant('Fuzz operator target');
const operatorKeyId = /^llsk_(key_[0-9a-f]{20})_/.exec(operator.secretKey)![1]!;

/** Everything of tenant B's, as rows: compared before and after the fuzz. */
async function snapshotOfB() {
  const { sql } = t.deps;
  const connections = sql`select id from connections where tenant_id = ${b.tenant.id}`;
  const tables = await Promise.all([
    sql`select to_jsonb(x) as row from tenants x where id = ${b.tenant.id}`,
    sql`select to_jsonb(x) as row from tenant_secret_keys x where tenant_id = ${b.tenant.id} order by id`,
    sql`select to_jsonb(x) as row from organizations x where tenant_id = ${b.tenant.id} order by id`,
    sql`select to_jsonb(x) - 'last_refreshed_at' as row from connections x where tenant_id = ${b.tenant.id} order by id`,
    sql`select to_jsonb(x) as row from host_records x where tenant_id = ${b.tenant.id} order by host_id`,
    sql`select to_jsonb(x) as row from party_links x where connection_id in (${connections}) order by id`,
    sql`select to_jsonb(x) as row from webhook_endpoints x where tenant_id = ${b.tenant.id} order by id`,
    sql`select to_jsonb(x) as row from events x where tenant_id = ${b.tenant.id} order by id`,
    sql`select to_jsonb(x) as row from list_mirrors x where connection_id in (${connections}) order by type, external_id`,
    sql`select count(*)::int as row, max(change_seq)::text as seq from records where connection_id in (${connections})`,
    sql`select to_jsonb(x) as row from sync_runs x where connection_id in (${connections}) order by id`,
    sql`select to_jsonb(x) as row from metric_definitions x where tenant_id = ${b.tenant.id} order by id`,
  ]);
  return JSON.parse(JSON.stringify(tables));
}
const before = await snapshotOfB();

// ── Hostile values ──────────────────────────────────────────────────────────────────────────────────────

type Variant = readonly [kind: string, value: unknown];

/** As text: what a URL (path or query) or a JSON string can carry. */
const hostileText: Variant[] = [
  ['NUL', 'a\u0000b'],
  ['NUL only', '\u0000'],
  ['lone high surrogate', 'x\ud800'],
  ['lone low surrogate', '\udfffy'],
  ['10k chars', 'a'.repeat(10_000)],
  ['10k astral chars', '\u{1F680}'.repeat(5_000)],
  ['empty', ''],
  ['unicode', 'Zoë Ørsted — 東京 مرحبا e\u0301'],
  ['sql-ish', "' or 1=1; --"],
  ['like wildcards', '%_\\'],
  ['year 0', '0000-01-01T00:00:00Z'],
  ['year 1', '0001-01-01T00:00:00Z'],
  ['year 9999 +offset', '9999-12-31T23:59:59-23:59'],
  ['offset beyond ±15:59', '2026-01-01T00:00:00+23:00'],
  ['infinity', 'infinity'],
  ['bigint overflow', '9223372036854775808'],
  ['400 digits', '9'.repeat(400)],
  ['negative', '-1'],
  ['exponent', '1e999'],
  ['NaN', 'NaN'],
  ['hex', '0x7fffffffffffffff'],
  ['cursor beyond bigint', Buffer.from('9999999999999999999').toString('base64url')],
  ['cursor not digits', Buffer.from('1; drop').toString('base64url')],
];

/** Beyond text: what only a JSON body can carry. */
const hostileJson: Variant[] = [
  ['number', 42],
  ['zero', 0],
  ['negative number', -1],
  ['2^63', 9223372036854775808],
  ['-2^63-1', -9223372036854775809],
  ['1e308', 1e308],
  ['tiny', 5e-324],
  ['fraction', 0.5],
  ['beyond safe integer', 2 ** 53 + 2],
  ['true', true],
  ['null', null],
  ['empty array', []],
  ['empty object', {}],
  ['NUL key', { '\u0000': 'x' }],
  ['array of NUL', ['\u0000']],
  ['10001 items', Array.from({ length: 10_001 }, (_, i) => `x${i}`)],
  ['nested 3000 deep', JSON.parse('['.repeat(3_000) + '"x"' + ']'.repeat(3_000))],
];

/** Ids of tenant B that tenant A might try, by field name. */
const foreign: Record<string, string[]> = {
  id: [b.connectionId, b.endpointId],
  connection_id: [b.connectionId],
  connection_ids: [b.connectionId],
  host_id: [b.hostIds[0]!],
  metric_id: [b.metricId],
  organization_id: [b.org],
  user_ids: [`user-b`],
};

/** Tenant B's data that must never appear in a 2xx answer to tenant A (unless A sent it). */
const markersOfB = [b.tenant.id, b.connectionId, b.endpointId, b.realm, b.hostIds[0]!, b.hostIds[1]!, b.metricId];

/** Strings of random code points (controls, surrogate halves, astral, noncharacters), the same on every run. */
function randomText(count: number): Variant[] {
  const ranges = [[0x00, 0x1f], [0x20, 0x7e], [0x7f, 0x9f], [0xd800, 0xdfff], [0xfdd0, 0xfdef], [0xfff0, 0xffff], [0x1f300, 0x1faff], [0x10fff0, 0x10ffff]] as const;
  return Array.from({ length: count }, (_, n) => {
    let text = '';
    for (let i = 0, length = 1 + random.integer(40); i < length; i++) {
      const [low, high] = random.pick(ranges);
      text += String.fromCodePoint(low + random.integer(high - low + 1));
    }
    return [`random text ${n}`, text] as const;
  });
}

// ── Valid requests, from the published document ─────────────────────────────────────────────────────────

const document = (await (await t.request('/openapi.json')).json()) as OpenApiDocument;

/** Valid values by field name where the schema alone cannot say (ids that exist, a cron, a URL). */
const validByName: Record<string, unknown> = {
  org: a.org,
  organization_id: a.org,
  kind: 'suppliers',
  type: 'Vendor',
  list: 'accounts',
  provider: 'qbo',
  host_id: a.hostIds[1],
  provider_id: a.vendorId,
  connection_id: a.connectionId,
  connection_ids: [a.connectionId],
  key_id: operatorKeyId,
  updated_since: '2020-01-01T00:00:00Z',
  cursor: Buffer.from('1').toString('base64url'),
  ref: 'r'.repeat(24),
  realmId: a.realm,
  cron: '0 3 * * *',
  timezone: 'Europe/Paris',
  url: 'https://hooks.example/fuzz',
  events: ['*'],
  return_url: `${a.tenant.origin}/back`,
  connect_roles: ['admin'],
  sync_roles: ['admin'],
  allowed_countries: ['US'],
  email: 'ada@example.com',
  allowed_origins: ['https://fuzz.example'],
  user_ids: ['user-a'],
  role: 'admin',
  metric_id: a.metricId,
  line: 'total:revenue',
  status: 'needs_mapping,rejected',
  quickbooks_id: '145',
};

function validId(path: string): string {
  if (path.startsWith('/v1/webhook-endpoints')) return a.endpointId;
  if (path.startsWith('/v1/admin/tenants')) return operator.id;
  return a.connectionId;
}

/** A value the schema accepts, preferring the named value above. */
function exampleOf(schema: JsonSchema, name: string): unknown {
  const resolved = resolve(document, schema);
  // A named value is only valid where the field's enum (if any) has it: `kind` is a party kind on the matcher's
  // routes and a document kind on write-back's.
  if (name in validByName && (!resolved.enum || resolved.enum.includes(validByName[name]))) return validByName[name];
  const alternative = resolved.anyOf?.[0] ?? resolved.oneOf?.[0] ?? resolved.allOf?.[0];
  if (alternative) return exampleOf(alternative, name);
  if (resolved.const !== undefined) return resolved.const;
  if (resolved.enum) return resolved.enum[0];
  if (resolved.default !== undefined) return resolved.default;
  const type = Array.isArray(resolved.type) ? resolved.type.find((each) => each !== 'null') : resolved.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(resolved.properties ?? {}).map(([key, property]) => [key, exampleOf(property, key)]));
    case 'array':
      return Array.from({ length: Math.max(1, resolved.minItems ?? 1) }, () => exampleOf(resolved.items ?? {}, name));
    case 'integer':
    case 'number':
      return resolved.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      if (resolved.format === 'email') return 'ada@example.com';
      if (resolved.format === 'uri') return 'https://fuzz.example/x';
      if (resolved.format === 'date-time') return '2020-01-01T00:00:00Z';
      return 'fuzz-' + 'x'.repeat(Math.max(0, (resolved.minLength ?? 0) - 5));
  }
}

/** Paths to every value in a JSON body (containers included), for replacing one at a time. */
function leavesOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const here = path.length > 0 ? [path] : [];
  if (Array.isArray(value)) return [...here, ...value.slice(0, 1).flatMap((item, index) => leavesOf(item, [...path, index]))];
  if (value && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([key, child]) => leavesOf(child, [...path, key]))];
  return here;
}

function replaced(body: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(body) ? [...body] : { ...(body as object) };
  copy[path[0]!] = replaced(copy[path[0]!], path.slice(1), value);
  return copy;
}

/**
 * Percent-encodes like encodeURIComponent, except that a lone surrogate (which it refuses) is sent as its
 * three WTF-8 bytes, as a hostile client can.
 */
function encodeHostile(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[^\ud800-\udfff]+|[\ud800-\udbff][\udc00-\udfff]/g, (part) => {
    if (part.length !== 1 || !/[\ud800-\udfff]/.test(part)) return encodeURIComponent(part);
    const code = part.charCodeAt(0);
    return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
  });
}

interface FuzzRequest {
  field: string;
  kind: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** The value sent, when it is one of tenant B's ids. */
  foreign?: string;
}

/** The webhook takes Intuit's body, undocumented as a schema (it is read raw to check the signature). */
const qboNotification = {
  eventNotifications: [{ realmId: a.realm, dataChangeEvent: { entities: [{ name: 'Vendor', id: '1', operation: 'Update', lastUpdated: '2026-11-21T10:00:00.000Z' }] } }],
};

function requestsFor(entry: OperationEntry): FuzzRequest[] {
  const parameters = entry.operation.parameters ?? [];
  const pathValues = Object.fromEntries(parameters.filter((p) => p.in === 'path').map((p) => [p.name, p.name === 'id' ? validId(entry.path) : String(exampleOf(p.schema, p.name))]));
  const query = Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, String(exampleOf(p.schema, p.name))]));
  const bodySchema = entry.operation.requestBody?.content['application/json']?.schema;
  const body = entry.path === '/v1/webhooks/qbo' ? qboNotification : bodySchema ? exampleOf(bodySchema, '') : undefined;
  const base = { path: entry.path, query, body };
  const fill = (values: Record<string, string>) => entry.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeHostile(values[name]!));
  const out: FuzzRequest[] = [];
  const tenantScoped = entry.scheme === 'secretKey' || entry.scheme === 'sessionToken';
  for (const parameter of parameters) {
    if (parameter.in !== 'path' && parameter.in !== 'query') continue;
    const variants: Variant[] = [...hostileText, ...randomText(3), ...(tenantScoped ? (foreign[parameter.name] ?? []).map((id) => ['other tenant', id] as const) : [])];
    for (const [kind, value] of variants) {
      const text = String(value);
      const request = { ...base, field: `${parameter.in}.${parameter.name}`, kind, ...(kind === 'other tenant' ? { foreign: text } : {}) };
      if (parameter.in === 'path') out.push({ ...request, path: fill({ ...pathValues, [parameter.name]: text }), query });
      else out.push({ ...request, path: fill(pathValues), query: { ...query, [parameter.name]: text } });
    }
  }
  if (body !== undefined) {
    for (const leaf of [[], ...leavesOf(body)]) {
      const name = String(leaf.filter((part) => typeof part === 'string').at(-1) ?? '');
      const variants: Variant[] = [
        ...hostileText,
        ...hostileJson,
        ...randomText(2),
        ...(tenantScoped ? (foreign[name] ?? []).map((id) => ['other tenant', name.endsWith('_ids') ? [id] : id] as const) : []),
      ];
      for (const [kind, value] of variants) {
        out.push({
          ...base,
          path: fill(pathValues),
          field: ['body', ...leaf].join('.'),
          kind,
          body: replaced(body, leaf, value),
          ...(kind === 'other tenant' ? { foreign: String(Array.isArray(value) ? value[0] : value) } : {}),
        });
      }
    }
  }
  return out;
}

function credentialFor(scheme: string): string | undefined {
  if (scheme === 'secretKey') return a.tenant.secretKey;
  if (scheme === 'sessionToken') return a.session;
  if (scheme === 'adminToken') return t.deps.keys.adminToken;
  return undefined;
}

async function send(entry: OperationEntry, request: FuzzRequest) {
  const search = Object.entries(request.query).map(([key, value]) => `${encodeHostile(key)}=${encodeHostile(value)}`).join('&');
  const url = request.path + (search ? `?${search}` : '');
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
    if (entry.path === '/v1/webhooks/qbo') headers['intuit-signature'] = createHmac('sha256', VERIFIER).update(body).digest('base64');
  }
  const token = credentialFor(entry.scheme);
  return t.request(url, { method: entry.method, headers, ...(body !== undefined ? { body } : {}), ...(token ? { token } : {}) });
}

// Reads, writes, the reads again (now over whatever hostile values the writes stored), deletes last: a delete
// that succeeds must not starve the routes after it of data.
const published = operationsOf(document);
const byMethod = (...methods: string[]) => published.filter((entry) => methods.includes(entry.method));
const named = (prefix: string, entries: OperationEntry[]) => entries.map((entry) => [`${prefix}${entry.method} ${entry.path}`, entry] as const);
const phases = {
  reads: named('', byMethod('GET')),
  writes: named('', byMethod('POST', 'PUT', 'PATCH')),
  readsAgain: named('after the writes: ', byMethod('GET')),
  deletes: named('', byMethod('DELETE')),
};

const unstorableKinds = new Set(['NUL', 'NUL only', 'lone high surrogate', 'lone low surrogate']);
const refusedByField: Record<string, string[]> = {
  'query.updated_since': ['year 0', 'year 1', 'year 9999 +offset', 'infinity', '10k chars'],
  'query.cursor': ['cursor beyond bigint', 'cursor not digits', '400 digits'],
};

/** Text no column stores, anywhere; out-of-range dates and cursors where a date or cursor is expected. */
function mustBeRefused(request: FuzzRequest): boolean {
  return unstorableKinds.has(request.kind) || (refusedByField[request.field]?.includes(request.kind) ?? false);
}

function messageOf(text: string): string {
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? '';
  } catch {
    return '';
  }
}

interface Finding {
  operation: string;
  field: string;
  kind: string;
  status: number;
  message: string;
}
const findings: Finding[] = [];
let sent = 0;

describe('fuzz: hostile input on every published route', () => {
  async function fuzz(name: string, entry: OperationEntry) {
    const problems: Finding[] = [];
    for (const request of requestsFor(entry)) {
      const response = await send(entry, request);
      sent++;
      const text = await response.text();
      const finding = { operation: name, field: request.field, kind: request.kind, status: response.status, message: text.slice(0, 300) };
      if (response.status >= 500) problems.push(finding);
      if (request.foreign && request.field.startsWith('path.') && response.status < 300) problems.push({ ...finding, kind: `${request.kind}: 2xx for another tenant's id` });
      if (response.status < 300 && entry.scheme !== 'adminToken') {
        const leaked = markersOfB.filter((marker) => marker !== request.foreign && text.includes(marker));
        if (leaked.length > 0) problems.push({ ...finding, kind: `${request.kind}: answer holds tenant B's ${leaked.join(', ')}` });
      }
      // The kinds are refused up front with a 400 whose message names the field.
      if (mustBeRefused(request) && !(response.status === 400 && messageOf(text).startsWith(request.field))) {
        problems.push({ ...finding, kind: `${request.kind}: not a 400 naming ${request.field}` });
      }
    }
    findings.push(...problems);
    expect(problems.map((p) => `${p.status} ${p.field} (${p.kind}): ${p.message}`)).toEqual([]);
  }

  // A route is hundreds of requests (each field × each hostile value): bulk work on a shared machine, not a timing target.
  const perRoute = { timeout: 120_000 };
  test.for(phases.reads)('%s', perRoute, ([name, entry]) => fuzz(name, entry));
  test.for(phases.writes)('%s', perRoute, ([name, entry]) => fuzz(name, entry));
  test.for(phases.readsAgain)('%s', perRoute, ([name, entry]) => fuzz(name, entry));

  test('after the writes: tenant A\'s company still syncs', async () => {
    expect((await syncOnce(t, a.connectionId)).status).toBe('succeeded');
  });

  test.for(phases.deletes)('%s', ([name, entry]) => fuzz(name, entry));

  /** Bodies no serializer makes: truncated JSON and bytes that are not UTF-8, on every write route. */
  test.for(phases.writes)('raw bodies: %s', async ([name, entry]) => {
    const base = requestsFor(entry)[0];
    if (!base) return;
    const search = Object.entries(base.query).map(([key, value]) => `${encodeHostile(key)}=${encodeHostile(value)}`).join('&');
    const url = base.path + (search ? `?${search}` : '');
    const token = credentialFor(entry.scheme);
    const bodies: [string, string | Uint8Array<ArrayBuffer>][] = [['truncated JSON', '{'], ['not UTF-8', new Uint8Array([0x7b, 0x22, 0x61, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])]];
    for (const [kind, body] of bodies) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (entry.path === '/v1/webhooks/qbo') headers['intuit-signature'] = createHmac('sha256', VERIFIER).update(body).digest('base64');
      const response = await t.request(url, { method: entry.method, headers, body, ...(token ? { token } : {}) });
      sent++;
      const text = await response.text();
      expect(response.status, `${name} ${kind}: ${text.slice(0, 200)}`).toBeLessThan(500);
      if (kind === 'not UTF-8') expect([response.status, messageOf(text)], name).toEqual([400, expect.stringMatching(/^body: must be UTF-8/)]);
    }
  });

  test('the QuickBooks webhook without QBO_WEBHOOK_VERIFIER (the default npm start): a 404 naming the setting, whatever the body', async () => {
    const unconfigured = testApp();
    for (const body of ['{', '', '[]', '{"eventNotifications":[{"realmId":"1"}]}']) {
      const response = await unconfigured.request('/v1/webhooks/qbo', { method: 'POST', body, headers: { 'content-type': 'application/json', 'intuit-signature': 'x' } });
      expect([response.status, messageOf(await response.text())]).toEqual([404, expect.stringContaining('QBO_WEBHOOK_VERIFIER')]);
    }
  });

  test('nothing reached the database unrefused: no error was logged', () => {
    expect(errorLines.map((line) => line.slice(0, 400))).toEqual([]);
  });

  test('what the writes stored, background work can use: every stored sync schedule computes', async () => {
    const rows = await t.deps.sql<{ id: string; settings: { sync_schedule?: { cron: string; timezone: string } } }[]>`
      select id, settings from organizations where tenant_id = ${a.tenant.id}`;
    for (const row of rows) {
      if (row.settings.sync_schedule) expect(() => nextScheduledAt(row.settings.sync_schedule!, new Date(), 'con_fuzz'), row.id).not.toThrow();
    }
  });

  test('tenant B is untouched', async () => {
    expect(await snapshotOfB()).toEqual(before);
  });

  test('summary', () => {
    const byKind = new Map<string, number>();
    for (const finding of findings) byKind.set(`${finding.status} ${finding.kind}`, (byKind.get(`${finding.status} ${finding.kind}`) ?? 0) + 1);
    console.log(`fuzz: ${sent} requests, ${findings.length} findings`, Object.fromEntries(byKind));
    expect(sent).toBeGreaterThan(1000);
  });
});
