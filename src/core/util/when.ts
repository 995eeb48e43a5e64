/**
 * Times as a person reads them: how far from now, then the local date and time —
 * "in 24 h — Dec 2, 09:01", "5 min ago — Dec 1, 08:56" — never a raw ISO string.
 */

/** "in 23 h", "5 min ago", "now" (within a minute). */
export function relativeTime(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return iso;
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 1) return 'now';
  const hours = Math.round(minutes / 60);
  const span = minutes < 60 ? `${minutes} min` : hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
  return ms > 0 ? `in ${span}` : `${span} ago`;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** "Dec 2, 09:01" in the given locale and time zone (the machine's by default); the year when it is not this one. */
export function localTime(iso: string, options: { locale?: string; timeZone?: string; now?: number } = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const thisYear = new Date(options.now ?? Date.now()).getFullYear() === date.getFullYear();
  const key = `${options.locale ?? ''}|${options.timeZone ?? ''}|${thisYear}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(options.locale, {
      ...(thisYear ? {} : { year: 'numeric' }),
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    });
    formats.set(key, format);
  }
  return format.format(date);
}

/** "in 24 h — Dec 2, 09:01". */
export function formatWhen(iso: string, options: { locale?: string; timeZone?: string; now?: number } = {}): string {
  if (Number.isNaN(Date.parse(iso))) return iso;
  return `${relativeTime(iso, options.now)} — ${localTime(iso, options)}`;
}
