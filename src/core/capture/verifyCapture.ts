/**
 * Verifies captured deliveries with the receiver's own verifier (DeliveryVerifier), as of a chosen
 * moment: the real now (default), given Unix seconds, or the capture's own webhook-timestamp (to
 * check the signature alone, however old the capture is). Says how old the capture is now, who
 * signed it (the secret's label, the key) or why nothing matched.
 */
import { decodeJwt } from 'jose';
import { header, looksLikeJwt } from '../verify/deliveryHeaders';
import { DeliveryVerifier } from '../verify/deliveryVerifier';
import type { Audience } from '../verify/dynamicVerifier';
import { SecretCandidate } from '../verify/secretCandidates';
import { BODY_UNBOUND_NOTE, describeKey, reject, Verdict } from '../verify/verdict';
import { CapturedRequest } from './types';

/** Check as of the capture's own `webhook-timestamp` (for a JWT without one: its `iat`). */
export const AT_WEBHOOK_TIMESTAMP = 'webhook-timestamp';

export interface CaptureVerifyOptions {
  /** The signing secrets to try (read once per capture). */
  readonly secrets: () => readonly SecretCandidate[];
  /** Keys for dynamic deliveries; without one a JWT capture is refused as the receiver would refuse it. */
  readonly jwksUri?: string;
  /** Expected `aud` of JWT captures; undefined = not checked (a note says so). */
  readonly audience?: Audience;
  /** ±seconds a webhook-timestamp may be from the moment checked (default 300, as the receiver). */
  readonly toleranceSeconds?: number;
  /** As of when: Unix seconds, or AT_WEBHOOK_TIMESTAMP; default the real now. */
  readonly at?: number | typeof AT_WEBHOOK_TIMESTAMP;
  /** The real clock, epoch ms (default Date.now): ages are measured against it. */
  readonly now?: () => number;
  readonly jwksTimeoutMs?: number;
}

export interface CaptureVerification {
  readonly capture: CapturedRequest;
  readonly verdict: Verdict;
  readonly valid: boolean;
  /** Unix seconds the capture was checked as of. */
  readonly checkedAt: number;
  /** What checkedAt is: the real now, the time given, or the capture's own timestamp. */
  readonly checkedAs: 'now' | 'given time' | 'its webhook-timestamp' | 'its token iat';
  /** The capture's webhook-timestamp (integer Unix seconds), when it has a readable one. */
  readonly webhookTimestamp?: number;
  /** Seconds from its webhook-timestamp (a JWT without one: its iat) to the real now; negative = in the future. */
  readonly ageSeconds?: number;
  /** Who signed it, as a person reads it: `secret "wh_1 (current)"`, `kid k1`, `key <thumbprint>`. */
  readonly matched?: string;
  /** Why it is not valid: the verifier's reason, or why the capture could not be checked. */
  readonly reason?: string;
  /** How the capture was read, plus what to know about the verdict (an unchecked audience, an unbound body). */
  readonly notes: readonly string[];
}

/** Verifies captures one after another with one verifier (one JWKS cache for a whole export). */
export class CaptureVerifier {
  private readonly verifier: DeliveryVerifier;
  private readonly realNow: () => number;
  /** The clock the verifier reads: set to the capture's moment right before each check (checks run one at a time). */
  private atMs = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CaptureVerifyOptions) {
    this.realNow = options.now ?? Date.now;
    this.verifier = new DeliveryVerifier({
      secrets: options.secrets,
      jwksUri: options.jwksUri,
      audience: options.audience,
      toleranceSeconds: options.toleranceSeconds,
      timeoutMs: options.jwksTimeoutMs,
      now: () => this.atMs,
    });
  }

  verify(capture: CapturedRequest): Promise<CaptureVerification> {
    const run = this.queue.then(() => this.check(capture));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async check(capture: CapturedRequest): Promise<CaptureVerification> {
    const nowMs = this.realNow();
    const signature = header(capture.headers, 'webhook-signature');
    const jwt = signature !== undefined && looksLikeJwt(signature);
    const tsHeader = header(capture.headers, 'webhook-timestamp')?.trim();
    const webhookTimestamp = tsHeader !== undefined && /^(0|[1-9]\d{0,11})$/.test(tsHeader) ? Number(tsHeader) : undefined;
    const iat = jwt && webhookTimestamp === undefined ? tokenIat(signature) : undefined;
    const notes = [...capture.notes];

    let checkedAt = Math.floor(nowMs / 1000);
    let checkedAs: CaptureVerification['checkedAs'] = 'now';
    const at = this.options.at;
    if (typeof at === 'number') {
      checkedAt = Math.floor(at);
      checkedAs = 'given time';
    } else if (at === AT_WEBHOOK_TIMESTAMP) {
      if (webhookTimestamp !== undefined) {
        checkedAt = webhookTimestamp;
        checkedAs = 'its webhook-timestamp';
      } else if (iat !== undefined) {
        checkedAt = iat;
        checkedAs = 'its token iat';
      } else notes.push('the capture has no readable webhook-timestamp: checked as of now');
    }
    const stamp = webhookTimestamp ?? iat;
    const ageSeconds = stamp !== undefined ? Math.floor(nowMs / 1000) - stamp : undefined;

    let verdict: Verdict;
    if (capture.unverifiable !== undefined) {
      verdict = reject(signature === undefined ? 'none' : jwt ? 'dynamic' : 'static', 'incomplete_request', capture.unverifiable);
    } else {
      this.atMs = checkedAt * 1000;
      const pending = this.verifier.verify({ headers: capture.headers, rawBody: capture.rawBody });
      verdict = pending instanceof Promise ? await pending : pending;
    }
    if (jwt && capture.unverifiable === undefined && this.options.audience === undefined)
      notes.push("the token's audience (aud) was not checked: none was given");
    if (verdict.ok && verdict.bodyUnbound) notes.push(BODY_UNBOUND_NOTE);
    return {
      capture,
      verdict,
      valid: verdict.ok,
      checkedAt,
      checkedAs,
      ...(webhookTimestamp !== undefined ? { webhookTimestamp } : {}),
      ...(ageSeconds !== undefined ? { ageSeconds } : {}),
      ...(matchedOf(verdict) !== undefined ? { matched: matchedOf(verdict) } : {}),
      ...(verdict.ok ? {} : { reason: verdict.reason }),
      notes,
    };
  }
}

/** One capture, with a verifier of its own. */
export function verifyCapture(capture: CapturedRequest, options: CaptureVerifyOptions): Promise<CaptureVerification> {
  return new CaptureVerifier(options).verify(capture);
}

/** Several captures (a JSON Lines export), in order, sharing one verifier. */
export function verifyCaptures(captures: readonly CapturedRequest[], options: CaptureVerifyOptions): Promise<CaptureVerification[]> {
  const verifier = new CaptureVerifier(options);
  return Promise.all(captures.map((c) => verifier.verify(c)));
}

function matchedOf(verdict: Verdict): string | undefined {
  if (!verdict.ok) return undefined;
  if (verdict.matched) return `secret "${verdict.matched.label}"`;
  if (verdict.matchedKey) return describeKey(verdict.matchedKey);
  if (verdict.token?.kid !== undefined) return `kid ${verdict.token.kid}`;
  return undefined;
}

/** A token's iat, read without verifying it (only to choose the moment to check it as of). */
function tokenIat(token: string): number | undefined {
  try {
    const iat = decodeJwt(token.trim()).iat;
    return typeof iat === 'number' && Number.isFinite(iat) ? Math.floor(iat) : undefined;
  } catch {
    return undefined;
  }
}
