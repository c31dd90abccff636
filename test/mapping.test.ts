import { describe, expect, test } from 'vitest';
import { resolveMappings } from '../bff/mapping/resolve.ts';
import type { MappingState } from '../shared/api/mappings.ts';
import { testApp, type TestTenant } from './support/app.ts';
import { connectThroughPopup } from './support/connect-flow.ts';
import { sandboxDeps, startSandbox } from './support/sandbox.ts';
import { raceTest } from './support/database.ts';
import { syncOnce } from './support/sync.ts';

const sandbox = await startSandbox();
const t = testApp(sandboxDeps(sandbox.url));

/** A connected, imported sandbox company; `put` and `get` speak the server API as the host does. */
async function company(spec: Record<string, unknown>) {
  const tenant: TestTenant = await t.createTenant();
  const { realm_id: realm } = await sandbox.control('POST', '/qbo/companies', { size: 'small', plan: 'Plus', ...spec });
  const { result } = await connectThroughPopup(t, sandbox, tenant, 'org-1', realm);
  const id = result.connection!.id;
  await syncOnce(t, id);
  const call = (path: string, method = 'GET', json?: unknown) => t.request(path, { method, token: tenant.secretKey, ...(json === undefined ? {} : { json }) });
  const state = async (kind: string) => {
    const response = await call(`/v1/connections/${id}/mappings/${kind}`);
    expect(response.status).toBe(200);
    return (await response.json()) as MappingState;
  };
  const codeId = async (name: string) => {
    const [row] = await t.deps.sql<{ external_id: string }[]>`select external_id from records where connection_id = ${id} and type = 'TaxCode' and data->>'Name' = ${name}`;
    return row!.external_id;
  };
  return { tenant, realm, id, call, state, codeId };
}

const ukRates = [
  { id: 'r-std', name: '20% VAT', rate: 20, applies_to: ['sales', 'purchases'] },
  { id: 'r-zero', name: 'Zero rated', rate: 0, applies_to: ['sales'] },
  { id: 'r-odd', name: 'Odd rate', rate: 9.375, applies_to: ['sales'] },
];

