import { serve, type ServerType } from '@hono/node-server';
import { afterAll } from 'vitest';
import { createSandbox, type Sandbox } from '../../demo/sandbox/index.ts';
import { loadConfig } from '../../bff/config.ts';
import { QboOAuth } from '../../bff/providers/qbo/oauth-client.ts';
import { qboEndpoints } from '../../bff/providers/qbo/endpoints.ts';
import { freePort } from './processes.ts';

export interface RunningSandbox {
  url: string;
  sandbox: Sandbox;
  /** Calls the control API (`/_sandbox/...`) and returns its JSON. */
  control<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** The QuickBooks sandbox on a real loopback port: intuit-oauth and our API client speak HTTP to it. */
export async function startSandbox(settings: Record<string, unknown> = {}): Promise<RunningSandbox> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sandbox = createSandbox({ baseUrl: url, settings: settings as never });
  const server: ServerType = await new Promise((resolve) => {
    const listening = serve({ fetch: sandbox.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(listening));
  });
  const running: RunningSandbox = {
    url,
    sandbox,
    async control(method, path, body) {
      const response = await fetch(`${url}/_sandbox${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async close() {
      await sandbox.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  afterAll(() => running.close());
  return running;
}

/** BFF configuration and QuickBooks client pointed at a sandbox, for testApp({...}). */
export function sandboxDeps(sandboxUrl: string) {
  const config = loadConfig({
    NODE_ENV: 'test',
    LEDGERLINK_DATA_DIR: '/nonexistent',
    LEDGERLINK_SANDBOX_URL: sandboxUrl,
    QBO_CLIENT_ID: 'ledgerlink-dev',
    QBO_CLIENT_SECRET: 'ledgerlink-dev-secret',
    QBO_WEBHOOK_VERIFIER: 'test-verifier',
    // As testApp: webhook receivers in tests listen on 127.0.0.1.
    LEDGERLINK_WEBHOOK_ALLOW_LOOPBACK: 'true',
  });
  return { config, qbo: new QboOAuth(qboEndpoints(config)!) };
}
