import { describe, expect, test } from 'vitest';
import { testApp } from './support/app.ts';
import { operationsOf, type OpenApiDocument } from './support/openapi-document.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';

/**
 * Issue 11, finding 5: request bodies had no size limit (eight 50 MB bodies to the unauthenticated provider
 * webhook took RSS from 521 to 1,139 MB). Each route has a limit that fits it, refused with a 413 before the
 * body is read past it.
 */
const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));
const MB = 1024 * 1024;

/** A chunked body (no Content-Length) of `total` bytes that counts how much of it was pulled. */
function countedStream(total: number, chunk = 64 * 1024) {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      const size = Math.min(chunk, total - counter.pulled);
      counter.pulled += size;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  return { stream, counter };
}

describe('body limits', () => {
  test('the unauthenticated QuickBooks webhook refuses a 50 MB body by its Content-Length, unread', async () => {
    const { stream, counter } = countedStream(50 * MB);
    const answer = await t.app.request('/v1/webhooks/qbo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(50 * MB), 'intuit-signature': 'x' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(answer.status).toBe(413);
    expect(await answer.json()).toMatchObject({ error: { code: 'payload_too_large', details: { max_bytes: MB } } });
    expect(counter.pulled).toBeLessThanOrEqual(64 * 1024);
  });

  test('a chunked 50 MB body is read no further than the limit (plus one chunk) and refused', async () => {
    const { stream, counter } = countedStream(50 * MB);
    const answer = await t.app.request('/v1/webhooks/qbo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'intuit-signature': 'x' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(answer.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(MB + 2 * 64 * 1024);
  });

  test('every published route that takes a body refuses 11 MB (past every limit) with 413 payload_too_large, unread, and documents it', async () => {
    const tenant = await t.createTenant();
    const session = await t.session(tenant, 'org-1');
    const document = (await (await t.request('/openapi.json')).json()) as OpenApiDocument;
    const withBody = operationsOf(document).filter((entry) => entry.operation.requestBody);
    expect(withBody.length).toBeGreaterThan(10);
    const refused: string[] = [];
    const undocumented: string[] = [];
    for (const entry of withBody) {
      const path = entry.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? 'con_00000000000000000000' : name === 'kind' ? 'suppliers' : name === 'provider' ? 'qbo' : 'x'));
      const token = entry.scheme === 'secretKey' ? tenant.secretKey : entry.scheme === 'sessionToken' ? session : entry.scheme === 'adminToken' ? t.deps.keys.adminToken : undefined;
      const { stream, counter } = countedStream(11 * MB);
      const answer = await t.app.request(path, {
        method: entry.method,
        headers: { 'content-type': 'application/json', 'content-length': String(11 * MB), origin: tenant.origin, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      const body = (await answer.json()) as { error?: { code: string } };
      if (answer.status === 413 && body.error?.code === 'payload_too_large' && counter.pulled <= 64 * 1024) refused.push(`${entry.method} ${entry.path}`);
      if (!(entry.operation as { responses?: Record<string, unknown> }).responses?.['413']) undocumented.push(`${entry.method} ${entry.path}`);
    }
    expect(refused).toEqual(withBody.map((entry) => `${entry.method} ${entry.path}`));
    expect(undocumented).toEqual([]);
  });

  test('limits fit the routes: a 2 MB host-records PUT is taken, a 100 KB settings PUT is not', async () => {
    const tenant = await t.createTenant();
    const records = Array.from({ length: 5_000 }, (_, i) => ({ id: `host-${i}`, name: `Supplier ${i} ${'x'.repeat(380)}` }));
    const body = JSON.stringify({ records });
    expect(body.length).toBeGreaterThan(2 * MB);
    const put = await t.request('/v1/organizations/org-1/host-records/suppliers', {
      method: 'PUT',
      token: tenant.secretKey,
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(put.status).toBe(200);
    const settings = await t.request('/v1/organizations/org-1/settings', {
      method: 'PUT',
      token: tenant.secretKey,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ read_only: false, padding: 'x'.repeat(100 * 1024) }),
    });
    expect(settings.status).toBe(413);
    expect(await settings.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });
});
