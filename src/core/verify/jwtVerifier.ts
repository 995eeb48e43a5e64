/**
 * The documented dynamic form: a JWT in `webhook-signature`. The signature must verify under a key of
 * the set whose type pins the algorithm (RSA → RS256, EC P-256 → ES256, OKP Ed25519 → EdDSA); a kid,
 * when the token has one, narrows the keys tried. Then `aud` (when the receiver expects one) and `exp`
 * (when present), with leeway. Every other claim is checked only when the token carries it: `nbf`,
 * `iat` (not in the future), `jti` (= webhook-id) and `body_sha256` (= the body's digest). A token
 * without a digest is accepted and marked body-unbound.
 *
 * Synchronous: the signature is checked with node:crypto on the key set's cached KeyObject (no key
 * conversion, no WebCrypto promise and threadpool hop per token), in the order and with the refusals
 * of jose's `jwtVerify` — protected header (strict UTF-8 JSON object, `crit`, `b64`), signature
 * (base64url), RSA modulus of at least 2048 bits, then the payload — and the claims are validated by
 * jose itself (see claims()), so every verdict is the one jose's path gave.
 */
import { timingSafeEqual, verify as verifySignature } from 'node:crypto';
import { base64url, decodeProtectedHeader, errors, JWTPayload, ProtectedHeaderParameters, UnsecuredJWT } from 'jose';
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

export function verifyJwt(input: JwtInput, keys: readonly PublicKey[], source: string): Verdict {
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
  const segments = token.split('.');
  const [encodedHeader, encodedPayload, encodedSignature] = segments;
  let b64: boolean;
  let signature: Uint8Array;
  try {
    if (segments.length !== 3) throw new errors.JWSInvalid('Invalid Compact JWS');
    b64 = checkProtectedHeader(encodedHeader);
    signature = decodeMember(encodedSignature, 'signature');
  } catch (error) {
    return explain(error, base, method, input.audience);
  }
  // What the JWS signs: the first two segments as sent (base64url text; `b64: false` changes only how the payload is read).
  const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'utf8');
  for (const key of candidates) {
    let payload: JWTPayload;
    try {
      if (keyType === 'RS256') checkModulusLength(alg as string, key);
      if (!signatureVerifies(keyType, key, signingInput, signature)) continue;
      if (!b64) throw new errors.JWTInvalid('JWTs MUST NOT use unencoded payload');
      payload = claims(encodedPayload, input);
    } catch (error) {
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

/** As jose's verifySignature: a failed or throwing check is a signature that does not verify. */
function signatureVerifies(keyType: KeyAlgorithm, key: PublicKey, signingInput: Buffer, signature: Uint8Array): boolean {
  try {
    if (keyType === 'EdDSA') return verifySignature(null, signingInput, key.key, signature);
    if (keyType === 'ES256') {
      // JWS carries r || s (64 bytes for P-256), as WebCrypto reads it; any other length does not verify.
      return signature.length === 64 && verifySignature('sha256', signingInput, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    return verifySignature('sha256', signingInput, key.key, signature);
  } catch {
    return false;
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/** Header parameters whose `crit` listing jose understands for a JWS. */
const RECOGNIZED_CRIT = new Set(['b64']);

/**
 * The protected header checks jose's jwtVerify makes before the signature: a strict UTF-8 JSON object,
 * a well-formed `crit` naming only recognised parameters that are present, and `b64` (true when absent).
 */
function checkProtectedHeader(encoded: string): boolean {
  let header: unknown;
  try {
    header = JSON.parse(strictUtf8.decode(base64url.decode(encoded)));
  } catch (cause) {
    throw new errors.JWSInvalid('JWS Protected Header is invalid', { cause });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new errors.JWSInvalid('JWS Protected Header is invalid');
  const h = header as Record<string, unknown>;
  if (h.crit !== undefined) {
    const crit = h.crit;
    if (!Array.isArray(crit) || crit.length === 0 || crit.some((p) => typeof p !== 'string' || p.length === 0))
      throw new errors.JWSInvalid('"crit" (Critical) Header Parameter MUST be an array of non-empty strings when present');
    for (const parameter of crit as string[]) {
      if (!RECOGNIZED_CRIT.has(parameter)) throw new errors.JOSENotSupported(`Extension Header Parameter "${parameter}" is not recognized`);
      if (!Object.hasOwn(h, parameter) || h[parameter] === undefined) throw new errors.JWSInvalid(`Extension Header Parameter "${parameter}" is missing`);
    }
  }
  if (!Array.isArray(h.crit) || !h.crit.includes('b64')) return true;
  if (typeof h.b64 !== 'boolean') throw new errors.JWSInvalid('The "b64" (base64url-encode payload) Header Parameter must be a boolean');
  return h.b64;
}

/**
 * A segment's bytes, decoded as jose decodes them (forgiving base64url: padding-free, any trailing bits)
 * and refused where jose refuses: a character outside the alphabet, or a length that leaves one lone
 * character (4n + 1) — then by Buffer, several times faster than jose's atob path for a 342-character
 * RS256 signature.
 */
function decodeMember(value: string, label: string): Uint8Array {
  if (value.length % 4 === 1 || !BASE64URL.test(value)) throw new errors.JWSInvalid(`Failed to base64url decode the ${label}`);
  return Buffer.from(value, 'base64url');
}
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** jose refuses RSA keys under 2048 bits for RS256 (a TypeError, not a verification failure). */
function checkModulusLength(alg: string, key: PublicKey): void {
  const bits = key.key.asymmetricKeyDetails?.modulusLength;
  if (typeof bits !== 'number' || bits < 2048) throw new TypeError(`${alg} requires key modulusLength to be 2048 bits or larger`);
}

/**
 * The claims, validated by jose: its claim checks (`aud`, `exp`, `nbf`, the types of the time claims,
 * the clock tolerance) run in UnsecuredJWT.decode as in jwtVerify, on the payload segment whose
 * signature was verified above, so expiry, audience and leeway mean exactly what they meant before.
 */
function claims(encodedPayload: string, input: JwtInput): JWTPayload {
  return UnsecuredJWT.decode(`${NONE_HEADER}.${encodedPayload}.`, {
    ...(input.audience ? { audience: typeof input.audience === 'string' ? input.audience : [...input.audience] } : {}),
    clockTolerance: input.toleranceSeconds,
    currentDate: new Date(input.nowMs),
  }).payload;
}
const NONE_HEADER = Buffer.from('{"alg":"none"}').toString('base64url');

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
