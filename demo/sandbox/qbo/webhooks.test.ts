import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, US, type Harness } from '../testing.ts';

/**
 * intuit-signature as QBO-FACTS defines it, computed here rather than with the sandbox's own signer: a signer
 * that hashed the wrong bytes, used the wrong key or encoding would otherwise agree with itself.
 */
const intuitSignature = (rawBody: string, verifier: string) => createHmac('sha256', Buffer.from(verifier, 'utf8')).update(Buffer.from(rawBody, 'utf8')).digest('base64');

interface Received {
  signature: string;
  body: string;
}

/** A webhook receiver on loopback that answers with the given statuses in turn (then 200). */
async function receiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ signature: String(request.headers['intuit-signature'] ?? ''), body });
      response.statusCode = statuses.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, server };
}

let h: Harness;
let servers: Server[] = [];
afterEach(async () => {
  await h?.sandbox.close();
  for (const server of servers) server.close();
  servers = [];
});

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('webhooks', () => {
  it('notifies a connected app in CloudEvents, signed with its verifier token', async () => {
    const hook = await receiver();
    servers.push(hook.server);
    h = harness({ settings: { webhook_batch_ms: 5 } });
    const app = h.sandbox.registerApp({ redirect_uris: ['http://localhost:3000/callback'], webhook_url: hook.url, webhook_verifier: 'verifier-1' });
    const { access_token: token } = await h.connect(US, { clientId: app.client_id, secret: app.client_secret });
    const created = (await (await h.api(token, US, 'vendor', { json: { DisplayName: 'Webhook Supplies LLC' } })).json()) as { Vendor: { Id: string } };
    await until(() => hook.received.length > 0);
    const [delivery] = hook.received;
    expect(delivery?.signature).toBe(intuitSignature(delivery?.body ?? '', 'verifier-1'));
    expect(delivery?.signature).not.toBe(intuitSignature(delivery?.body ?? '', 'global-verifier'));
    expect(JSON.parse(delivery?.body ?? '[]')).toEqual([
      expect.objectContaining({ specversion: '1.0', type: 'qbo.vendor.created.v1', intuitentityid: created.Vendor.Id, intuitaccountid: US, data: {} }),
    ]);
  });

  it('sends the legacy eventNotifications body and retries until acknowledged', async () => {
    const hook = await receiver([500, 503]);
    servers.push(hook.server);
    h = harness({ settings: { webhook_batch_ms: 5, webhook_retry_scale: 0.01 } });
    await h.control('PUT', '/qbo/settings', { webhook_url: hook.url, webhook_verifier: 'global-verifier', webhook_format: 'legacy' });
    await h.connect(US);
    await h.control('POST', `/qbo/companies/${US}/mutations`, { update: 1, entities: ['Vendor'] });
    await until(() => hook.received.length >= 3);
    const bodies = hook.received.map((entry) => entry.body);
    expect(new Set(bodies).size).toBe(1);
    for (const entry of hook.received) expect(entry.signature).toBe(intuitSignature(entry.body, 'global-verifier'));
    const legacy = JSON.parse(bodies[0] ?? '{}') as { eventNotifications: { realmId: string; dataChangeEvent: { entities: { name: string; operation: string }[] } }[] };
    expect(legacy.eventNotifications[0]).toMatchObject({ realmId: US, dataChangeEvent: { entities: [{ name: 'Vendor', operation: 'Update' }] } });
    // The receiver sees the third attempt before the sandbox has recorded its 200: wait for the counter.
    const stats = async () => (await (await h!.control('GET', `/qbo/companies/${US}/stats`)).json()) as Record<string, number>;
    for (let i = 0; i < 200 && (await stats()).webhooks_delivered !== 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await stats()).toMatchObject({ webhooks_failed: 2, webhooks_delivered: 1 });
  });

  it('says nothing about companies no app is connected to', async () => {
    const hook = await receiver();
    servers.push(hook.server);
    h = harness({ settings: { webhook_batch_ms: 1, webhook_url: hook.url, webhook_verifier: 'v' } });
    await h.control('POST', `/qbo/companies/${US}/mutations`, { update: 2 });
    await h.control('POST', '/qbo/webhooks/flush');
    expect(hook.received).toEqual([]);
    // The same set-up does deliver once an app is connected: the silence above is not a receiver that hears nothing.
    await h.connect(US);
    await h.control('POST', `/qbo/companies/${US}/mutations`, { update: 1 });
    await h.control('POST', '/qbo/webhooks/flush');
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.signature).toBe(intuitSignature(hook.received[0]!.body, 'v'));
  });
});
