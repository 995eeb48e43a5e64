/**
 * The one verdict type every verifier (static HMAC, dynamic JWT) and the receiver's own checks produce.
 * Reasons are plain sentences for a person; they never contain a secret.
 */

export type Scheme = 'static' | 'dynamic' | 'none';

export type RejectionCode =
  | 'missing_header'
  | 'malformed_header'
  | 'malformed_signature'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_secrets_configured'
  | 'no_secret_matched'
  | 'no_jwks_configured'
  | 'jwks_unavailable'
  | 'unknown_kid'
  | 'algorithm_not_allowed'
  | 'bad_token_signature'
  | 'wrong_audience'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_claims_invalid'
  | 'id_mismatch'
  | 'body_mismatch'
  | 'oversized'
  | 'not_json'
  | 'method_not_allowed'
  | 'wrong_path'
  | 'incomplete_request';

/** The secret that verified a static delivery: its safe label and webhook, never the secret itself. */
export interface MatchedSecret {
  readonly label: string;
  readonly webhookId?: string;
}

/** What a verified (or at least decoded) dynamic token said. */
export interface TokenSummary {
  readonly kid?: string;
  readonly alg?: string;
  readonly iss?: string;
  readonly aud?: string | readonly string[];
  readonly iat?: number;
  readonly exp?: number;
  readonly jti?: string;
  /** Whether the token bound the body with a digest claim (and so the body was checked against it). */
  readonly bodyBound: boolean;
}

export interface VerifiedVerdict {
  readonly ok: true;
  readonly scheme: 'static' | 'dynamic';
  readonly matched?: MatchedSecret;
  readonly token?: TokenSummary;
}

export interface RejectedVerdict {
  readonly ok: false;
  readonly scheme: Scheme;
  readonly code: RejectionCode;
  /** Plain, secret-free. */
  readonly reason: string;
  /** The HTTP status a receiver answers with. */
  readonly httpStatus: number;
  readonly token?: TokenSummary;
}

export type Verdict = VerifiedVerdict | RejectedVerdict;

const STATUS: Record<RejectionCode, number> = {
  missing_header: 400,
  malformed_header: 400,
  malformed_signature: 401,
  timestamp_too_old: 401,
  timestamp_too_new: 401,
  no_secrets_configured: 401,
  no_secret_matched: 401,
  no_jwks_configured: 401,
  // Our key set could not be read: a transient problem on our side, so let the sender retry.
  jwks_unavailable: 503,
  unknown_kid: 401,
  algorithm_not_allowed: 401,
  bad_token_signature: 401,
  wrong_audience: 401,
  token_expired: 401,
  token_not_yet_valid: 401,
  token_claims_invalid: 401,
  id_mismatch: 401,
  body_mismatch: 401,
  oversized: 413,
  not_json: 400,
  method_not_allowed: 405,
  wrong_path: 404,
  incomplete_request: 408,
};

export function reject(scheme: Scheme, code: RejectionCode, reason: string, token?: TokenSummary): RejectedVerdict {
  return token ? { ok: false, scheme, code, reason, httpStatus: STATUS[code], token } : { ok: false, scheme, code, reason, httpStatus: STATUS[code] };
}
