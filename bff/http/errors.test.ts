import { Hono } from 'hono';
import { expect, test } from 'vitest';
import type { AppEnv } from '../context.ts';
import { createLogger } from './logger.ts';
import { NeedsReconnectError } from '../connections/tokens.ts';
import { QboError } from '../providers/qbo/faults.ts';
import { reconnectFirst, renderError } from './errors.ts';

/** What postgres.js throws for a server error: an Error named PostgresError carrying the SQLSTATE. */
function postgresError(code: string, message: string) {
  return Object.assign(new Error(message), { name: 'PostgresError', code });
}

function appThrowing(error: Error) {
  const lines: string[] = [];
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('logger', createLogger('debug', {}, (line) => void lines.push(line)));
    await next();
  });
  app.onError(renderError);
  app.get('/x', () => {
    throw error;
  });
  return { app, lines };
}

test('a Postgres data exception (class 22) that slipped past the schemas is a 400, and logged as a gap', async () => {
  for (const code of ['22P05', '22008', '22003', '22P02', '22001', '22021']) {
    const { app, lines } = appThrowing(postgresError(code, 'refused'));
    const response = await app.request('/x');
    expect(response.status, code).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/^request: a value in this request cannot be stored/);
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([{ level: 'error', postgres_error: code, path: '/x' }]);
  }
});

test('other database errors stay 500s', async () => {
  for (const error of [postgresError('23505', 'duplicate key'), postgresError('57014', 'canceled'), new Error('22 things went wrong')]) {
    const response = await appThrowing(error).app.request('/x');
    expect(response.status).toBe(500);
  }
});

test('a connection that is disconnected or must be reconnected is a 409 asking for a reconnect from any route, not a 500', async () => {
  const dead = [
    new NeedsReconnectError('con_1', 'This connection is disconnected'),
    new QboError('unauthorized', 401, [{ code: '3200', message: 'AuthenticationFailed', detail: '' }]),
  ];
  for (const error of dead) {
    const { app, lines } = appThrowing(error);
    const response = await app.request('/x');
    expect(response.status, error.name).toBe(409);
    expect(await response.json()).toEqual({ error: { code: 'conflict', message: reconnectFirst, details: { category: 'needs_reconnect', action: 'reconnect' } } });
    expect(lines.filter((line) => JSON.parse(line).level === 'error')).toEqual([]);
  }
});
