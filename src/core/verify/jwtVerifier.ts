/**
 * The documented dynamic form: a JWT in `webhook-signature`. The signature must verify under a key of
 * the set whose type pins the algorithm (RSA → RS256, EC P-256 → ES256, OKP Ed25519 → EdDSA); a kid,
 * when the token has one, narrows the keys tried. Then `aud` (when the receiver expects one) and `exp`
 * (when present), with leeway. Every other claim is checked only when the token carries it: `nbf`,
 * `iat` (not in the future), `jti` (= webhook-id) and `body_sha256` (= the body's digest). A token
 * without a digest is accepted and marked body-unbound.
 */
import { timingSafeEqual } from 'node:crypto';
import { decodeProtectedHeader, errors, JWTPayload, jwtVerify, ProtectedHeaderParameters } from 'jose';
import { BODY_DIGEST_CLAIM, bodyDigest } from '../events/dynamicToken';
import { clip } from '../util/text';
import type { Audience } from './dynamicVerifier';
import { KeyAlgorithm, PublicKey } from './keySet';
import { reject, SignatureMethod, TokenSummary, Verdict } from './verdict';

/** Token algorithms we accept, each with the key type that pins it. `Ed25519` is the newer name of EdDSA over Ed25519. */
const ALGORITHMS: Record<string, KeyAlgorithm> = { RS256: 'RS256', ES256: 'ES256', EdDSA: 'EdDSA', Ed25519: 'EdDSA' };

export interface JwtInput {
  readonly webhookId: string;
  readonly token: string;
  readonly rawBody: Uint8Array;
  readonly nowMs: number;
  readonly audience: Audience | undefined;
  readonly toleranceSeconds: number;
}

export async function verifyJwt(input: JwtInput, keys: readonly PublicKey[], source: string): Promise<Verdict> {
  const token = input.token.trim();
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return reject('dynamic', 'malformed_signature', 'malformed signature header (a JWT whose header does not decode)');
  }
  const alg = typeof header.alg === 'string' ? header.alg : undefined;
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const method: SignatureMethod = `JWT ${clip(alg ?? 'without alg', 32)}`;
  const base: TokenSummary = { ...(kid !== undefined ? { kid } : {}), ...(alg !== undefined ? { alg } : {}), bodyBound: false };
  const keyType = alg !== undefined ? ALGORITHMS[alg] : undefined;
  if (!keyType)
    return reject(
      'dynamic',
      'algorithm_not_allowed',
      `token algorithm ${clip(String(alg), 32)} not allowed (${Object.keys(ALGORITHMS).join(', ')})`,
      base,
      method,
    );
  const ofType = keys.filter((k) => k.algorithm === keyType);
  const candidates = kid !== undefined ? ofType.filter((k) => k.kid === kid) : ofType;
  if (candidates.length === 0) {
    const why = kid !== undefined ? `unknown kid "${clip(kid, 64)}": no ${keyType} key with it` : `no ${keyType} key`;
    return reject('dynamic', 'unknown_kid', `${why} in the key set at ${source}`, base, method);
  }
  for (const key of candidates) {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key.key, {
        algorithms: [alg as string],
        ...(input.audience ? { audience: typeof input.audience === 'string' ? input.audience : [...input.audience] } : {}),
        clockTolerance: input.toleranceSeconds,
        currentDate: new Date(input.nowMs),
      }));
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) continue;
      return explain(error, base, method, input.audience);
    }
    return checkOptionalClaims(input, payload, summarize(base, payload), method, key);
  }
  return reject(
    'dynamic',
    'bad_token_signature',
    `token signature does not verify with ${candidates.length === 1 ? `the ${keyType} key` : `any of the ${candidates.length} ${keyType} keys`} at ${source}`,
    base,
    method,
  );
}

function checkOptionalClaims(input: JwtInput, payload: JWTPayload, token: TokenSummary, method: SignatureMethod, key: PublicKey): Verdict {
  const now = Math.floor(input.nowMs / 1000);
  if (payload.iat !== undefined && (typeof payload.iat !== 'number' || payload.iat > now + input.toleranceSeconds))
    return reject(
      'dynamic',
      'token_not_yet_valid',
      `token not yet valid (iat is ${typeof payload.iat === 'number' ? `${payload.iat - now} s in the future` : 'not a number'})`,
      token,
      method,
    );
  if (payload.jti !== undefined && payload.jti !== input.webhookId)
    return reject('dynamic', 'id_mismatch', 'token jti does not match the webhook-id header', token, method);
  const digest = payload[BODY_DIGEST_CLAIM];
  if (digest !== undefined) {
    const actual = Buffer.from(bodyDigest(input.rawBody));
    const claimed = Buffer.from(typeof digest === 'string' ? digest : '');
    if (actual.length !== claimed.length || !timingSafeEqual(actual, claimed))
      return reject('dynamic', 'body_mismatch', `body does not match the token (${BODY_DIGEST_CLAIM} differs)`, token, method);
  }
  const matchedKey = key.kid !== undefined ? { kid: key.kid, thumbprint: key.thumbprint } : { thumbprint: key.thumbprint };
  return { ok: true, scheme: 'dynamic', signatureMethod: method, matchedKey, token, ...(digest === undefined ? { bodyUnbound: true as const } : {}) };
}

function explain(error: unknown, token: TokenSummary, method: SignatureMethod, audience: Audience | undefined): Verdict {
  if (error instanceof errors.JOSEAlgNotAllowed)
    return reject('dynamic', 'algorithm_not_allowed', `token algorithm ${clip(String(token.alg), 32)} not allowed for this key`, token, method);
  if (error instanceof errors.JWTExpired) return reject('dynamic', 'token_expired', 'token expired (exp is in the past)', token, method);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') {
      const expected = typeof audience === 'string' ? `"${audience}"` : `one of ${(audience ?? []).map((a) => `"${a}"`).join(', ')}`;
      return reject(
        'dynamic',
        'wrong_audience',
        `wrong audience: expected ${expected}, token has ${JSON.stringify(error.payload.aud ?? null).slice(0, 200)} (set the receiver's audience to the value your webhook config expects)`,
        token,
        method,
      );
    }
    if (error.claim === 'nbf') return reject('dynamic', 'token_not_yet_valid', 'token not yet valid (nbf is in the future)', token, method);
    return reject('dynamic', 'token_claims_invalid', `token claims invalid: ${clip(error.message, 200)}`, token, method);
  }
  if (error instanceof errors.JOSEError)
    return reject('dynamic', 'malformed_signature', `malformed signature header (invalid JWT: ${clip(error.message, 200)})`, token, method);
  return reject(
    'dynamic',
    'malformed_signature',
    `could not verify the token: ${clip(error instanceof Error ? error.message : String(error), 200)}`,
    token,
    method,
  );
}

function summarize(base: TokenSummary, payload: JWTPayload): TokenSummary {
  return {
    ...base,
    ...(typeof payload.iss === 'string' ? { iss: payload.iss } : {}),
    ...(payload.aud !== undefined ? { aud: payload.aud } : {}),
    ...(typeof payload.iat === 'number' ? { iat: payload.iat } : {}),
    ...(typeof payload.exp === 'number' ? { exp: payload.exp } : {}),
    ...(typeof payload.jti === 'string' ? { jti: payload.jti } : {}),
    bodyBound: payload[BODY_DIGEST_CLAIM] !== undefined,
  };
}
