import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createHash } from 'node:crypto';
import { HostId } from '../../shared/api/common.ts';
import { ConnectionId } from '../../shared/api/connections.ts';
import { HostCategory, HostClass, HostLocation, HostProduct, HostStaff, HostTaxRate, MappingChange, MappingState, mappingKinds, PutDefaultsBody, PutMappingsBody, putMappingHostRecordsBody } from '../../shared/api/mappings.ts';
import { defaultChoice, defaultProblems, defaultTargetType, mappingContext, mappingProblems, targetsFor } from '../../shared/mapping/mapping-engine.ts';
import { defaultKeys, type HostCategory as Category, type HostTaxRate as TaxRate, type MappingKind } from '../../shared/mapping/types.ts';
import type { Capability } from '../auth/roles.ts';
import type { ConnectionRow } from '../connections/store.ts';
import { qboApiFor } from '../connections/provider.ts';
import type { AppEnv } from '../context.ts';
import type { Queryable } from '../db/client.ts';
import { ApiError, forbidden, notFound } from '../http/api-error.ts';
import { validationHook } from '../http/errors.ts';
import { jsonBody, jsonResponse, serverRoute, widgetRoute } from '../http/routes.ts';
import { apiErrorForFault } from '../matching/create-party.ts';
import { connectionFor, sessionActor } from '../matching/routes.ts';
import { putHostRecords } from '../matching/store.ts';
import { ensureOrganization, getSettings } from '../organizations/store.ts';
import { describeQboFault, QboError } from '../providers/qbo/faults.ts';
import { upsertRecords } from '../records/store.ts';
import { ProviderBudget } from '../sync/budget.ts';
import { ProviderCaller, qboBudgetKey } from '../sync/provider-caller.ts';
import { loadCompanyLists } from './lists.ts';
import { hostRecordsOf, mappingState } from './state.ts';
import { lockMappings, saveMappings, storedMappings, type MappingWrite } from './store.ts';

export const mappingRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const hostSchemas = [
  ['tax-rates', HostTaxRate, 'PutHostTaxRates', 'your tax rates (name, rate %, sales and/or purchases, region)'],
  ['billable-categories', HostCategory, 'PutHostCategories', 'your billable categories (services, activities, time codes)'],
  ['staff', HostStaff, 'PutHostStaff', 'your staff (name, email, rate)'],
  ['products', HostProduct, 'PutHostProducts', 'your products (name, SKU), linked to QuickBooks items so document lines naming them are item lines'],
  ['classes', HostClass, 'PutHostClasses', 'your classes, mapped to QuickBooks classes'],
  ['locations', HostLocation, 'PutHostLocations', 'your locations (branches, sites), mapped to QuickBooks locations (departments)'],
] as const;

const HostRecordsResult = z.object({ upserted: z.number().int(), removed: z.number().int(), received: z.number().int() }).meta({ id: 'MappingHostRecordsResult' });

// Registered before the supplier/customer route of the same shape (bff/app.ts), so these kinds take their own schemas.
for (const [kind, schema, id, what] of hostSchemas) {
  mappingRoutes.openapi(
    serverRoute({
      method: 'put',
      path: `/v1/organizations/{org}/host-records/${kind}`,
      summary: `Bulk upsert of ${what}, for mapping to QuickBooks (replace: true sends a full snapshot)`,
      tags: ['Mapping'],
      request: { params: z.object({ org: HostId }), ...jsonBody(putMappingHostRecordsBody(schema, id)) },
      responses: { 200: jsonResponse('Counts', HostRecordsResult) },
    }),
    async (c) => {
      const { org } = c.req.valid('param');
      const body = c.req.valid('json') as { records: { id: string }[]; replace: boolean };
      const { sql } = c.get('deps');
      const scope = { tenantId: c.get('tenant').tenantId, organizationId: org };
      await ensureOrganization(sql, scope.tenantId, org);
      const { changed: _changed, ...counts } = await putHostRecords(sql, scope, kind, body.records, body.replace);
      return c.json(counts, 200);
    },
  );
}

const KindParams = z.object({ id: ConnectionId, kind: z.enum(mappingKinds) });
const SavedMappings = z.object({ data: z.array(MappingChange) }).meta({ id: 'SavedMappings' });
const CreateParams = z.object({ id: ConnectionId, host_id: z.string().min(1).max(128) });

const KIND_WORDS: Record<MappingKind, string> = { 'tax-rates': 'tax rate', 'billable-categories': 'category', staff: 'staff member', products: 'product', classes: 'class', locations: 'location' };

