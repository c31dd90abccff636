import { mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumArgs, findChromium } from '../find-chromium.mjs';
import { freePort, repoRoot, spawnEntry, waitForHttp, type Spawned } from '../support/processes.ts';

/**
 * Issue 12, "components as one product", walked through in Chromium against the real product (`npm start`'s entry
 * on a temp data dir, the QuickBooks sandbox inside it). The page is a plain host page of our own, so what is
 * measured at 390, 768 and 1280 px is the components, not a host's layout. Every state is saved as a screenshot
 * under test-output/walkthrough/ and checked with axe.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'll-walkthrough-'));
const shots = join(repoRoot, 'test-output', 'walkthrough');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let port: number;
let base: string;
let product: Spawned;
let browser: Browser;
let page: Page;
const errors: string[] = [];

const hostPage = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Integrations · walkthrough host</title>
    <style>
      body { margin: 0; font-family: system-ui, sans-serif; }
      main { max-width: 1040px; margin: 0 auto; padding: 16px; }
      h1 { font-size: 20px; margin: 0 0 16px; }
      h2 { font-size: 15px; margin: 0 0 8px; }
      section { margin-bottom: 24px; }
      html.dark { color-scheme: dark; background: #010409; color: #e6edf3; }
    </style>
  </head>
  <body>
    <main>
      <h1>Integrations</h1>
      <section aria-labelledby="accounting"><h2 id="accounting">Accounting</h2><qbo-connect></qbo-connect></section>
      <section aria-labelledby="clients"><h2 id="clients">Client companies</h2><client-sync-status></client-sync-status></section>
    </main>
    <script type="module">
      import { configure } from '/widget/ledgerlink.js';
      configure({
        fetchSessionToken: () =>
          fetch('/demo/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.json()),
      });
    </script>
  </body>
</html>`;

const sandbox = (method: string, path: string, body?: unknown) =>
  fetch(`${base}/_sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) }).then((r) => r.json());

const card = () => page.locator('qbo-connect');
const list = () => page.locator('client-sync-status');
const row = (name: string) => list().getByRole('row').filter({ hasText: name });

async function open() {
  await page.goto(`${base}/walkthrough`);
  await card().getByText('QuickBooks').first().waitFor({ timeout: 15_000 });
}

/** Picks `company` on the sandbox's consent page in the popup that `click` opens. */
async function consent(click: () => Promise<void>, company: string) {
  const [popup] = await Promise.all([page.waitForEvent('popup'), click()]);
  await popup.waitForLoadState();
  await popup.getByLabel(new RegExp(company)).check();
  await popup.getByRole('button', { name: 'Connect', exact: true }).click();
}

async function shot(name: string) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** axe over the whole page, shadow roots included; every violation with its targets. */
async function axe(state: string) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe.run(document, {
      resultTypes: ['violations'],
    });
    return result.violations.map((violation) => `${violation.id}: ${JSON.stringify(violation.nodes.map((node) => node.target))}`);
  });
  expect(violations, `axe in ${state}`).toEqual([]);
}

/** No sideways scrolling, and every visible button of our components inside the viewport. */
async function fits(state: string) {
  const report = await page.evaluate(() => {
    const buttons: { text: string; left: number; right: number }[] = [];
    const walk = (root: ParentNode) => {
      for (const element of root.querySelectorAll<HTMLElement>('*')) {
        if (element.shadowRoot) walk(element.shadowRoot);
        if (element.tagName !== 'BUTTON') continue;
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        buttons.push({ text: (element.getAttribute('aria-label') ?? element.textContent ?? '').trim(), left: box.left, right: box.right });
      }
    };
    for (const host of document.querySelectorAll('qbo-connect, client-sync-status')) walk(host.shadowRoot!);
    return { scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth, buttons };
  });
  expect(report.scrollWidth, `${state}: page wider than the viewport`).toBeLessThanOrEqual(report.width);
  const outside = report.buttons.filter((button) => button.left < 0 || button.right > report.width + 0.5);
  expect(outside, `${state}: buttons outside the viewport`).toEqual([]);
  expect(report.buttons.length).toBeGreaterThan(0);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  port = await freePort();
  base = `http://localhost:${port}`;
  product = spawnEntry('demo/start.ts', { PORT: String(port), LEDGERLINK_DATA_DIR: dataDir, LEDGERLINK_LOG_LEVEL: 'warn', DATABASE_URL: '' });
  await waitForHttp(`${base}/healthz`, 90_000, product);
  browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs, headless: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route(`${base}/walkthrough`, (route) => route.fulfill({ contentType: 'text/html', body: hostPage }));
  page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
}, 120_000);

