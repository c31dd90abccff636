import { expect, test } from 'vitest';
import { testApp } from '../../test/support/app.ts';
import { newId } from '../db/ids.ts';
import type { QboOAuth } from '../providers/qbo/oauth-client.ts';
import { connectionTokens, storeTokens } from './tokens.ts';

const t = testApp();
/** Never called: the tokens are fresh, so reading them needs no refresh. */
const noOAuth = {} as QboOAuth;

test('a burst of calls reads the stored token once (issue 15: a read per call sat between each budget slot and its request); a rejected token is read again', async () => {
  const tenant = await t.createTenant();
  await t.session(tenant, 'org-burst');
  const connectionId = newId('con');
  await t.deps.sql`
    insert into connections (id, tenant_id, organization_id, provider, external_id, status)
    values (${connectionId}, ${tenant.id}, 'org-burst', 'qbo', ${connectionId}, 'connected')`;
  await storeTokens(t.deps.sql, t.deps, connectionId, { access_token: 'access-A', refresh_token: 'refresh-A', expires_in: 3600, x_refresh_token_expires_in: 8_640_000, token_type: 'bearer' });
  let reads = 0;
  const sql = new Proxy(t.deps.sql, {
    apply(target, self, args: unknown[]) {
      const strings = args[0] as TemplateStringsArray | undefined;
      if (Array.isArray(strings) && strings.join('').includes('from connection_tokens t join connections')) reads += 1;
      return Reflect.apply(target as never, self, args);
    },
  });
  const tokens = connectionTokens({ ...t.deps, sql }, noOAuth, connectionId);
  const burst = await Promise.all(Array.from({ length: 10 }, () => tokens.current()));
  expect(new Set(burst)).toEqual(new Set(['access-A']));
  expect(await tokens.current()).toBe('access-A');
  expect(reads).toBe(1);
  // QuickBooks refused it (401): the next token comes from the row, never from what was kept.
  await storeTokens(t.deps.sql, t.deps, connectionId, { access_token: 'access-B', refresh_token: 'refresh-B', expires_in: 3600, x_refresh_token_expires_in: 8_640_000, token_type: 'bearer' });
  expect(await tokens.renewAfterRejection('access-A')).toBe('access-B');
  expect(reads).toBe(2);
});
