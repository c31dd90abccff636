import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { connect } from '../../bff/db/client.ts';
import { startEmbeddedPostgres } from '../../bff/db/embedded.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * An empty database of the same kind the run uses: a new database on the real Postgres server, or a new
 * in-memory PGlite. For tests that must watch migrations happen.
 */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (process.env.TEST_DATABASE_URL) {
    const name = `ll_fresh_${Math.random().toString(36).slice(2, 10)}`;
    const admin = connect(inject('databaseUrl'), { max: 1 });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      async drop() {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const embedded = await startEmbeddedPostgres();
  return { url: embedded.url, drop: () => embedded.stop() };
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Runs an entry point of this repo as its own Node process, collecting its output: TypeScript through tsx, or a
 * built JavaScript file (`dist/…`) with plain Node, as operators run it.
 */
export function spawnEntry(entry: string, env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return {
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        // Already gone (exited, or killed by a signal: then exitCode stays null): stopping again is a no-op.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

export async function waitForHttp(url: string, timeoutMs = 20_000, process?: Spawned): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return Date.now() - started;
    } catch {
      // not listening yet
    }
    if (process && process.child.exitCode !== null) throw new Error(`process exited early:\n${process.output()}`);
    if (Date.now() - started > timeoutMs) throw new Error(`${url} not ready after ${timeoutMs} ms${process ? `:\n${process.output()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
