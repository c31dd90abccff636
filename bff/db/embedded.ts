import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { chmodSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface EmbeddedPostgres {
  /** A postgres:// URL any Postgres client (ours is postgres.js) can connect to. */
  url: string;
  stop(): Promise<void>;
}

/** Unix socket paths longer than this do not fit sockaddr_un on Linux and macOS. */
const MAX_SOCKET_PATH = 100;

/**
 * Runs PGlite behind its socket server, so the product talks to it over the Postgres wire protocol exactly
 * as it talks to a real server: one code path for both. `dataDir` undefined keeps the data in memory
 * (tests) on a free loopback port. A folder keeps it across restarts, readable by its owner alone: the
 * folder is 0700, its files 0600, and the server listens on a Unix socket inside it (PGlite takes no
 * password, so a loopback port would let any local user in). Where the platform has no Unix sockets, or
 * the path is too long for one, it falls back to loopback.
 *
 * PGlite executes one transaction at a time across all connections, so callers keep transactions short.
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  if (dataDir) ownerOnly(dataDir);
  const db = await PGlite.create(dataDir ?? 'memory://');
  if (dataDir) ownerOnly(dataDir);
  const socketDir = dataDir && process.platform !== 'win32' ? resolve(dataDir, '..', 'pgsocket') : undefined;
  const socketPath = socketDir && join(socketDir, '.s.PGSQL.5432');
  const unix = socketPath !== undefined && socketPath.length <= MAX_SOCKET_PATH;
  if (unix) {
    mkdirSync(socketDir!, { recursive: true, mode: 0o700 });
    chmodSync(socketDir!, 0o700);
    rmSync(socketPath, { force: true }); // left by a process that was killed
  }
  const server = new PGLiteSocketServer({ db, maxConnections: 32, ...(unix ? { path: socketPath } : { host: '127.0.0.1', port: 0 }) });
  keepProtocolSequencesTogether(server, db);
  await server.start();
  const url = unix ? `postgres://postgres@localhost:5432/postgres?host=${encodeURIComponent(socketDir!)}` : `postgres://postgres@${server.getServerConn()}/postgres`;
  if (unix) chmodSync(socketPath, 0o600);
  return {
    url,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** Makes a folder and everything below it reachable by the owner only (files PGlite made earlier included). */
function ownerOnly(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) ownerOnly(path);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
}

/** The parts of pglite-socket's (unexported) query queue we rely on. */
interface QueueItem {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}
interface QueryQueue {
  queue: QueueItem[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const SYNC = 0x53; // 'S': ends an extended-protocol sequence (Parse/Bind/Describe/Execute…Sync)
const QUERY = 0x51; // 'Q': a simple query is a sequence of its own
const TERMINATE = 0x58; // 'X'

/**
 * pglite-socket 0.2.x keeps one connection's messages together only inside an explicit transaction. Outside
 * one, another connection's Parse/Bind can run between a Bind and its Execute and replace the unnamed
 * portal: `portal "" does not exist` under concurrent postgres.js queries. We give PGlite to one connection
 * from its first message until its Sync (or simple Query) has run with no transaction open, as a server
 * with one backend would behave.
 */
function keepProtocolSequencesTogether(server: PGLiteSocketServer, db: PGlite): void {
  const queue = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  let owner: number | null = null;

  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const index = owner === null ? 0 : this.queue.findIndex((item) => item.handlerId === owner);
        if (index === -1) return; // the owner's next message has not arrived yet; its arrival resumes us
        const [item] = this.queue.splice(index, 1) as [QueueItem];
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          owner = null;
          item.reject(error);
          continue;
        }
        const type = item.message[0];
        const sequenceEnds = type === SYNC || type === QUERY || type === TERMINATE || type === 0; // 0: startup packet
        owner = sequenceEnds && !db.isInTransaction() ? null : item.handlerId;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (owner === handlerId) owner = null; // a connection that dies mid-sequence releases PGlite
  };
}