afterAll(async () => {
  await sandbox('PUT', '/qbo/settings', { fault_rate: 0, rate_limit_per_minute: 500 }).catch(() => {});
  await browser?.close();
  await product?.stop();
});

describe('components as one product (issue 12)', () => {
  test('three companies connected; after a reload the card lists them, not "Not connected"', async () => {
    await open();
    await card().getByText('Not connected').waitFor({ timeout: 5_000 });
    await consent(() => card().getByRole('button', { name: 'Connect to QuickBooks' }).click(), 'Acme Landscaping LLC');
    await row('Acme Landscaping LLC').getByText('Synced', { exact: true }).waitFor({ timeout: 60_000 });
    for (const company of ['Harbor Dental Group', 'Kestrel Freight Ltd']) {
      await consent(() => card().getByRole('button', { name: 'Connect another company' }).click(), company);
      await row(company).getByText('Synced', { exact: true }).waitFor({ timeout: 60_000 });
    }
    await page.reload();
    await card().getByRole('listitem').nth(2).waitFor({ timeout: 15_000 });
    expect(await card().getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('Acme Landscaping LLC'),
      expect.stringContaining('Harbor Dental Group'),
      expect.stringContaining('Kestrel Freight Ltd'),
    ]);
    expect(await card().getByText('Not connected').count()).toBe(0);
    await card().getByText('3 companies connected').waitFor({ timeout: 5_000 });
    await shot('01-reloaded-three-companies-1280-light');
    await axe('three companies');
  }, 240_000);

  test('Disconnect in the card: the list shows it within 1 s and offers Reconnect', async () => {
    await card().getByRole('button', { name: 'Disconnect Harbor Dental Group' }).click();
    const confirm = card().getByRole('group');
    await confirm.getByRole('button', { name: 'Disconnect' }).waitFor();
    await shot('02-disconnect-confirm-1280-light');
    const clicked = Date.now();
    await confirm.getByRole('button', { name: 'Disconnect' }).click();
    await row('Harbor Dental Group').getByText('Disconnected').waitFor({ timeout: 1_000 });
    expect(Date.now() - clicked).toBeLessThan(1_000);
    await row('Harbor Dental Group').getByRole('button', { name: 'Reconnect' }).waitFor({ timeout: 5_000 });
    expect(await row('Harbor Dental Group').getByRole('button', { name: 'Sync now' }).count()).toBe(0);
    await shot('03-disconnected-in-both-1280-light');
    await axe('disconnected');
  }, 30_000);

  test('a reconnect that picks another company is refused with Try again; the right one reconnects and the banner leaves', async () => {
    await consent(() => row('Harbor Dental Group').getByRole('button', { name: 'Reconnect' }).click(), 'Yarra Timber Pty Ltd');
    const notice = list().locator('[part="notice"]');
    await notice.getByText('choose Harbor Dental Group to reconnect it').waitFor({ timeout: 15_000 });
    const focused = await list().evaluate((element) => element.shadowRoot!.activeElement?.textContent?.trim());
    expect(focused).toBe('Try again');
    await shot('04-wrong-company-refused-1280-light');
    await axe('wrong company refused');
    await consent(() => notice.getByRole('button', { name: 'Try again' }).click(), 'Harbor Dental Group');
    await row('Harbor Dental Group').getByRole('button', { name: 'Sync now' }).waitFor({ timeout: 15_000 });
    expect(await notice.count()).toBe(0);
    await card().getByRole('listitem').filter({ hasText: 'Harbor Dental Group' }).getByText('Connected', { exact: true }).waitFor({ timeout: 5_000 });
  }, 60_000);

  test('a failing sync shows its reason and next try, in the row and in details, with history', async () => {
    await sandbox('PUT', '/qbo/settings', { fault_rate: 1, fault_kinds: ['500'] });
    try {
      await row('Acme Landscaping LLC').getByRole('button', { name: 'Sync now' }).click();
      await row('Acme Landscaping LLC').getByText(/QuickBooks is not responding; we'll retry at \d/).waitFor({ timeout: 60_000 });
      await row('Acme Landscaping LLC').getByRole('button', { name: 'Details for Acme Landscaping LLC' }).click();
      const details = list().locator('[part="details"]');
      await details.getByText(/QuickBooks is not responding; we'll retry at \d/).waitFor();
      await details.getByText(/Next try at/).waitFor();
      await details.getByText('Sync history').click();
      await details.locator('table.runs').getByText('Waiting').waitFor({ timeout: 10_000 });
      await shot('05-failing-sync-waiting-for-retry-1280-light');
      await axe('failing sync');
    } finally {
      await sandbox('PUT', '/qbo/settings', { fault_rate: 0 });
    }
  }, 120_000);

  for (const [width, height] of [
    [1280, 900],
    [768, 1000],
    [390, 844],
  ] as const) {
    for (const theme of ['light', 'dark'] as const) {
      test(`${width} px, ${theme}: no sideways scrolling, every action in view, axe clean`, async () => {
        await page.setViewportSize({ width, height });
        await page.evaluate((dark) => document.documentElement.classList.toggle('dark', dark), theme === 'dark');
        await row('Kestrel Freight Ltd').waitFor();
        await page.waitForTimeout(300);
        await shot(`06-layout-${width}-${theme}`);
        await fits(`${width} px ${theme}`);
        await axe(`${width} px ${theme}`);
      }, 30_000);
    }
  }

  test('theme="dark" on a light page paints its own dark surface', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.evaluate(() => {
      document.documentElement.classList.remove('dark');
      for (const element of document.querySelectorAll('qbo-connect, client-sync-status')) element.setAttribute('theme', 'dark');
    });
    await page.waitForTimeout(200);
    const background = await card().evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(background).toBe('rgb(13, 17, 23)');
    await shot('07-theme-dark-on-light-page-1280');
    await axe('theme dark on a light page');
    await page.evaluate(() => {
      for (const element of document.querySelectorAll('qbo-connect, client-sync-status')) element.removeAttribute('theme');
    });
  }, 30_000);

  test('QuickBooks throttling shows that a limit was reached and when it resumes', async () => {
    await sandbox('PUT', '/qbo/settings', { rate_limit_per_minute: 2 });
    try {
      await row('Kestrel Freight Ltd').getByRole('button', { name: 'Details for Kestrel Freight Ltd' }).click();
      const details = list().locator('[part="details"]');
      await details.getByRole('button', { name: 'Re-import everything…' }).click();
      await details.getByText('Re-import everything from Kestrel Freight Ltd?').waitFor();
      await details.getByRole('button', { name: 'Re-import everything', exact: true }).click();
      await row('Kestrel Freight Ltd').getByText(/QuickBooks limit reached; (resumes|next try) at/).waitFor({ timeout: 60_000 });
      await details.getByText(/QuickBooks limit/).first().waitFor();
      await shot('08-throttled-1280-light');
      await axe('throttled');
    } finally {
      await sandbox('PUT', '/qbo/settings', { rate_limit_per_minute: 500 });
    }
    expect(errors).toEqual([]);
  }, 120_000);
});
