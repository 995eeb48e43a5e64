/** Random identifiers shaped like the real service's. */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random lowercase alphanumerics. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % ALPHABET.length];
  return out;
}

export const newWebhookId = (): string => `wh_${randomToken(20)}`;
export const newMessageId = (): string => `msg_${randomToken(24)}`;

/** RFC 3339 with milliseconds, as Google's APIs answer timestamps. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
