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

/** The instants a request may name: wide enough for any real "since", narrow enough for every database. */
export const earliestTimestamp = '1900-01-01T00:00:00.000Z';
export const latestTimestamp = '9999-12-31T23:59:59.999Z';

/**
 * A point in time sent by a client (a filter such as updated_since), handed on as a UTC ISO string. Years
 * 1900–9999 only: Postgres refuses year 0 (22008) and a year-1 filter means nothing. With the offset
 * normalised away, the database never parses an offset it refuses (beyond ±15:59, 22009).
 */
export const TimestampInput = z
  .string()
  .datetime({ offset: true })
  .refine((value) => {
    const time = Date.parse(value);
    return time >= Date.parse(earliestTimestamp) && time <= Date.parse(latestTimestamp);
  }, `must be between ${earliestTimestamp.slice(0, 10)} and ${latestTimestamp.slice(0, 10)} (UTC)`)
  .transform((value) => new Date(value).toISOString())
  .meta({ example: '2026-11-22T14:03:00Z', description: `ISO 8601 with an offset, between ${earliestTimestamp} and ${latestTimestamp}.` });

/** Postgres bigint: what a serial id or a change sequence can hold. */
export const maxBigint = 9_223_372_036_854_775_807n;

/** An origin as browsers send it: scheme://host[:port], nothing after. */
export const Origin = z
  .string()
  .max(300, 'must be an origin (scheme, host and optional port), at most 300 characters')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, 'must be an origin such as https://app.example.com (scheme, host and optional port only)')
  .transform((value) => new URL(value).origin);
