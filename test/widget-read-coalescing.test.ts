import { inject, expect, test, afterAll } from 'vitest';
import { connect } from '../bff/db/client.ts';
import { newId } from '../bff/db/ids.ts';
import { testApp } from './support/app.ts';

// The widget's read of one connection is the most frequent request there is: reads asked for while one is out
// share the next query, so N concurrent reads cost far fewer than N round trips, and every answer is still
// read after its request arrived.
let queries = 0;
const counted = connect(inject('databaseUrl'), { max: 4, onQuery: () => queries++ });
afterAll(() => counted.end());
const t = testApp({ sql: counted });

test('concurrent reads of connections share queries and each answers its own row, fresh', async () => {
  const tenant = await t.createTenant();
  const token = await t.session(tenant, 'org-1');
  const ids = Array.from({ length: 20 }, () => newId('con'));
  for (const [i, id] of ids.entries()) {
    await t.deps.sql`
      insert into connections (id, tenant_id, organization_id, provider, external_id, company_name, status)
      values (${id}, ${tenant.id}, 'org-1', 'qbo', ${'realm-' + id}, ${'Company ' + i}, 'connected')`;
  }
  const readAll = () => Promise.all(ids.map((id) => t.request(`/v1/widget/connections/${id}`, { token })));

  await readAll(); // the session's first request proves its token and reads its standing: not counted below
  queries = 0;
  const answers = await readAll();
  const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as { id: string; company_name: string }[];
  expect(bodies.map((body) => body.id)).toEqual(ids);
  expect(bodies.map((body) => body.company_name)).toEqual(ids.map((_, i) => `Company ${i}`));
  // One query per read would be 20; they went in at most a few.
  expect(queries).toBeLessThanOrEqual(4);

  // A change committed before a read was asked for is in its answer.
  await t.deps.sql`update connections set company_name = 'Renamed' where id = ${ids[3]!}`;
  const again = (await Promise.all((await readAll()).map((answer) => answer.json()))) as { company_name: string }[];
  expect(again[3]!.company_name).toBe('Renamed');
});

test('concurrent lists of several organizations share queries and each answers its own rows, oldest first', async () => {
  const tenant = await t.createTenant();
  const other = await t.createTenant();
  const orgs = ['org-a', 'org-b', 'org-c'];
  const tokens = await Promise.all(orgs.map((org) => t.session(tenant, org)));
  const otherToken = await t.session(other, 'org-a'); // the same organization id under another tenant
  const expected: Record<string, string[]> = {};
  for (const [n, org] of orgs.entries()) {
    expected[org] = [];
    for (let i = 0; i < n + 2; i++) {
      const id = newId('con');
      expected[org].push(id);
      await t.deps.sql`
        insert into connections (id, tenant_id, organization_id, provider, external_id, company_name, status, created_at)
        values (${id}, ${tenant.id}, ${org}, 'qbo', ${'realm-' + id}, ${`${org} ${i}`}, 'connected', ${new Date(Date.UTC(2026, 0, 10 - i))})`;
    }
    expected[org].reverse(); // created_at runs backwards above: the list answers oldest first
  }
  const othersId = newId('con');
  await t.deps.sql`
    insert into connections (id, tenant_id, organization_id, provider, external_id, company_name, status)
    values (${othersId}, ${other.id}, 'org-a', 'qbo', ${'realm-' + othersId}, 'Another tenant', 'connected')`;
  const listAll = () =>
    Promise.all([...tokens, otherToken].map(async (token) => ((await (await t.request('/v1/widget/connections', { token })).json()) as { data: { id: string }[] }).data.map((row) => row.id)));
  await listAll();
  queries = 0;
  const lists = await Promise.all([listAll(), listAll()]);
  for (const answer of lists) expect(answer).toEqual([...orgs.map((org) => expected[org]), [othersId]]);
  expect(queries).toBeLessThanOrEqual(4); // 8 lists
});
