/**
 * Dates as people read them in a dense UI: relative ("2 hours ago") in the text, the exact local date and time
 * ("21 Nov 2026, 14:03") for a tooltip or `<time title>`. Both use Intl, so they follow the user's locale.
 */

const units: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

/** Below this a moment is "now": a clock skew of a few seconds between server and browser must not read "in 3 seconds". */
const JUST_NOW_MS = 45_000;

export interface RelativeTimeOptions {
  /** The reference moment; default: the current time. */
  now?: Date | number;
  /** BCP 47 locale; default: the browser's. */
  locale?: string | undefined;
}

/** "2 hours ago", "yesterday", "in 3 days", "now"; the largest whole unit that fits. */
export function formatRelativeTime(value: Date | string | number, options: RelativeTimeOptions = {}): string {
  const time = toTime(value);
  const now = options.now === undefined ? Date.now() : toTime(options.now);
  const format = new Intl.RelativeTimeFormat(options.locale, { numeric: 'auto' });
  const diff = time - now;
  if (Math.abs(diff) < JUST_NOW_MS) return format.format(0, 'second');
  for (const [unit, size] of units) {
    if (Math.abs(diff) >= size) return format.format(Math.round(diff / size), unit);
  }
  return format.format(Math.round(diff / 60_000) || Math.sign(diff), 'minute');
}

/** The exact moment in the user's locale and time zone, e.g. "21 Nov 2026, 14:03". */
export function formatDateTime(value: Date | string | number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(toTime(value));
}

function toTime(value: Date | string | number): number {
  return typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
}
