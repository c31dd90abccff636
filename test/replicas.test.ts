import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { connect } from '../bff/db/client.ts';
import { raceTest } from './support/database.ts';
import { freePort, freshDatabase, repoRoot, spawnEntry, waitForHttp } from './support/processes.ts';

raceTest('two BFF processes started together on one empty database both come up; migrations run once', async () => {
  const database = await freshDatabase();
  const ports = [await freePort(), await freePort()];
  const env = (port: number) => ({
    DATABASE_URL: database.url,
    PORT: String(port),
    LEDGERLINK_DATA_DIR: mkdtempSync(join(tmpdir(), 'll-replica-')),
    LEDGERLINK_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    LEDGERLINK_ADMIN_TOKEN: 'replica-admin-token-0123456789',
    LEDGERLINK_LOG_LEVEL: 'info',
  });
  const replicas = ports.map((port) => spawnEntry('bff/main.ts', env(port)));
  try {
    await Promise.all(replicas.map((replica, i) => waitForHttp(`http://127.0.0.1:${ports[i]}/readyz`, 30_000, replica)));
    const sql = connect(database.url, { max: 1 });
    const rows = await sql<{ name: string }[]>`select name from schema_migrations order by name`;
    await sql.end();
    const files = readdirSync(join(repoRoot, 'bff/db/migrations')).filter((name) => name.endsWith('.sql')).sort();
    expect(rows.map((row) => row.name)).toEqual(files);
    const appliers = replicas.filter((replica) => replica.output().includes('"msg":"migrations applied"'));
    expect(appliers).toHaveLength(1);
  } finally {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await database.drop();
  }
});
