import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

const rateLimit = z.coerce.number().int().min(0).max(10_000_000).optional();

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Environment variables the BFF reads. README's configuration table mirrors this. */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Public URL of this server (OAuth redirect URIs, links). Defaults to http://localhost:PORT. */
  LEDGERLINK_PUBLIC_URL: z.string().url().optional(),
  /** Absent = embedded PGlite under LEDGERLINK_DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  LEDGERLINK_DATA_DIR: z.string().min(1).default('.ledgerlink'),
  /** 32 bytes, base64 or hex. Encrypts provider tokens at rest and derives the session-signing key. */
  LEDGERLINK_ENCRYPTION_KEY: z
    .string()
    .refine((value) => decodeKey(value) !== undefined, 'must be 32 bytes encoded as base64 (44 chars) or hex (64 chars)')
    .optional(),
  /**
   * Keys rotated out, comma-separated (same encoding): rows sealed with them still open, and the worker
   * re-seals them under LEDGERLINK_ENCRYPTION_KEY in the background. Remove a key once re-sealing is done.
   */
  LEDGERLINK_PREVIOUS_ENCRYPTION_KEYS: z
    .string()
    .refine(
      (value) => value.split(',').every((key) => decodeKey(key.trim()) !== undefined),
      'must be a comma-separated list of 32-byte keys, each base64 (44 chars) or hex (64 chars)',
    )
    .optional(),
  /** Bearer token for /v1/admin/*. Generated into the data dir in development when absent. */
  LEDGERLINK_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  LEDGERLINK_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  LEDGERLINK_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Point the providers at a local sandbox (demo/sandbox) instead of Intuit and Xero. */
  LEDGERLINK_SANDBOX_URL: z.string().url().optional(),
  QBO_CLIENT_ID: z.string().min(1).optional(),
  QBO_CLIENT_SECRET: z.string().min(1).optional(),
  QBO_ENVIRONMENT: z.enum(['sandbox', 'production']).default('sandbox'),
  QBO_WEBHOOK_VERIFIER: z.string().min(1).optional(),
  XERO_CLIENT_ID: z.string().min(1).optional(),
  XERO_CLIENT_SECRET: z.string().min(1).optional(),
  LEDGERLINK_WORKER: booleanFlag.default(true),
  /** Sync runs one process works on at once. */
  LEDGERLINK_SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  /** A run whose worker stops heartbeating for this long is taken over by another. */
  LEDGERLINK_SYNC_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).default(30),
  /** The per-company QuickBooks budget; Intuit's limits by default. Lower them to share a company with other apps. */
  QBO_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(500),
  QBO_MAX_CONCURRENT: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Development only: webhook endpoints on this machine (localhost, 127.0.0.0/8, ::1, http or https) may be
   * registered and delivered to. Off by default; refused when NODE_ENV=production. Every other private,
   * link-local, metadata or reserved address is refused whatever this says.
   */
  LEDGERLINK_WEBHOOK_ALLOW_LOOPBACK: booleanFlag.default(false),
  /** How long one webhook request may take before it counts as failed. */
  LEDGERLINK_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Webhook requests one process has in flight at most. */
  LEDGERLINK_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(16),
  /** Of those, what one tenant's endpoints may hold across all replicas, so one tenant's slow receivers cannot take them all. */
  LEDGERLINK_WEBHOOK_TENANT_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(4),
  /** Webhook endpoints one tenant may register. */
  LEDGERLINK_WEBHOOK_MAX_ENDPOINTS: z.coerce.number().int().min(1).max(1000).default(20),
  /** When set, GET /metrics answers only `Authorization: Bearer <this token>`. Set it in production. */
  LEDGERLINK_METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  /**
   * Requests per minute, shared by all replicas (0 turns a limit off). Defaults in rateLimitDefaults; under
   * NODE_ENV=test every limit a variable does not set is off, so suites drive the API freely.
   */
  LEDGERLINK_RATE_LIMIT_SESSION: rateLimit,
  LEDGERLINK_RATE_LIMIT_TENANT: rateLimit,
  LEDGERLINK_RATE_LIMIT_IP: rateLimit,
  LEDGERLINK_RATE_LIMIT_ANONYMOUS_IP: rateLimit,
  LEDGERLINK_RATE_LIMIT_PROVIDER_ACTIONS: rateLimit,
  /**
   * Proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For is believed for per-address
   * limits. Unset: the socket's address is the client's, whatever the headers say.
   */
  LEDGERLINK_TRUSTED_PROXIES: z
    .string()
    .refine((value) => value.split(',').every((entry) => parseAddressRange(entry.trim()) !== undefined), 'must be comma-separated IP addresses or CIDR ranges (10.0.0.0/8, ::1)')
    .optional(),
});

