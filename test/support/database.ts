import { afterAll, inject, test } from 'vitest';
import { connect, type Sql } from '../../bff/db/client.ts';

/** A pool on the run's test database, closed after the calling file's tests. */
export function testDatabase(): Sql {
  const sql = connect(inject('databaseUrl'), { max: 4 });
  afterAll(() => sql.end());
  return sql;
}

/** Whether this run's database is a real Postgres server (TEST_DATABASE_URL), where transactions overlap. */
export function onRealPostgres(): boolean {
  return inject('databaseKind') === 'postgres';
}

/**
 * A test of what happens when transactions overlap: SKIP LOCKED claims, compare-and-swap, leases across
 * processes. PGlite runs one transaction at a time, so no race can show there and such a test could not
 * fail: it is skipped on PGlite (named as such, and the run says so loudly) and runs in CI on Postgres.
 */
export function raceTest(name: string, fn: () => Promise<void>, timeout?: number): void {
  if (onRealPostgres()) test(name, fn, timeout);
  else test.skip(`${name} [needs TEST_DATABASE_URL: PGlite cannot race]`, fn);
}
