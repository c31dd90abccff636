import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The BFF as plain JavaScript for `npm run serve` (`node dist/bff/main.js`): what operators run needs no TypeScript
// loader (tsx held ~100 MB of the server's memory before it did any work, and is a dev dependency). Our own code is
// bundled into one module; packages stay imports from node_modules, so the server still needs `npm ci --omit=dev`.
// The bundle sits two folders below the repo as bff/ops/routes.ts does, so its `../../dist/` still finds the widget,
// and the SQL migrations are copied beside it, where bff/db/migrate.ts looks (`./migrations/`).
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  plugins: [
    {
      name: 'ledgerlink-migrations',
      writeBundle() {
        cpSync(here('./db/migrations'), here('../dist/bff/migrations'), { recursive: true, filter: (source) => !source.endsWith('.ts') });
      },
    },
  ],
  build: {
    ssr: here('./main.ts'),
    target: 'node20',
    outDir: here('../dist/bff'),
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    rolldownOptions: { output: { format: 'es', entryFileNames: '[name].js' } },
  },
});
