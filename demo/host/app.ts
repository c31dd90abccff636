import { Hono } from 'hono';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loopbackOnly } from '../sandbox/loopback-only.ts';

/**
 * "Brightside Practice", a pretend host product. Its backend does what every real host does: it keeps the
 * tenant secret key server-side and mints a session token for the signed-in user by calling POST /v1/sessions.
 * It reaches the BFF over HTTP only, like any host.
 */
export interface DemoHostOptions {
  bffUrl: string;
  secretKey: string;
  organizationId?: string;
}

/** The people a visitor can act as, to see how roles change what the components allow. */
export const personas = {
  admin: { id: 'u-ada', name: 'Ada Lovelace', email: 'ada@brightside.example', role: 'admin' },
  member: { id: 'u-max', name: 'Max Planck', email: 'max@brightside.example', role: 'member' },
} as const;

/**
 * Everyone on Brightside's team, as the product's own user directory lists them: the people an admin can choose
 * in <client-sync-status> "Visible to → Selected people". Ids are the ones sessions are minted with.
 */
export const people = [
  ...Object.values(personas).map(({ id, name }) => ({ id, name })),
  { id: 'u-grace', name: 'Grace Hopper' },
  { id: 'u-katherine', name: 'Katherine Johnson' },
];

const pagePath = fileURLToPath(new URL('./index.html', import.meta.url));

/** Brightside's mark: a sun over a ledger line, in its brand blue. Served so browsers stop asking for a missing /favicon.ico. */
const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3b5bdb"/><circle cx="16" cy="14" r="6" fill="#fff"/><rect x="7" y="23" width="18" height="2.5" rx="1.25" fill="#fff"/></svg>`;

