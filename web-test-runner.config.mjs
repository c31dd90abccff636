import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, findChromium } from './test/find-chromium.mjs';

export default {
  files: ['widget/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 2,
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) })],
  browsers: [chromeLauncher({ launchOptions: { executablePath: findChromium(), headless: true, args: chromiumArgs } })],
  testFramework: { config: { timeout: 10000 } },
};
