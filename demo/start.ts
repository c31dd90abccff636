// `npm start`: the whole product on embedded defaults, one port. The BFF with its embedded Postgres, the
// QuickBooks sandbox standing in for Intuit (unless real credentials are configured), a demo tenant, and
// "Brightside Practice", a pretend host app that embeds the components.
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../bff/config.ts';
import { startServer } from '../bff/server.ts';
import { ensureDemoTenant } from './demo-tenant.ts';
import { createDemoHost } from './host/app.ts';
import { createSandbox, type Sandbox } from './sandbox/index.ts';

let config: Config;
try {
  // The demo's terminal is for the URLs above all: request logs (one per widget poll) only when asked for.
  config = loadConfig({ LEDGERLINK_LOG_LEVEL: 'warn', ...process.env });
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

// No Intuit credentials: QuickBooks is the local sandbox, mounted on this same server.
const useSandbox = !config.QBO_CLIENT_ID;
if (useSandbox) {
  config.LEDGERLINK_SANDBOX_URL ??= config.publicUrl;
  config.QBO_CLIENT_ID = 'ledgerlink-dev';
  config.QBO_CLIENT_SECRET = 'ledgerlink-dev-secret';
}

let sandbox: Sandbox | undefined;
let tenantId = '';
const port = config.PORT;
const server = await startServer(config, {
  async extend(app, deps) {
    if (useSandbox) {
      // The sandbox keeps its companies, writes and issued tokens beside the embedded database, so a restart does
      // not leave every connection needing a reconnect.
      sandbox = createSandbox({ baseUrl: config.publicUrl, demoCompanies: true, dataDir: join(config.LEDGERLINK_DATA_DIR, 'sandbox') });
      app.route('/', sandbox.app);
    }
    const origins = [...new Set([new URL(config.publicUrl).origin, `http://localhost:${port}`, `http://127.0.0.1:${port}`])];
    const demo = await ensureDemoTenant(deps, origins);
    tenantId = demo.tenant_id;
    app.route('/', createDemoHost({ bffUrl: `http://127.0.0.1:${port}`, secretKey: demo.secret_key }));
  },
}).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});

const url = server.url;
console.log(`
  Ledgerlink is running

  Demo host app        ${url}/
  API description      ${url}/openapi.json
  Widget bundle        ${url}/widget/ledgerlink.js
  Health               ${url}/healthz · ${url}/readyz · ${url}/metrics
  QuickBooks           ${useSandbox ? `local sandbox at ${url}/qbo (control API ${url}/_sandbox), data in ${join(config.LEDGERLINK_DATA_DIR, 'sandbox')}` : `Intuit (${config.QBO_ENVIRONMENT})`}
  Database             ${config.DATABASE_URL ? 'DATABASE_URL' : `embedded, in ${config.LEDGERLINK_DATA_DIR}/pgdata`}
  Demo tenant          ${tenantId} (secret key in ${config.LEDGERLINK_DATA_DIR}/demo-tenant.json)
  Admin token          ${config.LEDGERLINK_ADMIN_TOKEN ? 'LEDGERLINK_ADMIN_TOKEN' : `${config.LEDGERLINK_DATA_DIR}/admin.token`}
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await sandbox?.close();
    await server.close().catch(() => {});
    process.exit(0);
  });
}
