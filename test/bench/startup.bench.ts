// `npm start` on a fresh machine: from launching the product's entry on embedded defaults (empty data
// folder, embedded Postgres, sandbox, demo tenant) until the demo page, the widget bundle and the API
// description are all served. The widget bundle must already be built (npm start builds it first; that
// build is timed separately when this bench has to run it).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot, report, verdict } from './support.ts';

const TARGET_MS = 20_000;
const checks: [string, boolean][] = [];

if (!existsSync(join(repoRoot, 'dist/widget/ledgerlink.js'))) {
  const started = Date.now();
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  report([['widget build (npm start runs it first)', `${((Date.now() - started) / 1000).toFixed(1)} s`]]);
}

async function servedAll(base: string): Promise<boolean> {
  try {
    const [page, bundle, api] = await Promise.all(['/', '/widget/ledgerlink.js', '/openapi.json'].map((path) => fetch(base + path)));
    return page!.ok && bundle!.ok && api!.ok && (await page!.text()).includes('<qbo-connect');
  } catch {
    return false;
  }
}

const times: number[] = [];
for (let attempt = 0; attempt < 3; attempt++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'll-bench-start-'));
  const port = await freePort();
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/start.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), LEDGERLINK_DATA_DIR: dataDir, LEDGERLINK_LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    while (!(await servedAll(`http://127.0.0.1:${port}`))) {
      if (child.exitCode !== null) throw new Error(`npm start's entry exited with ${child.exitCode}`);
      if (Date.now() - started > 120_000) throw new Error('not serving after 120 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    times.push(Date.now() - started);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const sorted = [...times].sort((a, b) => a - b);
console.log('\nnpm start on an empty data folder, until the demo, bundle and /openapi.json are served (3 starts)');
report([['min / median / max', sorted.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(' / ')], ['target', `< ${TARGET_MS / 1000} s`]]);
checks.push([`median start < ${TARGET_MS / 1000} s`, sorted[1]! < TARGET_MS]);
console.log('');
process.exit(verdict(checks) ? 0 : 1);
