// `npm run bench [-- name…]`: runs every test/bench/*.bench.ts (or those whose names contain a given word),
// each in its own Node process so memory peaks are its own, and fails if any bench reports a missed target.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((word) => file.includes(word)))
  .sort();

const failed: string[] = [];
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', dir + file], { stdio: 'inherit' });
  if (result.status !== 0) failed.push(file);
}
console.log(`\n${benches.length - failed.length} passed, ${failed.length} failed`);
if (failed.length > 0) {
  console.log(`missed targets or crashed: ${failed.join(', ')}`);
  process.exit(1);
}
