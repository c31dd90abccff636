import { describe, expect, test } from 'vitest';
import { newId } from '../bff/db/ids.ts';
import { testApp } from './support/app.ts';

const t = testApp();

/** Two tenants, each with an organization and a connection; everything below must stay on its own side. */
async function twoTenants() {
  const a = await t.createTenant('Tenant A');
  const b = await t.createTenant('Tenant B');
  const connections: Record<string, string> = {};
  for (const [tenant, org] of [
    [a, 'org-a'],
    [b, 'org-b'],
  ] as const) {
    await t.session(tenant, org); // creates the organization
    const id = newId('con');
    await t.deps.sql`
      insert into connections (id, tenant_id, organization_id, provider, external_id, company_name, status)
      values (${id}, ${tenant.id}, ${org}, 'qbo', ${'realm-' + id}, ${'Company of ' + tenant.id}, 'connected')`;
    connections[tenant.id] = id;
  }
  return { a, b, connectionA: connections[a.id]!, connectionB: connections[b.id]! };
}

describe('tenant isolation, route by route', () => {
  test('server routes: tenant A\'s key reads nothing of tenant B', async () => {
    const { a, b, connectionA, connectionB } = await twoTenants();

    const list = await t.request('/v1/connections', { token: a.secretKey });
    const ids = ((await list.json()) as { data: { id: string }[] }).data.map((row) => row.id);
    expect(ids).toContain(connectionA);
    expect(ids).not.toContain(connectionB);

    const byOrg = await t.request('/v1/connections?organization_id=org-b', { token: a.secretKey });
    expect(((await byOrg.json()) as { data: unknown[] }).data).toEqual([]);

    expect((await t.request(`/v1/connections/${connectionB}`, { token: a.secretKey })).status).toBe(404);
    expect((await t.request(`/v1/connections/${connectionA}`, { token: a.secretKey })).status).toBe(200);

    // Settings are per tenant: the same organization id under A and B are different organizations.
    await t.request('/v1/organizations/shared-id/settings', { method: 'PUT', token: b.secretKey, json: { read_only: true } });
    const settingsA = await t.request('/v1/organizations/shared-id/settings', { token: a.secretKey });
    expect(((await settingsA.json()) as { read_only: boolean }).read_only).toBe(false);
  });

  test('widget routes: a session sees only its own organization', async () => {
    const { a, connectionA, connectionB } = await twoTenants();
    const token = await t.session(a, 'org-a');
    const otherOrgToken = await t.session(a, 'org-a2');

    const list = await t.request('/v1/widget/connections', { token });
    expect(((await list.json()) as { data: { id: string }[] }).data.map((row) => row.id)).toEqual([connectionA]);
    expect((await t.request(`/v1/widget/connections/${connectionB}`, { token })).status).toBe(404);
    expect((await t.request(`/v1/widget/connections/${connectionA}`, { token })).status).toBe(200);

    // Same tenant, another organization: still nothing.
    expect((await t.request(`/v1/widget/connections/${connectionA}`, { token: otherOrgToken })).status).toBe(404);
    const otherList = await t.request('/v1/widget/connections', { token: otherOrgToken });
    expect(((await otherList.json()) as { data: unknown[] }).data).toEqual([]);
  });

  test('widget reads answered by one shared query still stay on their own side', async () => {
    // Reads asked for together go to the database together (CoalescedReads): each answer is still held to its
    // own session's tenant and organization.
    const { a, b, connectionA, connectionB } = await twoTenants();
    const tokenA = await t.session(a, 'org-a');
    const tokenB = await t.session(b, 'org-b');
    const otherOrgToken = await t.session(a, 'org-a2');
    const reads: [string, string, number][] = [
      [tokenA, connectionA, 200],
      [tokenA, connectionB, 404],
      [tokenB, connectionB, 200],
      [tokenB, connectionA, 404],
      [otherOrgToken, connectionA, 404],
      [tokenA, newId('con'), 404],
    ];
    const answers = await Promise.all(reads.map(([token, id]) => t.request(`/v1/widget/connections/${id}`, { token })));
    expect(answers.map((answer) => answer.status)).toEqual(reads.map(([, , status]) => status));
    const bodies = (await Promise.all(answers.filter((answer) => answer.status === 200).map((answer) => answer.json()))) as { id: string }[];
    expect(bodies.map((body) => body.id)).toEqual([connectionA, connectionB]);
  });

  test('a revoked secret key stops working at once; rotation keeps the tenant reachable', async () => {
    const tenant = await t.createTenant();
    const rotated = await t.request(`/v1/admin/tenants/${tenant.id}/secret-keys`, { method: 'POST', token: t.deps.keys.adminToken });
    expect(rotated.status).toBe(201);
    const { secret_key: newKey } = (await rotated.json()) as { secret_key: string };
    const oldKeyId = /^llsk_(key_[0-9a-f]{20})_/.exec(tenant.secretKey)![1];
    const revoked = await t.request(`/v1/admin/tenants/${tenant.id}/secret-keys/${oldKeyId}`, {
      method: 'DELETE',
      token: t.deps.keys.adminToken,
    });
    expect(revoked.status).toBe(204);
    expect((await t.request('/v1/connections', { token: tenant.secretKey })).status).toBe(401);
    expect((await t.request('/v1/connections', { token: newKey })).status).toBe(200);
  });

  test('admin routes need the admin token', async () => {
    const tenant = await t.createTenant();
    expect((await t.request('/v1/admin/tenants', { token: tenant.secretKey })).status).toBe(401);
    expect((await t.request('/v1/admin/tenants')).status).toBe(401);
    expect((await t.request('/v1/admin/tenants', { token: t.deps.keys.adminToken })).status).toBe(200);
  });

  test('secret keys are stored hashed, never in the clear', async () => {
    const tenant = await t.createTenant();
    const rows = await t.deps.sql`select * from tenant_secret_keys where tenant_id = ${tenant.id}`;
    expect(JSON.stringify(rows)).not.toContain(tenant.secretKey.split('_').at(-1));
  });
});

describe('CORS on widget routes', () => {
  test('the tenant\'s origin is granted; another origin gets no grant', async () => {
    const a = await t.createTenant();
    const b = await t.createTenant();
    const token = await t.session(a, 'org-a');

    const allowed = await t.request('/v1/widget/session', { token, headers: { origin: a.origin } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(a.origin);

    const stranger = await t.request('/v1/widget/session', { token, headers: { origin: 'https://evil.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();

    // B's page holding A's token: B's origin is known, but not A's, so the grant is withdrawn and the call refused.
    const foreign = await t.request('/v1/widget/session', { token, headers: { origin: b.origin } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('preflight is answered for known origins only', async () => {
    const a = await t.createTenant();
    const preflight = (origin: string) =>
      t.request('/v1/widget/connections', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const ok = await preflight(a.origin);
    expect(ok.headers.get('access-control-allow-origin')).toBe(a.origin);
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  test('server routes never grant CORS: secret keys do not belong in browsers', async () => {
    const a = await t.createTenant();
    const response = await t.request('/v1/connections', { token: a.secretKey, headers: { origin: a.origin } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('admin input', () => {
  test('a malformed origin is a 400 naming it, not a crash', async () => {
    const response = await t.request('/v1/admin/tenants', { method: 'POST', token: t.deps.keys.adminToken, json: { name: 'x', allowed_origins: ['not a url'] } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^body\.allowed_origins\.0: must be an origin/);
  });
});
