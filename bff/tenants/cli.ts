// `npm run tenant -- create --name X --origin https://app.example [--origin …]`
// `npm run tenant -- list` · `npm run tenant -- rotate-key <tenant id>` · `npm run tenant -- revoke-key <tenant id> <key id>`
// Talks to the database directly (DATABASE_URL or the embedded data dir), like the admin API does.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Origin } from '../../shared/api/common.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { connect } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { createSecretKey, createTenant, listTenants, revokeSecretKey } from './store.ts';

const usage = `Usage:
  npm run tenant -- create --name "Acme Practice" --origin https://app.acme.example [--origin …]
  npm run tenant -- list
  npm run tenant -- rotate-key <tenant id>
  npm run tenant -- revoke-key <tenant id> <key id>`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, origin: { type: 'string', multiple: true }, help: { type: 'boolean' } },
});
const [command, ...rest] = positionals;
if (values.help || !command) {
  console.log(usage);
  process.exit(command ? 0 : 1);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
const database = await openDatabase(config, 'tool');
const sql = connect(database.url, { max: 1 });
try {
  await migrate(sql);
  switch (command) {
    case 'create': {
      const input = z
        .object({ name: z.string().trim().min(1, '--name is required'), allowed_origins: z.array(Origin) })
        .safeParse({ name: values.name ?? '', allowed_origins: values.origin ?? [] });
      if (!input.success) throw new Error(input.error.issues.map((issue) => `${issue.path.join('.') === 'name' ? '--name' : '--origin'}: ${issue.message}`).join('\n'));
      const tenant = await createTenant(sql, input.data);
      console.log(JSON.stringify({ id: tenant.id, name: tenant.name, allowed_origins: tenant.allowed_origins, key_id: tenant.key_id, secret_key: tenant.secret_key }, null, 2));
      console.error('Store the secret key now: it is not shown again.');
      break;
    }
    case 'list':
      console.log(JSON.stringify(await listTenants(sql), null, 2));
      break;
    case 'rotate-key': {
      if (!rest[0]) throw new Error('rotate-key needs a tenant id');
      console.log(JSON.stringify({ tenant_id: rest[0], ...(await createSecretKey(sql, rest[0])) }, null, 2));
      break;
    }
    case 'revoke-key': {
      if (!rest[0] || !rest[1]) throw new Error('revoke-key needs a tenant id and a key id');
      if (!(await revokeSecretKey(sql, rest[0], rest[1]))) throw new Error(`No active key ${rest[1]} for tenant ${rest[0]}`);
      console.log(`Revoked ${rest[1]}`);
      break;
    }
    default:
      throw new Error(`Unknown command "${command}"\n${usage}`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await sql.end();
  await database.stop();
}
