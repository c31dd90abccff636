import { randomBytes } from 'node:crypto';
import type { WebhookFormat } from '../../settings.ts';

export const DEV_CLIENT_ID = 'ledgerlink-dev';
export const DEV_CLIENT_SECRET = 'ledgerlink-dev-secret';

/** An app registered with the sandbox, as one would be on developer.intuit.com. */
export interface OAuthApp {
  client_id: string;
  client_secret: string;
  /** Exact redirect URIs; null for the dev app, which accepts any localhost/127.0.0.1 URI. */
  redirect_uris: string[] | null;
  webhook_url: string | null;
  webhook_verifier: string | null;
  webhook_format: WebhookFormat | null;
}

export interface AppInput {
  redirect_uris: string[];
  webhook_url?: string;
  webhook_verifier?: string;
  webhook_format?: WebhookFormat;
  client_id?: string;
  client_secret?: string;
}

function randomId(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

function isLoopback(uri: string): boolean {
  try {
    const url = new URL(uri);
    return (url.protocol === 'http:' || url.protocol === 'https:') && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');
  } catch {
    return false;
  }
}

export class AppRegistry {
  readonly #apps = new Map<string, OAuthApp>();

  constructor() {
    this.reset();
  }

  reset(): void {
    this.#apps.clear();
    this.#apps.set(DEV_CLIENT_ID, {
      client_id: DEV_CLIENT_ID,
      client_secret: DEV_CLIENT_SECRET,
      redirect_uris: null,
      webhook_url: null,
      webhook_verifier: null,
      webhook_format: null,
    });
  }

  register(input: AppInput): { client_id: string; client_secret: string } {
    const app: OAuthApp = {
      client_id: input.client_id ?? randomId('AB', 24),
      client_secret: input.client_secret ?? randomId('', 30),
      redirect_uris: [...input.redirect_uris],
      webhook_url: input.webhook_url ?? null,
      webhook_verifier: input.webhook_verifier ?? null,
      webhook_format: input.webhook_format ?? null,
    };
    this.#apps.set(app.client_id, app);
    return { client_id: app.client_id, client_secret: app.client_secret };
  }

  /** Apps registered through the control API (the dev app always exists). */
  registered(): OAuthApp[] {
    return [...this.#apps.values()].filter((app) => app.client_id !== DEV_CLIENT_ID);
  }

  restore(apps: OAuthApp[]): void {
    this.reset();
    for (const app of apps) this.#apps.set(app.client_id, { ...app });
  }

  get(clientId: string): OAuthApp | undefined {
    return this.#apps.get(clientId);
  }

  all(): OAuthApp[] {
    return [...this.#apps.values()];
  }

  /** The app named by an HTTP Basic `Authorization` header, when id and secret match. */
  authenticate(authorization: string | undefined): OAuthApp | null {
    const match = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return null;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const app = this.#apps.get(decodeURIComponent(decoded.slice(0, colon)));
    return app && app.client_secret === decodeURIComponent(decoded.slice(colon + 1)) ? app : null;
  }

  redirectAllowed(app: OAuthApp, uri: string): boolean {
    return app.redirect_uris === null ? isLoopback(uri) : app.redirect_uris.includes(uri);
  }
}
