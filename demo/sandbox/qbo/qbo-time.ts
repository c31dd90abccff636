/**
 * QuickBooks writes times in the company's local offset with whole seconds ("2013-04-23T08:55:33-07:00")
 * and dates as plain "YYYY-MM-DD". The offset follows the company's time zone with its daylight-saving rules, taken
 * from the platform's tz data (Intl), so a Los Angeles company writes -08:00 in January and -07:00 in July.
 */
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** An IANA time zone ("America/Los_Angeles"), or a fixed offset in minutes east of UTC. */
export type Zone = string | number;

/** Intuit's servers read a date-time without an offset as US Pacific time (QBO-FACTS; queries and CDC). */
export const INTUIT_ZONE = 'America/Los_Angeles';

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Offsets per zone and UTC hour: every transition of the zones served falls on a whole UTC hour. */
const offsets = new Map<string, Map<number, number>>();

let lastZone = '';
let lastHour = Number.NaN;
let lastOffset = 0;

/** Minutes east of UTC in `zone` at instant `ms`. */
export function offsetMinutesAt(zone: Zone, ms: number): number {
  if (typeof zone === 'number') return zone;
  const hour = Math.floor(ms / HOUR_MS);
  // Generation and the ledger walk entities in time order: most calls repeat the previous hour.
  if (hour === lastHour && zone === lastZone) return lastOffset;
  lastZone = zone;
  lastHour = hour;
  lastOffset = offsetFromCache(zone, hour);
  return lastOffset;
}

function offsetFromCache(zone: string, hour: number): number {
  let cache = offsets.get(zone);
  if (!cache) {
    cache = new Map();
    offsets.set(zone, cache);
  }
  const cached = cache.get(hour);
  if (cached !== undefined) return cached;
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(zone, formatter);
  }
  const at = hour * HOUR_MS;
  const parts = Object.fromEntries(formatter.formatToParts(new Date(at)).map((part) => [part.type, Number(part.value)]));
  const wall = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0);
  const offset = Math.round((wall - at) / 60_000);
  cache.set(hour, offset);
  return offset;
}

/** The instant at which `zone`'s wall clock shows `wallMs` (a UTC-based wall time); the later one in a repeated hour. */
function instantOfWall(wallMs: number, zone: Zone): number {
  const first = wallMs - offsetMinutesAt(zone, wallMs) * 60_000;
  return wallMs - offsetMinutesAt(zone, first) * 60_000;
}

export function formatQboDateTime(ms: number, zone: Zone): string {
  const offsetMinutes = offsetMinutesAt(zone, ms);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** Response envelope "time" uses milliseconds: "2013-04-23T08:55:53.298-07:00". */
export function formatResponseTime(ms: number, zone: Zone): string {
  const base = formatQboDateTime(ms, zone);
  return `${base.slice(0, 19)}.${pad(Math.floor(ms) % 1000, 3)}${base.slice(19)}`;
}

/** The company-local calendar day (days since 1970-01-01) of an instant. */
export function localDay(ms: number, zone: Zone): number {
  return Math.floor((ms + offsetMinutesAt(zone, ms) * 60_000) / DAY_MS);
}

export function formatDay(day: number): string {
  const date = new Date(day * DAY_MS);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** Parses "YYYY-MM-DD" (anything after the date is ignored); null when not a date. */
export function parseDay(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return null;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(ms) ? null : Math.floor(ms / DAY_MS);
}

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

/**
 * Parses a QuickBooks date-time. One with an offset (or Z) is that instant; one without is wall time in `zone`; a bare
 * date is midnight there. Never the process's own zone, which Date.parse would use for an offset-less date-time.
 */
export function parseQboDateTime(text: string, zone: Zone): number | null {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const day = parseDay(trimmed);
    return day === null ? null : instantOfWall(day * DAY_MS, zone);
  }
  if (OFFSET.test(trimmed)) {
    const ms = Date.parse(trimmed);
    return Number.isNaN(ms) ? null : ms;
  }
  const match = LOCAL_DATE_TIME.exec(trimmed);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, frac] = match;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), Number((frac ?? '0').padEnd(3, '0')));
  return Number.isNaN(wall) ? null : instantOfWall(wall, zone);
}

/** A date-time in a query or a CDC request: an offset-less one is US Pacific time, as Intuit reads it. */
export function parseRequestInstant(text: string): number | null {
  return parseQboDateTime(text, INTUIT_ZONE);
}

export { DAY_MS };
