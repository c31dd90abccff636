import { beforeAll, describe, expect, test } from 'vitest';
import { defaultOrganizationSettings, type OrganizationSettings } from '../shared/api/organizations.ts';
import { testApp, type TestTenant } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { syncOnce } from './support/sync.ts';

/**
 * Roles on every widget route: each operation in /openapi.json under /v1/widget must have a rule below, and is
 * sent, as a valid request on a connected company of the session's organization, by each role under each
 * variant of the organization's settings. Allowed: the route's success status. Refused: 403 whose message
 * names the caller's role and the roles to ask. The rules (bff/auth/roles.ts):
 * - read: anyone in the organization who sees the connection;
 * - manage: connect_roles (connect, disconnect, visibility, host records, links, imports into the host);
 * - sync: sync_roles;
 * - check: connect_roles or sync_roles (it calls QuickBooks on demand);
 * - write: connect_roles, and nobody while the organization is read_only (creates data in QuickBooks).
 */
type Rule = 'read' | 'manage' | 'sync' | 'check' | 'write';

const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));

interface Org {
  tenant: TestTenant;
  settings: OrganizationSettings;
  id: string;
  vendors: string[];
  /** A number no earlier request in this organization used: fresh host ids, an unlinked vendor. */
  next(): number;
}

interface Sent {
  path: string;
  method?: string;
  json?: unknown;
}

interface Case {
  rule: Rule;
  success: number;
  /** Builds a valid request; may prepare what it needs through the server API first. */
  request(org: Org): Promise<Sent> | Sent;
}

const server = (org: Org, path: string, method: string, json: unknown) => t.request(path, { method, token: org.tenant.secretKey, json });

async function hostRecord(org: Org, id: string): Promise<string> {
  const response = await server(org, '/v1/organizations/org-1/host-records/suppliers', 'PUT', { records: [{ id, name: `Roles Supplier ${org.tenant.id} ${id}` }] });
  expect(response.status).toBe(200);
  return id;
}

const metricBody = { name: 'Revenue', dataset: 'profit_and_loss', line: 'total:revenue', aggregation: 'sum', period: 'month', accounting_method: 'accrual', currency: 'USD' };

