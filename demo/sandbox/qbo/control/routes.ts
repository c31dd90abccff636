import { Hono } from 'hono';
import { z } from 'zod';
import { PLANS, SIZE_FIELDS, type CompanySpec } from '../company-spec.ts';
import type { Company } from '../company.ts';
import { ENTITY_NAMES, TRANSACTIONS, entityNameOf, isSingleton, type EntityName } from '../entity-kinds.ts';
import { SPARSE_REQUIRED } from '../api/payload-checks.ts';
import { applyWrite, type WriteRecord } from '../api/apply.ts';
import type { MutationRequest } from '../mutations.ts';
import { COUNTRIES, parseCountry } from '../regions.ts';
import { clearTokenFault, setTokenFault, tokenFaultOf, tokenFaultSchema } from '../oauth/token-faults.ts';
import { applySettings, FAULT_KINDS, WEBHOOK_FORMATS, settingsConflict, settingsPatchSchema, type SandboxSettings } from '../../settings.ts';
import { describeZodError } from '../../zod-message.ts';
import { loopbackOnly } from '../../loopback-only.ts';
import type { QboState } from '../state.ts';

const sizeSchema = z.union([
  z.enum(['small', 'medium', 'large']),
  z.object(Object.fromEntries(SIZE_FIELDS.map((field) => [field, z.number().int().min(0).max(5_000_000).optional()]))).strict(),
]);

const companySchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    country: z.string().refine((value) => parseCountry(value) !== null, { message: `must be one of ${COUNTRIES.join(', ')} (GB is accepted for UK)` }).optional(),
    plan: z.enum(PLANS).optional(),
    seed: z.union([z.string().min(1), z.number()]).optional(),
    size: sizeSchema.optional(),
    automated_sales_tax: z.boolean().optional(),
  })
  .strict();

const appSchema = z
  .object({
    redirect_uris: z.array(z.string().url()).min(1),
    webhook_url: z.string().url().optional(),
    webhook_verifier: z.string().min(1).optional(),
    webhook_format: z.enum(WEBHOOK_FORMATS).optional(),
  })
  .strict();

const mutationSchema = z
  .object({
    create: z.number().int().min(0).max(10_000).optional(),
    update: z.number().int().min(0).max(10_000).optional(),
    delete: z.number().int().min(0).max(10_000).optional(),
    entities: z.array(z.enum(ENTITY_NAMES)).min(1).optional(),
  })
  .strict();

