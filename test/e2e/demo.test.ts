import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumArgs, findChromium } from '../find-chromium.mjs';
import { freePort, spawnEntry, waitForHttp, type Spawned } from '../support/processes.ts';

/**
 * The product as a new user meets it: `npm start`'s entry on embedded defaults, the demo host page in
 * Chromium, connecting a sandbox company through the real popup and consent page.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'll-e2e-'));
let port: number;
let product: Spawned;
let browser: Browser;

const start = async () => {
  product = spawnEntry('demo/start.ts', { PORT: String(port), LEDGERLINK_DATA_DIR: dataDir, LEDGERLINK_LOG_LEVEL: 'warn', DATABASE_URL: '' });
  // How fast it comes up is measured by `npm run bench -- startup`; here it only has to come up.
  return waitForHttp(`http://localhost:${port}/healthz`, 90_000, product);
};

beforeAll(async () => {
  port = await freePort();
  browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs, headless: true });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

describe('npm start and the demo', () => {
  test('comes up and serves the demo page, the widget bundle and the API description', async () => {
    await start();
    const page = await fetch(`http://localhost:${port}/`);
    expect(await page.text()).toContain('<qbo-connect');
    const bundle = await fetch(`http://localhost:${port}/widget/ledgerlink.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect(((await (await fetch(`http://localhost:${port}/openapi.json`)).json()) as { openapi: string }).openapi).toBe('3.1.0');
  }, 120_000);

  test('click Connect → consent popup → pick a company → the card shows that company', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://localhost:${port}/`);
    const connect = page.getByRole('button', { name: 'Connect to QuickBooks' });
    await connect.waitFor({ timeout: 10_000 });
    const [popup] = await Promise.all([page.waitForEvent('popup'), connect.click()]);
    await popup.waitForLoadState();
    await popup.getByLabel(/Harbor Dental Group/).check();
    await popup.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.locator('qbo-connect').getByText('Harbor Dental Group').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(dataDir, 'connected.png'), fullPage: true });

    // The first import runs; the card then shows when it synced, and the client list says Synced.
    await page.locator('qbo-connect').getByText(/Last synced/).waitFor({ timeout: 30_000 });
    await page.locator('client-sync-status').getByText('Synced', { exact: true }).first().waitFor({ timeout: 10_000 });

    // The demo's own suppliers are matched against the imported vendors; accepting the auto-matched pairs
    // links them on the server.
    const acceptAll = page.locator('supplier-matcher').getByRole('button', { name: /^Accept all/ });
    await acceptAll.waitFor({ timeout: 20_000 });
    const offered = Number(/(\d+)/.exec((await acceptAll.textContent()) ?? '')?.[1]);
    expect(offered).toBeGreaterThan(10);
    await acceptAll.click();
    await page.locator('supplier-matcher').getByRole('tab', { name: new RegExp(`Linked\\s*${offered}`) }).waitFor({ timeout: 10_000 });
    const token = ((await (await fetch(`http://localhost:${port}/demo/api/session`, { method: 'POST', body: '{}' })).json()) as { token: string }).token;
    const connections = (await (await fetch(`http://localhost:${port}/v1/widget/connections`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: { id: string }[] };
    const links = await fetch(`http://localhost:${port}/v1/widget/connections/${connections.data[0]!.id}/links?kind=suppliers`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await links.json()) as { data: { method: string }[] }).data.filter((link) => link.method === 'auto')).toHaveLength(offered);
    await page.screenshot({ path: join(dataDir, 'matched.png'), fullPage: true });

    // The demo's tax rates (Canadian: Ontario HST, BC GST + PST, ...) are offered the company's tax codes with
    // reasons; accepting the suggestions asks first, then maps them.
    const mapper = page.locator('tax-rate-mapper');
    const acceptSuggestions = mapper.getByRole('button', { name: /^Accept all suggestions/ });
    await acceptSuggestions.waitFor({ timeout: 20_000 });
    await mapper.getByText(/Suggested GST\/PST BC: 12% on sales/).waitFor({ timeout: 10_000 });
    await acceptSuggestions.click();
    await mapper.getByRole('button', { name: /^Map \d+$/ }).click();
    await mapper.getByText(/^Mapped \d+ to their suggestions/).waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  test('a restart keeps tenants and connections (embedded data persisted)', async () => {
    const tenantBefore = (await (await fetch(`http://localhost:${port}/demo/api/session`, { method: 'POST', body: '{}' })).json()) as { token: string };
    const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { ten: string };
    await product.stop();
    await start();
    const tenantAfter = (await (await fetch(`http://localhost:${port}/demo/api/session`, { method: 'POST', body: '{}' })).json()) as { token: string };
    expect(claims(tenantAfter.token).ten).toBe(claims(tenantBefore.token).ten);
    const connections = await fetch(`http://localhost:${port}/v1/widget/connections`, { headers: { authorization: `Bearer ${tenantAfter.token}` } });
    const names = ((await connections.json()) as { data: { company_name: string }[] }).data.map((connection) => connection.company_name);
    expect(names).toContain('Harbor Dental Group');
  }, 120_000);
});
