import { serve } from '@hono/node-server';
import { parseArgs } from 'node:util';
import { createSandbox, DEMO_COMPANIES, DEV_CLIENT_ID, DEV_CLIENT_SECRET } from './index.ts';

// `npm run sandbox -- --port 8788 [--host 127.0.0.1] [--data-dir DIR]`: the QuickBooks sandbox on its own, seeded with the
// demo companies; with --data-dir its companies, writes and tokens survive a restart.
const { values } = parseArgs({ options: { port: { type: 'string', default: '8788' }, host: { type: 'string', default: '127.0.0.1' }, 'data-dir': { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: expected a port number, got ${values.port}`);
  process.exit(1);
}
const host = values.host ?? '127.0.0.1';
const baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
const dataDir = values['data-dir'];
const sandbox = createSandbox(dataDir ? { baseUrl, demoCompanies: true, dataDir } : { baseUrl, demoCompanies: true });
const server = serve({ fetch: sandbox.app.fetch, port, hostname: host }, (info) => {
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${info.port}`;
  console.log(`
  QuickBooks Online sandbox   ${url}/qbo
  OpenID discovery            ${url}/qbo/.well-known/openid_configuration
  Control API                 ${url}/_sandbox
  Dev app                     client_id ${DEV_CLIENT_ID}  client_secret ${DEV_CLIENT_SECRET}
                              (any http://localhost or http://127.0.0.1 redirect URI)
  Companies                   ${DEMO_COMPANIES.map((company) => `${company.name} (${company.realm_id})`).join('\n                              ')}
`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await sandbox.close();
    server.close();
    process.exit(0);
  });
}
