/**
 * Verifies one delivery by whichever form its signature header shows:
 *  - a JWT (three base64url segments) → dynamic, as Google's guide documents it;
 *  - `v1,` entries → static Standard Webhooks HMAC against the signing secrets (synchronous: the hot
 *    path never waits for a key set);
 *  - `v1a,` entries → dynamic Ed25519 against the JWKS, as live deliveries carry them;
 *  - both `v1` and `v1a` → the HMAC first, then the key set: whichever matches.
 * Headers and timestamp (±tolerance) are checked first, for every form that signs the timestamp.
 */
import { checkTimestamp, header, HeaderBag, looksLikeJwt } from './deliveryHeaders';
import { DynamicVerifier, DynamicVerifierOptions } from './dynamicVerifier';
import { SecretCandidate } from './secretCandidates';
import { parseSignatureEntries } from './signatureEntries';
import { verifyStatic } from './staticVerifier';
import { reject, Verdict } from './verdict';

export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface DeliveryVerifierOptions extends DynamicVerifierOptions {
  /** Every signing secret that may be live; called once per delivery, so keep it cheap and synchronous. */
  readonly secrets: () => readonly SecretCandidate[];
  /** ±seconds a webhook-timestamp may be from now (default 300). */
  readonly toleranceSeconds?: number;
  /** Epoch ms; injected so tests control the clock. */
  readonly now?: () => number;
}

export interface DeliveryInput {
  readonly headers: HeaderBag;
  readonly rawBody: Uint8Array;
}

export class DeliveryVerifier {
  private readonly dynamic: DynamicVerifier;
  private readonly now: () => number;
  readonly toleranceSeconds: number;

  constructor(private readonly options: DeliveryVerifierOptions) {
    this.dynamic = new DynamicVerifier(options);
    this.now = options.now ?? Date.now;
    this.toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  }

  verify(input: DeliveryInput): Verdict | Promise<Verdict> {
    const signature = header(input.headers, 'webhook-signature');
    const jwt = signature !== undefined && looksLikeJwt(signature);
    const entries = signature !== undefined && !jwt ? parseSignatureEntries(signature) : undefined;
    const scheme = signature === undefined ? 'none' : jwt || (entries && entries.v1.length === 0 && entries.v1a.length > 0) ? 'dynamic' : 'static';
    const webhookId = header(input.headers, 'webhook-id');
    if (webhookId === undefined || webhookId.trim() === '') return reject(scheme, 'missing_header', 'missing header: webhook-id');
    if (signature === undefined || signature.trim() === '') return reject(scheme, 'missing_header', 'missing header: webhook-signature');
    const timestamp = header(input.headers, 'webhook-timestamp');
    const nowMs = this.now();
    if (timestamp === undefined || timestamp.trim() === '') {
      // A JWT carries its own iat/exp; v1 and v1a signatures need the timestamp they sign.
      if (!jwt) return reject(scheme, 'missing_header', 'missing header: webhook-timestamp');
    } else {
      const checked = checkTimestamp(scheme, timestamp, nowMs, this.toleranceSeconds);
      if (typeof checked !== 'number') return checked;
    }
    if (jwt) return this.dynamic.verifyJwt({ webhookId, token: signature, rawBody: input.rawBody, nowMs });
    const { v1, v1a, problems } = entries!;
    if (v1.length === 0 && v1a.length === 0) {
      const why = problems.length > 0 ? `: ${problems.join(', ')}` : '';
      return reject(scheme, 'malformed_signature', `malformed signature header (expected "v1,<base64>" or "v1a,<base64>" entries, or a JWT)${why}`);
    }
    const v1aDelivery = { webhookId, timestampHeader: timestamp as string, rawBody: input.rawBody, signatures: v1a, problems };
    if (v1.length === 0) return this.dynamic.verifyV1a(v1aDelivery);
    const staticVerdict = verifyStatic({
      webhookId,
      timestampHeader: timestamp as string,
      signatures: v1,
      rawBody: input.rawBody,
      candidates: this.options.secrets(),
      nowMs,
    });
    if (staticVerdict.ok || v1a.length === 0) return staticVerdict;
    const both = (dynamic: Verdict): Verdict =>
      dynamic.ok ? dynamic : reject('static', staticVerdict.code, `${staticVerdict.reason}; and ${dynamic.reason}`, undefined, 'v1 HMAC');
    const dynamic = this.dynamic.verifyV1a(v1aDelivery);
    return dynamic instanceof Promise ? dynamic.then(both) : both(dynamic);
  }
}
