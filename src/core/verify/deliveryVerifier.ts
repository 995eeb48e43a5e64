/**
 * Verifies one delivery by whichever scheme its signature header shows: a JWT (three base64url
 * segments) → dynamic; anything else → static Standard Webhooks HMAC. Headers and timestamp first.
 * Static verification is synchronous (the hot path); dynamic may await the key set.
 */
import { checkTimestamp, header, HeaderBag, looksLikeJwt } from './deliveryHeaders';
import { DynamicVerifier, DynamicVerifierOptions } from './dynamicVerifier';
import { SecretCandidate } from './secretCandidates';
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
    const dynamic = signature !== undefined && looksLikeJwt(signature);
    const scheme = signature === undefined ? 'none' : dynamic ? 'dynamic' : 'static';
    const webhookId = header(input.headers, 'webhook-id');
    if (webhookId === undefined || webhookId.trim() === '') return reject(scheme, 'missing_header', 'missing header: webhook-id');
    if (signature === undefined || signature.trim() === '') return reject(scheme, 'missing_header', 'missing header: webhook-signature');
    const timestamp = header(input.headers, 'webhook-timestamp');
    const nowMs = this.now();
    if (timestamp === undefined || timestamp.trim() === '') {
      // Dynamic tokens carry their own iat/exp; static signatures need the timestamp they sign.
      if (!dynamic) return reject(scheme, 'missing_header', 'missing header: webhook-timestamp');
    } else {
      const checked = checkTimestamp(scheme, timestamp, nowMs, this.toleranceSeconds);
      if (typeof checked !== 'number') return checked;
    }
    if (dynamic) return this.dynamic.verify({ webhookId, token: signature, rawBody: input.rawBody, nowMs });
    return verifyStatic({
      webhookId,
      timestampHeader: timestamp as string,
      signatureHeader: signature,
      rawBody: input.rawBody,
      candidates: this.options.secrets(),
      nowMs,
    });
  }
}
