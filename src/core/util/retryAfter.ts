/**
 * `Retry-After` (RFC 9110 §10.2.3): delay seconds or an HTTP date, as milliseconds from `now`.
 * Shared by everything that honours it (the emulator's delivery retries; the API client can use it
 * too). Lenient: fractional seconds are accepted; a date in the past is 0.
 */

/** Milliseconds to wait, or undefined when the header is absent or unreadable. */
export function parseRetryAfterMs(value: string | readonly string[] | undefined, now = Date.now()): number | undefined {
  const raw = typeof value === 'string' ? value : value?.[0];
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Math.ceil(Number(text) * 1000), Number.MAX_SAFE_INTEGER);
  // every HTTP date form names the month; this keeps Date.parse's legacy guesses ('-5' → May 2001) out
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
