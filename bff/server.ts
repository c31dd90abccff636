import { serve, type ServerType } from '@hono/node-server';
import { createApp, type App } from './app.ts';
import { AllowedOrigins } from './auth/widget-cors.ts';
import type { Config } from './config.ts';
import type { Deps } from './context.ts';
import { loadKeys } from './crypto/keys.ts';
import { resealSecrets } from './crypto/reseal.ts';
import { connect } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { openDatabase, type OpenedDatabase } from './db/open.ts';
import { createLogger } from './http/logger.ts';
import { qboEndpoints } from './providers/qbo/endpoints.ts';
import { QboOAuth } from './providers/qbo/oauth-client.ts';
import { SyncWorker } from './sync/worker.ts';
import { WebhookWorker } from './webhooks/worker.ts';

export interface RunningServer extends App {
  deps: Deps;
  url: string;
  database: OpenedDatabase;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Adds routes (the demo host, the sandboxes) before the listener opens. */
  extend?: (app: App['app'], deps: Deps) => void | Promise<void>;
}

/**
 * Opens the database (DATABASE_URL, or embedded PGlite under the data dir), applies migrations,
 * builds the app and listens. The same sequence for every replica; migrations serialise themselves.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.LEDGERLINK_LOG_LEVEL);
  const database = await openDatabase(config, 'server');
  const sql = connect(database.url);
  const applied = await migrate(sql);
  if (applied.length > 0) logger.info('migrations applied', { migrations: applied });

  const deps: Deps = {
    sql,
    config,
    keys: loadKeys(config),
    logger,
    now: () => new Date(),
    origins: new AllowedOrigins(sql),
    qbo: qboClient(config),
    qboLimits: { perMinute: config.QBO_RATE_LIMIT_PER_MINUTE, concurrent: config.QBO_MAX_CONCURRENT },
  };
  // The sync worker also runs bff/jobs (the reactions a committed run queues, such as supplier field sync), so
  // every process with LEDGERLINK_WORKER on, `npm start` included, works through them.
  const worker = config.LEDGERLINK_WORKER
    ? new SyncWorker(deps, {
        concurrency: config.LEDGERLINK_SYNC_CONCURRENCY,
        leaseMs: config.LEDGERLINK_SYNC_LEASE_SECONDS * 1000,
        limits: deps.qboLimits,
      })
    : undefined;
  const webhooks = config.LEDGERLINK_WORKER ? new WebhookWorker(deps) : undefined;
  deps.wakeWorker = worker ? () => void worker.tick() : undefined;
  const built = createApp(deps);
  await options.extend?.(built.app, deps);

  const server = await listen(built.app.fetch, config.PORT, config.HOST);
  // After a key rotation, move every stored secret to the new key so the old one can be dropped.
  if (config.LEDGERLINK_WORKER) void resealSecrets(deps).catch((error: Error) => logger.error('re-sealing secrets failed', { error }));
  worker?.start();
  webhooks?.start();
  logger.info('listening', { url: config.publicUrl, database: database.embedded ? 'embedded' : 'external', worker: Boolean(worker) });

  return {
    ...built,
    deps,
    url: config.publicUrl,
    database,
    async close() {
      await worker?.stop();
      await webhooks?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sql.end({ timeout: 5 });
      await database.stop();
    },
  };
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}

function qboClient(config: Config): QboOAuth | undefined {
  const endpoints = qboEndpoints(config);
  return endpoints ? new QboOAuth(endpoints) : undefined;
}
