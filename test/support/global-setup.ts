import type { TestProject } from 'vitest/node';
import { connect } from '../../bff/db/client.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../bff/db/embedded.ts';
import { migrate } from '../../bff/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
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
  }
  project.provide('databaseUrl', url);
}

export async function teardown() {
  await embedded?.stop();
}
