// The one file hosts load, /widget/ledgerlink.js: built fresh from the current source (the widget half of
// `npm run build`, so every component widget/index.ts registers), then measured raw, gzipped and
// brotli-compressed, with each component's share. Every component and Lit are in it, so the gzip size is what a
// host's page pays on first load. Target: all five components (qbo-connect, client-sync-status, supplier-matcher,
// tax-rate-mapper, metric-picker) ≤ 35 KB gzipped with Lit.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { parseAst } from 'vite';
import { gzipShares, gzipWithout, literalRanges } from './bundle-shares.ts';
import { repoRoot, report, verdict } from './support.ts';

const TARGET_GZIP_BYTES = 35 * 1024;
const EXPECTED = ['qbo-connect', 'client-sync-status', 'supplier-matcher', 'tax-rate-mapper', 'metric-picker'];

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const started = Date.now();
const build = spawnSync(process.execPath, [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'widget/vite.config.ts', '--logLevel', 'warn'], {
  cwd: repoRoot,
  stdio: 'inherit',
});
if (build.status !== 0) throw new Error('vite build of the widget failed');
const buildSeconds = (Date.now() - started) / 1000;

// The components are what widget/index.ts registers; each lives in widget/<tag>/.
const entry = readFileSync(join(repoRoot, 'widget/index.ts'), 'utf8');
const tags = [...entry.matchAll(/defineElement\(\s*['"`]([a-z][a-z0-9-]*)['"`]/g)].map((match) => match[1]!);

const bundle = readFileSync(join(repoRoot, 'dist/widget/ledgerlink.js'));
const map = JSON.parse(readFileSync(join(repoRoot, 'dist/widget/ledgerlink.js.map'), 'utf8')) as { sources: string[]; mappings: string };
// Level 6 is what servers use when they compress on the fly; static pre-compression at level 9 is a little smaller.
const gzip = gzipSync(bundle, { level: 6 }).length;
const gzip9 = gzipSync(bundle, { level: 9 }).length;
const brotli = brotliCompressSync(bundle, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

const groupOf = (source: string): string => {
  if (/node_modules\/(lit|lit-html|lit-element|@lit\/)/.test(source)) return 'Lit';
  const tag = tags.find((name) => source.includes(`widget/${name}/`));
  if (tag) return `<${tag}>`;
  return source.includes('widget/') ? 'shared (widget/base, format, oauth)' : 'bundler glue';
};
const shares = gzipShares(bundle.toString('utf8'), map, groupOf);
// What kind of text the bytes are: each kind's marginal gzip cost, and the program code with all literal text cut out
// (Lit's included), which is the floor no trimming of CSS, markup or wording goes below.
const text = bundle.toString('utf8');
const literals = literalRanges(parseAst(text) as unknown as Parameters<typeof literalRanges>[0]);
const byKind = [...literals.entries()].map(([kind, ranges]): [string, string] => [`  ${kind}`, `${kb(gzip - gzipWithout(text, ranges))} gzip`]);
const codeOnly = gzipWithout(text, [...literals.values()].flat());
const order = ['Lit', 'shared (widget/base, format, oauth)', ...tags.map((tag) => `<${tag}>`), 'bundler glue'];

const missing = EXPECTED.filter((tag) => !tags.includes(tag));
report([
  ['build', `${buildSeconds.toFixed(1)} s`],
  ['components in the bundle', `${tags.length} (${tags.join(', ')})${missing.length ? `; not yet: ${missing.join(', ')}` : ''}`],
  ...order
    .filter((group) => shares.has(group))
    .map((group): [string, string] => {
      const share = shares.get(group)!;
      return [`  ${group}`, `${kb(share.gzip)} gzip (${kb(share.raw)} raw)`];
    }),
  ['by kind (marginal)', ''],
  ...byKind,
  ['  program code alone, Lit included', `${kb(codeOnly)} gzip`],
  ['raw', kb(bundle.length)],
  ['gzip (level 6)', kb(gzip)],
  ['gzip (level 9)', kb(gzip9)],
  ['brotli (quality 11)', kb(brotli)],
  ['target, gzip', `≤ ${kb(TARGET_GZIP_BYTES)} for all ${EXPECTED.length} components with Lit`],
  [gzip <= TARGET_GZIP_BYTES ? (missing.length ? 'left for the components still to come' : 'under the target by') : 'over the target by', kb(Math.abs(TARGET_GZIP_BYTES - gzip))],
]);
const ok = verdict([[`ledgerlink.js (${tags.length} components) ${kb(gzip)} gzipped ≤ ${kb(TARGET_GZIP_BYTES)}`, gzip <= TARGET_GZIP_BYTES]]);
process.exit(ok ? 0 : 1);
