import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// One self-contained ES module (lit included) that the BFF serves at /widget/ledgerlink.js.
export default defineConfig({
  build: {
    outDir: fileURLToPath(new URL('../dist/widget', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    lib: {
      entry: fileURLToPath(new URL('./index.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'ledgerlink.js',
    },
  },
});
