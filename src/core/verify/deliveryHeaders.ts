/** Reading the Standard Webhooks headers of a delivery, and checking its timestamp against a clock. */
import { RejectedVerdict, reject, Scheme } from './verdict';

/** Lower-cased header names → values (node:http's `IncomingMessage.headers` qualifies). */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

/** Three base64url segments: the signature header carries a JWT (dynamic delivery). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function looksLikeJwt(signatureHeader: string): boolean {
  return JWT_SHAPE.test(signatureHeader.trim());
}

/** Parses `webhook-timestamp` (integer Unix seconds) and checks it is within ±tolerance of now. */
export function checkTimestamp(scheme: Scheme, value: string, nowMs: number, toleranceSeconds: number): RejectedVerdict | number {
  const trimmed = value.trim();
  if (!/^(0|[1-9]\d{0,11})$/.test(trimmed)) return reject(scheme, 'malformed_header', 'malformed webhook-timestamp header (expected integer Unix seconds)');
  const timestamp = Number(trimmed);
  const now = Math.floor(nowMs / 1000);
  if (now - timestamp > toleranceSeconds)
    return reject(scheme, 'timestamp_too_old', `timestamp too old (${now - timestamp} s ago, tolerance ${toleranceSeconds} s)`);
  if (timestamp - now > toleranceSeconds)
    return reject(scheme, 'timestamp_too_new', `timestamp too new (${timestamp - now} s ahead, tolerance ${toleranceSeconds} s)`);
  return timestamp;
}