/** A metric defined through the server API, for the widget routes that read or delete one. */
async function serverMetric(org: Org): Promise<string> {
  const response = await server(org, `/v1/connections/${org.id}/metrics`, 'POST', metricBody);
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const table: Record<string, Case> = {
  'GET /v1/widget/session': { rule: 'read', success: 200, request: () => ({ path: '/v1/widget/session' }) },
  'GET /v1/widget/settings': { rule: 'read', success: 200, request: () => ({ path: '/v1/widget/settings' }) },
  'GET /v1/widget/connections': { rule: 'read', success: 200, request: () => ({ path: '/v1/widget/connections' }) },
  'GET /v1/widget/connections/{id}': { rule: 'read', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}` }) },
  'DELETE /v1/widget/connections/{id}': {
    rule: 'manage',
    success: 200,
    async request(org) {
      // A company of its own, so a disconnect that is allowed leaves the others connected.
      const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'US' });
      const { result } = await connectThroughPopup(t, sandbox, org.tenant, 'org-1', realm, { role: org.settings.connect_roles[0]! });
      return { path: `/v1/widget/connections/${result.connection!.id}`, method: 'DELETE' };
    },
  },
  'POST /v1/widget/connections/{id}/check': { rule: 'check', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}/check`, method: 'POST' }) },
  // A redirect-mode result is readable only by the user who started that attempt (oauth-browser-binding.test.ts):
  // no role rule beyond that, so an unknown id is 404 for every role, never a 403.
  'GET /v1/widget/oauth/results/{id}': { rule: 'read', success: 404, request: () => ({ path: '/v1/widget/oauth/results/res_0123456789abcdef0123' }) },
  'POST /v1/widget/oauth/{provider}/start-url': { rule: 'manage', success: 201, request: () => ({ path: '/v1/widget/oauth/qbo/start-url', method: 'POST', json: { mode: 'popup' } }) },
  'GET /v1/widget/sync-status': { rule: 'read', success: 200, request: () => ({ path: '/v1/widget/sync-status' }) },
  'GET /v1/widget/sync-status/{id}': { rule: 'read', success: 200, request: (org) => ({ path: `/v1/widget/sync-status/${org.id}` }) },
  'POST /v1/widget/connections/{id}/sync': { rule: 'sync', success: 202, request: (org) => ({ path: `/v1/widget/connections/${org.id}/sync`, method: 'POST', json: {} }) },
  'GET /v1/widget/connections/{id}/runs': { rule: 'read', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}/runs` }) },
  'PUT /v1/widget/connections/{id}/visibility': {
    rule: 'manage',
    success: 200,
    request: (org) => ({ path: `/v1/widget/connections/${org.id}/visibility`, method: 'PUT', json: { mode: 'organization', user_ids: [] } }),
  },
  'PUT /v1/widget/connections/visibility': {
    rule: 'manage',
    success: 200,
    request: (org) => ({ path: '/v1/widget/connections/visibility', method: 'PUT', json: { mode: 'organization', user_ids: [], connection_ids: [org.id] } }),
  },
  'PUT /v1/widget/host-records/{kind}': {
    rule: 'manage',
    success: 200,
    request: (org) => ({ path: '/v1/widget/host-records/suppliers', method: 'PUT', json: { records: [{ id: `page-${org.next()}`, name: `Roles Page Supplier ${org.tenant.id}` }] } }),
  },
  'GET /v1/widget/connections/{id}/matching/{kind}': { rule: 'read', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}/matching/suppliers` }) },
  'GET /v1/widget/connections/{id}/matching/{kind}/candidates': {
    rule: 'read',
    success: 200,
    request: (org) => ({ path: `/v1/widget/connections/${org.id}/matching/suppliers/candidates?q=a` }),
  },
  'GET /v1/widget/connections/{id}/links': { rule: 'read', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}/links?kind=suppliers` }) },
  'POST /v1/widget/connections/{id}/links': {
    rule: 'manage',
    success: 201,
    async request(org) {
      const n = org.next();
      const hostId = await hostRecord(org, `link-${n}`);
      return { path: `/v1/widget/connections/${org.id}/links`, method: 'POST', json: { kind: 'suppliers', links: [{ host_id: hostId, provider_id: org.vendors[n], method: 'manual' }] } };
    },
  },
  'DELETE /v1/widget/connections/{id}/links/{kind}/{host_id}': {
    rule: 'manage',
    success: 204,
    async request(org) {
      const n = org.next();
      const hostId = await hostRecord(org, `unlink-${n}`);
      const linked = await server(org, `/v1/connections/${org.id}/links`, 'POST', { kind: 'suppliers', links: [{ host_id: hostId, provider_id: org.vendors[n], method: 'manual' }] });
      expect(linked.status).toBe(201);
      return { path: `/v1/widget/connections/${org.id}/links/suppliers/${hostId}`, method: 'DELETE' };
    },
  },
  'POST /v1/widget/connections/{id}/matching/{kind}/import': {
    rule: 'manage',
    success: 202,
    request: (org) => ({ path: `/v1/widget/connections/${org.id}/matching/suppliers/import`, method: 'POST', json: { provider_id: org.vendors[org.next()] } }),
  },
  'POST /v1/widget/connections/{id}/matching/{kind}/create': {
    rule: 'write',
    success: 201,
    async request(org) {
      const hostId = await hostRecord(org, `create-${org.next()}`);
      return { path: `/v1/widget/connections/${org.id}/matching/suppliers/create`, method: 'POST', json: { host_id: hostId } };
    },
  },
  'POST /v1/widget/connections/{id}/lists/{list}/import-new': { rule: 'manage', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}/lists/accounts/import-new`, method: 'POST' }) },
  'POST /v1/widget/connections/{id}/lists/{list}/update-existing': {
    rule: 'manage',
    success: 200,
    request: (org) => ({ path: `/v1/widget/connections/${org.id}/lists/accounts/update-existing`, method: 'POST' }),
  },
  'GET /v1/widget/connections/{id}/mappings/{kind}': { rule: 'read', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}/mappings/tax-rates` }) },
  'GET /v1/widget/connections/{id}/mappings/{kind}/history': { rule: 'read', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}/mappings/tax-rates/history?host_id=rate-1` }) },
  'PUT /v1/widget/connections/{id}/mappings/{kind}': {
    rule: 'manage',
    success: 200,
    async request(org) {
      const id = `rate-${org.next()}`;
      expect((await server(org, '/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: [{ id, name: 'Sales tax', rate: 8.25, applies_to: ['sales'] }] })).status).toBe(200);
      return { path: `/v1/widget/connections/${org.id}/mappings/tax-rates`, method: 'PUT', json: { mappings: [{ host_id: id, target: { type: 'TaxCode', id: 'TAX' } }] } };
    },
  },
  'PUT /v1/widget/connections/{id}/mapping-defaults': { rule: 'manage', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}/mapping-defaults`, method: 'PUT', json: { class: null } }) },
  // The organizations here are US companies on automated sales tax: a role allowed to create reaches the handler,
  // which answers 409 (QuickBooks computes the tax, so there is no code to create); the role gate is what is tested.
  'POST /v1/widget/connections/{id}/mappings/tax-rates/{host_id}/create': {
    rule: 'write',
    success: 409,
    async request(org) {
      const id = `rate-${org.next()}`;
      await server(org, '/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: [{ id, name: 'Sales tax', rate: 8.25, applies_to: ['sales'] }] });
      return { path: `/v1/widget/connections/${org.id}/mappings/tax-rates/${id}/create`, method: 'POST', json: {} };
    },
  },
  'POST /v1/widget/connections/{id}/mappings/billable-categories/{host_id}/create': {
    rule: 'write',
    success: 201,
    async request(org) {
      const id = `cat-${org.next()}`;
      await server(org, '/v1/organizations/org-1/host-records/billable-categories', 'PUT', { records: [{ id, name: `Roles Service ${org.tenant.id} ${id}` }] });
      return { path: `/v1/widget/connections/${org.id}/mappings/billable-categories/${id}/create`, method: 'POST' };
    },
  },
  'GET /v1/widget/connections/{id}/lists/{list}/status': { rule: 'read', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}/lists/accounts/status` }) },
  'GET /v1/widget/connections/{id}/metric-data': { rule: 'read', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}/metric-data` }) },
  'GET /v1/widget/connections/{id}/metric-preview': {
    rule: 'read',
    success: 200,
    request: (org) => ({ path: `/v1/widget/connections/${org.id}/metric-preview?dataset=profit_and_loss&line=total:revenue&aggregation=sum&period=month&accounting_method=cash` }),
  },
  'GET /v1/widget/connections/{id}/metrics': { rule: 'read', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}/metrics` }) },
  'POST /v1/widget/connections/{id}/metrics': { rule: 'manage', success: 201, request: (org) => ({ path: `/v1/widget/connections/${org.id}/metrics`, method: 'POST', json: metricBody }) },
  'GET /v1/widget/connections/{id}/metrics/{metric_id}': { rule: 'read', success: 200, request: async (org) => ({ path: `/v1/widget/connections/${org.id}/metrics/${await serverMetric(org)}` }) },
  'DELETE /v1/widget/connections/{id}/metrics/{metric_id}': { rule: 'manage', success: 200, request: async (org) => ({ path: `/v1/widget/connections/${org.id}/metrics/${await serverMetric(org)}`, method: 'DELETE' }) },
  'GET /v1/widget/connections/{id}/documents': { rule: 'read', success: 200, request: (org) => ({ path: `/v1/widget/connections/${org.id}/documents?status=needs_mapping` }) },
  'GET /v1/widget/connections/{id}/documents/{doc}': {
    rule: 'read',
    success: 200,
    request: async (org) => ({ path: `/v1/widget/connections/${org.id}/documents/${await rolesDocument(org)}` }),
  },
  'POST /v1/widget/connections/{id}/documents/{doc}/push': {
    rule: 'write',
    success: 202,
    request: async (org) => ({ path: `/v1/widget/connections/${org.id}/documents/${await rolesDocument(org)}/push`, method: 'POST' }),
  },
  'POST /v1/widget/connections/{id}/documents/push': { rule: 'write', success: 202, request: (org) => ({ path: `/v1/widget/connections/${org.id}/documents/push`, method: 'POST' }) },
};

