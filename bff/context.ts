import type { Config } from './config.ts';
import type { Keys } from './crypto/keys.ts';
import type { Sql } from './db/client.ts';
import type { Logger } from './http/logger.ts';
import type { AllowedOrigins } from './auth/widget-cors.ts';
import type { QboOAuth } from './providers/qbo/oauth-client.ts';
import type { BudgetLimits } from './sync/budget.ts';
import type { RateDecision, SharedRateLimiter } from './http/rate-limiter.ts';
import type { SessionUser } from '../shared/api/sessions.ts';
import type { MappingResolver } from './writeback/mapping-lookup.ts';

/** What every handler can reach: built once at start-up, shared by all requests. */
export interface Deps {
  sql: Sql;
  config: Config;
  keys: Keys;
  logger: Logger;
  /** Injected so tests can move time (token expiry, schedules). */
  now: () => Date;
  origins: AllowedOrigins;
  /** Present when QuickBooks credentials (or the sandbox) are configured. */
  qbo: QboOAuth | undefined;
  /** The per-company QuickBooks budget every caller shares (Intuit's limits unless configured lower). */
  qboLimits: BudgetLimits;
  /** Nudges this process's sync worker (after "Sync now"), so a run starts without waiting for the next tick. */
  wakeWorker?: () => void;
  /**
   * The mappings write-back translates through (tax codes, items, accounts, employees, classes, locations,
   * defaults). Unset: nothing is mapped, and documents that need a mapping wait in needs_mapping.
   */
  writebackMappings?: MappingResolver;
}

/** The caller, resolved once by the auth middleware; handlers never re-derive it. */
export interface TenantScope {
  tenantId: string;
  /** The secret key the caller presented, or that minted the caller's session. */
  keyId: string;
}

export interface SessionScope extends TenantScope {
  issuedAt: Date;
  organizationId: string;
  user: SessionUser;
  expiresAt: Date;
}

export interface AppEnv {
  Variables: {
    deps: Deps;
    logger: Logger;
    requestId: string;
    tenant: TenantScope;
    session: SessionScope;
    /** This app's limiter (one per process, shared through Postgres with the other replicas). */
    rateLimiter: SharedRateLimiter;
    /** The tightest limit this request has met so far (what its RateLimit-* headers describe). */
    rateLimit: RateDecision | undefined;
  };
}
