import type { TestProject } from 'vitest/node';
import { connect } from '../../bff/db/client.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../bff/db/embedded.ts';
import { migrate } from '../../bff/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** 'postgres' when TEST_DATABASE_URL names a real server; 'pglite' for the embedded one. */
    databaseKind: 'postgres' | 'pglite';
  }
}

let embedded: EmbeddedPostgres | undefined;

/**
 * One database for the whole run: the real Postgres named by TEST_DATABASE_URL (wiped and migrated first),
 * or an in-memory PGlite behind its socket server. Tests isolate themselves by creating their own tenants.
 */
export async function setup(project: TestProject) {
  let url = process.env.TEST_DATABASE_URL;
  if (url) {
    const sql = connect(url, { max: 1 });
    await sql`drop schema if exists public cascade`;
    await sql`create schema public`;
    await migrate(sql);
    await sql.end();
  } else {
    embedded = await startEmbeddedPostgres();
    url = embedded.url;
    const sql = connect(url, { max: 1 });
    await migrate(sql);
    await sql.end();
    console.warn(
      '\n  !! No TEST_DATABASE_URL: running on embedded PGlite, which runs one transaction at a time.\n' +
        '  !! Tests of concurrent claims, leases and compare-and-swap are SKIPPED (they cannot fail here).\n' +
        '  !! Run them with TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (CI does).\n',
    );
  }
  project.provide('databaseUrl', url);
  project.provide('databaseKind', process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite');
}

export async function teardown() {
  await embedded?.stop();
}
