import { randomBytes } from 'node:crypto';
import { createApp } from '../../bff/app.ts';
import { AllowedOrigins } from '../../bff/auth/widget-cors.ts';
import { loadConfig } from '../../bff/config.ts';
import type { Deps } from '../../bff/context.ts';
import { deriveKeys } from '../../bff/crypto/keys.ts';
import { createLogger } from '../../bff/http/logger.ts';
import { BrowserCookies } from './browser-cookies.ts';
import { testDatabase } from './database.ts';

/**
 * The browser every test app is driven by. Shared by every app in the file, as one browser talks to every
 * replica behind a load balancer. A test playing another browser calls `app.request` directly.
 */
const browser = new BrowserCookies();

export interface TestTenant {
  id: string;
  secretKey: string;
  origin: string;
}

/**
 * The real app on the run's test database, with a clock tests can move. Each test creates its own
 * tenants, so files running side by side never see each other's data.
 */
export function testApp(overrides: Partial<Deps> = {}) {
  const sql = testDatabase();
  let offsetMs = 0;
  const deps: Deps = {
    sql,
    // Test receivers listen on 127.0.0.1: the development allowance for loopback, made explicit as a host would.
    config: loadConfig({ NODE_ENV: 'test', LEDGERLINK_DATA_DIR: '/nonexistent', LEDGERLINK_WEBHOOK_ALLOW_LOOPBACK: 'true' }),
    keys: deriveKeys(randomBytes(32), 'test-admin-token-0123456789abcdef'),
    logger: createLogger('silent'),
    now: () => new Date(Date.now() + offsetMs),
    origins: new AllowedOrigins(sql, 0),
    qbo: undefined,
    qboLimits: { perMinute: 500, concurrent: 10 },
    ...overrides,
  };
  const { app, metrics } = createApp(deps);

  const request = async (path: string, init: RequestInit & { json?: unknown; token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    const cookie = browser.for(path);
    if (cookie && !headers.has('cookie')) headers.set('cookie', cookie);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const response = await app.request(path, { ...init, headers, body });
    browser.remember(response);
    return response;
  };

  return {
    app,
    deps,
    metrics,
    request,
    advanceClock(seconds: number) {
      offsetMs += seconds * 1000;
    },
    async createTenant(name = 'Test host'): Promise<TestTenant> {
      const origin = `https://${randomBytes(4).toString('hex')}.host.example`;
      const response = await request('/v1/admin/tenants', {
        method: 'POST',
        token: deps.keys.adminToken,
        json: { name, allowed_origins: [origin] },
      });
      if (response.status !== 201) throw new Error(`tenant creation failed: ${response.status} ${await response.text()}`);
      const tenant = (await response.json()) as { id: string; secret_key: string };
      return { id: tenant.id, secretKey: tenant.secret_key, origin };
    },
    async session(tenant: TestTenant, organizationId: string, user: { id?: string; role?: string } = {}): Promise<string> {
      const response = await request('/v1/sessions', {
        method: 'POST',
        token: tenant.secretKey,
        json: { organization_id: organizationId, user: { id: user.id ?? 'user-1', role: user.role ?? 'admin' } },
      });
      if (response.status !== 201) throw new Error(`session failed: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
  };
}
