import { randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';
import { loadConfig } from '../config.ts';
import { connectionTokens, storeTokens } from '../connections/tokens.ts';
import type { Deps } from '../context.ts';
import { newId } from '../db/ids.ts';
import { createLogger } from '../http/logger.ts';
import type { QboOAuth } from '../providers/qbo/oauth-client.ts';
import { createEndpoint, findEndpoint, openWebhookSecret } from '../webhooks/endpoints.ts';
import { loadKeys } from './keys.ts';
import { resealSecrets } from './reseal.ts';

const t = testApp();
const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('hex');

/** The keys a server would load from this environment. */
const keysFrom = (env: Record<string, string>) =>
  loadKeys(loadConfig({ NODE_ENV: 'test', LEDGERLINK_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef', LEDGERLINK_DATA_DIR: '/nonexistent', ...env }));
const depsWith = (keys: Deps['keys']): Deps => ({ ...t.deps, keys, logger: createLogger('silent') });
/** Never called: the tokens are fresh, so reading them needs no refresh. */
const noOAuth = {} as QboOAuth;

test('rotating LEDGERLINK_ENCRYPTION_KEY: old rows open with the previous key, are re-sealed, and then need only the new key', async () => {
  const tenant = await t.createTenant();
  await t.session(tenant, 'org-rotate');
  const connectionId = newId('con');
  await t.deps.sql`
    insert into connections (id, tenant_id, organization_id, provider, external_id, status)
    values (${connectionId}, ${tenant.id}, 'org-rotate', 'qbo', ${connectionId}, 'connected')`;

  const before = depsWith(keysFrom({ LEDGERLINK_ENCRYPTION_KEY: keyA }));
  await storeTokens(t.deps.sql, before, connectionId, { access_token: 'access-A', refresh_token: 'refresh-A', expires_in: 3600, x_refresh_token_expires_in: 8_640_000, token_type: 'bearer' });
  const { endpoint, secret } = (await createEndpoint(t.deps.sql, before.keys, tenant.id, { url: 'https://hooks.example.com/ledgerlink', events: ['*'] }, 20))!;

  // The new key alone cannot read what the old one sealed: this is what a rotation broke before.
  const newOnly = depsWith(keysFrom({ LEDGERLINK_ENCRYPTION_KEY: keyB }));
  await expect(connectionTokens(newOnly, noOAuth, connectionId).current()).rejects.toThrow(/No encryption key/);

  const rotated = depsWith(keysFrom({ LEDGERLINK_ENCRYPTION_KEY: keyB, LEDGERLINK_PREVIOUS_ENCRYPTION_KEYS: `${randomBytes(32).toString('base64')}, ${keyA}` }));
  expect(await connectionTokens(rotated, noOAuth, connectionId).current()).toBe('access-A');
  expect(openWebhookSecret(rotated.keys, (await findEndpoint(t.deps.sql, tenant.id, endpoint.id))!.secret)).toBe(secret);

  const outcome = await resealSecrets(rotated);
  // Other test files' rows (sealed under their own keys) may be counted unreadable here; ours are re-sealed.
  expect(outcome.resealed).toBeGreaterThanOrEqual(2);
  const [tokens] = await t.deps.sql<{ access_token: string; refresh_token: string }[]>`select access_token, refresh_token from connection_tokens where connection_id = ${connectionId}`;
  expect(tokens!.access_token.split('.')[1]).toBe(rotated.keys.encryptionKeyId);
  expect(tokens!.refresh_token.split('.')[1]).toBe(rotated.keys.encryptionKeyId);

  // The previous key can now be dropped.
  expect(await connectionTokens(newOnly, noOAuth, connectionId).current()).toBe('access-A');
  expect(openWebhookSecret(newOnly.keys, (await findEndpoint(t.deps.sql, tenant.id, endpoint.id))!.secret)).toBe(secret);
  expect((await resealSecrets(rotated)).resealed).toBe(0);
});

test('a row sealed under a key nobody configured is reported and left untouched, never overwritten', async () => {
  const tenant = await t.createTenant();
  await t.session(tenant, 'org-lost');
  const connectionId = newId('con');
  await t.deps.sql`
    insert into connections (id, tenant_id, organization_id, provider, external_id, status)
    values (${connectionId}, ${tenant.id}, 'org-lost', 'qbo', ${connectionId}, 'connected')`;
  const lost = depsWith(keysFrom({ LEDGERLINK_ENCRYPTION_KEY: randomBytes(32).toString('base64') }));
  await storeTokens(t.deps.sql, lost, connectionId, { access_token: 'a', refresh_token: 'r', expires_in: 3600, token_type: 'bearer' });
  const [stored] = await t.deps.sql<{ access_token: string }[]>`select access_token from connection_tokens where connection_id = ${connectionId}`;

  const errors: string[] = [];
  const current = { ...depsWith(keysFrom({ LEDGERLINK_ENCRYPTION_KEY: keyB })), logger: createLogger('error', {}, (line) => void errors.push(line)) };
  const outcome = await resealSecrets(current);
  expect(outcome.unreadable).toBeGreaterThanOrEqual(1);
  expect(errors.join('\n')).toMatch(/LEDGERLINK_PREVIOUS_ENCRYPTION_KEYS/);
  const [after] = await t.deps.sql<{ access_token: string }[]>`select access_token from connection_tokens where connection_id = ${connectionId}`;
  expect(after!.access_token).toBe(stored!.access_token);
});

test('a malformed previous key is a configuration error naming the variable', () => {
  expect(() => keysFrom({ LEDGERLINK_ENCRYPTION_KEY: keyB, LEDGERLINK_PREVIOUS_ENCRYPTION_KEYS: `${keyA},not-a-key` })).toThrow(/LEDGERLINK_PREVIOUS_ENCRYPTION_KEYS: must be/);
});
