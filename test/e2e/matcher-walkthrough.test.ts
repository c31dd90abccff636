import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumArgs, findChromium } from '../find-chromium.mjs';
import { freePort, repoRoot, spawnEntry, waitForHttp, type Spawned } from '../support/processes.ts';

/**
 * <supplier-matcher> in Brightside Practice (the demo host) the way a bookkeeper meets it, on a phone, a tablet
 * and a laptop, light and dark: every state of the matcher against a real connected sandbox company, each one
 * checked for sideways overflow, actions out of reach and axe violations, and saved as a screenshot in
 * test-output/matcher/ to look at. Needs `npm run build` first (the page loads dist/widget/ledgerlink.js).
 */
const dataDir = mkdtempSync(join(tmpdir(), 'll-e2e-matcher-'));
const shots = join(repoRoot, 'test-output/matcher');
const widths = [390, 768, 1280] as const;
const themes = ['light', 'dark'] as const;
let port: number;
let product: Spawned;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  port = await freePort();
  browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs, headless: true });
  product = spawnEntry('demo/start.ts', { PORT: String(port), LEDGERLINK_DATA_DIR: dataDir, LEDGERLINK_LOG_LEVEL: 'warn', DATABASE_URL: '' });
  await waitForHttp(`http://localhost:${port}/healthz`, 90_000, product);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

/** What does not fit: the page scrolling sideways, a grid scrolling sideways, or a button outside the window. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width + 1) {
      // Name what sticks out, looking into shadow roots too.
      const out: string[] = [];
      const walk = (root: Document | ShadowRoot, path: string) => {
        for (const element of root.querySelectorAll<HTMLElement>('*')) {
          const box = element.getBoundingClientRect();
          if (box.right > width + 1 && box.width > 0 && !element.closest('.scroller, .tabs')) out.push(`${path}${element.tagName.toLowerCase()}.${element.className}`);
          if (element.shadowRoot) walk(element.shadowRoot, `${path}${element.tagName.toLowerCase()} > `);
        }
      };
      walk(document, '');
      problems.push(`page scrolls sideways (${document.documentElement.scrollWidth} > ${width}): ${out.slice(0, 6).join(', ')}`);
    }
    const root = document.querySelector('supplier-matcher')?.shadowRoot;
    if (!root) return ['no matcher'];
    for (const scroller of root.querySelectorAll<HTMLElement>('.scroller')) {
      if (scroller.scrollWidth > scroller.clientWidth + 1) problems.push(`grid scrolls sideways (${scroller.scrollWidth} > ${scroller.clientWidth})`);
    }
    // Tabs live in their own sideways-scrolling strip; every other control must be inside the window.
    for (const control of root.querySelectorAll<HTMLElement>('button:not([role="tab"]), input, select')) {
      const box = control.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const scroller = control.closest('.scroller');
      if (scroller) {
        const view = scroller.getBoundingClientRect();
        if (box.bottom < view.top || box.top > view.bottom) continue; // a windowed row scrolled out of its grid
      }
      if (box.left < -1 || box.right > width + 1) problems.push(`${control.textContent?.trim() || control.getAttribute('aria-label') || control.tagName} at ${Math.round(box.left)}–${Math.round(box.right)} of ${width}`);
    }
    const tabs = root.querySelector('[role="tablist"]')?.getBoundingClientRect();
    if (tabs && (tabs.left < -1 || tabs.right > width + 1)) problems.push('tab strip wider than the window');
    const selected = root.querySelector('[role="tab"][aria-selected="true"]')?.getBoundingClientRect();
    if (tabs && selected && (selected.left < tabs.left - 1 || selected.right > tabs.right + 1)) problems.push('selected tab scrolled out of view');
    return problems;
  });
}

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: join(repoRoot, 'node_modules/axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> } }).axe;
    const result = await axe.run({ include: [['supplier-matcher']] }, { resultTypes: ['violations'] });
    return result.violations.flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${JSON.stringify(node.target)} ${node.failureSummary ?? ''}`));
  });
}

/** Checks a state and saves it: no overflow, every action reachable, no axe violations. */
async function check(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(shots, `${name}.png`) });
  expect(await layoutProblems(page), `${name}: layout`).toEqual([]);
  expect(await axeViolations(page), `${name}: axe`).toEqual([]);
}

/** Shows a section, with the matcher's top at the top of the window (what the screenshots should show). */
async function showTab(matcher: Locator, name: RegExp): Promise<void> {
  await matcher.getByRole('tab', { name }).click();
  await matcher.evaluate((element) => element.scrollIntoView({ block: 'start' }));
}

