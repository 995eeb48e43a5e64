/** Random identifiers shaped like the real service's (the emulator's resources, every delivery's webhook-id). */
import { randomBytes, randomUUID } from 'node:crypto';

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

/**
 * A delivery's `webhook-id` header (the emulator's deliveries and the receiver's test events alike):
 * `msg_<uuid>`, as live deliveries carry it (googleapis/python-genai issue 2927).
 */
export const newMessageId = (): string => `msg_${randomUUID()}`;
