/** Standard Webhooks signing secrets: `whsec_` + base64 of 24 random bytes (32 characters, no padding), with rotation grace. */
import { randomBytes } from 'node:crypto';
import type { RevocationBehavior, SigningSecret } from '../api/types';
import { rfc3339 } from './ids';

export const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

export interface SigningSecretRecord {
  /** The full secret. Never logged, never answered except once at creation/rotation. */
  readonly secret: string;
  /** The HMAC key: the decoded bytes after `whsec_`. */
  readonly key: Buffer;
  readonly createTime: number;
  /** Epoch ms after which it no longer signs; undefined = current. */
  expireTime?: number;
}

export function newSigningSecret(now: number): SigningSecretRecord {
  const secret = `whsec_${randomBytes(24).toString('base64')}`; // 24 bytes: 32 base64 characters, no padding (as Svix-style whsec_ secrets)
  return secretRecord(secret, now);
}

export function secretRecord(secret: string, createTime: number, expireTime?: number): SigningSecretRecord {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return expireTime === undefined ? { secret, key, createTime } : { secret, key, createTime, expireTime };
}

/** The secrets that still sign at `now` (drops the expired ones from the list in place). */
export function activeSecrets(list: SigningSecretRecord[], now: number): SigningSecretRecord[] {
  for (let i = list.length - 1; i >= 0; i--) {
    const exp = list[i].expireTime;
    if (exp !== undefined && exp <= now) list.splice(i, 1);
  }
  return list;
}

/** Adds a fresh current secret; previous ones expire after the (scaled) grace period or at once. */
export function rotate(list: SigningSecretRecord[], behavior: RevocationBehavior, now: number, graceMs: number): SigningSecretRecord {
  const fresh = newSigningSecret(now);
  if (behavior === 'revoke_previous_secrets_immediately') list.length = 0;
  else {
    const until = now + graceMs;
    for (const s of list) s.expireTime = s.expireTime === undefined ? until : Math.min(s.expireTime, until);
  }
  list.push(fresh);
  return fresh;
}

/** The API's SigningSecret as the emulator answers it: always with its truncated form. */
export type PublicSigningSecret = SigningSecret & Required<Pick<SigningSecret, 'truncated_secret'>>;

/**
 * The safe view the API answers, in the service's form: `whsec_...` and the secret's last four
 * characters (e.g. `whsec_...3frh`, google-gemini/cookbook quickstarts/Webhooks.ipynb), and when it stops signing.
 */
export function publicSecret(s: SigningSecretRecord): PublicSigningSecret {
  return { truncated_secret: truncatedSecret(s.secret), ...(s.expireTime !== undefined ? { expire_time: rfc3339(s.expireTime) } : {}) };
}

export function truncatedSecret(secret: string): string {
  return `whsec_...${secret.slice(-4)}`;
}

/** Both spellings of the enum (the guide writes it upper-case). */
export function parseRevocationBehavior(value: unknown): RevocationBehavior | undefined {
  if (value === undefined || value === null || value === '') return 'revoke_previous_secrets_after_h24';
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  if (lower === 'revoke_previous_secrets_after_h24' || lower === 'revoke_previous_secrets_immediately') return lower;
  return undefined;
}
