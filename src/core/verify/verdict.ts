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
  | 'too_deeply_nested'
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

/**
 * How a delivery was signed, as a person names it: `v1 HMAC` (static, Standard Webhooks symmetric),
 * `v1a Ed25519` (dynamic, Standard Webhooks asymmetric: what live deliveries carry) or `JWT RS256`
 * (dynamic, as Google's guide documents it; the algorithm follows the token).
 */
export type SignatureMethod = 'v1 HMAC' | 'v1a Ed25519' | `JWT ${string}`;

/** The public key (from the JWKS) that verified a dynamic delivery. */
export interface MatchedKey {
  /** The JWK's `kid`, when the key set gives one. */
  readonly kid?: string;
  /** RFC 7638 JWK thumbprint (SHA-256, base64url): names the key when it has no kid. */
  readonly thumbprint: string;
}

/** Why an accepted token that carries no body digest deserves a second look. */
export const BODY_UNBOUND_NOTE =
  'body not bound by the token: the token carries no digest of the body, so anyone holding it could pair it with another body until it expires';

/**
 * Where a dynamic delivery's verification time went: reading the key set (the cache, or a fetch) and
 * checking the signature. Two clock readings around what the verifier does anyway.
 */
export interface VerifyTimings {
  /** ms spent getting the key set (≈ 0 from the cache). */
  readonly keySetMs: number;
  /** Whether the key set was fetched (or refetched after a miss) for this delivery. */
  readonly keySetFetched: boolean;
  /** ms spent checking the signature (and the token's claims). */
  readonly verifyMs: number;
}

export interface VerifiedVerdict {
  readonly ok: true;
  readonly scheme: 'static' | 'dynamic';
  readonly signatureMethod: SignatureMethod;
  /** Static: the secret that matched. */
  readonly matched?: MatchedSecret;
  /** Dynamic: the key that matched. */
  readonly matchedKey?: MatchedKey;
  readonly token?: TokenSummary;
  /** JWT deliveries whose token has no body digest: accepted, with BODY_UNBOUND_NOTE shown beside them. */
  readonly bodyUnbound?: true;
  /** Dynamic deliveries: key-set and signature time. */
  readonly timings?: VerifyTimings;
}

export interface RejectedVerdict {
  readonly ok: false;
  readonly scheme: Scheme;
  readonly code: RejectionCode;
  /** Plain, secret-free. */
  readonly reason: string;
  /** The HTTP status a receiver answers with. */
  readonly httpStatus: number;
  /** When the header's form was recognised. */
  readonly signatureMethod?: SignatureMethod;
  readonly token?: TokenSummary;
  /** Dynamic deliveries that reached the key set: key-set and signature time. */
  readonly timings?: VerifyTimings;
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
  // Beyond MAX_JSON_DEPTH (src/core/util/jsonDepth.ts): nothing the service sends nests that deep.
  too_deeply_nested: 400,
  method_not_allowed: 405,
  wrong_path: 404,
  incomplete_request: 408,
};

export function reject(scheme: Scheme, code: RejectionCode, reason: string, token?: TokenSummary, signatureMethod?: SignatureMethod): RejectedVerdict {
  return {
    ok: false,
    scheme,
    code,
    reason,
    httpStatus: STATUS[code],
    ...(signatureMethod ? { signatureMethod } : {}),
    ...(token ? { token } : {}),
  };
}

/** How a person reads a matched key: its kid, or its thumbprint when the key set names none. */
export function describeKey(key: MatchedKey): string {
  return key.kid !== undefined ? `kid ${key.kid}` : `key ${key.thumbprint}`;
}