/** Faults for a company's next admitted calls, in order: deterministic where `fault_rate` is a dice roll. */
const scheduledFaultsSchema = z
  .object({
    kinds: z.array(z.enum(FAULT_KINDS)).min(1),
    /** How many calls; the kinds repeat in order. Defaults to one call per kind. */
    calls: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

const clockSchema = z.object({ advance_seconds: z.number().min(0) }).strict();

/** A person's edit inside QuickBooks: these fields set on the record (a sparse update with its current SyncToken). */
const entityEditSchema = z.object({ changes: z.record(z.string(), z.unknown()) }).strict();

export interface ControlHooks {
  createCompany: (spec: CompanySpec) => { realm_id: string; name: string };
  getSettings: () => SandboxSettings;
  putSettings: (patch: Partial<SandboxSettings>) => SandboxSettings;
  reset: () => void;
}

async function body(c: { req: { text: () => Promise<string> } }): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  return JSON.parse(text);
}

/** The sandbox's own control API (JSON) under /_sandbox: seed, mutate, disconnect, configure, move time. */
export function controlRoutes(state: QboState, hooks: ControlHooks): Hono {
  const app = new Hono();
  app.use('*', loopbackOnly('The sandbox control API'));

  const parse = async <T>(c: { req: { text: () => Promise<string> } }, schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> => {
    let raw: unknown;
    try {
      raw = await body(c);
    } catch {
      return { ok: false, error: 'body: not valid JSON' };
    }
    const result = schema.safeParse(raw);
    return result.success ? { ok: true, value: result.data } : { ok: false, error: describeZodError(result.error) };
  };

  app.post('/qbo/companies', async (c) => {
    const parsed = await parse(c, companySchema);
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    const { country, ...rest } = parsed.value;
    const spec: CompanySpec = { ...rest, size: rest.size as CompanySpec['size'] };
    if (country) spec.country = parseCountry(country) ?? 'US';
    return c.json(hooks.createCompany(spec), 201);
  });

  app.get('/qbo/companies', (c) =>
    c.json({
      companies: [...state.companies.values()].map((company) => ({ realm_id: company.realmId, name: company.name, country: company.country, plan: company.plan, seed: company.seed })),
    }),
  );

  app.get('/qbo/companies/:realm/stats', (c) => {
    const company = state.companies.get(c.req.param('realm'));
    if (!company) return c.json({ error: `realm: no company ${c.req.param('realm')}` }, 404);
    return c.json({ realm_id: company.realmId, name: company.name, entity_counts: company.entityCounts(), json_cache: company.jsonCacheState(), ...state.stats(company.realmId).toJSON() });
  });

  // The call log (stats.ts): admitted calls numbered after `after` (default 0), oldest first.
  app.get('/qbo/companies/:realm/calls', (c) => {
    const company = state.companies.get(c.req.param('realm'));
    if (!company) return c.json({ error: `realm: no company ${c.req.param('realm')}` }, 404);
    const after = Number(c.req.query('after') ?? 0);
    if (!Number.isInteger(after) || after < 0) return c.json({ error: `after: expected a whole number ≥ 0, got ${c.req.query('after')}` }, 400);
    const stats = state.stats(company.realmId);
    return c.json({ calls_logged: stats.callsLogged, calls: stats.calls.filter((call) => call.n > after) });
  });

  app.post('/qbo/companies/:realm/mutations', async (c) => {
    const company = state.companies.get(c.req.param('realm'));
    if (!company) return c.json({ error: `realm: no company ${c.req.param('realm')}` }, 404);
    const parsed = await parse(c, mutationSchema);
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    company.nowMs = state.clock.nowMs();
    const request: MutationRequest = { ...parsed.value, entities: parsed.value.entities as EntityName[] | undefined };
    const record: WriteRecord = { op: 'mutate', request, call: state.mutationCalls++ };
    const result = applyWrite(company, record);
    state.journal?.(company.realmId, company.nowMs, record);
    return c.json(result.body as object);
  });

  /**
   * Fills the company's cache of generated entities' JSON text (Company.warmJson), so query pages are spliced from it
   * instead of built and stringified: at the real QuickBooks that CPU is Intuit's, not the bench machine's. Any change
   * to the company drops the cache.
   */
  app.post('/qbo/companies/:realm/warm', (c) => {
    const company = state.companies.get(c.req.param('realm'));
    if (!company) return c.json({ error: `realm: no company ${c.req.param('realm')}` }, 404);
    const started = performance.now();
    const { entities, bytes } = company.warmJson();
    return c.json({ entities, bytes, ms: Math.round(performance.now() - started) });
  });

  /**
   * A tax code's Active flag as a person sets it in QuickBooks (Taxes › Sales tax settings › make inactive): the API
   * can't update a TaxCode, and a person can change nothing else about one (its rates are fixed once made).
   */
  function setTaxCodeActive(company: Company, id: number, active: boolean) {
    company.nowMs = state.clock.nowMs();
    const record: WriteRecord = { op: 'taxcode-active', id, active };
    const result = applyWrite(company, record);
    state.journal?.(company.realmId, company.nowMs, record);
    return result.body as object;
  }

  app.post('/qbo/companies/:realm/tax-codes/:id/active', async (c) => {
    const company = state.companies.get(c.req.param('realm'));
    if (!company) return c.json({ error: `realm: no company ${c.req.param('realm')}` }, 404);
    const parsed = await parse(c, z.object({ active: z.boolean() }).strict());
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || !company.get('TaxCode', id)) return c.json({ error: `id: no tax code ${c.req.param('id')}` }, 404);
    return c.json(setTaxCodeActive(company, id, parsed.value.active));
  });

  app.post('/qbo/companies/:realm/faults', async (c) => {
    const company = state.companies.get(c.req.param('realm'));
    if (!company) return c.json({ error: `realm: no company ${c.req.param('realm')}` }, 404);
    const parsed = await parse(c, scheduledFaultsSchema);
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    const { kinds, calls = kinds.length } = parsed.value;
    const queue = state.stats(company.realmId).scheduledFaults;
    for (let i = 0; i < calls; i++) queue.push(kinds[i % kinds.length]!);
    return c.json({ realm_id: company.realmId, faults_scheduled: queue.length }, 201);
  });

  app.delete('/qbo/companies/:realm/faults', (c) => {
    const company = state.companies.get(c.req.param('realm'));
    if (!company) return c.json({ error: `realm: no company ${c.req.param('realm')}` }, 404);
    state.stats(company.realmId).scheduledFaults.length = 0;
    return c.json({ realm_id: company.realmId, faults_scheduled: 0 });
  });

  /**
   * What a person does inside QuickBooks to one record: edit it (the SyncToken moves on, so a client holding the
   * old one meets 5010) or delete it (transactions are removed; name lists are made inactive, QuickBooks' delete).
   */
  const entityTarget = (c: { req: { param: (name: string) => string } }) => {
    const company = state.companies.get(c.req.param('realm'));
    if (!company) return { error: `realm: no company ${c.req.param('realm')}` } as const;
    const type = entityNameOf(c.req.param('type'));
    if (!type || isSingleton(type)) return { error: `type: no entity type ${c.req.param('type')}` } as const;
    const id = Number(c.req.param('id'));
    const existing = Number.isInteger(id) ? company.get(type, id) : null;
    if (!existing) return { error: `id: no ${type} ${c.req.param('id')}` } as const;
    company.nowMs = state.clock.nowMs();
    return { company, type, existing } as const;
  };
  const applyControlWrite = (company: NonNullable<ReturnType<typeof state.companies.get>>, record: WriteRecord) => {
    const result = applyWrite(company, record);
    state.journal?.(company.realmId, company.nowMs, record);
    return result;
  };

  app.post('/qbo/companies/:realm/entities/:type/:id', async (c) => {
    const target = entityTarget(c);
    if ('error' in target) return c.json({ error: target.error }, 404);
    const parsed = await parse(c, entityEditSchema);
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    const { company, type, existing } = target;
    if (type === 'TaxCode') {
      const keys = Object.keys(parsed.value.changes);
      const active = parsed.value.changes['Active'];
      if (keys.length !== 1 || typeof active !== 'boolean') return c.json({ error: 'changes: a person can only make a tax code active or inactive in QuickBooks ({"Active": false}); its name and rates are fixed' }, 400);
      return c.json(setTaxCodeActive(company, Number(existing['Id']), active));
    }
    const payload: Record<string, unknown> = { Id: existing['Id'], SyncToken: existing['SyncToken'], sparse: true };
    for (const field of SPARSE_REQUIRED[type] ?? []) payload[field] = existing[field];
    const result = applyControlWrite(company, { op: 'entity', type, operation: 'update', payload: { ...payload, ...parsed.value.changes } });
    return c.json(result.body as object, result.status as 200);
  });

  app.delete('/qbo/companies/:realm/entities/:type/:id', (c) => {
    const target = entityTarget(c);
    if ('error' in target) return c.json({ error: target.error }, 404);
    const { company, type, existing } = target;
    // QuickBooks' delete of a tax code is making it inactive, as for names.
    if (type === 'TaxCode') return c.json(setTaxCodeActive(company, Number(existing['Id']), false));
    const payload: Record<string, unknown> = { Id: existing['Id'], SyncToken: existing['SyncToken'] };
    if (!TRANSACTIONS.has(type)) {
      for (const field of SPARSE_REQUIRED[type] ?? []) payload[field] = existing[field];
      Object.assign(payload, { sparse: true, Active: false });
    }
    const record: WriteRecord = TRANSACTIONS.has(type) ? { op: 'entity', type, operation: 'delete', payload } : { op: 'entity', type, operation: 'update', payload };
    const result = applyControlWrite(company, record);
    return c.json(result.body as object, result.status as 200);
  });

  app.post('/qbo/companies/:realm/disconnect', (c) => {
    const realm = c.req.param('realm');
    if (!state.companies.has(realm)) return c.json({ error: `realm: no company ${realm}` }, 404);
    return c.json({ realm_id: realm, disconnected_grants: state.grants.disconnectRealm(realm) });
  });

  app.post('/qbo/apps', async (c) => {
    const parsed = await parse(c, appSchema);
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    return c.json(state.apps.register(parsed.value), 201);
  });

  /** Makes the token endpoint fail (invalid_grant, 5xx, or hang past the caller's deadline); `times` bounds it. */
  app.get('/qbo/oauth/token-fault', (c) => c.json(tokenFaultOf(state)));
  app.put('/qbo/oauth/token-fault', async (c) => {
    const parsed = await parse(c, tokenFaultSchema);
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    return c.json(setTokenFault(state, parsed.value));
  });

  app.get('/qbo/settings', (c) => c.json(hooks.getSettings()));
  app.put('/qbo/settings', async (c) => {
    const parsed = await parse(c, settingsPatchSchema);
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    const patch = parsed.value as Partial<SandboxSettings>;
    if (patch.auto_approve_realm && !state.companies.has(patch.auto_approve_realm)) return c.json({ error: `auto_approve_realm: no company ${patch.auto_approve_realm}` }, 400);
    const conflict = settingsConflict(applySettings(hooks.getSettings(), patch));
    if (conflict) return c.json({ error: conflict }, 400);
    return c.json(hooks.putSettings(patch));
  });

  app.get('/qbo/webhooks', (c) => c.json({ deliveries: state.webhooks.deliveries }));
  app.post('/qbo/webhooks/flush', async (c) => {
    await state.webhooks.flush();
    return c.json({ deliveries: state.webhooks.deliveries.length });
  });

  app.post('/clock', async (c) => {
    const parsed = await parse(c, clockSchema);
    if (!parsed.ok) return c.json({ error: parsed.error }, 400);
    state.clock.advance(parsed.value.advance_seconds);
    return c.json({ now: new Date(state.clock.nowMs()).toISOString() });
  });
  app.get('/clock', (c) => c.json({ now: new Date(state.clock.nowMs()).toISOString() }));

  app.post('/reset', (c) => {
    hooks.reset();
    clearTokenFault(state);
    return c.json({ reset: true });
  });
  return app;
}