// Each test connects and imports a sandbox company of its own: slow on a busy machine, so a longer timeout.
describe('mapping through the API', { timeout: 90_000 }, () => {
  test('host rates get suggestions with reasons; an invalid choice is a 400 naming the rate and the reason, and nothing is saved', async () => {
    const uk = await company({ country: 'GB' });
    expect((await uk.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: ukRates })).status).toBe(200);
    const before = await uk.state('tax-rates');
    expect(before.mode).toMatchObject({ country: 'GB', kind: 'per_line', has_agencies: true });
    const names = new Map(before.targets.map((target) => [target.id, target.name]));
    expect(before.rows.map((row) => [row.host['id'], row.status, row.suggestion ? names.get(row.suggestion.target.id) : null])).toEqual([
      ['r-odd', 'unmapped', null],
      ['r-std', 'unmapped', '20.0% S'],
      ['r-zero', 'unmapped', '0.0% Z'],
    ]);
    expect(before.rows[0]!.problems[0]!.message).toMatch(/9\.375%/);

    const standard = await uk.codeId('20.0% S');
    const refused = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates`, 'PUT', {
      mappings: [
        { host_id: 'r-std', target: { type: 'TaxCode', id: standard }, method: 'confirmed' },
        { host_id: 'r-odd', target: { type: 'TaxCode', id: standard } },
      ],
    });
    expect(refused.status).toBe(400);
    const error = ((await refused.json()) as { error: { message: string; details: { issues: { field: string; host_id: string }[] } } }).error;
    expect(error.message).toMatch(/^mappings\[1\]\.target: "Odd rate": "Odd rate" is 9\.375%, but "20\.0% S" charges 20% on sales/);
    expect(error.details.issues.map((issue) => issue.host_id)).toEqual(['r-odd']);
    expect((await uk.state('tax-rates')).rows.every((row) => row.mapping === null)).toBe(true);

    const pseudo = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates`, 'PUT', { mappings: [{ host_id: 'r-std', target: { type: 'TaxCode', id: 'TAX' } }] });
    expect(pseudo.status).toBe(400);
    expect(((await pseudo.json()) as { error: { message: string } }).error.message).toMatch(/"20% VAT".*real tax code on every line/);
    const unknownHost = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates`, 'PUT', { mappings: [{ host_id: 'nope', target: null }] });
    expect(((await unknownHost.json()) as { error: { message: string } }).error.message).toMatch(/^mappings\[0\]\.host_id: no tax rate nope/);
    const badRecord = await uk.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: [{ id: 'x', name: 'X', rate: 'twenty', applies_to: ['sales'] }] });
    expect(badRecord.status).toBe(400);
    expect(((await badRecord.json()) as { error: { message: string } }).error.message).toMatch(/records\.0\.rate|records\[0\]\.rate/);
  });

  test('deactivating a mapped code in QuickBooks flags the mapping after the next sync, with a mapping.invalidated event', async () => {
    const uk = await company({ country: 'GB' });
    await uk.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: ukRates });
    const standard = await uk.codeId('20.0% S');
    const saved = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates`, 'PUT', { mappings: [{ host_id: 'r-std', target: { type: 'TaxCode', id: standard }, method: 'confirmed' }] });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ data: [{ host_id: 'r-std', target: { type: 'TaxCode', id: standard, name: '20.0% S' }, version: 1 }] });
    expect((await resolveMappings(t.deps.sql, uk.id))['tax-rates'].get('r-std')).toEqual({ type: 'TaxCode', value: standard, name: '20.0% S' });

    await sandbox.control('POST', `/qbo/companies/${uk.realm}/tax-codes/${standard}/active`, { active: false });
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    await syncOnce(t, uk.id);
    const row = (await uk.state('tax-rates')).rows.find((entry) => entry.host['id'] === 'r-std')!;
    expect(row.status).toBe('needs_attention');
    expect(row.problems).toEqual([{ code: 'inactive', message: '"20.0% S" is inactive in QuickBooks, so lines can\'t use it.' }]);
    const events = await t.deps.sql<{ data: Record<string, unknown> }[]>`select data from events where connection_id = ${uk.id} and type = 'mapping.invalidated'`;
    expect(events.map((event) => event.data)).toEqual([{ kind: 'tax-rates', host_id: 'r-std', target: { type: 'TaxCode', id: standard, name: '20.0% S' }, problems: row.problems }]);
    const resolved = await resolveMappings(t.deps.sql, uk.id);
    expect(resolved['tax-rates'].has('r-std')).toBe(false);
    expect(resolved.needs_attention).toEqual([{ kind: 'tax-rates', host_id: 'r-std' }]);

    // Another sync with nothing new sends no second event; switching the code back on maps it again.
    await syncOnce(t, uk.id);
    await sandbox.control('POST', `/qbo/companies/${uk.realm}/tax-codes/${standard}/active`, { active: true });
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    await syncOnce(t, uk.id);
    expect((await uk.state('tax-rates')).rows.find((entry) => entry.host['id'] === 'r-std')!.status).toBe('mapped');
    expect((await t.deps.sql`select 1 from events where connection_id = ${uk.id} and type = 'mapping.invalidated'`).length).toBe(1);
  });

  test('staff with a matching name but another email are suggested, not mapped; name and email both matching are mapped', async () => {
    const us = await company({ country: 'US' });
    const employees = await t.deps.sql<{ external_id: string; data: Record<string, any> }[]>`
      select external_id, data from records where connection_id = ${us.id} and type = 'Employee' and coalesce(active, true) and data->'PrimaryEmailAddr' is not null order by external_id::int limit 2`;
    const [same, other] = employees;
    const staff = [
      { id: 'st-1', name: same!.data.DisplayName, email: same!.data.PrimaryEmailAddr.Address },
      { id: 'st-2', name: other!.data.DisplayName, email: 'not.them@elsewhere.example' },
    ];
    expect((await us.call('/v1/organizations/org-1/host-records/staff', 'PUT', { records: staff })).status).toBe(200);
    // Mapped as soon as the host posts its staff, not only after the next sync.
    expect([...(await resolveMappings(t.deps.sql, us.id)).staff.keys()]).toEqual(['st-1']);
    await syncOnce(t, us.id);
    const resolved = await resolveMappings(t.deps.sql, us.id);
    expect([...resolved.staff.entries()]).toEqual([['st-1', { type: 'Employee', value: same!.external_id, name: same!.data.DisplayName }]]);
    const rows = (await us.state('staff')).rows;
    expect(rows.map((row) => [row.host['id'], row.status, row.mapping?.method ?? null, row.suggestion?.confidence])).toEqual([
      ['st-1', 'mapped', 'auto', 'auto'],
      ['st-2', 'unmapped', null, 'suggested'],
    ]);
    expect(rows[1]!.suggestion).toMatchObject({ target: { id: other!.external_id }, reasons: ['same name', 'different email'] });
  });

  test('staff map one-to-one, and a person\'s unmapping sticks: the next sync does not auto-map them again', async () => {
    const us = await company({ country: 'US' });
    const [employee] = await t.deps.sql<{ external_id: string; data: Record<string, any> }[]>`
      select external_id, data from records where connection_id = ${us.id} and type = 'Employee' and coalesce(active, true) and data->'PrimaryEmailAddr' is not null order by external_id::int limit 1`;
    const staff = [
      { id: 'st-1', name: employee!.data.DisplayName, email: employee!.data.PrimaryEmailAddr.Address },
      { id: 'st-2', name: 'Someone Else', email: 'someone@elsewhere.example' },
    ];
    expect((await us.call('/v1/organizations/org-1/host-records/staff', 'PUT', { records: staff })).status).toBe(200);
    await syncOnce(t, us.id);
    expect((await us.state('staff')).rows.find((row) => row.host['id'] === 'st-1')!.mapping?.method).toBe('auto');
    const put = (mappings: unknown[]) => us.call(`/v1/connections/${us.id}/mappings/staff`, 'PUT', { mappings });
    const target = { type: 'Employee', id: employee!.external_id };

    const refused = await put([{ host_id: 'st-2', target }]);
    expect(refused.status).toBe(400);
    const message = ((await refused.json()) as { error: { message: string } }).error.message;
    const name = employee!.data.DisplayName as string;
    expect(message).toBe(`mappings[0].target: employee "${name}" is already mapped to "${name}"; unmap "${name}" first, or pick another employee for "Someone Else"`);
    const both = await put([{ host_id: 'st-1', target }, { host_id: 'st-2', target }]);
    expect(both.status).toBe(400);
    const issues = ((await both.json()) as { error: { details: { issues: { host_name: string | null; message: string; problems: unknown[] }[] } } }).error.details.issues;
    expect(issues.map((issue) => [issue.host_name, issue.message])).toEqual([
      [name, `"${name}" and "Someone Else" are both given employee "${name}" in this save; an employee maps to one person, so keep it for one of them`],
      ['Someone Else', `"Someone Else" and "${name}" are both given employee "${name}" in this save; an employee maps to one person, so keep it for one of them`],
    ]);
    // Every problem the API sends is one its OpenAPI document lists (MappingProblem comes from the same list).
    const documented = ((await (await t.request('/openapi.json')).json()) as { components: { schemas: Record<string, { properties: { code: { enum: string[] } } }> } }).components.schemas['MappingProblem']!.properties.code.enum;
    for (const issue of issues) for (const problem of issue.problems) expect(documented).toContain((problem as { code: string }).code);
    expect([...(await resolveMappings(t.deps.sql, us.id)).staff.keys()]).toEqual(['st-1']);

    expect((await put([{ host_id: 'st-1', target: null }])).status).toBe(200);
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    await syncOnce(t, us.id);
    expect((await resolveMappings(t.deps.sql, us.id)).staff.size).toBe(0);
    expect((await us.state('staff')).rows.find((row) => row.host['id'] === 'st-1')!.status).toBe('unmapped');

    // Moving the employee to another staff member in one request is allowed; the old holder is not auto-mapped back.
    expect((await put([{ host_id: 'st-2', target }])).status).toBe(200);
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    await syncOnce(t, us.id);
    expect([...(await resolveMappings(t.deps.sql, us.id)).staff.keys()]).toEqual(['st-2']);
  });

  test('auto-mapping never gives a staff member an employee another staff member already has', async () => {
    const us = await company({ country: 'US' });
    const [employee] = await t.deps.sql<{ external_id: string; data: Record<string, any> }[]>`
      select external_id, data from records where connection_id = ${us.id} and type = 'Employee' and coalesce(active, true) and data->'PrimaryEmailAddr' is not null order by external_id::int limit 1`;
    expect((await us.call('/v1/organizations/org-1/host-records/staff', 'PUT', { records: [{ id: 'st-a', name: 'Contractor', email: 'contractor@elsewhere.example' }] })).status).toBe(200);
    expect((await us.call(`/v1/connections/${us.id}/mappings/staff`, 'PUT', { mappings: [{ host_id: 'st-a', target: { type: 'Employee', id: employee!.external_id } }] })).status).toBe(200);
    const records = [{ id: 'st-a', name: 'Contractor', email: 'contractor@elsewhere.example' }, { id: 'st-b', name: employee!.data.DisplayName, email: employee!.data.PrimaryEmailAddr.Address }];
    expect((await us.call('/v1/organizations/org-1/host-records/staff', 'PUT', { records })).status).toBe(200);
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    await syncOnce(t, us.id);
    expect([...(await resolveMappings(t.deps.sql, us.id)).staff.keys()]).toEqual(['st-a']);
  });

  test('US automated sales tax: only Taxable/Non-taxable; defaults refuse an agency; a missing UK code is created and mapped', async () => {
    const us = await company({ country: 'US' });
    await us.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: [{ id: 'ca', name: 'CA sales tax', rate: 8.25, applies_to: ['sales'] }] });
    const state = await us.state('tax-rates');
    expect(state.mode.kind).toBe('automated');
    expect(state.targets.map((target) => target.id)).toEqual(['TAX', 'NON']);
    expect(state.rows[0]!.suggestion).toMatchObject({ target: { id: 'TAX' }, reasons: expect.arrayContaining(['QuickBooks computes the tax from the address']) });
    const agency = await t.deps.sql<{ external_id: string }[]>`select external_id from records where connection_id = ${us.id} and type = 'TaxAgency' limit 1`;
    const refused = await us.call(`/v1/connections/${us.id}/mapping-defaults`, 'PUT', { tax_agency: agency[0]!.external_id });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^tax_agency: .*QuickBooks computes the tax/);

    const uk = await company({ country: 'GB' });
    await uk.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: ukRates });
    const ukAgency = (await uk.state('tax-rates')).defaults.tax_agency!.targets[0]!.id;
    // No default agency yet: a 400 naming default_tax_agency, and nothing is created.
    const noAgency = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates/r-odd/create`, 'POST', {});
    expect(noAgency.status).toBe(400);
    const noAgencyError = ((await noAgency.json()) as { error: { message: string; details: { issues: { field: string }[] } } }).error;
    expect(noAgencyError.message).toMatch(/^default_tax_agency: no default tax agency is set/);
    expect(noAgencyError.details.issues[0]!.field).toBe('default_tax_agency');
    expect((await uk.state('tax-rates')).targets.some((target) => target.name === 'Odd rate')).toBe(false);
    expect((await uk.call(`/v1/connections/${uk.id}/mapping-defaults`, 'PUT', { tax_agency: ukAgency })).status).toBe(200);
    const created = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates/r-odd/create`, 'POST', {});
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ host_id: 'r-odd', outcome: 'created', target: { type: 'TaxCode', name: 'Odd rate' } });
    const row = (await uk.state('tax-rates')).rows.find((entry) => entry.host['id'] === 'r-odd')!;
    expect(row).toMatchObject({ status: 'mapped', mapping: { method: 'created', target: { name: 'Odd rate' } } });
    expect((await uk.state('tax-rates')).targets.find((target) => target.name === 'Odd rate')).toMatchObject({ sales_rate: 9.375, purchase_rate: null });
  });

  raceTest('two people saving the same rate at once each get a version; neither fails', async () => {
    const uk = await company({ country: 'GB' });
    await uk.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: ukRates });
    const [standard, zero] = [await uk.codeId('20.0% S'), await uk.codeId('0.0% Z')];
    const sends = [standard, zero, standard, zero].map((id) => uk.call(`/v1/connections/${uk.id}/mappings/tax-rates`, 'PUT', { mappings: [{ host_id: 'r-zero', target: { type: 'TaxCode', id } }] }));
    const answers = await Promise.all(sends);
    // 20.0% S is refused for a 0% rate (400); every save of 0.0% Z is stored or found unchanged, never a 5xx.
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 400, 400]);
    const versions = await t.deps.sql<{ version: number }[]>`select version from mapping_versions where connection_id = ${uk.id} and host_id = 'r-zero' order by version`;
    expect(versions.map((row) => row.version)).toEqual([1]);
  });

  test('a code or item that exists is linked instead of duplicated; what a rate means is checked on save', async () => {
    const uk = await company({ country: 'GB' });
    const rates = [
      { id: 'r-exempt', name: 'Exempt', rate: 0, applies_to: ['sales', 'purchases'] },
      { id: 'r-named', name: '20.0% s', rate: 20, applies_to: ['sales', 'purchases'] },
      { id: 'r-twenty', name: 'Standard', rate: 20, applies_to: ['sales'] },
      { id: 'r-zero', name: '0%', rate: 0, applies_to: ['sales'] },
    ];
    expect((await uk.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: rates })).status).toBe(200);
    const zeroRated = await uk.codeId('0.0% Z');
    const refused = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates`, 'PUT', { mappings: [{ host_id: 'r-exempt', target: { type: 'TaxCode', id: zeroRated } }] });
    expect(refused.status).toBe(400);
    const error = ((await refused.json()) as { error: { message: string; details: { issues: { host_id: string; problems: { code: string }[] }[] } } }).error;
    expect(error.message).toBe('mappings[0].target: "Exempt": "Exempt" is exempt, but "0.0% Z" is zero-rated: they are different lines on a tax return.');
    expect(error.details.issues[0]!.problems.map((problem) => problem.code)).toEqual(['meaning_differs']);
    expect((await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates`, 'PUT', { mappings: [{ host_id: 'r-exempt', target: { type: 'TaxCode', id: await uk.codeId('Exempt') } }] })).status).toBe(200);

    // No agency is needed to link: a code of the same name, or the one valid code at the rate.
    const named = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates/r-named/create`, 'POST', {});
    expect(named.status).toBe(200);
    expect(await named.json()).toEqual({ host_id: 'r-named', target: { type: 'TaxCode', id: await uk.codeId('20.0% S'), name: '20.0% S' }, version: 1, outcome: 'linked' });
    const atRate = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates/r-twenty/create`, 'POST', {});
    expect(atRate.status).toBe(200);
    expect(await atRate.json()).toMatchObject({ outcome: 'linked', target: { name: '20.0% S' } });
    const several = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates/r-zero/create`, 'POST', {});
    expect(several.status).toBe(409);
    expect(((await several.json()) as { error: { message: string } }).error.message).toMatch(/3 tax codes "0%" can use: "0\.0% Z" \(id \d+\), "Exempt" \(id \d+\), "No VAT" \(id \d+\)/);
    const codes = await t.deps.sql`select 1 from records where connection_id = ${uk.id} and type = 'TaxCode'`;
    expect(codes.length).toBe(6); // the UK sandbox's codes: nothing was created;

    const [item] = await t.deps.sql<{ external_id: string; data: Record<string, any> }[]>`
      select external_id, data from records r where connection_id = ${uk.id} and type = 'Item' and data->>'Type' = 'Service' and coalesce(active, true)
        and (select count(*) from records o where o.connection_id = r.connection_id and o.type = 'Item' and o.data->>'Name' = r.data->>'Name') = 1
      order by external_id::int limit 1`;
    await uk.call('/v1/organizations/org-1/host-records/billable-categories', 'PUT', { records: [{ id: 'c-1', name: 'Our consulting', code: String(item!.data.Name).toUpperCase() }] });
    const linkedItem = await uk.call(`/v1/connections/${uk.id}/mappings/billable-categories/c-1/create`, 'POST');
    expect(linkedItem.status).toBe(200);
    expect(await linkedItem.json()).toEqual({ host_id: 'c-1', target: { type: 'Item', id: item!.external_id, name: item!.data.Name }, version: 1, outcome: 'linked' });
  });

  test('a mapping\'s history lists every version with who and when; bad input is a 400 and another tenant\'s connection a 404', async () => {
    const uk = await company({ country: 'GB' });
    await uk.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: ukRates });
    const [standard, zero] = [await uk.codeId('20.0% S'), await uk.codeId('0.0% Z')];
    const put = (target: unknown) => uk.call(`/v1/connections/${uk.id}/mappings/tax-rates`, 'PUT', { mappings: [{ host_id: 'r-zero', target }] });
    expect((await put({ type: 'TaxCode', id: zero })).status).toBe(200);
    expect((await put(null)).status).toBe(200);
    expect((await put({ type: 'TaxCode', id: zero })).status).toBe(200);
    expect((await put({ type: 'TaxCode', id: standard })).status).toBe(400);

    const history = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates/history?host_id=r-zero`);
    expect(history.status).toBe(200);
    const body = (await history.json()) as { kind: string; host_id: string; data: { version: number; target: unknown; method: string | null; changed_by: string; changed_at: string }[] };
    expect(body).toMatchObject({ kind: 'tax-rates', host_id: 'r-zero' });
    expect(body.data.map((entry) => [entry.version, entry.target, entry.method, entry.changed_by])).toEqual([
      [3, { type: 'TaxCode', id: zero, name: '0.0% Z' }, 'manual', 'the host'],
      [2, null, null, 'the host'],
      [1, { type: 'TaxCode', id: zero, name: '0.0% Z' }, 'manual', 'the host'],
    ]);
    expect(Date.parse(body.data[0]!.changed_at)).toBeGreaterThanOrEqual(Date.parse(body.data[2]!.changed_at));
    const none = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates/history?host_id=never-mapped`);
    expect(((await none.json()) as { data: unknown[] }).data).toEqual([]);

    const missing = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates/history`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/host_id/);
    const tooLong = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates/history?host_id=${'x'.repeat(129)}`);
    expect(tooLong.status).toBe(400);
    const badKind = await uk.call(`/v1/connections/${uk.id}/mappings/suppliers/history?host_id=r-zero`);
    expect(badKind.status).toBe(400);
    expect(((await badKind.json()) as { error: { message: string } }).error.message).toMatch(/kind/);

    const stranger = await t.createTenant();
    const foreign = await t.request(`/v1/connections/${uk.id}/mappings/tax-rates/history?host_id=r-zero`, { token: stranger.secretKey });
    expect(foreign.status).toBe(404);
    const spec = await t.request('/openapi.json');
    expect(Object.keys(((await spec.json()) as { paths: Record<string, unknown> }).paths)).toEqual(expect.arrayContaining(['/v1/connections/{id}/mappings/{kind}/history', '/v1/widget/connections/{id}/mappings/{kind}/history']));
  });

  // The engine's table (shared/mapping/mapping-engine.test.ts) again, end to end: synced from the sandbox, through the API.
  const regions: [string, Record<string, unknown>, { id: string; name: string; rate: number; applies_to: string[]; region?: string }[], (string | null)[]][] = [
    ['US, manual sales tax', { country: 'US', automated_sales_tax: false }, [
      { id: 'a', name: 'Santa Clara County', rate: 8.25, applies_to: ['sales'] },
      { id: 'b', name: 'Resale exempt', rate: 0, applies_to: ['sales'] },
      { id: 'c', name: 'Sales tax', rate: 8.25, applies_to: ['sales'], region: 'TX' },
    ], ['Santa Clara County', 'Non-taxable', null]],
    ['Canada, Ontario HST and British Columbia GST + PST', { country: 'CA' }, [
      { id: 'a', name: 'HST', rate: 13, applies_to: ['sales', 'purchases'], region: 'ON' },
      { id: 'b', name: 'GST + PST', rate: 12, applies_to: ['sales'], region: 'British Columbia' },
      { id: 'c', name: 'Zero-rated', rate: 0, applies_to: ['sales', 'purchases'] },
      { id: 'd', name: 'Exempt', rate: 0, applies_to: ['sales', 'purchases'] },
    ], ['HST ON', 'GST/PST BC', 'Zero-rated', 'Exempt']],
    ['Australia', { country: 'AU' }, [
      { id: 'a', name: 'GST', rate: 10, applies_to: ['sales', 'purchases'] },
      { id: 'b', name: 'GST free', rate: 0, applies_to: ['sales', 'purchases'] },
      { id: 'c', name: 'Input taxed', rate: 0, applies_to: ['sales'] },
    ], ['GST', 'GST free', 'Input taxed']],
  ];
  for (const [label, spec, rates, expected] of regions) {
    test(`${label}: synced codes get the expected suggestions, and accepting them all saves`, async () => {
      const org = await company(spec);
      expect((await org.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: rates })).status).toBe(200);
      const state = await org.state('tax-rates');
      const names = new Map(state.targets.map((target) => [target.id, target.name]));
      expect(state.rows.map((row) => (row.suggestion ? names.get(row.suggestion.target.id) : null))).toEqual(expected);
      const accepted = state.rows.filter((row) => row.suggestion).map((row) => ({ host_id: String(row.host['id']), target: row.suggestion!.target, method: 'confirmed' }));
      expect((await org.call(`/v1/connections/${org.id}/mappings/tax-rates`, 'PUT', { mappings: accepted })).status).toBe(200);
      expect((await org.state('tax-rates')).rows.filter((row) => row.status === 'mapped').length).toBe(accepted.length);
    });
  }

  test('a reverse-charge rate is never created as an ordinary code: it links the real reverse-charge code, or a 409 says QuickBooks sets one up', async () => {
    const uk = await company({ country: 'GB' });
    await uk.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: [
      { id: 'cis', name: 'Reverse charge (construction)', rate: 20, applies_to: ['purchases'] },
      { id: 'rc15', name: 'Reverse charge services', rate: 15, applies_to: ['purchases'] },
    ] });
    const agency = (await uk.state('tax-rates')).defaults.tax_agency!.targets[0]!.id;
    expect((await uk.call(`/v1/connections/${uk.id}/mapping-defaults`, 'PUT', { tax_agency: agency })).status).toBe(200);
    const linked = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates/cis/create`, 'POST', {});
    expect(linked.status).toBe(200);
    expect(await linked.json()).toMatchObject({ outcome: 'linked', target: { name: '20.0% RC CIS' } });
    const before = (await t.deps.sql`select 1 from records where connection_id = ${uk.id} and type = 'TaxCode'`).length;
    const refused = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates/rc15/create`, 'POST', {});
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/QuickBooks can only set up a reverse-charge tax code itself/);
    expect((await t.deps.sql`select 1 from records where connection_id = ${uk.id} and type = 'TaxCode'`).length).toBe(before);
  });

  test('create on a disconnected or needs-reconnect company is a 409 asking for a reconnect, never a 500', async () => {
    const uk = await company({ country: 'GB' });
    await uk.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: ukRates });
    await uk.call('/v1/organizations/org-1/host-records/billable-categories', 'PUT', { records: [{ id: 'c-new', name: 'Brand new service' }] });
    const agency = (await uk.state('tax-rates')).defaults.tax_agency!.targets[0]!.id;
    expect((await uk.call(`/v1/connections/${uk.id}/mapping-defaults`, 'PUT', { tax_agency: agency })).status).toBe(200);
    const expectReconnect = async (path: string) => {
      const refused = await uk.call(path, 'POST', {});
      expect(refused.status).toBe(409);
      const { error } = (await refused.json()) as { error: { code: string; message: string; details: { action: string } } };
      expect(error).toMatchObject({ code: 'conflict', details: { category: 'needs_reconnect', action: 'reconnect' } });
      expect(error.message).toMatch(/reconnect it/);
    };
    await t.deps.sql`update connections set status = 'needs_reconnect' where id = ${uk.id}`;
    await expectReconnect(`/v1/connections/${uk.id}/mappings/tax-rates/r-odd/create`);
    await t.deps.sql`update connections set status = 'connected' where id = ${uk.id}`;
    expect((await uk.call(`/v1/connections/${uk.id}`, 'DELETE')).status).toBe(200);
    await expectReconnect(`/v1/connections/${uk.id}/mappings/tax-rates/r-odd/create`);
    await expectReconnect(`/v1/connections/${uk.id}/mappings/billable-categories/c-new/create`);
  });

  test('create never makes a namesake of a switched-off code: a 409 says to make it active again (no QuickBooks duplicate-name text)', async () => {
    const uk = await company({ country: 'GB' });
    const reduced = await uk.codeId('5.0% R');
    // A company with a tax mapping has its tax codes re-read on every sync (otherwise within the day).
    await uk.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: [{ id: 'r5', name: '5.0% R', rate: 5, applies_to: ['sales', 'purchases'] }, { id: 'r-std', name: 'Standard', rate: 20, applies_to: ['sales'] }] });
    expect((await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates`, 'PUT', { mappings: [{ host_id: 'r-std', target: { type: 'TaxCode', id: await uk.codeId('20.0% S') } }] })).status).toBe(200);
    await sandbox.control('POST', `/qbo/companies/${uk.realm}/entities/TaxCode/${reduced}`, { changes: { Active: false } });
    await sandbox.control('POST', '/clock', { advance_seconds: 60 });
    await syncOnce(t, uk.id);
    const agency = (await uk.state('tax-rates')).defaults.tax_agency!.targets[0]!.id;
    expect((await uk.call(`/v1/connections/${uk.id}/mapping-defaults`, 'PUT', { tax_agency: agency })).status).toBe(200);
    const refused = await uk.call(`/v1/connections/${uk.id}/mappings/tax-rates/r5/create`, 'POST', {});
    expect(refused.status).toBe(409);
    const message = ((await refused.json()) as { error: { message: string } }).error.message;
    expect(message).toBe('QuickBooks already has a tax code "5.0% R", switched off: make it active again in QuickBooks and sync, then map "5.0% R" to it (or rename your rate).');
  });

  test('a combined GST + PST rate is not created as one rate (the engine would refuse the code); nothing is made', async () => {
    const ca = await company({ country: 'CA' });
    await ca.call('/v1/organizations/org-1/host-records/tax-rates', 'PUT', { records: [{ id: 'mb', name: 'GST + PST', rate: 12, applies_to: ['sales'], region: 'MB' }] });
    const agency = (await ca.state('tax-rates')).defaults.tax_agency!.targets[0]!.id;
    expect((await ca.call(`/v1/connections/${ca.id}/mapping-defaults`, 'PUT', { tax_agency: agency })).status).toBe(200);
    const before = (await t.deps.sql`select 1 from records where connection_id = ${ca.id} and type = 'TaxCode'`).length;
    const refused = await ca.call(`/v1/connections/${ca.id}/mappings/tax-rates/mb/create`, 'POST', {});
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/"GST \+ PST" combines GST and PST, but "GST \+ PST" holds one rate on sales/);
    expect((await t.deps.sql`select 1 from records where connection_id = ${ca.id} and type = 'TaxCode'`).length).toBe(before);
  });
});