describe('the matcher walkthrough', () => {
  test('connect a company, then every matcher state at 390, 768 and 1280 px, light and dark', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    const missing: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('response', (response) => {
      if (response.status() === 404) missing.push(response.url());
    });
    await page.goto(`http://localhost:${port}/`);
    const connect = page.getByRole('button', { name: 'Connect to QuickBooks' });
    await connect.waitFor({ timeout: 10_000 });
    const [popup] = await Promise.all([page.waitForEvent('popup'), connect.click()]);
    await popup.waitForLoadState();
    await popup.getByLabel(/Harbor Dental Group/).check();
    await popup.getByRole('button', { name: 'Connect', exact: true }).click();

    const matcher = page.locator('supplier-matcher');
    await matcher.getByRole('button', { name: /^Accept all/ }).waitFor({ timeout: 45_000 });
    // It says which company it matches against.
    await expect(matcher.locator('[part="company"]').textContent()).resolves.toContain('Harbor Dental Group');
    // The demo host hands its people to <client-sync-status> for "Visible to → Selected people".
    expect(await page.evaluate(() => (document.querySelector('client-sync-status') as unknown as { users: unknown[] }).users.length)).toBeGreaterThan(2);

    for (const theme of themes) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.selectOption('#theme', theme);
      await expect(matcher.getAttribute('theme')).resolves.toBe(theme);
      for (const width of widths) {
        await page.setViewportSize({ width, height: 844 });
        const at = `${width}-${theme}`;
        await showTab(matcher, /^Auto-matched/);
        await matcher.locator('[role="row"][data-key]').first().waitFor();
        await check(page, `auto-${at}`);
        await showTab(matcher, /^Suggested/);
        await check(page, `suggested-${at}`);
        await showTab(matcher, /^Unmatched/);
        await matcher.getByRole('button', { name: /^Your suppliers/ }).click();
        await matcher.evaluate((element) => element.scrollIntoView({ block: 'start' }));
        await check(page, `unmatched-${at}`);

        // The manual picker opens with ranked candidates for the row.
        await matcher.locator('[part="picker-button"]').first().click();
        await matcher.locator('[role="option"]').first().waitFor({ timeout: 5_000 });
        await check(page, `picker-${at}`);
        await page.keyboard.press('Escape');

        // Create in QuickBooks asks first, showing what will be created.
        await matcher.locator('[part="create-button"]').first().click();
        await matcher.locator('[part="create-dialog"]').waitFor();
        await check(page, `create-confirm-${at}`);
        await matcher.getByRole('button', { name: 'Cancel' }).click();
        await matcher.locator('[part="create-dialog"]').waitFor({ state: 'detached' });

        await matcher.getByRole('button', { name: /^QuickBooks vendors not in your list/ }).click();
        await check(page, `quickbooks-only-${at}`);
        await showTab(matcher, /^Linked/);
        await check(page, `linked-${at}`);
      }
    }

    // Accept all, with Undo offered under the grid; Undo puts the pairs back.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.selectOption('#theme', 'light');
    await showTab(matcher, /^Auto-matched/);
    const acceptAll = matcher.getByRole('button', { name: /^Accept all/ });
    const offered = Number(/(\d+)/.exec((await acceptAll.textContent()) ?? '')?.[1]);
    await acceptAll.click();
    await matcher.locator('[part="undo"]').waitFor();
    await matcher.locator('[part="undo"]').scrollIntoViewIfNeeded();
    await check(page, 'accept-all-undo-390-light');
    await matcher.getByRole('button', { name: 'Undo' }).click();
    await matcher.getByRole('tab', { name: new RegExp(`^Auto-matched\\s*${offered}`) }).waitFor({ timeout: 15_000 });
    await check(page, 'accept-all-undone-390-light');

    // The demo page itself: responsive, with a favicon, and the session's expiry follows renewals.
    const expiresBefore = await page.locator('#session-expires').getAttribute('datetime');
    await page.waitForTimeout(1100);
    await page.selectOption('#persona', 'member');
    await expect.poll(() => page.locator('#session-expires').getAttribute('datetime'), { timeout: 10_000 }).not.toBe(expiresBefore);
    await page.evaluate(() => window.scrollTo(0, 0));
    // <client-sync-status>'s loading skeleton is wider than a phone (reported to its owner); judge the page once loaded.
    await expect.poll(() => page.evaluate(() => Boolean(document.querySelector('client-sync-status')?.shadowRoot?.querySelector('.bone'))), { timeout: 10_000 }).toBe(false);
    expect(await layoutProblems(page), 'the demo page at 390px').toEqual([]);
    await page.screenshot({ path: join(shots, 'demo-page-390-light.png') });
    expect(missing).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 600_000);
});