export type Env = z.infer<typeof EnvSchema>;

/** Requests per minute per caller kind; 0 = no limit. */
export interface RateLimits {
  /** One user of one organization (all of their session tokens). */
  session: number;
  /** Everything one tenant's secret keys and sessions send. */
  tenant: number;
  /** Every request from one client address. */
  ip: number;
  /** Routes that take no credential (OAuth start, callback, Intuit's disconnect URL), per client address. */
  anonymousIp: number;
  /** Provider calls users start on one connection (check, Sync now, disconnect checks); callers that join one in flight are free. */
  providerActions: number;
}

/** Sized for people and their browsers: a widget polls every few seconds; a storm is hundreds a second. */
export const rateLimitDefaults: RateLimits = { session: 600, tenant: 30_000, ip: 6_000, anonymousIp: 60, providerActions: 20 };

export interface Config extends Env {
  publicUrl: string;
  production: boolean;
  rateLimits: RateLimits;
  /** Addresses whose X-Forwarded-For is believed; undefined = none. */
  trustedProxies: BlockList | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Parses the environment; throws ConfigError naming every bad variable. Production demands real secrets. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const config = parsed.data;
  const production = config.NODE_ENV === 'production';
  if (production) {
    const missing = (['LEDGERLINK_ENCRYPTION_KEY', 'LEDGERLINK_ADMIN_TOKEN', 'DATABASE_URL'] as const).filter(
      (name) => config[name] === undefined,
    );
    if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: required when NODE_ENV=production`));
    if (config.LEDGERLINK_WEBHOOK_ALLOW_LOOPBACK) {
      throw new ConfigError(['LEDGERLINK_WEBHOOK_ALLOW_LOOPBACK: must not be set when NODE_ENV=production']);
    }
  }
  return {
    ...config,
    production,
    publicUrl: (config.LEDGERLINK_PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, ''),
    rateLimits: rateLimitsOf(config),
    trustedProxies: trustedProxiesOf(config.LEDGERLINK_TRUSTED_PROXIES),
  };
}

function rateLimitsOf(config: Env): RateLimits {
  const fallback = (value: number) => (config.NODE_ENV === 'test' ? 0 : value);
  return {
    session: config.LEDGERLINK_RATE_LIMIT_SESSION ?? fallback(rateLimitDefaults.session),
    tenant: config.LEDGERLINK_RATE_LIMIT_TENANT ?? fallback(rateLimitDefaults.tenant),
    ip: config.LEDGERLINK_RATE_LIMIT_IP ?? fallback(rateLimitDefaults.ip),
    anonymousIp: config.LEDGERLINK_RATE_LIMIT_ANONYMOUS_IP ?? fallback(rateLimitDefaults.anonymousIp),
    providerActions: config.LEDGERLINK_RATE_LIMIT_PROVIDER_ACTIONS ?? fallback(rateLimitDefaults.providerActions),
  };
}

/** `10.0.0.0/8`, `::1` or `192.168.1.7` as an address and prefix length, or undefined when it is none. */
export function parseAddressRange(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, extra] = text.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

function trustedProxiesOf(text: string | undefined): BlockList | undefined {
  if (!text) return undefined;
  const list = new BlockList();
  for (const entry of text.split(',')) {
    const range = parseAddressRange(entry.trim())!;
    list.addSubnet(range.address, range.prefix, range.family);
  }
  return list;
}

/** A 32-byte key from base64 or hex text, or undefined when it is neither. */
export function decodeKey(text: string): Buffer | undefined {
  const hex = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : undefined;
  const bytes = hex ?? Buffer.from(text, 'base64');
  return bytes.length === 32 ? bytes : undefined;
}
