import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { connect } from '../../bff/db/client.ts';
import { freePort, freshDatabase, repoRoot, spawnEntry, waitForHttp, type Spawned } from '../support/processes.ts';

/**
 * `npm run serve` as operators run it: the built JavaScript (`npm run build` makes dist/bff/main.js) under plain
 * Node, no TypeScript loader. It must find its migrations and the widget bundle from where the build puts it.
 */
const entry = 'dist/bff/main.js';
const spawned: Spawned[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(spawned.map((process) => process.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const env = (port: number, extra: Record<string, string>) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'll-serve-'));
  dirs.push(dataDir);
  return {
    PORT: String(port),
    LEDGERLINK_DATA_DIR: dataDir,
    LEDGERLINK_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    LEDGERLINK_ADMIN_TOKEN: 'serve-admin-token-0123456789',
    LEDGERLINK_LOG_LEVEL: 'warn',
    ...extra,
  };
};

describe('the built server (npm run serve)', () => {
  test('is built by npm run build', () => {
    expect(existsSync(join(repoRoot, entry)), `${entry} is missing: run npm run build first`).toBe(true);
  });

  test('starts on DATABASE_URL, applies every migration and answers /readyz and the widget bundle', async () => {
    const database = await freshDatabase();
    try {
      const port = await freePort();
      const server = spawnEntry(entry, env(port, { DATABASE_URL: database.url }));
      spawned.push(server);
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, 60_000, server);
      const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { status: string };
      expect(ready.status).toBe('ready');
      const sql = connect(database.url, { max: 1 });
      const applied = (await sql<{ name: string }[]>`select name from schema_migrations order by name`).map((row) => row.name);
      await sql.end();
      expect(applied).toEqual(readdirSync(join(repoRoot, 'bff/db/migrations')).filter((name) => name.endsWith('.sql')).sort());
      expect((await fetch(`http://127.0.0.1:${port}/widget/ledgerlink.js`)).status).toBe(200);
      // No TypeScript loader in the process: what it runs is the bundle.
      expect(server.output()).not.toMatch(/tsx|\.ts:\d+/);
      await server.stop();
    } finally {
      await database.drop();
    }
  }, 90_000);

  test('starts on its embedded database when DATABASE_URL is unset', async () => {
    const port = await freePort();
    const server = spawnEntry(entry, env(port, { DATABASE_URL: '' }));
    spawned.push(server);
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, 90_000, server);
    expect(((await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { status: string }).status).toBe('ready');
    await server.stop();
  }, 120_000);
});
