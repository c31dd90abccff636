import { afterAll, inject } from 'vitest';
import { connect, type Sql } from '../../bff/db/client.ts';

/** A pool on the run's test database, closed after the calling file's tests. */
export function testDatabase(): Sql {
  const sql = connect(inject('databaseUrl'), { max: 4 });
  afterAll(() => sql.end());
  return sql;
}
