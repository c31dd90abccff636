// The one file hosts load, /widget/ledgerlink.js: built fresh from the current source (the widget half of
// `npm run build`), then measured raw, gzipped and brotli-compressed. Every component and Lit are in it, so the
// gzip size is what a host's page pays on first load. Target: all five components (qbo-connect,
// client-sync-status, supplier-matcher, and the tax-rate-mapper and metric-picker still to come) ≤ 35 KB gzipped.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { repoRoot, report, verdict } from './support.ts';

const TARGET_GZIP_BYTES = 35 * 1024;
const COMPONENTS = ['qbo-connect', 'client-sync-status', 'supplier-matcher', 'tax-rate-mapper', 'metric-picker'];

const started = Date.now();
const build = spawnSync(process.execPath, [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'widget/vite.config.ts', '--logLevel', 'warn'], {
  cwd: repoRoot,
  stdio: 'inherit',
});
if (build.status !== 0) throw new Error('vite build of the widget failed');
const buildSeconds = (Date.now() - started) / 1000;

const bundle = readFileSync(join(repoRoot, 'dist/widget/ledgerlink.js'));
// Level 6 is what servers use when they compress on the fly; static pre-compression at level 9 is a little smaller.
const gzip = gzipSync(bundle, { level: 6 }).length;
const gzip9 = gzipSync(bundle, { level: 9 }).length;
const brotli = brotliCompressSync(bundle, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const source = bundle.toString('utf8');
const shipped = COMPONENTS.filter((tag) => source.includes(`"${tag}"`) || source.includes(`\`${tag}\``) || source.includes(`'${tag}'`));

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
report([
  ['build', `${buildSeconds.toFixed(1)} s`],
  ['components in the bundle', `${shipped.length} of ${COMPONENTS.length} (${shipped.join(', ')})`],
  ['raw', kb(bundle.length)],
  ['gzip (level 6)', kb(gzip)],
  ['gzip (level 9)', kb(gzip9)],
  ['brotli (quality 11)', kb(brotli)],
  ['target, gzip', `≤ ${kb(TARGET_GZIP_BYTES)} for all ${COMPONENTS.length} components with Lit`],
  [gzip <= TARGET_GZIP_BYTES ? 'left for the components still to come' : 'over the target by', kb(Math.abs(TARGET_GZIP_BYTES - gzip))],
]);
const ok = verdict([[`ledgerlink.js ${kb(gzip)} gzipped ≤ ${kb(TARGET_GZIP_BYTES)}`, gzip <= TARGET_GZIP_BYTES]]);
process.exit(ok ? 0 : 1);
