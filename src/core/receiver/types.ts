/**
 * What the receiver keeps about every request, accepted or not: the event inspector renders these,
 * the history persists them (one JSON object per line), the CLI and output channel print them.
 */
import { MatchedKey, MatchedSecret, RejectionCode, Scheme, SignatureMethod, TokenSummary, Verdict, VerifyTimings } from '../verify/verdict';

export type { MatchedKey, MatchedSecret, RejectionCode, Scheme, SignatureMethod, TokenSummary, VerifyTimings } from '../verify/verdict';

export type DeliveryVerdict = 'verified' | 'duplicate' | 'rejected';

/** One attempt to hand an event to the user's app (forwarding, or a replay from history). */
export interface ForwardResult {
  /** Where it went, with user info and query values masked (see safeUrl). */
  readonly target: string;
  /** ISO time the attempt started. */
  readonly at: string;
  readonly ok: boolean;
  readonly status?: number;
  readonly durationMs: number;
  /** First 1 KB of the app's response body (UTF-8). */
  readonly bodySnippet?: string;
  /** Why it failed without a response (timeout, connection refused...). */
  readonly error?: string;
  /** True for a replay from history; absent for the automatic forward. */
  readonly replay?: boolean;
  /** Replays: whether the delivery was re-signed with a fresh timestamp and a stored secret. */
  readonly resigned?: boolean;
}

/**
 * What a failure rehearsal (failurePlan.ts) answered instead of the usual 2xx. A failure (`status`,
 * `timeout`) was neither forwarded nor remembered as processed, so the sender's retry is no duplicate;
 * a `slow` answer was the usual one, late. `describeRehearsal()` words it.
 */
export interface RehearsedAnswer {
  readonly kind: 'status' | 'timeout' | 'slow';
  /** The plan that chose it, normalised: "500:3", "50%:503:retry-after=5", "timeout:1", "slow:5:2". */
  readonly plan: string;
  /** The status answered (`status`; `slow`: the usual answer's). A timeout answers nothing: the record's httpStatus is 0. */
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  /** `slow`: the delay chosen. */
  readonly delaySeconds?: number;
  /** `timeout` and `slow`: how long the request was held. */
  readonly heldMs?: number;
  /** `timeout` and `slow`: the sender closed the connection before the hold ended. */
  readonly senderHungUp?: boolean;
}

export interface ReceivedDelivery {
  /** 1, 2, 3... in arrival order; continues across restarts when the history is persisted. */
  readonly seq: number;
  /** ISO time the request arrived. */
  readonly receivedAt: string;
  readonly method: string;
  /** Path and query as requested. */
  readonly path: string;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body as UTF-8 text (base64 when `bodyEncoding` says so), capped at the body limit. */
  readonly body: string;
  readonly bodyEncoding?: 'base64';
  /** Bytes received (may exceed what `body` holds when the request was oversized). */
  readonly bodyBytes: number;
  readonly bodyTruncated?: boolean;
  readonly verdict: DeliveryVerdict;
  readonly reason?: string;
  readonly code?: RejectionCode;
  readonly scheme: Scheme;
  /** `v1 HMAC`, `v1a Ed25519`, `JWT RS256`…: how it was signed, when the header's form was recognised. */
  readonly signatureMethod?: SignatureMethod;
  /** Static deliveries: the secret (label, webhook) that verified it. */
  readonly matchedSecret?: MatchedSecret;
  /** Dynamic deliveries: the JWKS key (kid or thumbprint) that verified it. */
  readonly matchedKey?: MatchedKey;
  /** A JWT without a body digest was accepted: the body is not bound by the token (see BODY_UNBOUND_NOTE). */
  readonly bodyUnbound?: true;
  /** Not received by this receiver: read from a captured request by Verify Captured Delivery. */
  readonly imported?: { readonly from: string };
  /** Dynamic deliveries: the token's kid and claims. */
  readonly token?: TokenSummary;
  readonly eventType?: string;
  readonly webhookId?: string;
  readonly userMetadata?: Record<string, unknown>;
  /** ms from the request's arrival to the acknowledgement. */
  readonly latencyMs: number;
  /** Dynamic deliveries: how much of it went to the key set and how much to the signature check. */
  readonly timings?: VerifyTimings;
  readonly httpStatus: number;
  /** Fields shortened (or, for user_metadata, left out) to keep the record bounded; see recordBounds.ts. */
  readonly clipped?: readonly string[];
  /** For duplicates: the seq of the first delivery with this webhook-id. */
  readonly duplicateOf?: number;
  /** Answered by a failure rehearsal (Simulate Receiver Failures, `listen --fail`): what it answered. */
  readonly rehearsal?: RehearsedAnswer;
  /** The automatic forward to the configured app, once it has finished. */
  forward?: ForwardResult;
  /** Replays to the app, oldest first. */
  replays?: ForwardResult[];
}

/** The JSON body the receiver answers with. */
export type ReceiverAnswer =
  | { status: 'verified'; webhook_id: string; seq: number }
  | { status: 'duplicate'; webhook_id: string; seq: number; duplicate_of: number }
  | { status: 'rejected'; reason: string }
  | { status: 'rehearsed_failure'; webhook_id: string; seq: number; reason: string };

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;
export type Event<T> = (listener: Listener<T>) => Disposable;

type VerdictFields = Pick<ReceivedDelivery, 'reason' | 'code' | 'scheme' | 'signatureMethod' | 'matchedSecret' | 'matchedKey' | 'bodyUnbound' | 'token'>;

/**
 * What a record keeps of a verdict — the reason and code of a rejection; the method, secret or key,
 * token and body-unbound mark — copied onto `target` by assignment, in the order the history file has
 * always had (the receiver's hot path makes no temporary objects for it).
 */
export function assignVerdictFields(target: { -readonly [K in keyof VerdictFields]?: VerdictFields[K] }, verdict: Verdict): void {
  if (!verdict.ok) {
    target.reason = verdict.reason;
    target.code = verdict.code;
  }
  target.scheme = verdict.scheme;
  if (verdict.signatureMethod) target.signatureMethod = verdict.signatureMethod;
  if (verdict.ok && verdict.matched) target.matchedSecret = verdict.matched;
  if (verdict.ok && verdict.matchedKey) target.matchedKey = verdict.matchedKey;
  if (verdict.ok && verdict.bodyUnbound) target.bodyUnbound = true;
  if (verdict.token) target.token = verdict.token;
}

/** The same fields as a new object (see assignVerdictFields). */
export function verdictFields(verdict: Verdict): VerdictFields {
  const fields: { -readonly [K in keyof VerdictFields]?: VerdictFields[K] } = {};
  assignVerdictFields(fields, verdict);
  return fields as VerdictFields;
}
