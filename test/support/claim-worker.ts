// A worker process for the claiming test: real SyncWorker and claimRuns, with an execute step that only
// records who ran what. Exits when nothing is left to claim.
import { randomBytes } from 'node:crypto';
import { AllowedOrigins } from '../../bff/auth/widget-cors.ts';
import { loadConfig } from '../../bff/config.ts';
import { deriveKeys } from '../../bff/crypto/keys.ts';
import { connect } from '../../bff/db/client.ts';
import { createLogger } from '../../bff/http/logger.ts';
import { SyncWorker } from '../../bff/sync/worker.ts';

const sql = connect(process.env.DATABASE_URL!, { max: 8 });
const deps = {
  sql,
  config: loadConfig({ NODE_ENV: 'test' }),
  keys: deriveKeys(randomBytes(32), 'claim-worker-admin-token-000000'),
  logger: createLogger('warn'),
  now: () => new Date(),
  origins: new AllowedOrigins(sql),
  qbo: undefined,
    qboLimits: { perMinute: 500, concurrent: 10 },
};
const worker = new SyncWorker(deps, {
  concurrency: 64,
  leaseMs: 30_000,
  // Jobs in the shared test database belong to other files' tests, which run them themselves.
  jobHandlers: [],
  execute: async (run) => {
    await sql`insert into test_claims (run_id, owner) values (${run.id}, ${worker.owner})`;
    await sql`update sync_runs set status = 'succeeded', finished_at = now(), lease_owner = null where id = ${run.id}`;
  },
});

let idleTicks = 0;
while (idleTicks < 20) {
  const claimed = await worker.tick();
  await worker.idle();
  idleTicks = claimed === 0 ? idleTicks + 1 : 0;
  if (claimed === 0) await new Promise((resolve) => setTimeout(resolve, 50));
}
await sql.end();
