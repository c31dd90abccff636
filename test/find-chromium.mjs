// Finds a Chromium for the widget and end-to-end tests: CHROME_PATH, then the system's chromium/chrome,
// then a browser Playwright already downloaded. Never downloads one.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function findChromium() {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    ...playwrightChromiums(),
  ];
  return candidates.find((path) => path && existsSync(path));
}

function playwrightChromiums() {
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH ?? join(homedir(), '.cache', 'ms-playwright');
  if (!existsSync(cache)) return [];
  return readdirSync(cache)
    .filter((dir) => dir.startsWith('chromium'))
    .sort()
    .reverse()
    .flatMap((dir) => [join(cache, dir, 'chrome-linux', 'chrome'), join(cache, dir, 'chrome-linux64', 'chrome')]);
}

/** Flags for headless Chromium here: we may run as root, and outside connections are refused. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

if (process.argv.includes('--check') && !findChromium()) {
  console.error('No Chromium found: install one (Debian: apt-get install -y chromium) or set CHROME_PATH to a Chrome/Chromium binary.');
  process.exit(1);
}
