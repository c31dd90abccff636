// Build-time shortening of names that nothing outside ledgerlink.js can see. Used by widget/vite.config.ts only;
// never imported by the components, whose tests run on the unshortened source.
//
// Two conventions make a name private to the bundle:
// - members spelled `_camelCase` (Lit reactive state such as `_rows`): public properties, attributes, events and
//   `::part` names never start with `_`. Lit's own cross-bundle names start with `_$` and are left alone.
// - CSS custom properties spelled `--_name` (the components' internal tokens): hosts theme through `--ll-*`, which
//   stay as they are.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Member names the property mangler may shorten: a leading `_` then a lower-case letter. */
export const PRIVATE_MEMBER = /^_[a-z]/;

/**
 * Short names the mangler must never give a member: a component's state lives on the element itself, and these are
 * the HTMLElement properties short enough for the mangler to reach. (It already avoids every property name the
 * bundle's code spells out, Lit's one-letter internals included; these are the ones it might never see written.)
 */
export const ELEMENT_NAMES = ['id', 'dir', 'lang', 'part', 'role', 'slot', 'title', 'style', 'hidden', 'inert'];

const CUSTOM_PROPERTY = /--_[a-zA-Z0-9-]*[a-zA-Z0-9]/g;

/** The path of every component source under `root`, sorted (tests, test support and build code are not in the bundle). */
export function widgetFiles(root: string): string[] {
  const paths: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'build' && entry.name !== 'test-support') visit(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && entry.name !== 'vite.config.ts') paths.push(path);
    }
  };
  visit(root);
  return paths.sort();
}

/** The text of every component source under `root`. */
export function widgetSources(root: string): string[] {
  return widgetFiles(root).map((path) => readFileSync(path, 'utf8'));
}

/**
 * `_names` that a source writes as a string ('_rows' in `changed.has('_rows')`: Lit's changed-properties map is
 * keyed by the property's name). The mangler renames `this._rows` but not the string, so each of these must keep its
 * name. Read from the sources rather than listed by hand so a new `changed.has('_x')` is safe too.
 */
export function quotedPrivateNames(sources: readonly string[]): string[] {
  const names = new Set<string>();
  for (const text of sources) for (const match of text.matchAll(/['"`](_[a-z][A-Za-z0-9_]*)['"`]/g)) names.add(match[1]!);
  return [...names].sort();
}

/**
 * One short name per `--_name` custom property used anywhere in `sources`, the most used getting the shortest
 * (`--_0`, `--_1`, …). Built once for the whole bundle so every module renames a property the same way.
 */
export function customPropertyTable(sources: readonly string[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const text of sources) {
    // A name assembled at run time could not be renamed consistently.
    if (text.includes('--_${')) throw new Error('a --_ custom property name is built at run time (--_${…}); it cannot be shortened');
    for (const [name] of text.matchAll(CUSTOM_PROPERTY)) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const table = new Map<string, string>();
  [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .forEach(([name], index) => table.set(name, `--_${index.toString(36)}`));
  return table;
}

/**
 * `code` with each whole `--_name` token replaced through `table` (`--_surface` and `--_surface-raised` are different
 * properties). One pass, so a replacement that happens to equal another original name is not renamed again.
 */
export function renameCustomProperties(code: string, table: ReadonlyMap<string, string>): string {
  return code.replace(CUSTOM_PROPERTY, (name) => {
    const short = table.get(name);
    if (short === undefined) throw new Error(`${name} is not in the custom property table`);
    return short;
  });
}
