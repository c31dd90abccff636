/**
 * A span of time as a person estimates it: "45 sec", "3 min", "1.5 hr". Rounded on purpose; an ETA that
 * claims second precision is lying. `long` spells units out ("3 minutes") for screen readers.
 */
export function formatDuration(seconds: number, options: { locale?: string | undefined; long?: boolean } = {}): string {
  const unitDisplay = options.long ? 'long' : 'short';
  const s = Math.max(0, seconds);
  if (s < 60) {
    // Below a minute, steps of 5 seconds (never "0 sec": something is still left).
    return unit(Math.max(5, Math.ceil(s / 5) * 5), 'second', unitDisplay, options.locale);
  }
  if (s < 90 * 60) return unit(Math.ceil(s / 60), 'minute', unitDisplay, options.locale);
  return unit(Math.round(s / 1800) / 2, 'hour', unitDisplay, options.locale);
}

function unit(value: number, name: 'second' | 'minute' | 'hour', unitDisplay: 'short' | 'long', locale: string | undefined): string {
  return new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay, maximumFractionDigits: 1 }).format(value);
}
