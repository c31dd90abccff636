import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { SandboxClock } from './clock.ts';
import type { CompanySpec } from './qbo/company-spec.ts';
import { Company } from './qbo/company.ts';
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
}

export interface Sandbox {
  /** Serves B/qbo/* and B/_sandbox/* (B/xero/* is reserved for a Xero sandbox). */
  app: Hono;
  registerApp(input: AppInput): { client_id: string; client_secret: string };
  createCompany(input: CompanySpec): { realm_id: string; name: string };
  /** Stops timers (webhook batches and retries, held responses). */
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
  const state: QboState = { baseUrl: options.baseUrl, clock, settings: () => settings, apps, grants, companies, stats: statsOf, webhooks, pending: new Set() };
  let created = 0;

  const createCompany = (input: CompanySpec): { realm_id: string; name: string } => {
    created++;
    const realmId = input.realm_id ?? `9341${String(hashString(`${input.seed ?? ''}:${created}`) % 10_000).padStart(4, '0')}${String(created).padStart(8, '0')}`;
    const company = new Company({ realmId, spec: input, nowMs: clock.nowMs() });
    company.onChange = (change) => webhooks.notify(realmId, change);
    companies.set(realmId, company);
    return { realm_id: realmId, name: company.name };
  };

  const seed = () => {
    if (options.demoCompanies) for (const spec of DEMO_COMPANIES) createCompany(spec);
  };
  seed();

  const app = new Hono();
  // Intuit tags every response with a transaction id (intuit-oauth reads it into its errors).
  app.use('/qbo/*', async (c, next) => {
    await next();
    c.res.headers.set('intuit_tid', randomUUID());
  });
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
        seed();
      },
    }),
  );

  return {
    app,
    registerApp: (input) => apps.register(input),
    createCompany,
    async close() {
      webhooks.close();
      for (const pending of state.pending) pending.cancel();
      state.pending.clear();
    },
  };
}
