import { Hono } from 'hono';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

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

const pagePath = fileURLToPath(new URL('./index.html', import.meta.url));

export function createDemoHost(options: DemoHostOptions): Hono {
  const host = new Hono();
  const organizationId = options.organizationId ?? 'brightside';

  host.get('/', async (c) => c.html(await readFile(pagePath, 'utf8')));

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

  return host;
}
