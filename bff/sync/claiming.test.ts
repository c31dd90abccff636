import { expect } from 'vitest';
import { connect } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { raceTest } from '../../test/support/database.ts';
import { freshDatabase, spawnEntry } from '../../test/support/processes.ts';

raceTest('10,000 connections due at once, 3 worker processes: every run executed exactly once', async () => {
  const database = await freshDatabase();
  const sql = connect(database.url, { max: 2 });
  try {
    await migrate(sql);
    await sql`create table test_claims (run_id text not null, owner text not null)`;
    await sql`insert into tenants (id, name) values ('ten_claims', 'claims')`;
    await sql`insert into organizations (tenant_id, id) values ('ten_claims', 'org')`;
    await sql`
      insert into connections (id, tenant_id, organization_id, provider, external_id, status)
      select 'con_' || lpad(to_hex(n), 20, '0'), 'ten_claims', 'org', 'qbo', 'realm-' || n, 'connected' from generate_series(1, 10000) n`;
    await sql`
      insert into sync_runs (id, connection_id, kind, trigger, status)
      select 'run_' || lpad(to_hex(n), 20, '0'), 'con_' || lpad(to_hex(n), 20, '0'), 'incremental', 'schedule', 'queued' from generate_series(1, 10000) n`;

    const workers = [1, 2, 3].map(() => spawnEntry('test/support/claim-worker.ts', { DATABASE_URL: database.url }));
    await Promise.all(workers.map((worker) => new Promise((resolve) => worker.child.once('exit', resolve))));
    for (const worker of workers) expect(worker.child.exitCode, worker.output()).toBe(0);

    const [totals] = await sql<{ executions: number; distinct_runs: number; owners: number }[]>`
      select count(*)::int as executions, count(distinct run_id)::int as distinct_runs, count(distinct owner)::int as owners from test_claims`;
    expect(totals).toEqual({ executions: 10000, distinct_runs: 10000, owners: 3 });
    const [left] = await sql<{ n: number }[]>`select count(*)::int as n from sync_runs where status <> 'succeeded'`;
    expect(left!.n).toBe(0);
  } finally {
    await sql.end();
    await database.drop();
  }
}, 180_000);
