// Build-time order of the modules in ledgerlink.js. Used by widget/vite.config.ts only.
//
// A bundle lays its modules out in the order they are first imported, and gzip finds a repeat only within the 32 KB
// before it. The components' style sheets share most of their text (tokens, grid, toolbar, button rules) and so do
// their helper modules (rows, pickers, notices, wording), so grouping like with like saves about 2.5 KB gzip over
// the order in which each component happens to import its parts. Nothing is reordered that could change behaviour:
// no module but widget/index.ts runs code at load beyond declaring its values (the bundle test checks the layout).
import { readFileSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';

/** widget/<tag>/<tag>.ts: a component class, which widget/index.ts imports itself, last and in its own order. */
function isComponentClass(path: string): boolean {
  return basename(path) === `${basename(dirname(path))}.ts`;
}

function isStyleSheet(path: string): boolean {
  return path.endsWith('.styles.ts') || path.endsWith('/base/theme.ts');
}

/**
 * Import lines for the top of widget/index.ts: Lit and the Lit modules the sources use, then every style sheet
 * (the theme tokens first), then every other module that is not a component class, each group by path.
 */
export function orderedImports(indexPath: string, files: readonly string[]): string {
  const litModules = new Set<string>(['lit']);
  for (const path of files) {
    for (const match of readFileSync(path, 'utf8').matchAll(/^import (?!type )[^;]*?from '(lit(?:\/[^']*)?)'/gm)) litModules.add(match[1]!);
  }
  const own = files.filter((path) => path !== indexPath && !isComponentClass(path));
  const sheets = own.filter(isStyleSheet).sort((a, b) => Number(!a.endsWith('/theme.ts')) - Number(!b.endsWith('/theme.ts')) || (a < b ? -1 : 1));
  const helpers = own.filter((path) => !isStyleSheet(path));
  const local = (path: string) => `./${relative(dirname(indexPath), path).split('\\').join('/')}`;
  return [...[...litModules].sort(), ...sheets.map(local), ...helpers.map(local)].map((spec) => `import '${spec}';`).join(' ');
}
