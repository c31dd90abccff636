import { fileURLToPath } from 'node:url';
import { minifyTemplateLiterals } from 'rollup-plugin-minify-template-literals';
import { defineConfig } from 'vite';

// One self-contained ES module (lit included) that the BFF serves at /widget/ledgerlink.js. Budget: all five
// components ≤ 35 KB gzipped with Lit (test/bench/bundle-size.bench.ts checks it).
export default defineConfig({
  // The css`` and html`` literals are most of the components' bytes; the JS minifier leaves string contents alone.
  // Two passes because one would also run clean-css over style="" attributes, where it drops the unit after an
  // expression (style="height: ${n}px" became style="height:${n}", a grid with no height).
  // Lit comes minified.
  plugins: [
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
    rolldownOptions: { output: { minify: true } },
    lib: {
      entry: fileURLToPath(new URL('./index.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'ledgerlink.js',
    },
  },
});
