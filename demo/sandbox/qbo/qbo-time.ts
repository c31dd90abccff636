/**
 * QuickBooks writes times in the company's local offset with whole seconds ("2013-04-23T08:55:33-07:00")
 * and dates as plain "YYYY-MM-DD".
 */
const DAY_MS = 86_400_000;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

export function formatQboDateTime(ms: number, offsetMinutes: number): string {
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
export function formatResponseTime(ms: number, offsetMinutes: number): string {
  const base = formatQboDateTime(ms, offsetMinutes);
  return `${base.slice(0, 19)}.${pad(Math.floor(ms) % 1000, 3)}${base.slice(19)}`;
}

/** The company-local calendar day (days since 1970-01-01) of an instant. */
export function localDay(ms: number, offsetMinutes: number): number {
  return Math.floor((ms + offsetMinutes * 60_000) / DAY_MS);
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

/** Parses a QuickBooks date-time; a bare date means midnight in the company's zone. */
export function parseQboDateTime(text: string, offsetMinutes: number): number | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const day = parseDay(text);
    return day === null ? null : day * DAY_MS - offsetMinutes * 60_000;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

export { DAY_MS };
