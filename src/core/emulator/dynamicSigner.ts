/**
 * How the emulator signs dynamic (per-request `webhook_config`) deliveries. Two forms are on record
 * (../../../docs/emulator.md, "Dynamic deliveries"):
 * - `v1a` (the default): Standard Webhooks asymmetric, `webhook-signature: v1a,<base64 Ed25519>`
 *   over `${webhook-id}.${webhook-timestamp}.${raw body}` — what live deliveries carry
 *   (googleapis/python-genai issue 2927); see ed25519Signer.ts.
 * - `jwt`: an RS256 JWT in `webhook-signature`, as Google's webhook guide documents it; the claims
 *   are this project's own choice (src/core/events/dynamicToken.ts); see jwtSigner.ts.
 * The delivery engine only asks a signer for "the signature header of this delivery".
 */
import type { JWK } from 'jose';

export const DYNAMIC_SIGNING_MODES = ['v1a', 'jwt'] as const;
export type DynamicSigningMode = (typeof DYNAMIC_SIGNING_MODES)[number];
export const DEFAULT_DYNAMIC_SIGNING: DynamicSigningMode = 'v1a';

/** How a person names each form (log lines, the Trigger Test Event route). */
export const DYNAMIC_SIGNING_LABELS: Readonly<Record<DynamicSigningMode, string>> = {
  v1a: 'v1a Ed25519',
  jwt: 'JWT RS256',
};

export function isDynamicSigningMode(value: unknown): value is DynamicSigningMode {
  return typeof value === 'string' && (DYNAMIC_SIGNING_MODES as readonly string[]).includes(value);
}

/** What a signer needs to know of one delivery attempt. */
export interface DynamicDelivery {
  /** The target URI (the JWT's default audience). */
  readonly url: string;
  /** The `webhook-id` header. */
  readonly msgId: string;
  /** The `webhook-timestamp` header (Unix seconds of this attempt). */
  readonly timestamp: number;
  /** The raw request body, as sent. */
  readonly body: Uint8Array;
}

export interface DynamicSigner {
  readonly mode: DynamicSigningMode;
  /** The `webhook-signature` header value for this attempt. */
  signatureHeader(delivery: DynamicDelivery): Promise<string>;
  /** The public keys to publish in the JWKS (retired keys already dropped). */
  publicKeys(): Promise<JWK[]>;
  /** A fresh signing key; the previous ones stay published for the (scaled) grace period. Answers its kid. */
  rotate(): Promise<string>;
}

/** The grace period a rotated-out key stays published (scaled by the time scale). */
export const SIGNING_KEY_GRACE_MS = 24 * 60 * 60 * 1000;
