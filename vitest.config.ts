import { defineConfig } from 'vitest/config';

// Node-side tests only: bff/, shared/, demo/ and cross-room suites in test/.
// Widget tests run in Chromium through @web/test-runner (web-test-runner.config.mjs).
export default defineConfig({
  test: {
    include: ['bff/**/*.test.ts', 'shared/**/*.test.ts', 'demo/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['widget/**', 'node_modules/**', 'dist/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
