import { fileURLToPath } from 'node:url';
import { minifyTemplateLiterals } from 'rollup-plugin-minify-template-literals';
import { defineConfig, type Plugin } from 'vite';
import { orderedImports } from './build/module-order.ts';
import { customPropertyTable, ELEMENT_NAMES, PRIVATE_MEMBER, quotedPrivateNames, renameCustomProperties, widgetFiles, widgetSources } from './build/private-names.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const sources = widgetSources(root);
const entry = fileURLToPath(new URL('./index.ts', import.meta.url));

/** Lit, every style sheet, then every helper module, imported ahead of the components (see build/module-order.ts). */
const likeWithLike = (): Plugin => {
  const imports = orderedImports(entry, widgetFiles(root));
  return {
    name: 'ledgerlink-module-order',
    transform(code, id) {
      // On the first line, so the entry's own lines keep their numbers in the source map.
      return id === entry ? { code: `${imports} ${code}`, map: null } : null;
    },
  };
};

/** `--_surface-raised` → `--_3` in every widget module (see build/private-names.ts); Lit has none. */
const shortCustomProperties = (): Plugin => {
  const table = customPropertyTable(sources);
  return {
    name: 'ledgerlink-short-custom-properties',
    enforce: 'pre',
    transform(code, id) {
      if (id.includes('/node_modules/') || !id.endsWith('.ts') || !code.includes('--_')) return null;
      // Same lines, shorter within them: the module's map stays right about which source each character came from.
      return { code: renameCustomProperties(code, table), map: null };
    },
  };
};

// One self-contained ES module (lit included) that the BFF serves at /widget/ledgerlink.js. Budget: all five
// components ≤ 35 KB gzipped with Lit (test/bench/bundle-size.bench.ts checks it).
export default defineConfig({
  // The css`` and html`` literals are most of the components' bytes; the JS minifier leaves string contents alone.
  // Two passes because one would also run clean-css over style="" attributes, where it drops the unit after an
  // expression (style="height: ${n}px" became style="height:${n}", a grid with no height).
  // Lit comes minified.
  plugins: [
    shortCustomProperties(),
    likeWithLike(),
    minifyTemplateLiterals({ failOnError: true, exclude: ['**/node_modules/**'], options: { shouldMinify: () => false } }),
    minifyTemplateLiterals({
      failOnError: true,
      exclude: ['**/node_modules/**'],
      // Empty attributes (alt="", aria-label="") mean something; keep them. Whitespace collapses to one space, never to
      // none: a template that starts or ends with a space (` Next try at …`) sits between two words on screen.
      options: { shouldMinifyCSS: () => false, minifyOptions: { minifyCSS: false, removeEmptyAttributes: false, conservativeCollapse: true } },
    }),
  ],
  build: {
    outDir: fileURLToPath(new URL('../dist/widget', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Library mode keeps whitespace and names unless told otherwise; this file is for browsers, not bundlers.
    minify: true,
    rolldownOptions: {
      output: {
        minify: {
          codegen: { removeWhitespace: true },
          // Reactive state and other `_members` are private to the bundle (public properties, attributes, events
          // and parts never start with `_`), so their names shrink. A `_name` also written as a string somewhere
          // ('_rows' in `changed.has('_rows')`) keeps its name, since the string would not be renamed with it; no
          // member is renamed to an element property such as `id`.
          mangleProps: { include: PRIVATE_MEMBER, reserved: [...quotedPrivateNames(sources), ...ELEMENT_NAMES] },
        },
        // `/* @__PURE__ */` marks are for bundlers and the rest for readers; this file is for browsers (Lit's
        // licence notices were never kept in it either).
        comments: false,
      },
    },
    lib: {
      entry,
      formats: ['es'],
      fileName: () => 'ledgerlink.js',
    },
  },
});
