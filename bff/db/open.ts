import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { connect } from './client.ts';
import { startEmbeddedPostgres } from './embedded.ts';

export interface OpenedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when set. Otherwise the embedded PGlite in the data dir: only one process can own its files,
 * so the owner writes its socket URL to `pgdata.url`. A server refuses to start on a data dir another
 * server owns; tools (the tenant CLI) connect through the owner's socket instead.
 */
export async function openDatabase(config: Config, role: 'server' | 'tool'): Promise<OpenedDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  const urlFile = join(config.LEDGERLINK_DATA_DIR, 'pgdata.url');
  const running = existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : undefined;
  if (running && (await reachable(running))) {
    if (role === 'server') {
      throw new Error(`Another Ledgerlink server is using the embedded database in ${config.LEDGERLINK_DATA_DIR}; stop it, or set DATABASE_URL to share a Postgres between replicas.`);
    }
    return { url: running, embedded: true, stop: async () => {} };
  }
  // The data dir holds the database, its socket and keys: its owner's alone.
  mkdirSync(config.LEDGERLINK_DATA_DIR, { recursive: true, mode: 0o700 });
  chmodSync(config.LEDGERLINK_DATA_DIR, 0o700);
  const database = await startEmbeddedPostgres(join(config.LEDGERLINK_DATA_DIR, 'pgdata'));
  writeFileSync(urlFile, database.url, { mode: 0o600 });
  return {
    url: database.url,
    embedded: true,
    async stop() {
      rmSync(urlFile, { force: true });
      await database.stop();
    },
  };
}

async function reachable(url: string): Promise<boolean> {
  const sql = connect(url, { max: 1 });
  try {
    await Promise.race([sql`select 1`, new Promise((_, reject) => setTimeout(reject, 1_000).unref())]);
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}
