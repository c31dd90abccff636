// The BFF on its own, as operators run it: `npm run serve` (`node dist/bff/main.js`, built from this file by
// `npm run build` with bff/vite.config.ts) with DATABASE_URL and secrets set.
// `npm start` (demo/start.ts) runs the same server with the sandboxes and the demo host added.
import { ConfigError, loadConfig } from './config.ts';
import { startServer } from './server.ts';

try {
  const server = await startServer(loadConfig());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.close().then(() => process.exit(0), () => process.exit(1));
    });
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
