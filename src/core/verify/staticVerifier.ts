/**
 * Static deliveries: Standard Webhooks HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${raw body}`,
 * checked against every live signing secret, and against every `v1,` entry of the signature header.
 *
 * Same scheme and secret format as the `standardwebhooks` package (tests check interoperability with its
 * `Webhook.sign`), computed here with node:crypto because that package turns a Buffer body into a UTF-8
 * string (not the raw bytes) and reads `Date.now()` itself (this clock is injected).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { liveCandidates, SecretCandidate } from './secretCandidates';
import { reject, Verdict } from './verdict';

const SECRET_PREFIX = 'whsec_';
const SIGNATURE_BYTES = 32;
const keyCache = new Map<string, Buffer>();

/** The HMAC key of a `whsec_` secret (base64 after the prefix); cached, since secrets are few. */
export function secretKey(secret: string): Buffer {
  let key = keyCache.get(secret);
  if (!key) {
    key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
    if (keyCache.size > 256) keyCache.clear();
    keyCache.set(secret, key);
  }
  return key;
}

/** The raw HMAC of a delivery under one secret. */
export function hmacSignature(secret: string, webhookId: string, timestamp: number | string, rawBody: Uint8Array): Buffer {
  return createHmac('sha256', secretKey(secret)).update(`${webhookId}.${timestamp}.`).update(rawBody).digest();
}

/** A `webhook-signature` header value (`v1,<base64>`) for a delivery: used by replay re-signing and tests. */
export function signStatic(secret: string, webhookId: string, timestamp: number, rawBody: Uint8Array): string {
  return `v1,${hmacSignature(secret, webhookId, timestamp, rawBody).toString('base64')}`;
}

/** The `v1` signatures of a header, decoded; undefined when it holds none that are well formed. */
export function parseSignatureHeader(value: string): Buffer[] | undefined {
  const out: Buffer[] = [];
  for (const entry of value.trim().split(/\s+/)) {
    const comma = entry.indexOf(',');
    if (comma === -1 || entry.slice(0, comma) !== 'v1') continue;
    const b64 = entry.slice(comma + 1);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) continue;
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length === SIGNATURE_BYTES) out.push(bytes);
  }
  return out.length > 0 ? out : undefined;
}

export interface StaticInput {
  readonly webhookId: string;
  /** The header as sent: it is signed as text. */
  readonly timestampHeader: string;
  readonly signatureHeader: string;
  readonly rawBody: Uint8Array;
  readonly candidates: readonly SecretCandidate[];
  readonly nowMs: number;
}

/** Checks the HMAC only (headers and timestamp are checked by the caller). */
export function verifyStatic(input: StaticInput): Verdict {
  const signatures = parseSignatureHeader(input.signatureHeader);
  if (!signatures) return reject('static', 'malformed_signature', 'malformed signature header (expected space-separated "v1,<base64 HMAC-SHA256>" entries)');
  const live = liveCandidates(input.candidates, input.nowMs);
  if (live.length === 0) return reject('static', 'no_secrets_configured', 'no signing secrets configured');
  for (const candidate of live) {
    if (secretKey(candidate.secret).length === 0) continue;
    const expected = hmacSignature(candidate.secret, input.webhookId, input.timestampHeader.trim(), input.rawBody);
    // Check every entry (no early exit inside the compare loop), each in constant time.
    let matched = false;
    for (const signature of signatures) matched = timingSafeEqual(signature, expected) || matched;
    if (matched) {
      return { ok: true, scheme: 'static', matched: candidate.webhookId !== undefined ? { label: candidate.label, webhookId: candidate.webhookId } : { label: candidate.label } };
    }
  }
  return reject('static', 'no_secret_matched', `no secret matched (tried ${live.length} signing secret${live.length === 1 ? '' : 's'})`);
}
