// The yardstick for widget-load.bench.ts: the least a server can do for `GET /v1/widget/connections/{id}`
// (a bare Hono + postgres.js handler reading the same row by primary key) and for `GET /v1/widget/connections`
// (the organization's rows by tenant and organization), with the BFF's pool settings.
// `node --import tsx test/bench/bare-handler.ts <database url> <port>`
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { connect } from '../../bff/db/client.ts';

const [url, port] = process.argv.slice(2);
const sql = connect(url!);
const app = new Hono();
app.get('/connections/:id', async (c) => {
  const [row] = await sql`select * from connections where id = ${c.req.param('id')}`;
  return row ? c.json(row) : c.json({ error: 'not found' }, 404);
});
// The list's yardstick: one organization's connections, as GET /v1/widget/connections answers them.
app.get('/tenants/:tenant/organizations/:org/connections', async (c) => {
  const rows = await sql`
    select * from connections where tenant_id = ${c.req.param('tenant')} and organization_id = ${c.req.param('org')} order by created_at, id`;
  return c.json({ data: rows });
});
serve({ fetch: app.fetch, port: Number(port), hostname: '127.0.0.1' }, () => console.log('ready'));
// Exits through process.exit on SIGTERM, as the BFF does, so `--cpu-prof` writes its profile too.
process.once('SIGTERM', () => process.exit(0));
