import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connect, type Sql } from '../../bff/db/client.ts';
import { startEmbeddedPostgres } from '../../bff/db/embedded.ts';
import { migrate } from '../../bff/db/migrate.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A fresh database for one bench. BENCH_DATABASE_URL, when set, must work: any failure stops the bench.
 * Unset, the local Postgres is used when it accepts connections, else embedded PGlite (slower than the
 * targets assume); either way the bench prints which one ran. A failed migration always stops the bench.
 */
export async function benchDatabase(base: string): Promise<{ url: string; name: string; sql: Sql; kind: string; drop(): Promise<void> }> {
  // One database per bench process: two checkouts running the same bench on one server must not drop each other's.
  // BENCH_DATABASE_NAME: a database name of one's own, where several people bench against one Postgres server.
  const name = process.env.BENCH_DATABASE_NAME ?? `${base}_${process.pid}`;
  const asked = process.env.BENCH_DATABASE_URL;
  const server = asked ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = connect(server, { max: 1 });
  try {
    await admin`select 1`;
  } catch (error) {
    await admin.end().catch(() => {});
    if (asked) throw new Error(`BENCH_DATABASE_URL (${server}) is not reachable: ${(error as Error).message}`);
    console.log(`  database: embedded PGlite (no Postgres at ${server}: ${(error as Error).message})`);
    const embedded = await startEmbeddedPostgres();
    const sql = connect(embedded.url, { max: 10 });
    await migrate(sql);
    return { url: embedded.url, name: 'postgres', sql, kind: 'pglite', drop: async () => { await sql.end(); await embedded.stop(); } };
  }
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const sql = connect(url.toString(), { max: 10 });
  await migrate(sql);
  const [version] = await sql<{ server_version: string }[]>`show server_version`;
  console.log(`  database: Postgres ${version!.server_version} at ${url.host}/${name}`);
  return {
    url: url.toString(),
    name,
    sql,
    kind: 'postgres',
    async drop() {
      await sql.end();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The QuickBooks sandbox in its own process, so the bench process's memory is the BFF's alone. */
export async function sandboxProcess(): Promise<{ url: string; child: ChildProcess; control<T = any>(method: string, path: string, body?: unknown): Promise<T>; stop(): void }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/sandbox/main.ts', '--port', String(port)], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/_sandbox/qbo/companies`)).ok) break;
    } catch {
      if (i > 300) throw new Error('sandbox did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    async control(method, path, body) {
      const response = await fetch(`${url}/_sandbox${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) });
      const text = await response.text();
      if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    stop: () => child.kill('SIGKILL'),
  };
}

export function report(rows: [string, string | number][]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

export function verdict(checks: [string, boolean][]): boolean {
  let ok = true;
  for (const [name, passed] of checks) {
    console.log(`  ${passed ? 'PASS' : 'FAIL'}  ${name}`);
    ok &&= passed;
  }
  return ok;
}
