import type { MiddlewareHandler } from 'hono';
import { isIP } from 'node:net';

/**
 * For routes that hand out power to whoever asks, by design, because they are development tools: the demo's
 * session helper (a session for any persona) and the sandbox's control API (reset, move the clock, approve
 * consent). They answer only while the server listens on loopback and NODE_ENV is not production; anything
 * else (HOST=0.0.0.0, a public address, a production deployment that mounted them by mistake) gets a 403 on
 * every request, including ones from this machine, so the mistake is seen at once rather than exploited later.
 *
 * The listening address is read from the request's socket (its server's bound address, and the local address
 * the request came in on); requests made in-process (app.request in tests) have no socket and are served.
 */
export function loopbackOnly(what: string, env: Record<string, string | undefined> = process.env): MiddlewareHandler {
  return async function refuseBeyondLoopback(c, next) {
    const socket = (c.env as { incoming?: { socket?: IncomingSocket } } | undefined)?.incoming?.socket;
    const bound = socket?.server?.address?.();
    const addresses = [bound && typeof bound === 'object' ? bound.address : undefined, socket?.localAddress].filter((address) => address !== undefined);
    const beyondLoopback = addresses.some((address) => !isLoopback(address));
    if (env['NODE_ENV'] === 'production' || beyondLoopback) {
      const why = env['NODE_ENV'] === 'production' ? 'NODE_ENV is production' : `the server listens beyond loopback (${addresses.join(', ')})`;
      return c.json({ error: { code: 'forbidden', message: `${what} serves only on a loopback address outside production; refused because ${why}` } }, 403);
    }
    return next();
  };
}

interface IncomingSocket {
  localAddress?: string;
  server?: { address?: () => { address: string } | string | null };
}

function isLoopback(address: string): boolean {
  const bare = address.replace(/^::ffff:/i, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}
