import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createHash } from 'node:crypto';
import { HostId } from '../../shared/api/common.ts';
import { ConnectionId } from '../../shared/api/connections.ts';
import { ErrorBody } from '../../shared/api/errors.ts';
import { CreatedMapping, HostCategory, HostClass, HostLocation, HostProduct, HostStaff, HostTaxRate, MappingChange, MappingHistory, MappingHistoryQuery, MappingState, mappingKinds, PutDefaultsBody, PutMappingsBody, putMappingHostRecordsBody } from '../../shared/api/mappings.ts';
import { defaultChoice, defaultProblems, defaultTargetType, mappingContext, mappingProblems, targetsFor, type MappingContext } from '../../shared/mapping/mapping-engine.ts';
import { plain } from '../../shared/mapping/qbo-fields.ts';
import { saysReverseCharge } from '../../shared/mapping/tax-meaning.ts';
import { defaultKeys, type HostCategory as Category, type HostTaxRate as TaxRate, type MappingKind } from '../../shared/mapping/types.ts';
import type { Capability } from '../auth/roles.ts';
import { listConnections, type ConnectionRow } from '../connections/store.ts';
import { autoMapStaff } from './revalidate.ts';
import { qboApiFor } from '../connections/provider.ts';
import type { AppEnv } from '../context.ts';
import type { Queryable } from '../db/client.ts';
import { ApiError, forbidden, notFound } from '../http/api-error.ts';
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
import { lockMappings, mappingHistory, saveMappings, storedMappings, type MappingWrite } from './store.ts';
import { apiRoutes } from '../http/api-routes.ts';

export const mappingRoutes = apiRoutes();

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
      // Staff matching an employee by name and email are mapped now, in every company of the organization, not
      // only after its next sync.
      if (kind === 'staff') {
        for (const connection of await listConnections(sql, scope.tenantId, org)) await sql.begin((tx) => autoMapStaff(tx, connection));
      }
      return c.json(counts, 200);
    },
  );
}

const KindParams = z.object({ id: ConnectionId, kind: z.enum(mappingKinds) });
const SavedMappings = z.object({ data: z.array(MappingChange) }).meta({ id: 'SavedMappings' });
const HistoryParams = z.object({ id: ConnectionId, kind: z.enum([...mappingKinds, 'defaults']) });
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
    if (kind === 'staff') await refuseSharedEmployees(tx, connection.id, chosen, new Map([...hosts].map(([id, host]) => [id, host.name])));
    return saveMappings(tx, connection.id, kind, chosen, by);
  });
}

/**
 * Staff map one-to-one: an employee held by another staff member (stored, and not moved away in this request, or
 * chosen twice in it) is a 400 naming both. Checked under the staff lock, so two concurrent saves cannot both win.
 */
