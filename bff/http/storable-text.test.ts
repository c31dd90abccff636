import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import type { AppEnv } from '../context.ts';
import { renderError } from './errors.ts';
import { storableText, unstorableText } from './storable-text.ts';

/** A route per input kind, behind the middleware; the handlers count what got through. */
function guardedApp() {
  const reached: string[] = [];
  const app = new Hono<AppEnv>();
  app.onError(renderError);
  app.use(storableText());
  app.delete('/v1/connections/:id/links/:kind/:host_id', (c) => (reached.push(c.req.param('host_id')), c.body(null, 204)));
  app.get('/v1/search', (c) => (reached.push(c.req.query('q') ?? ''), c.json({})));
  app.put('/v1/records', async (c) => (reached.push(JSON.stringify(await c.req.json())), c.json({})));
  app.post('/v1/raw', async (c) => (reached.push(await c.req.text()), c.json({})));
  return { app, reached };
}

async function refusal(response: Response) {
  expect(response.status).toBe(400);
  return ((await response.json()) as { error: { code: string; message: string; details: { issues: { field: string }[] } } }).error;
}

describe('storableText', () => {
  test('a NUL in a path parameter is a 400 naming the parameter, before the handler', async () => {
    const { app, reached } = guardedApp();
    const error = await refusal(await app.request('/v1/connections/con_1/links/suppliers/%00', { method: 'DELETE' }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/^path\.host_id: must not contain a NUL character/);
    expect(reached).toEqual([]);
  });

  test('query: NUL and malformed percent-encoding (a lone surrogate as WTF-8) name the parameter', async () => {
    const { app, reached } = guardedApp();
    expect((await refusal(await app.request('/v1/search?q=a%00b'))).message).toMatch(/^query\.q: must not contain a NUL/);
    expect((await refusal(await app.request('/v1/search?q=x%ED%A0%80'))).message).toBe('query.q: must be percent-encoded UTF-8');
    expect((await app.request('/v1/search?q=Zo%C3%AB%20%F0%9F%9A%80')).status).toBe(200);
    expect(reached).toEqual(['Zoë 🚀']);
  });

  test('JSON body: the field path is named, keys included, and every bad field is listed', async () => {
    const { app, reached } = guardedApp();
    const body = JSON.stringify({ records: [{ id: 'ok', name: 'Acme\u0000' }, { id: '\ud800' }], ['k\u0000']: 1 });
    const error = await refusal(await app.request('/v1/records', { method: 'PUT', body, headers: { 'content-type': 'application/json' } }));
    expect(error.message).toBe('body.records.0.name: must not contain a NUL character (U+0000) (and 2 more)');
    expect(error.details.issues.map((issue) => issue.field)).toEqual(['body.records.0.name', 'body.records.1.id', 'body.k\\u0000']);
    expect(reached).toEqual([]);
  });

  test('a well-formed body reaches the route unchanged, raw bytes included (signatures stay valid)', async () => {
    const { app, reached } = guardedApp();
    const raw = '{ "eventNotifications": [ {"realmId": "123"} ], "name": "\\ud83d\\ude80" }';
    expect((await app.request('/v1/raw', { method: 'POST', body: raw, headers: { 'content-type': 'application/json' } })).status).toBe(200);
    expect((await app.request('/v1/records', { method: 'PUT', body: raw, headers: { 'content-type': 'application/json' } })).status).toBe(200);
    expect(reached).toEqual([raw, JSON.stringify(JSON.parse(raw))]);
  });

  test('a body without a JSON content type is still checked when it parses (the webhook reads it regardless)', async () => {
    const { app } = guardedApp();
    const error = await refusal(await app.request('/v1/raw', { method: 'POST', body: '{"eventNotifications":[{"realmId":"1\\u0000"}]}' }));
    expect(error.message).toMatch(/^body\.eventNotifications\.0\.realmId: /);
  });

  test('a body nested deeper than the call stack is walked, not a crash', async () => {
    const { app } = guardedApp();
    const depth = 200_000;
    const deep = (inner: string) => `{"a":${'['.repeat(depth)}${inner}${']'.repeat(depth)}}`;
    expect((await app.request('/v1/raw', { method: 'POST', body: deep('"ok"') })).status).toBe(200);
    const error = await refusal(await app.request('/v1/raw', { method: 'POST', body: deep('"\\u0000"') }));
    expect(error.message).toMatch(/^body\.a\.0\.0\.0\.0/);
  });

  test('a body that is not UTF-8 (raw 0xFF 0xFE) is a 400 naming the body, never stored with U+FFFD in its place', async () => {
    const { app, reached } = guardedApp();
    const bytes = new Uint8Array([...new TextEncoder().encode('{"records":[{"id":"sup-0","name":"a'), 0xff, 0xfe, ...new TextEncoder().encode('"}]}')]);
    for (const [method, path] of [['PUT', '/v1/records'], ['POST', '/v1/raw']] as const) {
      const error = await refusal(await app.request(path, { method, body: bytes, headers: { 'content-type': 'application/json' } }));
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/^body: must be UTF-8/);
      expect(error.details.issues).toEqual([{ field: 'body', message: 'must be UTF-8 encoded' }]);
    }
    // An overlong encoding and a truncated sequence are not UTF-8 either.
    for (const bad of [[0x22, 0xc0, 0xaf, 0x22], [0x22, 0xe2, 0x82, 0x22]]) {
      expect((await app.request('/v1/raw', { method: 'POST', body: new Uint8Array(bad), headers: { 'content-type': 'application/json' } })).status).toBe(400);
    }
    expect(reached).toEqual([]);
  });

  test('multi-byte UTF-8 sent as bytes reaches both readers exactly (text for signatures, json for validators)', async () => {
    const { app, reached } = guardedApp();
    const raw = '{"name":"Zoë Ørsted 🚀"}';
    const bytes = new TextEncoder().encode(raw);
    expect((await app.request('/v1/raw', { method: 'POST', body: bytes, headers: { 'content-type': 'application/json' } })).status).toBe(200);
    expect((await app.request('/v1/records', { method: 'PUT', body: bytes, headers: { 'content-type': 'application/json' } })).status).toBe(200);
    expect(reached).toEqual([raw, raw]);
  });

  test('unstorableText: surrogate pairs are fine, halves are not', () => {
    expect(unstorableText('🚀 e\u0301')).toBeUndefined();
    expect(unstorableText('\ud83d')).toMatch(/lone surrogate \(U\+D83D\)/);
    expect(unstorableText('\ude80x')).toMatch(/lone surrogate \(U\+DE80\)/);
  });
});