/**
 * Saves mappings only when every one is valid against QuickBooks as last synced; otherwise a 400 whose message names
 * the first host record and its problem, and whose details list every refused row (nothing is saved).
 */
async function putMappings(c: Context<AppEnv>, connection: ConnectionRow, kind: MappingKind, body: z.infer<typeof PutMappingsBody>, by: string) {
  const { sql } = c.get('deps');
  const context = mappingContext(await loadCompanyLists(sql, connection.id));
  const hosts = new Map((await hostRecordsOf(sql, connection, kind)).map((host) => [host.id, host]));
  const targets = new Map(targetsFor(context, kind).map((target) => [`${target.type}:${target.id}`, target]));
  const issues: { field: string; host_id: string; host_name: string | null; message: string; problems: unknown[] }[] = [];
  const writes = body.mappings.map((entry, index) => {
    const host = hosts.get(entry.host_id);
    if (!host) {
      issues.push({ field: `mappings[${index}].host_id`, host_id: entry.host_id, host_name: null, message: `no ${KIND_WORDS[kind]} ${entry.host_id} was sent through host-records`, problems: [] });
      return null;
    }
    if (entry.target) {
      const problems = mappingProblems(context, kind, host, entry.target);
      if (problems.length > 0) issues.push({ field: `mappings[${index}].target`, host_id: host.id, host_name: host.name, message: `"${host.name}": ${problems.map((problem) => problem.message).join(' ')}`, problems });
    }
    const target = entry.target ? targets.get(`${entry.target.type}:${entry.target.id}`) : null;
    return { host_id: entry.host_id, target: target ? { type: target.type, id: target.id, name: target.name } : null, method: entry.method };
  });
  const first = issues[0];
  if (first) throw new ApiError('invalid_request', `${first.field}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, { issues });
  const chosen = writes.filter((write) => write !== null);
  return sql.begin(async (tx) => {
    if (kind === 'staff') await refuseSharedEmployees(tx, connection.id, chosen);
    return saveMappings(tx, connection.id, kind, chosen, by);
  });
}

/**
 * Staff map one-to-one: an employee held by another staff member (stored, and not moved away in this request, or
 * chosen twice in it) is a 400 naming both. Checked under the staff lock, so two concurrent saves cannot both win.
 */
async function refuseSharedEmployees(tx: Queryable, connectionId: string, writes: MappingWrite[]): Promise<void> {
  await lockMappings(tx, connectionId, 'staff');
  const holder = new Map<string, string>();
  for (const record of await storedMappings(tx, connectionId, 'staff')) holder.set(record.host_id, record.target_id);
  for (const write of writes) {
    if (write.target) holder.set(write.host_id, write.target.id);
    else holder.delete(write.host_id);
  }
  const issues = writes.flatMap((write, index) => {
    const other = write.target && [...holder].find(([hostId, employeeId]) => hostId !== write.host_id && employeeId === write.target!.id)?.[0];
    if (!other || !write.target) return [];
    const message = `employee "${write.target.name}" is already mapped to staff member ${other}; staff member ${write.host_id} can't map to it too (unmap ${other} first)`;
    return [{ field: `mappings[${index}].target`, host_id: write.host_id, host_name: null, message, problems: [{ code: 'already_mapped', message }] }];
  });
  const first = issues[0];
  if (first) throw new ApiError('invalid_request', `${first.field}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, { issues });
}

async function putDefaults(c: Context<AppEnv>, connection: ConnectionRow, body: z.infer<typeof PutDefaultsBody>, by: string) {
  const { sql } = c.get('deps');
  if (defaultKeys.every((key) => body[key] === undefined)) return [];
  const context = mappingContext(await loadCompanyLists(sql, connection.id));
  const writes: MappingWrite[] = [];
  for (const key of defaultKeys) {
    const value = body[key];
    if (value === undefined) continue;
    const problems = defaultProblems(context, key, value);
    if (problems.length > 0) throw new ApiError('invalid_request', `${key}: ${problems[0]!.message}`, { issues: [{ field: key, message: problems[0]!.message, problems }] });
    const target = value === null ? null : defaultChoice(context, key).targets.find((candidate) => candidate.id === value)!;
    writes.push({ host_id: key, target: target ? { type: defaultTargetType(key), id: target.id, name: target.name } : null, method: 'manual' as const });
  }
  return sql.begin((tx) => saveMappings(tx, connection.id, 'defaults', writes, by));
}

/**
 * Creates what a host record lacks in QuickBooks, then maps the record to it (method "created"): a tax code at the
 * host rate through taxservice/taxcode (one rate per use, with the default agency or the one given), or a service item.
 * The request id comes from the content, so a doubled click replays QuickBooks' first answer.
 */
async function createTarget(c: Context<AppEnv>, connection: ConnectionRow, kind: 'tax-rates' | 'billable-categories', hostId: string, options: { agency_id?: string | undefined }, by: string) {
  const deps = c.get('deps');
  const settings = await getSettings(deps.sql, connection.tenant_id, connection.organization_id);
  if (settings.read_only) throw forbidden('This organization is read-only: nothing is written to QuickBooks.');
  const host = (await hostRecordsOf(deps.sql, connection, kind)).find((record) => record.id === hostId);
  if (!host) throw notFound(`Your ${KIND_WORDS[kind]} ${hostId}`);
  const context = mappingContext(await loadCompanyLists(deps.sql, connection.id));
  const caller = new ProviderCaller(qboApiFor(deps, connection), new ProviderBudget(deps.sql, qboBudgetKey(connection.external_id), deps.qboLimits));
  const requestId = (payload: unknown) => createHash('sha256').update(`${connection.id}|${kind}|${JSON.stringify(payload)}`).digest('hex').slice(0, 40);
  let target: { type: 'TaxCode' | 'Item'; id: string; name: string };
  try {
    if (kind === 'tax-rates') {
      const rate = host as TaxRate;
      if (context.mode.kind === 'automated') throw new ApiError('conflict', 'This company uses automated sales tax: QuickBooks computes the tax, so no tax code is created; map the rate to Taxable or Non-taxable.');
      const agency = options.agency_id ?? (await deps.sql<{ target_id: string }[]>`select target_id from mappings where connection_id = ${connection.id} and kind = 'defaults' and host_id = 'tax_agency' and status = 'mapped'`)[0]?.target_id;
      const agencyProblems = defaultProblems(context, 'tax_agency', agency ?? null);
      if (!agency || agencyProblems.length > 0) throw new ApiError('invalid_request', `agency_id: ${agencyProblems[0]?.message ?? 'choose the tax agency the new rate is paid to (or set a default tax agency)'}`);
      const uses = context.mode.kind === 'per_line' ? rate.applies_to : ['sales' as const];
      const name = rate.name.slice(0, 100);
      const payload = {
        TaxCode: name,
        TaxRateDetails: uses.map((use) => ({ TaxRateName: uses.length > 1 ? `${name} (${use})` : name, RateValue: rate.rate, TaxAgencyId: agency, TaxApplicableOn: use === 'sales' ? 'Sales' : 'Purchase' })),
      };
      const made = await caller.call((api) => api.post<{ TaxCodeId: string }>('taxservice/taxcode', payload, { requestid: requestId(payload) }));
      const code = await caller.call((api) => api.get<{ TaxCode: Record<string, unknown> }>(`taxcode/${encodeURIComponent(made.TaxCodeId)}`));
      const rates = await Promise.all(
        (['SalesTaxRateList', 'PurchaseTaxRateList'] as const)
          .flatMap((list) => ((code.TaxCode[list] as { TaxRateDetail?: { TaxRateRef: { value: string } }[] } | undefined)?.TaxRateDetail ?? []).map((detail) => detail.TaxRateRef.value))
          .map((rateId) => caller.call((api) => api.get<{ TaxRate: Record<string, unknown> }>(`taxrate/${encodeURIComponent(rateId)}`)).then((answer) => answer.TaxRate)),
      );
      await deps.sql.begin(async (tx) => {
        await upsertRecords(tx, connection.id, 'TaxRate', rates);
        await upsertRecords(tx, connection.id, 'TaxCode', [code.TaxCode]);
      });
      target = { type: 'TaxCode', id: String(code.TaxCode['Id']), name: String(code.TaxCode['Name']) };
    } else {
      const category = host as Category;
      const income = context.lists.accounts.find((account) => account['Active'] !== false && account['AccountType'] === 'Income');
      if (!income) throw new ApiError('conflict', 'QuickBooks has no active income account to put a new service on.');
      const payload = { Name: (category.code || category.name).replace(/[:\t\n\r]/g, ' ').slice(0, 100), Type: 'Service', IncomeAccountRef: { value: String(income['Id']) } };
      const made = await caller.call((api) => api.post<{ Item: Record<string, unknown> }>('item', payload, { requestid: requestId(payload) }));
      await upsertRecords(deps.sql, connection.id, 'Item', [made.Item]);
      target = { type: 'Item', id: String(made.Item['Id']), name: String(made.Item['Name']) };
    }
  } catch (error) {
    if (error instanceof QboError) {
      const what = kind === 'tax-rates' ? 'the tax code' : 'the item';
      throw apiErrorForFault({ category: error.category, action: error.action, field: null, quickbooks_field: error.field, quickbooks_code: error.normalCode ?? null, message: describeQboFault(error, what) });
    }
    throw error;
  }
  const [saved] = await deps.sql.begin((tx) => saveMappings(tx, connection.id, kind, [{ host_id: hostId, target, method: 'created' }], by));
  return saved ?? { host_id: hostId, target, version: 0 };
}

for (const surface of ['server', 'widget'] as const) {
  const route = surface === 'server' ? serverRoute : widgetRoute;
  const prefix = surface === 'server' ? '/v1/connections' : '/v1/widget/connections';
  const tags = surface === 'server' ? ['Mapping'] : ['Widget', 'Mapping'];
  const viaSession = surface === 'widget';
  const actorOf = async (c: Context<AppEnv>, capability: Capability, action: string) => (viaSession ? (await sessionActor(c, capability, action)).by : 'the host');

  mappingRoutes.openapi(
    route({
      method: 'get',
      path: `${prefix}/{id}/mappings/{kind}`,
      summary: 'Your tax rates, categories or staff with their QuickBooks mapping, its status and problems, suggestions with reasons, valid choices and the organization defaults',
      tags,
      request: { params: KindParams },
      responses: { 200: jsonResponse('The mapping state', MappingState) },
    }),
    async (c) => {
      const { id, kind } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession);
      return c.json(await mappingState(c.get('deps').sql, connection, kind), 200);
    },
  );

  mappingRoutes.openapi(
    route({
      method: 'put',
      path: `${prefix}/{id}/mappings/{kind}`,
      summary: 'Map (or unmap, target null) host records; all or nothing: one invalid choice is a 400 naming the record and the reason (staff map one-to-one: an employee another staff member has is refused naming both); an unmapping is kept, so automatic staff matching never maps that person again',
      tags,
      request: { params: KindParams, ...jsonBody(PutMappingsBody) },
      responses: { 200: jsonResponse('The mappings that changed, with their new versions', SavedMappings) },
    }),
    async (c) => {
      const by = await actorOf(c, 'manage', 'change mappings');
      const { id, kind } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession);
      return c.json({ data: await putMappings(c, connection, kind, c.req.valid('json'), by) }, 200);
    },
  );

  mappingRoutes.openapi(
    route({
      method: 'put',
      path: `${prefix}/{id}/mapping-defaults`,
      summary: 'Organization defaults for this company: tax agency, class, location, and the item or account for lines without a mapping (null clears one)',
      tags,
      request: { params: z.object({ id: ConnectionId }), ...jsonBody(PutDefaultsBody) },
      responses: { 200: jsonResponse('The defaults that changed', SavedMappings) },
    }),
    async (c) => {
      const by = await actorOf(c, 'manage', 'change mappings');
      const connection = await connectionFor(c, c.req.valid('param').id, viaSession);
      return c.json({ data: await putDefaults(c, connection, c.req.valid('json'), by) }, 200);
    },
  );

  mappingRoutes.openapi(
    route({
      method: 'post',
      path: `${prefix}/{id}/mappings/tax-rates/{host_id}/create`,
      summary: 'Create the missing tax code in QuickBooks at your rate (taxservice/taxcode), then map the rate to it',
      tags,
      request: { params: CreateParams, ...jsonBody(z.object({ agency_id: z.string().min(1).max(64).optional() }).strict()) },
      responses: { 201: jsonResponse('Created and mapped', MappingChange) },
    }),
    async (c) => {
      const by = await actorOf(c, 'write', 'create records in QuickBooks');
      const { id, host_id } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession);
      return c.json(await createTarget(c, connection, 'tax-rates', host_id, c.req.valid('json'), by), 201);
    },
  );

  mappingRoutes.openapi(
    route({
      method: 'post',
      path: `${prefix}/{id}/mappings/billable-categories/{host_id}/create`,
      summary: 'Create the missing service item in QuickBooks from your category (its code, else its name), then map the category to it',
      tags,
      request: { params: CreateParams },
      responses: { 201: jsonResponse('Created and mapped', MappingChange) },
    }),
    async (c) => {
      const by = await actorOf(c, 'write', 'create records in QuickBooks');
      const { id, host_id } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession);
      return c.json(await createTarget(c, connection, 'billable-categories', host_id, {}, by), 201);
    },
  );
}
