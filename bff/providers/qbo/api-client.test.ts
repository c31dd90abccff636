import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { QboApi } from './api-client.ts';
import { QboError } from './faults.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe('the deadline of a QuickBooks call', () => {
  test('a body still arriving when the deadline passes is a timeout to retry, not an internal error', async () => {
    // Headers at once, then half a page and nothing more: an overloaded server mid-answer.
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.flushHeaders();
      response.write('{"QueryResponse":{"Invoice":[');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const api = new QboApi({ apiBase: `http://127.0.0.1:${port}/`, realmId: '1', tokens: { current: async () => 't', renewAfterRejection: async () => 't' }, timeoutMs: 1_000 });
    const failure = await api.getBytes('query', { query: 'SELECT * FROM Invoice' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QboError);
    expect((failure as QboError).kind).toBe('unavailable');
    server.closeAllConnections();
  });
});
