import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createSandbox, type Sandbox, type SandboxSettings } from '../../demo/sandbox/index.ts';

export interface Listening {
  url: string;
  sandbox: Sandbox;
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * The sandbox on a real loopback port, so the real client libraries speak HTTP to it. The base URL must be known
 * before the sandbox is made (it is in the discovery document), so the port is reserved first.
 */
export async function listen(settings: Partial<SandboxSettings> = {}): Promise<Listening> {
  const probe: ServerType = await new Promise((resolve) => {
    const server = serve({ fetch: () => new Response(), port: 0, hostname: '127.0.0.1' }, () => resolve(server));
  });
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const sandbox = createSandbox({ baseUrl: url, demoCompanies: true, settings });
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: sandbox.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(started));
  });
  return {
    url,
    sandbox,
    async control<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}/_sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    async close() {
      await sandbox.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Walks the consent page like a user: load it, pick the company, press Connect; returns the callback URL. */
export async function consent(authorizeUrl: string, realmId: string): Promise<string> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${html}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error('no consent form');
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(match[1] ?? '', (match[2] ?? '').replace(/&amp;/g, '&'));
  form.set('realm_id', realmId);
  form.set('decision', 'allow');
  const submitted = await fetch(action.replace(/&amp;/g, '&'), { method: 'POST', body: form, redirect: 'manual' });
  const location = submitted.headers.get('location');
  if (submitted.status !== 302 || !location) throw new Error(`consent submit: ${submitted.status} ${await submitted.text()}`);
  return location;
}

export const ACME = '9341455000000101';
export const KESTREL = '9341455000000103';
