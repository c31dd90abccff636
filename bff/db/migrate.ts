import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Sql } from './client.ts';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Any constant shared by every replica; it names the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 7_216_843_001;

/**
 * Applies every `migrations/NNN_name.sql` not yet recorded in `schema_migrations`, in file-name order.
 * All of it runs in one transaction that first takes an advisory lock, so replicas starting together
 * queue behind the first: it applies, they find everything recorded and do nothing.
 * Returns the names applied by this call.
 */
export async function migrate(sql: Sql): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((name) => /^\d+_.+\.sql$/.test(name)).sort();
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`create table if not exists schema_migrations (
      name text primary key,
      applied_at timestamptz not null default now()
    )`;
    const done = new Set((await tx<{ name: string }[]>`select name from schema_migrations`).map((row) => row.name));
    for (const file of files) {
      if (done.has(file)) continue;
      await tx.unsafe(await readFile(migrationsDir + file, 'utf8'));
      await tx`insert into schema_migrations (name) values (${file})`;
      applied.push(file);
    }
  });
  return applied;
}
