import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The matching library as a standalone ES module for `import … from 'ledgerlink/matching'`. It has no dependencies,
// so nothing is external; types are not emitted because package.json points `types` at the TypeScript source.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  build: {
    target: 'node20',
    outDir: here('../../dist/matching'),
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    lib: {
      entry: here('./index.ts'),
      formats: ['es'],
      fileName: () => 'index.js',
    },
  },
});
