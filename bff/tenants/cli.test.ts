import { expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { freshDatabase, repoRoot } from '../../test/support/processes.ts';

test('npm run tenant -- create prints {id, secret_key}; bad input names the flag', async () => {
  const database = await freshDatabase();
  try {
    const cli = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'bff/tenants/cli.ts', ...args], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: database.url } });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.stderr.on('data', (chunk) => (err += chunk));
        child.on('exit', (code) => resolve({ code, out, err }));
      });
    const created = await cli(['create', '--name', 'Acme Practice', '--origin', 'https://app.acme.example']);
    expect(created.code, created.err).toBe(0);
    const tenant = JSON.parse(created.out) as { id: string; secret_key: string; allowed_origins: string[] };
    expect(tenant.id).toMatch(/^ten_/);
    expect(tenant.secret_key).toMatch(/^llsk_key_/);
    expect(tenant.allowed_origins).toEqual(['https://app.acme.example']);
    const bad = await cli(['create', '--name', 'X', '--origin', 'not a url']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--origin/);
    const listed = await cli(['list']);
    expect(listed.out).toContain('Acme Practice');
  } finally {
    await database.drop();
  }
}, 60_000);