async function refuseSharedEmployees(tx: Queryable, connectionId: string, writes: MappingWrite[], names: ReadonlyMap<string, string>): Promise<void> {
  await lockMappings(tx, connectionId, 'staff');
  const holder = new Map<string, string>();
  for (const record of await storedMappings(tx, connectionId, 'staff')) holder.set(record.host_id, record.target_id);
  for (const write of writes) {
    if (write.target) holder.set(write.host_id, write.target.id);
    else holder.delete(write.host_id);
  }
  const named = (hostId: string) => `"${names.get(hostId) ?? hostId}"`;
  const inThisSave = new Set(writes.filter((write) => write.target).map((write) => write.host_id));
  const issues = writes.flatMap((write, index) => {
    const other = write.target && [...holder].find(([hostId, employeeId]) => hostId !== write.host_id && employeeId === write.target!.id)?.[0];
    if (!other || !write.target) return [];
    // Two people given one employee in this save: name both as the conflict, rather than each "already mapped" to the other.
    const message = inThisSave.has(other)
      ? `${named(write.host_id)} and ${named(other)} are both given employee "${write.target.name}" in this save; an employee maps to one person, so keep it for one of them`
      : `employee "${write.target.name}" is already mapped to ${named(other)}; unmap ${named(other)} first, or pick another employee for ${named(write.host_id)}`;
    return [{ field: `mappings[${index}].target`, host_id: write.host_id, host_name: names.get(write.host_id) ?? null, message, problems: [{ code: 'already_mapped', message }] }];
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

type Made = { type: 'TaxCode' | 'Item'; id: string; name: string };

/**
 * An active QuickBooks record the host record can use already, so "create" links it instead of making a duplicate:
 * a tax code of the same name, else the one valid code at the rate (several: a 409 naming them, to pick one); an
 * item of the name the new one would get. One of that name that can't be used is a 409 saying why.
 */
function existingTarget(context: MappingContext, kind: 'tax-rates' | 'billable-categories', host: TaxRate | Category, itemName: string): Made | null {
  if (kind === 'tax-rates') {
    const rate = host as TaxRate;
    const valid = (id: string) => mappingProblems(context, 'tax-rates', rate, { type: 'TaxCode', id });
    // A switched-off code of that name: QuickBooks refuses a second one by name, so the way on is re-activating it.
    const asleep = context.codes.find((code) => !code.active && plain(code.name) === plain(rate.name));
    if (asleep && !context.codes.some((code) => code.active && plain(code.name) === plain(rate.name))) {
      throw new ApiError('conflict', `QuickBooks already has a tax code "${asleep.name}", switched off: make it active again in QuickBooks and sync, then map "${rate.name}" to it (or rename your rate).`);
    }
    const namesake = context.codes.find((code) => code.active && plain(code.name) === plain(rate.name));
    if (namesake) {
      const problems = valid(namesake.id);
      if (problems.length > 0) throw new ApiError('conflict', `QuickBooks already has an active tax code "${namesake.name}" (id ${namesake.id}), which "${rate.name}" can't use: ${problems.map((problem) => problem.message).join(' ')} Rename your rate or that code.`);
      return { type: 'TaxCode', id: namesake.id, name: namesake.name };
    }
    const atRate = context.codes.filter((code) => code.active && valid(code.id).length === 0);
    if (atRate.length > 1) throw new ApiError('conflict', `QuickBooks already has ${atRate.length} tax codes "${rate.name}" can use: ${atRate.map((code) => `"${code.name}" (id ${code.id})`).join(', ')}; map it to one of them instead of creating another.`);
    return atRate[0] ? { type: 'TaxCode', id: atRate[0].id, name: atRate[0].name } : null;
  }
  const namesakes = context.lists.items.filter((item) => item['Active'] !== false && plain(String(item['Name'] ?? '')) === plain(itemName));
  const asleep = context.lists.items.find((item) => item['Active'] === false && plain(String(item['Name'] ?? '').replace(/ \(deleted\)$/, '')) === plain(itemName));
  if (namesakes.length === 0 && asleep) {
    throw new ApiError('conflict', `QuickBooks already has an item "${itemName}", made inactive: make it active again in QuickBooks and sync, then map your category to it (or rename the category).`);
  }
  if (namesakes.length === 0) return null;
  const usable = namesakes.filter((item) => ['Service', 'NonInventory', 'Inventory'].includes(String(item['Type'])));
  if (usable.length !== 1 || namesakes.length > 1) {
    const listed = namesakes.map((item) => `"${String(item['FullyQualifiedName'] ?? item['Name'])}" (${String(item['Type'])}, id ${String(item['Id'])})`).join(', ');
    throw new ApiError('conflict', `QuickBooks already has ${namesakes.length === 1 ? 'an item' : `${namesakes.length} items`} called "${itemName}" (${listed})${usable.length === 0 ? ', which a line can\'t use' : ''}; pick one in the list${usable.length === 0 ? ' or rename your category' : ''} instead of creating another.`);
  }
  const item = usable[0]!;
  return { type: 'Item', id: String(item['Id']), name: String(item['Name']) };
}

/**
 * The code "create" would make (one rate per use at the host's rate) checked by the engine before it is made: a
 * rate it could not be mapped to (a combined GST + PST rate needs one rate per tax, each with its agency) is a 409
 * saying why, rather than a new code that the next sync flags.
 */
function refuseUnusableDraft(context: MappingContext, rate: TaxRate, name: string, uses: readonly ('sales' | 'purchases')[]): void {
  const DRAFT = '__draft__';
  const list = (use: 'sales' | 'purchases') => ({ TaxRateDetail: [{ TaxRateRef: { value: `${DRAFT}${use}` } }] });
  const draft = {
    Id: DRAFT,
    Name: name,
    Active: true,
    ...(uses.includes('sales') ? { SalesTaxRateList: list('sales') } : {}),
    ...(uses.includes('purchases') ? { PurchaseTaxRateList: list('purchases') } : {}),
  };
  const rates = uses.map((use) => ({ Id: `${DRAFT}${use}`, Name: name, RateValue: rate.rate, SpecialTaxType: 'NONE', Active: true }));
  const drafted = mappingContext({ ...context.lists, taxCodes: [...context.lists.taxCodes, draft], taxRates: [...context.lists.taxRates, ...rates] });
  // taxservice/taxcode makes ordinary rates only (no SpecialTaxType, no offsetting rate), so a reverse-charge code
  // made through it would charge the full rate: QuickBooks itself sets those codes up.
  if (saysReverseCharge(rate)) {
    throw new ApiError('conflict', `"${rate.name}" is reverse charge, and QuickBooks can only set up a reverse-charge tax code itself: turn on reverse charge in its VAT settings (or add the code there), sync, then map "${rate.name}" to that code.`);
  }
  const problems = mappingProblems(drafted, 'tax-rates', rate, { type: 'TaxCode', id: DRAFT });
  if (problems.length > 0) {
    // The advice fits what was wrong: a combined rate needs one rate per tax; anything else a code set up by hand.
    const combined = problems.some((problem) => problem.code === 'meaning_differs' && / combines /.test(problem.message));
    const advice = combined ? 'Create it in QuickBooks with one rate per tax, each paid to its agency, then map it.' : 'Set up the code it needs in QuickBooks, sync, then map it.';
    throw new ApiError('conflict', `A tax code made from "${rate.name}" (${rate.rate}% in one rate) could not be used for it: ${problems.map((problem) => problem.message).join(' ')} ${advice}`);
  }
}

/**
 * The agency a new tax code's rates are paid to: the one asked for, else the organization's default tax agency.
 * None set (or one no longer usable) is a 400 naming `default_tax_agency`, so the caller can point at that picker.
 */
async function agencyFor(sql: Queryable, context: MappingContext, connectionId: string, asked: string | undefined): Promise<string> {
  if (asked !== undefined) {
    const problems = defaultProblems(context, 'tax_agency', asked);
    if (problems.length > 0) throw new ApiError('invalid_request', `agency_id: ${problems[0]!.message}`, { issues: [{ field: 'agency_id', message: problems[0]!.message }] });
    return asked;
  }
  const [stored] = await sql<{ target_id: string }[]>`select target_id from mappings where connection_id = ${connectionId} and kind = 'defaults' and host_id = 'tax_agency'`;
  const why = !context.mode.has_agencies
    ? 'this company has no tax agency in QuickBooks; add the agency the tax is paid to there, sync, then set it as the default tax agency'
    : !stored
      ? 'no default tax agency is set; choose the default tax agency the new code\'s rates are paid to'
      : defaultProblems(context, 'tax_agency', stored.target_id)[0]?.message.replace(/\.$/, '; choose another default tax agency');
  if (why) throw new ApiError('invalid_request', `default_tax_agency: ${why}`, { issues: [{ field: 'default_tax_agency', message: why }] });
  return stored!.target_id;
}

/**
 * Creates what a host record lacks in QuickBooks, then maps the record to it (method "created"): a tax code at the
 * host rate through taxservice/taxcode (one rate per use, with the default agency or the one given), or a service item.
 * An existing record it can use is linked instead (outcome "linked"). The request id comes from the content, so a
 * doubled click replays QuickBooks' first answer.
 */
async function createTarget(c: Context<AppEnv>, connection: ConnectionRow, kind: 'tax-rates' | 'billable-categories', hostId: string, options: { agency_id?: string | undefined }, by: string) {
  const deps = c.get('deps');
  const settings = await getSettings(deps.sql, connection.tenant_id, connection.organization_id);
  if (settings.read_only) throw forbidden('This organization is read-only: nothing is written to QuickBooks.');
  const host = (await hostRecordsOf(deps.sql, connection, kind)).find((record) => record.id === hostId);
  if (!host) throw notFound(`Your ${KIND_WORDS[kind]} ${hostId}`);
  const context = mappingContext(await loadCompanyLists(deps.sql, connection.id));
  if (kind === 'tax-rates' && context.mode.kind === 'automated') throw new ApiError('conflict', 'This company uses automated sales tax: QuickBooks computes the tax, so no tax code is created; map the rate to Taxable or Non-taxable.');
  const category = host as Category;
  const itemName = (category.code || category.name).replace(/[:\t\n\r]/g, ' ').slice(0, 100);
  const existing = existingTarget(context, kind, host as TaxRate | Category, itemName);
  if (existing) {
    const [saved] = await deps.sql.begin((tx) => saveMappings(tx, connection.id, kind, [{ host_id: hostId, target: existing, method: 'confirmed' }], by));
    return { ...(saved ?? { host_id: hostId, target: existing, version: (await storedMappings(deps.sql, connection.id, kind)).find((record) => record.host_id === hostId)?.version ?? 0 }), outcome: 'linked' as const };
  }
  const caller = new ProviderCaller(qboApiFor(deps, connection), new ProviderBudget(deps.sql, qboBudgetKey(connection.external_id), deps.qboLimits));
  const requestId = (payload: unknown) => createHash('sha256').update(`${connection.id}|${kind}|${JSON.stringify(payload)}`).digest('hex').slice(0, 40);
  let target: Made;
  try {
    if (kind === 'tax-rates') {
      const rate = host as TaxRate;
      const agency = await agencyFor(deps.sql, context, connection.id, options.agency_id);
      const uses = context.mode.kind === 'per_line' ? rate.applies_to : ['sales' as const];
      const name = rate.name.slice(0, 100);
      refuseUnusableDraft(context, rate, name, uses);
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
      const income = context.lists.accounts.find((account) => account['Active'] !== false && account['AccountType'] === 'Income');
      if (!income) throw new ApiError('conflict', 'QuickBooks has no active income account to put a new service on.');
      const payload = { Name: itemName, Type: 'Service', IncomeAccountRef: { value: String(income['Id']) } };
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
  return { ...(saved ?? { host_id: hostId, target, version: 0 }), outcome: 'created' as const };
}

/** Create's 409s: something in QuickBooks to resolve first, or a company that must be reconnected (details.action reconnect). */
const createConflict = jsonResponse('A record in QuickBooks to resolve first (a switched-off or ambiguous namesake), or the company is disconnected and must be reconnected (details.category needs_reconnect, details.action reconnect)', ErrorBody);

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
      method: 'get',
      path: `${prefix}/{id}/mappings/{kind}/history`,
      summary: 'Every version of one record\'s mapping, newest first: what it was mapped to (null: unmapped), how, by whom and when',
      tags,
      request: { params: HistoryParams, query: MappingHistoryQuery },
      responses: { 200: jsonResponse('The versions', MappingHistory) },
    }),
    async (c) => {
      const { id, kind } = c.req.valid('param');
      const { host_id } = c.req.valid('query');
      const connection = await connectionFor(c, id, viaSession);
      const versions = await mappingHistory(c.get('deps').sql, connection.id, kind, host_id);
      return c.json({ kind, host_id, data: versions.map((version) => ({ ...version, changed_at: version.changed_at.toISOString() })) }, 200);
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
      summary: 'Create the missing tax code in QuickBooks at your rate (taxservice/taxcode; its rates go to agency_id, else the default tax agency: none set is a 400 naming default_tax_agency), then map the rate to it; an active code of the same name, or the one valid code at the rate, is linked instead (200, outcome linked)',
      tags,
      request: { params: CreateParams, ...jsonBody(z.object({ agency_id: z.string().min(1).max(64).optional() }).strict()) },
      responses: { 201: jsonResponse('Created and mapped', CreatedMapping), 200: jsonResponse('An existing code of the same name, or the one valid code at the rate, was mapped instead (outcome linked)', CreatedMapping) , 409: createConflict },
    }),
    async (c) => {
      const by = await actorOf(c, 'write', 'create records in QuickBooks');
      const { id, host_id } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession);
      const result = await createTarget(c, connection, 'tax-rates', host_id, c.req.valid('json'), by);
      return result.outcome === 'created' ? c.json(result, 201) : c.json(result, 200);
    },
  );

  mappingRoutes.openapi(
    route({
      method: 'post',
      path: `${prefix}/{id}/mappings/billable-categories/{host_id}/create`,
      summary: 'Create the missing service item in QuickBooks from your category (its code, else its name), then map the category to it; an active item of that name is linked instead (200, outcome linked)',
      tags,
      request: { params: CreateParams },
      responses: { 201: jsonResponse('Created and mapped', CreatedMapping), 200: jsonResponse('An active item of that name existed and was mapped instead (outcome linked)', CreatedMapping) , 409: createConflict },
    }),
    async (c) => {
      const by = await actorOf(c, 'write', 'create records in QuickBooks');
      const { id, host_id } = c.req.valid('param');
      const connection = await connectionFor(c, id, viaSession);
      const result = await createTarget(c, connection, 'billable-categories', host_id, {}, by);
      return result.outcome === 'created' ? c.json(result, 201) : c.json(result, 200);
    },
  );
}