export function createDemoHost(options: DemoHostOptions): Hono {
  const host = new Hono();
  const organizationId = options.organizationId ?? 'brightside';

  host.get('/', async (c) => c.html(await readFile(pagePath, 'utf8')));
  for (const path of ['/favicon.svg', '/favicon.ico']) {
    host.get(path, (c) => c.body(favicon, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' }));
  }

  // The session helper mints a session for any persona, for anyone: never beyond this machine, never in production.
  host.use('/demo/api/*', loopbackOnly('The demo\'s session helper'));

  // The host's user directory, which it hands to <client-sync-status> as `users`.
  host.get('/demo/api/people', (c) => c.json({ data: people }));

  host.post('/demo/api/session', async (c) => {
    const input = z.object({ persona: z.enum(['admin', 'member']).default('admin') }).safeParse(await c.req.json().catch(() => ({})));
    if (!input.success) return c.json({ error: { code: 'invalid_request', message: 'persona must be "admin" or "member"' } }, 400);
    const response = await fetch(new URL('/v1/sessions', options.bffUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${options.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ organization_id: organizationId, user: personas[input.data.persona] }),
    });
    return c.json(await response.json(), response.status as 201);
  });

  // The pretend product's own supplier list. A real procurement tool already has one; the demo makes one that
  // looks like a real tool's against the connected company: most vendors written a little differently
  // (case, "&" vs "and", legal forms), a few only we have. It reads the synced vendors the way any host
  // reads synced data, through the records API.
  host.post('/demo/api/suppliers/seed', async (c) => {
    const input = z.object({ connection_id: z.string().regex(/^con_[0-9a-f]{20}$/) }).safeParse(await c.req.json().catch(() => ({})));
    if (!input.success) return c.json({ error: { code: 'invalid_request', message: 'connection_id is required' } }, 400);
    const auth = { authorization: `Bearer ${options.secretKey}`, 'content-type': 'application/json' };
    const vendors = await fetch(new URL(`/v1/connections/${input.data.connection_id}/records/Vendor?limit=60`, options.bffUrl), { headers: auth });
    if (!vendors.ok) return c.json(await vendors.json(), vendors.status as 400);
    const page = (await vendors.json()) as { data: { id: string; deleted: boolean; data: Record<string, any> }[] };
    const records = page.data
      .filter((record) => !record.deleted && record.data.Active !== false)
      .slice(0, 40)
      .map((record, index) => ({
        id: `bs-sup-${record.id}`,
        name: demoVariant(String(record.data.DisplayName ?? ''), index),
        ...(index % 3 === 0 && record.data.PrimaryPhone?.FreeFormNumber ? { phone: record.data.PrimaryPhone.FreeFormNumber } : {}),
        ...(record.data.BillAddr?.City ? { city: record.data.BillAddr.City } : {}),
        ...(index % 2 === 0 && record.data.BillAddr?.PostalCode ? { postal_code: record.data.BillAddr.PostalCode } : {}),
      }));
    records.push(
      { id: 'bs-sup-new-1', name: 'Northwind Labels & Print Co', city: 'Portland' },
      { id: 'bs-sup-new-2', name: 'Okafor, John', city: 'Seattle' },
      { id: 'bs-sup-new-3', name: 'Kestrel Freight Services Ltd', city: 'Boise' },
    );
    const put = await fetch(new URL(`/v1/organizations/${organizationId}/host-records/suppliers`, options.bffUrl), {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ records, replace: true }),
    });
    return c.json(await put.json(), put.status as 200);
  });

  // The pretend product's own tax rates, as a procurement tool keeps them: a realistic set for the company's
  // country (read from the synced CompanyInfo), including one QuickBooks has no code for, so the mapper shows
  // suggestions, a choice to make and "Create in QuickBooks".
  host.post('/demo/api/tax-rates/seed', async (c) => {
    const input = z.object({ connection_id: z.string().regex(/^con_[0-9a-f]{20}$/) }).safeParse(await c.req.json().catch(() => ({})));
    if (!input.success) return c.json({ error: { code: 'invalid_request', message: 'connection_id is required' } }, 400);
    const auth = { authorization: `Bearer ${options.secretKey}`, 'content-type': 'application/json' };
    const info = await fetch(new URL(`/v1/connections/${input.data.connection_id}/records/CompanyInfo?limit=1`, options.bffUrl), { headers: auth });
    if (!info.ok) return c.json(await info.json(), info.status as 400);
    const country = String(((await info.json()) as { data: { data: Record<string, unknown> }[] }).data[0]?.data['Country'] ?? 'US');
    const both = ['sales', 'purchases'];
    const sets: Record<string, { id: string; name: string; rate: number; applies_to: string[]; region?: string }[]> = {
      GB: [{ id: 'vat-20', name: '20% VAT', rate: 20, applies_to: both }, { id: 'vat-5', name: 'Reduced rate 5%', rate: 5, applies_to: both }, { id: 'vat-0', name: 'Zero rated', rate: 0, applies_to: both }, { id: 'vat-ex', name: 'Exempt', rate: 0, applies_to: both }, { id: 'vat-odd', name: 'Flat rate 16.5%', rate: 16.5, applies_to: ['sales'] }],
      CA: [{ id: 'hst-on', name: 'HST', rate: 13, applies_to: both, region: 'ON' }, { id: 'gst-pst-bc', name: 'GST + PST', rate: 12, applies_to: ['sales'], region: 'BC' }, { id: 'gst', name: 'GST', rate: 5, applies_to: both, region: 'AB' }, { id: 'zero', name: 'Zero-rated', rate: 0, applies_to: both }, { id: 'hst-ns', name: 'HST', rate: 15, applies_to: ['sales'], region: 'NS' }],
      AU: [{ id: 'gst', name: 'GST', rate: 10, applies_to: both }, { id: 'gst-free', name: 'GST free', rate: 0, applies_to: both }, { id: 'input', name: 'Input taxed', rate: 0, applies_to: both }],
    };
    const records = sets[country] ?? [{ id: 'sales-tax', name: 'Sales tax', rate: 8.25, applies_to: ['sales'] }, { id: 'exempt', name: 'Resale exempt', rate: 0, applies_to: ['sales'] }];
    const put = await fetch(new URL(`/v1/organizations/${organizationId}/host-records/tax-rates`, options.bffUrl), { method: 'PUT', headers: auth, body: JSON.stringify({ records, replace: true }) });
    return c.json(await put.json(), put.status as 200);
  });

  return host;
}

/** How a product's own list tends to differ from QuickBooks: case, "&" vs "and", legal forms, punctuation. */
function demoVariant(name: string, index: number): string {
  switch (index % 5) {
    case 0:
      return name.toUpperCase();
    case 1:
      return name.replace(/ & /g, ' and ').replace(/\bInc\.?$/, 'Incorporated');
    case 2:
      return name.replace(/\b(LLC|Ltd|Inc\.?|Co\.?)$/, '').trim();
    case 3:
      return name.replace(/[.,]/g, '');
    default:
      return name;
  }
}
