import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { SandboxClock } from './clock.ts';
import type { CompanySpec } from './qbo/company-spec.ts';
import { applyWrite } from './qbo/api/apply.ts';
import { Company } from './qbo/company.ts';
import { SnapshotFile, type CompanyRecord, type SandboxSnapshot } from './persistence.ts';
import { accountingRoutes } from './qbo/api/routes.ts';
import { controlRoutes } from './qbo/control/routes.ts';
import { DEMO_COMPANIES } from './qbo/demo-companies.ts';
import { AppRegistry, type AppInput } from './qbo/oauth/apps.ts';
import { GrantStore } from './qbo/oauth/grants.ts';
import { oauthRoutes } from './qbo/oauth/routes.ts';
import { hashString } from './qbo/random.ts';
import type { QboState } from './qbo/state.ts';
import { RealmStats } from './qbo/stats.ts';
import { WebhookDispatcher } from './qbo/webhooks.ts';
import { applySettings, DEFAULT_SETTINGS, type SandboxSettings } from './settings.ts';

export type { SandboxSettings } from './settings.ts';
export type { CompanySpec } from './qbo/company-spec.ts';
export { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from './qbo/oauth/apps.ts';
export { DEMO_COMPANIES } from './qbo/demo-companies.ts';

export interface SandboxOptions {
  /** Public base URL B where `app` is mounted at '/', e.g. http://127.0.0.1:8787. */
  baseUrl: string;
  /** Seed the demo companies (Acme Landscaping LLC, Harbor Dental Group, ...). */
  demoCompanies?: boolean;
  /** Same fields as PUT /_sandbox/qbo/settings. */
  settings?: Partial<SandboxSettings>;
  /**
   * Directory that keeps companies, their writes, OAuth apps, grants and tokens, and the clock across restarts
   * (`npm start` passes .ledgerlink/sandbox). Absent: everything lives in memory, as tests and benchmarks want.
   */
  dataDir?: string;
}

export interface Sandbox {
  /** Serves B/qbo/* and B/_sandbox/* (B/xero/* is reserved for a Xero sandbox). */
  app: Hono;
  registerApp(input: AppInput): { client_id: string; client_secret: string };
  createCompany(input: CompanySpec): { realm_id: string; name: string };
  /** Writes pending state to the data directory now (also done shortly after every change, and on close). */
  flush(): void;
  /** Stops timers (webhook batches and retries, held responses) and writes pending state. */
  close(): Promise<void>;
}

/**
 * A local QuickBooks Online: Intuit's OAuth server and Accounting API at Intuit's paths below B/qbo, and a control
 * API below B/_sandbox. Imports nothing from the product, so it cannot share the product's mistakes.
 */
export function createSandbox(options: SandboxOptions): Sandbox {
  const clock = new SandboxClock();
  let settings = applySettings(DEFAULT_SETTINGS, options.settings ?? {});
  const apps = new AppRegistry();
  const grants = new GrantStore();
  const companies = new Map<string, Company>();
  const stats = new Map<string, RealmStats>();
  const statsOf = (realmId: string) => {
    let entry = stats.get(realmId);
    if (!entry) {
      entry = new RealmStats();
      stats.set(realmId, entry);
    }
    return entry;
  };
  const webhooks = new WebhookDispatcher({ settings: () => settings, apps, grants, stats: statsOf });
  const state: QboState = { baseUrl: options.baseUrl, clock, settings: () => settings, apps, grants, companies, stats: statsOf, webhooks, pending: new Set(), mutationCalls: 0 };
  let created = 0;
  const file = options.dataDir ? new SnapshotFile(options.dataDir) : null;
  /** Spec, creation time and journal per realm: what a restart needs to rebuild each company. */
  const records = new Map<string, CompanyRecord>();

  const addCompany = (realmId: string, spec: CompanySpec, createdMs: number): Company => {
    const company = new Company({ realmId, spec, nowMs: createdMs });
    companies.set(realmId, company);
    if (file) records.set(realmId, { realmId, spec, createdMs, journal: [] });
    return company;
  };

  const createCompany = (input: CompanySpec): { realm_id: string; name: string } => {
    created++;
    const realmId = input.realm_id ?? `9341${String(hashString(`${input.seed ?? ''}:${created}`) % 10_000).padStart(4, '0')}${String(created).padStart(8, '0')}`;
    const company = addCompany(realmId, input, clock.nowMs());
    company.onChange = (change) => webhooks.notify(realmId, change);
    changed();
    return { realm_id: realmId, name: company.name };
  };

  const seed = () => {
    if (options.demoCompanies) for (const spec of DEMO_COMPANIES) createCompany(spec);
  };

  // ---- persistence: a snapshot file rewritten shortly after changes, read once at start ------------------------
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const snapshot = (): SandboxSnapshot => ({
    version: 1,
    clockOffsetMs: clock.offsetMs,
    createdCompanies: created,
    mutationCalls: state.mutationCalls,
    apps: apps.registered(),
    grants: grants.snapshot(clock.nowMs()),
    companies: [...records.values()],
  });
  const flush = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    try {
      file?.save(snapshot());
    } catch (error) {
      // A full disk must not take the server down with it; the next change tries again.
      console.error(`[sandbox] could not write ${file?.path}: ${(error as Error).message}`);
    }
  };
  /** Schedules a write; a burst of requests costs one write, and writes never block a request. */
  function changed(): void {
    if (!file || saveTimer) return;
    saveTimer = setTimeout(flush, 200);
    saveTimer.unref?.();
  }
  if (file) {
    state.journal = (realmId, atMs, record) => {
      records.get(realmId)?.journal.push({ atMs, record });
      changed();
    };
  }

  const restore = (saved: SandboxSnapshot) => {
    clock.restore(saved.clockOffsetMs);
    created = saved.createdCompanies;
    state.mutationCalls = saved.mutationCalls;
    apps.restore(saved.apps);
    grants.restore(saved.grants);
    for (const entry of saved.companies) {
      const company = addCompany(entry.realmId, entry.spec, entry.createdMs);
      // Replayed at their recorded times and without webhooks: these changes were announced before the restart.
      for (const { atMs, record } of entry.journal) {
        company.nowMs = atMs;
        try {
          applyWrite(company, record);
        } catch (error) {
          console.warn(`[sandbox] ${entry.realmId}: a journaled ${record.op} no longer applies: ${(error as Error).message}`);
        }
        records.get(entry.realmId)?.journal.push({ atMs, record });
      }
      company.onChange = (change) => webhooks.notify(entry.realmId, change);
    }
  };

  const saved = file?.load() ?? null;
  if (saved) restore(saved);
  else seed();

  const app = new Hono();
  // Intuit tags every response with a transaction id (intuit-oauth reads it into its errors).
  app.use('/qbo/*', async (c, next) => {
    await next();
    c.res.headers.set('intuit_tid', randomUUID());
  });
  // Tokens, grants, apps, companies and the clock change through these paths; reads cost nothing but a timer check.
  if (file) {
    app.use('*', async (c, next) => {
      await next();
      if (c.req.method !== 'GET' || c.req.path.endsWith('/connect/oauth2')) changed();
    });
  }
  app.route('/qbo', oauthRoutes(state));
  app.route('/qbo', accountingRoutes(state));
  app.route(
    '/_sandbox',
    controlRoutes(state, {
      createCompany,
      getSettings: () => settings,
      putSettings: (patch) => {
        settings = applySettings(settings, patch);
        return settings;
      },
      reset: () => {
        companies.clear();
        stats.clear();
        grants.clear();
        apps.reset();
        clock.reset();
        webhooks.reset();
        settings = applySettings(DEFAULT_SETTINGS, options.settings ?? {});
        created = 0;
        records.clear();
        seed();
        changed();
      },
    }),
  );

  return {
    app,
    registerApp: (input) => apps.register(input),
    createCompany,
    flush,
    async close() {
      if (file) flush();
      webhooks.close();
      for (const pending of state.pending) pending.cancel();
      state.pending.clear();
    },
  };
}
