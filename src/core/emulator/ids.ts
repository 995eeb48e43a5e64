/** Random identifiers shaped like the real service's. */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random lowercase alphanumerics. */
let pool = Buffer.alloc(0);
let offset = 0;

export function randomToken(length: number): string {
  if (offset + length > pool.length) {
    pool = randomBytes(Math.max(8192, length));
    offset = 0;
  }
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[pool[offset + i] % ALPHABET.length];
  offset += length;
  return out;
}

export const newWebhookId = (): string => `wh_${randomToken(20)}`;
/** A delivery's `webhook-id` header (the emulator's deliveries and the receiver's test events alike). */
export const newMessageId = (): string => `msg_${randomToken(24)}`;

/** RFC 3339 with milliseconds, as Google's APIs answer timestamps. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
