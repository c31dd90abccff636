import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';

export interface EmbeddedPostgres {
  /** A postgres:// URL any Postgres client (ours is postgres.js) can connect to. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs PGlite behind its socket server on a free loopback port, so the product talks to it over the
 * Postgres wire protocol exactly as it talks to a real server: one code path for both.
 * `dataDir` undefined keeps the data in memory (tests); a folder keeps it across restarts.
 *
 * PGlite executes one transaction at a time across all connections, so callers keep transactions short.
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ?? 'memory://');
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 32 });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgres://postgres@${address}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