/**
 * A document of the organization's connection, put straight into the outbox (a read-only organization's
 * submit is refused, and the route must still answer with its own rule, not a 404).
 */
async function rolesDocument(org: Org): Promise<string> {
  const id = `doc_${org.next().toString(16).padStart(8, '0')}${Math.random().toString(16).slice(2, 10)}`;
  await t.deps.sql`
    insert into documents (id, tenant_id, organization_id, connection_id, kind, host_id, version, data)
    select ${id}, tenant_id, organization_id, id, 'vendor', ${id}, 1, ${t.deps.sql.json({ name: `Roles vendor ${id}` })} from connections where id = ${org.id}`;
  return id;
}

const spec = (await (await t.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
const methods = new Set(['get', 'put', 'post', 'delete', 'patch']);
const widgetOperations = Object.entries(spec.paths)
  .filter(([path]) => path.startsWith('/v1/widget/'))
  .flatMap(([path, operations]) => Object.keys(operations).filter((method) => methods.has(method)).map((method) => `${method.toUpperCase()} ${path}`));

test('every widget operation in /openapi.json has a role rule here, and every rule here an operation', () => {
  expect(widgetOperations.length).toBeGreaterThan(20);
  const missing = widgetOperations.filter((operation) => !table[operation]);
  expect(missing, 'widget routes with no role rule: add each to the table in test/roles.test.ts').toEqual([]);
  const stale = Object.keys(table).filter((operation) => !widgetOperations.includes(operation));
  expect(stale, 'rules for operations /openapi.json no longer has').toEqual([]);
});

const roles = ['admin', 'member', 'viewer'] as const;
const orList = new Intl.ListFormat('en', { type: 'disjunction' });

function rolesWith(rule: Rule, settings: OrganizationSettings): readonly string[] {
  switch (rule) {
    case 'read':
      return roles;
    case 'manage':
    case 'write':
      return settings.connect_roles;
    case 'sync':
      return settings.sync_roles;
    case 'check':
      return [...new Set([...settings.connect_roles, ...settings.sync_roles])];
  }
}

const variants: { name: string; settings: Partial<OrganizationSettings> }[] = [
  { name: 'default settings', settings: {} },
  { name: "connect_roles ['member']", settings: { connect_roles: ['member'] } },
  { name: "sync_roles ['member']", settings: { sync_roles: ['member'] } },
  { name: 'read_only', settings: { read_only: true } },
];

for (const variant of variants) {
  describe(`widget routes by role, ${variant.name}`, () => {
    const settings: OrganizationSettings = { ...defaultOrganizationSettings, ...variant.settings };
    let org: Org;

    beforeAll(async () => {
      const tenant = await t.createTenant();
      const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', country: 'US' });
      const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
      const id = result.connection!.id;
      expect((await syncOnce(t, id, { types: ['Vendor', 'Account'] })).status).toBe('succeeded');
      const vendors = await t.deps.sql<{ external_id: string }[]>`
        select external_id from records where connection_id = ${id} and type = 'Vendor' and deleted_at is null and coalesce(active, true) order by external_id::int`;
      const put = await t.request('/v1/organizations/org-1/settings', { method: 'PUT', token: tenant.secretKey, json: variant.settings });
      expect(put.status).toBe(200);
      let counter = 0;
      org = { tenant, settings, id, vendors: vendors.map((row) => row.external_id), next: () => counter++ };
    }, 60_000);

    for (const operation of widgetOperations) {
      test(operation, async () => {
        const rule = table[operation];
        expect(rule, `${operation} has no role rule in test/roles.test.ts`).toBeDefined();
        const allowed = rolesWith(rule!.rule, settings);
        for (const role of roles) {
          const sent = await rule!.request(org);
          const token = await t.session(org.tenant, 'org-1', { id: `${role}-user`, role });
          const response = await t.request(sent.path, { method: sent.method ?? 'GET', token, headers: { origin: org.tenant.origin }, ...(sent.json === undefined ? {} : { json: sent.json }) });
          const text = await response.text();
          const seen = `${role}: ${response.status} ${text.slice(0, 300)}`;
          if (!allowed.includes(role)) {
            expect(seen).toMatch(new RegExp(`^${role}: 403 `));
            const error = (JSON.parse(text) as { error: { code: string; message: string } }).error;
            expect(error.code).toBe('forbidden');
            expect(error.message).toMatch(new RegExp(`^Your role \\(${role}\\) cannot [^;]+; ask someone with the ${orList.format(allowed)} role\\.$`));
          } else if (rule!.rule === 'write' && settings.read_only) {
            expect(seen).toMatch(new RegExp(`^${role}: 403 `));
            expect((JSON.parse(text) as { error: { message: string } }).error.message).toMatch(/read-only/);
          } else {
            expect(seen).toMatch(new RegExp(`^${role}: ${rule!.success} `));
          }
        }
      }, 30_000);
    }
  });
}
