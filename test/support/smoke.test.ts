import { expect, test } from 'vitest';
import { testDatabase } from './database.ts';

const sql = testDatabase();

test('the test database is migrated', async () => {
  const rows = await sql<{ name: string }[]>`select name from schema_migrations order by name`;
  expect(rows.map((row) => row.name)).toContain('001_tenants.sql');
});
