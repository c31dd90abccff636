import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { loadConfig } from '../config.ts';
import { connect } from './client.ts';
import { openDatabase } from './open.ts';

const dir = mkdtempSync(join(tmpdir(), 'll-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file and folder below `root`, with its permission bits. */
function modes(root: string): { path: string; mode: number; dir: boolean }[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    const path = join(root, entry.name);
    const stat = lstatSync(path);
    const self = { path, mode: stat.mode & 0o777, dir: entry.isDirectory() };
    return entry.isDirectory() ? [self, ...modes(path)] : [self];
  });
}

test.skipIf(process.platform === 'win32')('the embedded database is its owner\'s alone: 0700 folders, owner-only files, a Unix socket instead of a loopback port', async () => {
  const dataDir = join(dir, 'data');
  const config = loadConfig({ NODE_ENV: 'development', LEDGERLINK_DATA_DIR: dataDir });
  const database = await openDatabase(config, 'server');
  try {
    const sql = connect(database.url, { max: 1 });
    await sql`create table if not exists probe (id int)`;
    expect((await sql`select 1 as one`)[0]).toEqual({ one: 1 });
    await sql.end();

    // No TCP port anyone on the machine could reach: the URL names a socket folder.
    expect(new URL(database.url).searchParams.get('host')).toMatch(/^\//);
    expect(readFileSync(join(dataDir, 'pgdata.url'), 'utf8')).toBe(database.url);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const everything = modes(dataDir);
    expect(everything.length).toBeGreaterThan(10);
    for (const entry of everything) {
      // Folders 0700; files and the socket carry no group or other bits.
      if (entry.dir) expect({ path: entry.path, mode: entry.mode.toString(8) }).toEqual({ path: entry.path, mode: '700' });
      else expect({ path: entry.path, other: (entry.mode & 0o077).toString(8) }).toEqual({ path: entry.path, other: '0' });
    }
  } finally {
    await database.stop();
  }
  // A restart on the same folder finds its data through a fresh socket.
  const again = await openDatabase(config, 'server');
  try {
    const sql = connect(again.url, { max: 1 });
    expect(await sql`select count(*)::int as n from probe`).toEqual([{ n: 0 }]);
    await sql.end();
  } finally {
    await again.stop();
  }
}, 60_000);
