import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { repoRoot } from './support/processes.ts';

test('`import { suggestMatches } from "ledgerlink/matching"` works from plain Node after the build', () => {
  if (!existsSync(join(repoRoot, 'dist/matching/index.js'))) {
    execFileSync('npx', ['vite', 'build', '--config', 'shared/matching/vite.config.ts'], { cwd: repoRoot, stdio: 'ignore' });
  }
  const script = `
    const { suggestMatches, rankCandidates } = await import('ledgerlink/matching');
    const matches = suggestMatches([{ id: 'h1', name: 'Smith & Jones Ltd', phone: '020 7946 0018' }], [{ id: 'q1', name: 'Smith and Jones Limited', phone: '+44 20 7946 0018' }]);
    console.log(JSON.stringify({ matches, rank: typeof rankCandidates }));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
  const { matches, rank } = JSON.parse(output) as { matches: { leftId: string; rightId: string; confidence: string }[]; rank: string };
  expect(rank).toBe('function');
  expect(matches).toEqual([expect.objectContaining({ leftId: 'h1', rightId: 'q1', confidence: 'auto' })]);
});
