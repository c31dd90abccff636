import { z } from 'zod';

/**
 * Kinds of injectable failure on Accounting API calls. `throttle` answers Intuit's 429 (XML, code 3001) as if
 * a limit had been reached; it counts as an injected fault, not as a refusal the client earned. `lost` lets the
 * call run (a write is committed, and its requestid reply remembered) and then loses the answer: the client
 * gets a gateway's 504, as when a response dies between Intuit and the caller.
 */
export const FAULT_KINDS = ['500', '503', 'timeout', 'slow', 'reset', 'throttle', 'lost'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const WEBHOOK_FORMATS = ['cloudevents', 'legacy'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/**
 * Knobs of the sandbox, the same fields as `PUT /_sandbox/qbo/settings`.
 * Limits default to Intuit's published ones; benchmarks scale them, tests shrink them.
 */
export interface SandboxSettings {
  /** Requests per rolling minute per realm before 429 (Intuit: 500). */
  rate_limit_per_minute: number;
  /** Requests in flight per app and realm before 429 (Intuit: 10). */
  max_concurrent: number;
  /** Report requests per rolling minute per realm (Intuit: 200). */
  report_limit_per_minute: number;
  /** Batch calls per rolling minute per realm (Intuit: 40). */
  batch_limit_per_minute: number;
  /** Share (0..1) of Accounting API calls that fail with one of `fault_kinds`. */
  fault_rate: number;
  fault_kinds: FaultKind[];
  /**
   * The latency model of Accounting API calls: each answer is held `latency_ms` (the base), plus
   * `latency_per_entity_ms` for every entity it carries (a query page, a CDC answer; one for a single read or
   * write, none for a COUNT), plus a uniform jitter of ±`latency_jitter_ms` (never more than the base, so the
   * mean stays base + per-entity cost). What was really applied is in the realm's stats (`latency_mean_ms`).
   */
  latency_ms: number;
  latency_per_entity_ms: number;
  latency_jitter_ms: number;
  /** How long a `slow` fault holds the response. */
  slow_ms: number;
  /** How long a `timeout` fault holds the connection before answering 504 (clients usually give up first). */
  timeout_ms: number;
  /**
   * `Retry-After` (seconds) on every 429, earned or injected; null sends none. Intuit's documentation promises
   * no such header, so clients must cope without it (the default) and may honour it when present.
   */
  throttle_retry_after_seconds: number | null;
  /** When set, the authorize endpoint skips the consent page and grants this company at once. */
  auto_approve_realm: string | null;
  /** Webhook target for changes in realms connected to any app without its own webhook. */
  webhook_url: string | null;
  webhook_verifier: string | null;
  webhook_format: WebhookFormat;
  /** Events of one realm are collected this long before one POST (Intuit batches too). */
  webhook_batch_ms: number;
  /** Scales Intuit's retry back-off (1 s … 1 h) so tests can watch retries happen. */
  webhook_retry_scale: number;
  /**
   * How long a requestid replays its first answer. Intuit promises idempotency by requestid but documents no
   * duration (QBO-FACTS says only "replays the first response"); the real service forgets them after a while,
   * so the sandbox does too, after this many seconds of its clock (advance the clock to pass it).
   */
  request_id_window_seconds: number;
}

export const DEFAULT_SETTINGS: SandboxSettings = {
  rate_limit_per_minute: 500,
  max_concurrent: 10,
  report_limit_per_minute: 200,
  batch_limit_per_minute: 40,
  fault_rate: 0,
  fault_kinds: ['500', '503'],
  latency_ms: 0,
  latency_per_entity_ms: 0,
  latency_jitter_ms: 0,
  slow_ms: 5_000,
  timeout_ms: 120_000,
  throttle_retry_after_seconds: null,
  auto_approve_realm: null,
  webhook_url: null,
  webhook_verifier: null,
  webhook_format: 'cloudevents',
  webhook_batch_ms: 250,
  webhook_retry_scale: 1,
  request_id_window_seconds: 86_400,
};

/** Strict schema of a settings patch: unknown fields are refused so typos do not pass silently. */
export const settingsPatchSchema = z
  .object({
    rate_limit_per_minute: z.number().int().positive(),
    max_concurrent: z.number().int().positive(),
    report_limit_per_minute: z.number().int().positive(),
    batch_limit_per_minute: z.number().int().positive(),
    fault_rate: z.number().min(0).max(1),
    fault_kinds: z.array(z.enum(FAULT_KINDS)).min(1),
    latency_ms: z.number().int().min(0).max(600_000),
    latency_per_entity_ms: z.number().min(0).max(1_000),
    latency_jitter_ms: z.number().int().min(0).max(600_000),
    slow_ms: z.number().int().min(0),
    timeout_ms: z.number().int().min(0),
    throttle_retry_after_seconds: z.number().int().min(0).nullable(),
    auto_approve_realm: z.string().min(1).nullable(),
    webhook_url: z.string().url().nullable(),
    webhook_verifier: z.string().min(1).nullable(),
    webhook_format: z.enum(WEBHOOK_FORMATS),
    webhook_batch_ms: z.number().int().min(0),
    webhook_retry_scale: z.number().min(0),
    request_id_window_seconds: z.number().int().min(0),
  })
  .partial()
  .strict();

/**
 * Rules across fields, checked on the settings a patch would produce: "field: problem", or null when they hold.
 * The jitter is symmetric around the base, so more jitter than base would clip at zero and move the mean.
 */
export function settingsConflict(next: SandboxSettings): string | null {
  if (next.latency_jitter_ms > next.latency_ms) return `latency_jitter_ms: must not exceed latency_ms (${next.latency_ms}), or the jitter would move the mean`;
  return null;
}

/** The hold of one answer carrying `entities` entities under the latency model (`random` in [0, 1)). */
export function latencyFor(settings: Pick<SandboxSettings, 'latency_ms' | 'latency_per_entity_ms' | 'latency_jitter_ms'>, entities: number, random: number = Math.random()): number {
  const jitter = settings.latency_jitter_ms * (2 * random - 1);
  return Math.max(0, settings.latency_ms + settings.latency_per_entity_ms * entities + jitter);
}

export function applySettings(current: SandboxSettings, patch: Partial<SandboxSettings>): SandboxSettings {
  const next = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (next as Record<string, unknown>)[key] = value;
  }
  return next;
}
