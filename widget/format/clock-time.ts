/**
 * A moment in the near future or past as the shortest unambiguous local time: "06:00" today, "Tue 06:00"
 * within the week, "21 Nov 2026, 06:00" beyond. Used for "next try at …" where a relative time ("in 3 hours")
 * makes people do arithmetic to plan around it.
 */
export function formatClockTime(value: Date | string | number, options: { now?: Date | number; locale?: string | undefined } = {}): string {
  const time = new Date(typeof value === 'string' ? Date.parse(value) : value);
  const now = new Date(options.now ?? Date.now());
  const days = Math.abs(startOfDay(time) - startOfDay(now)) / 86_400_000;
  if (days < 1) return new Intl.DateTimeFormat(options.locale, { timeStyle: 'short' }).format(time);
  if (days < 7) return new Intl.DateTimeFormat(options.locale, { weekday: 'short', hour: 'numeric', minute: '2-digit' }).format(time);
  return new Intl.DateTimeFormat(options.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(time);
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}
