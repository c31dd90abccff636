import { z } from 'zod';

/** Ids the host chooses (organization and user ids): opaque, printable, bounded. */
export const HostId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/**
 * A host's role name, e.g. "admin", "member", "accountant". Policies name roles allowed to act.
 * No regex flags here or in any published schema: the OpenAPI generator prints a flagged regex as
 * `^…$/i`, a pattern no client can match (test/openapi-patterns.test.ts checks every pattern).
 */
export const RoleName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');

export const Timestamp = z.string().datetime({ offset: true }).meta({ example: '2026-11-22T14:03:00.000Z' });

/** An origin as browsers send it: scheme://host[:port], nothing after. */
export const Origin = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, 'must be an origin such as https://app.example.com (scheme, host and optional port only)')
  .transform((value) => new URL(value).origin);
