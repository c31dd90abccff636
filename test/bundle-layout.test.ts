import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { piecesBySource } from './bench/bundle-shares.ts';
import { customPropertyTable, quotedPrivateNames, renameCustomProperties, widgetSources } from '../widget/build/private-names.ts';

describe('shortening the bundle-private names (widget/build/private-names.ts)', () => {
  test('each whole --_ custom property gets its own short name, the same in every module; --ll-* are left alone', () => {
    const a = ':host { --_surface: var(--ll-color-surface, #fff); --_surface-raised: #eee; } .x { background: var(--_surface-raised); }';
    const b = '<div style="color: var(--_surface)"></div>';
    const table = customPropertyTable([a, b]);
    const shortA = renameCustomProperties(a, table);
    const shortB = renameCustomProperties(b, table);
    expect(table.get('--_surface')).not.toBe(table.get('--_surface-raised'));
    expect(shortA).toContain('--ll-color-surface');
    expect(shortA).toContain(`${table.get('--_surface')}:`);
    expect(shortA).toContain(`var(${table.get('--_surface-raised')})`);
    expect(shortB).toContain(`var(${table.get('--_surface')})`);
    expect(shortA + shortB).not.toMatch(/--_surface/);
  });

  test('a custom property name built at run time stops the build rather than being half renamed', () => {
    expect(() => customPropertyTable(['style="--_${name}: 1px"'])).toThrow(/built at run time/);
  });

  test('a _member written as a string (Lit changed-properties keys) is found so it keeps its name', () => {
    const source = "if (changed.has('_rows') || changed.has(\"_query\")) this._other = 1; html`${x._$litType$}`";
    expect(quotedPrivateNames([source])).toEqual(['_query', '_rows']);
  });
});

/** The widget bundle as hosts get it (`npm test` and the e2e walkthroughs build it first). */
describe('dist/widget/ledgerlink.js', () => {
  const bundle = readFileSync(new URL('../dist/widget/ledgerlink.js', import.meta.url), 'utf8');
  const sources = widgetSources(fileURLToPath(new URL('../widget', import.meta.url)));

  test('keeps the name of every _member a source looks up by string, so changed.has(…) still sees it change', () => {
    for (const name of quotedPrivateNames(sources)) {
      const kept = new RegExp(`[.,{]${name}\\b`).test(bundle);
      expect(kept, `${name} was renamed in the bundle but a source looks it up as '${name}'`).toBe(true);
    }
  });

  test('shortens the other _members, the --_ custom properties, and drops bundler-only comments', () => {
    expect(/\b_loadError\b/.test(bundle), '_loadError (state of <client-sync-status>) kept its long name').toBe(false);
    expect(/--_surface/.test(bundle), '--_surface (a theme token) kept its long name').toBe(false);
    expect(/--ll-color-surface/.test(bundle), 'the public --ll-color-surface was renamed').toBe(true);
    expect(bundle.includes('@__PURE__'), 'the bundle still carries /* @__PURE__ */ marks').toBe(false);
  });
});

/** Where each source's text lies in dist/widget/ledgerlink.js, by the build's source map. */
function layout(): Map<string, { start: number; end: number }> {
  const code = readFileSync(new URL('../dist/widget/ledgerlink.js', import.meta.url), 'utf8');
  const map = JSON.parse(readFileSync(new URL('../dist/widget/ledgerlink.js.map', import.meta.url), 'utf8')) as { sources: string[]; mappings: string };
  const spans = new Map<string, { start: number; end: number }>();
  let offset = 0;
  for (const piece of piecesBySource(code, map)) {
    if (piece.source && piece.text.trim()) {
      const span = spans.get(piece.source) ?? { start: offset, end: offset };
      span.end = offset + piece.text.length;
      spans.set(piece.source, span);
    }
    offset += piece.text.length;
  }
  return spans;
}

/**
 * gzip finds a repeat only within the 32 KB before it (widget/build/module-order.ts). The components' style sheets
 * share most of their text: side by side they cost about 1.5 KB less than spread between the components' code.
 */
describe('dist/widget/ledgerlink.js groups like with like', () => {
  const spans = layout();

  test('every style sheet lies within 32 KB of the one before it', () => {
    const sheets = [...spans.entries()].filter(([source]) => /\.styles\.ts$|\/theme\.ts$/.test(source)).sort((a, b) => a[1].start - b[1].start);
    expect(sheets.length).toBeGreaterThanOrEqual(7);
    for (let i = 1; i < sheets.length; i++) {
      const gap = sheets[i]![1].start - sheets[i - 1]![1].end;
      expect(gap, `${sheets[i]![0]} starts ${gap} bytes after ${sheets[i - 1]![0]} ends`).toBeLessThan(32 * 1024);
    }
  });

  test('the helper modules (rows, pickers, wording) come before every component class, not one batch per component', () => {
    const isClass = (source: string) => /widget\/([a-z-]+)\/\1\.ts$/.test(source);
    const firstClass = Math.min(...[...spans.entries()].filter(([source]) => isClass(source)).map(([, span]) => span.start));
    const late = [...spans.entries()].filter(([source, span]) => source.includes('widget/') && !isClass(source) && !source.endsWith('index.ts') && span.start > firstClass);
    expect(late.map(([source]) => source)).toEqual([]);
  });
});
