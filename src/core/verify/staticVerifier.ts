/**
 * Static deliveries: Standard Webhooks HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${body}`,
 * checked against every live signing secret, and against every `v1,` entry of the signature header.
 *
 * The signature is the `standardwebhooks` package's (`Webhook.sign`, and its decoding of the secret); when
 * verifying, the same HMAC is computed with node:crypto on the package's key (see hmacKeyFor). This module
 * adds what the package's `verify` cannot: several secrets at once, a configurable tolerance with an injected clock (the
 * caller checks the timestamp), and a record of which secret matched. The package signs the body as
 * UTF-8 text, so a body that is not valid UTF-8 is refused with a clear reason (JSON is UTF-8, RFC 8259)
 * instead of being silently re-encoded.
 */
import { isUtf8 } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { liveCandidates, SecretCandidate } from './secretCandidates';
import { reject, Verdict } from './verdict';

/** Signers by secret (the package decodes the key in its constructor); null for an unusable secret. */
const signers = new Map<string, Webhook | null>();

function signerFor(secret: string): Webhook | null {
  let signer = signers.get(secret);
  if (signer === undefined) {
    try {
      signer = new Webhook(secret);
    } catch {
      signer = null; // empty or undecodable: never matches
    }
    if (signers.size > 256) signers.clear();
    signers.set(secret, signer);
  }
  return signer;
}

/**
 * The HMAC key of a secret, for node:crypto: the package computes its HMAC in JavaScript (fast-sha256),
 * several times slower than OpenSSL on the hot path. The key is the package's own decoding (a secret it
 * refuses has none), and is used only once a test signature made both ways agrees; otherwise (never
 * seen) the package signs. Cached by secret like the signers.
 */
const hmacKeys = new Map<string, Buffer | null>();

function hmacKeyFor(secret: string, signer: Webhook): Buffer | null {
  let key = hmacKeys.get(secret);
  if (key === undefined) {
    const decoded = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
    const probe = { id: 'msg_probe', at: 1_700_000_000, body: '{"probe":"é✓"}' };
    const same =
      signer.sign(probe.id, new Date(probe.at * 1000), probe.body) ===
      `v1,${createHmac('sha256', decoded).update(`${probe.id}.${probe.at}.${probe.body}`).digest('base64')}`;
    key = same ? decoded : null;
    if (hmacKeys.size > 256) hmacKeys.clear();
    hmacKeys.set(secret, key);
  }
  return key;
}

/** A `webhook-signature` header value (`v1,<base64>`) for a delivery: used by replay re-signing, test events and tests. */
export function signStatic(secret: string, webhookId: string, timestamp: number, rawBody: Uint8Array | string): string {
  const signer = signerFor(secret);
  if (!signer) throw new Error('the signing secret is not a valid whsec_ secret');
  return signer.sign(
    webhookId,
    new Date(timestamp * 1000),
    typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength),
  );
}

export interface StaticInput {
  readonly webhookId: string;
  /** The header as sent, already checked to be canonical integer Unix seconds. */
  readonly timestampHeader: string;
  /** The header's well-formed `v1` entries, decoded (see signatureEntries.ts). */
  readonly signatures: readonly Buffer[];
  readonly rawBody: Uint8Array;
  readonly candidates: readonly SecretCandidate[];
  readonly nowMs: number;
}

/** Checks the HMAC only (headers and timestamp are checked by the caller). */
export function verifyStatic(input: StaticInput): Verdict {
  const signatures = input.signatures;
  if (signatures.length === 0)
    return reject(
      'static',
      'malformed_signature',
      'malformed signature header (expected space-separated "v1,<base64 HMAC-SHA256>" entries)',
      undefined,
      'v1 HMAC',
    );
  if (!isUtf8(input.rawBody)) return reject('static', 'not_json', 'not JSON: the body is not valid UTF-8', undefined, 'v1 HMAC');
  const live = liveCandidates(input.candidates, input.nowMs);
  if (live.length === 0) return reject('static', 'no_secrets_configured', 'no signing secrets configured', undefined, 'v1 HMAC');
  const timestamp = Number(input.timestampHeader.trim());
  const body = Buffer.from(input.rawBody.buffer, input.rawBody.byteOffset, input.rawBody.byteLength);
  for (const candidate of live) {
    const signer = signerFor(candidate.secret);
    if (!signer) continue;
    // The content the package signs: `${id}.${timestamp}.${body}`, the body as the UTF-8 it was checked to be.
    const key = hmacKeyFor(candidate.secret, signer);
    const expected = key
      ? createHmac('sha256', key).update(`${input.webhookId}.${timestamp}.`).update(body).digest()
      : Buffer.from(signer.sign(input.webhookId, new Date(timestamp * 1000), body).slice(3), 'base64');
    // Check every entry (no early exit inside the compare loop), each in constant time.
    let matched = false;
    for (const signature of signatures) matched = timingSafeEqual(signature, expected) || matched;
    if (matched) {
      return {
        ok: true,
        scheme: 'static',
        signatureMethod: 'v1 HMAC',
        matched: candidate.webhookId !== undefined ? { label: candidate.label, webhookId: candidate.webhookId } : { label: candidate.label },
      };
    }
  }
  return reject('static', 'no_secret_matched', `no secret matched (tried ${live.length} signing secret${live.length === 1 ? '' : 's'})`, undefined, 'v1 HMAC');
}
