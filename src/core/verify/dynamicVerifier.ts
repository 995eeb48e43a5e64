/**
 * Dynamic deliveries: a JWT in `webhook-signature`, verified with jose against a remote JWKS
 * (cached; refetched on an unknown kid, at most once per cooldown), algorithms pinned, audience checked
 * when configured, exp/iat with clock tolerance, jti = webhook-id, and the body digest claim enforced
 * whenever the token carries it. Claims: src/core/events/dynamicToken.ts.
 */
import { timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, errors, JWTPayload, jwtVerify } from 'jose';
import { BODY_DIGEST_CLAIM, bodyDigest, DYNAMIC_TOKEN_LIFETIME_SECONDS } from '../events/dynamicToken';
import { reject, TokenSummary, Verdict } from './verdict';
import { clip } from '../util/text';

export const DYNAMIC_ALGORITHMS = ['RS256', 'ES256'] as const;

export interface DynamicVerifierOptions {
  readonly jwksUri?: string;
  /**
   * Expected `aud`: one value or several (any may match), or a function read per token (a receiver on
   * port 0 learns its own URL only once it listens). Undefined = not checked — receivers always pass one.
   */
  readonly audience?: Audience | (() => Audience | undefined);
  /** Leeway for exp/iat, seconds (default 60). */
  readonly clockToleranceSeconds?: number;
  /** Minimum time between two JWKS fetches caused by unknown kids (default 30 s). */
  readonly cooldownMs?: number;
  /** How long a fetched key set is used before it is refetched (default 10 min). */
  readonly cacheMaxAgeMs?: number;
  readonly timeoutMs?: number;
}

export type Audience = string | readonly string[];

export interface DynamicInput {
  readonly webhookId: string;
  readonly token: string;
  readonly rawBody: Uint8Array;
  readonly nowMs: number;
}

export class DynamicVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(private readonly options: DynamicVerifierOptions) {
    this.jwks = options.jwksUri
      ? createRemoteJWKSet(new URL(options.jwksUri), {
          cooldownDuration: options.cooldownMs ?? 30_000,
          cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
          timeoutDuration: options.timeoutMs ?? 5_000,
        })
      : undefined;
  }

  async verify(input: DynamicInput): Promise<Verdict> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(input.token.trim());
    } catch {
      return reject('dynamic', 'malformed_signature', 'malformed signature header (a JWT whose header does not decode)');
    }
    const base = { kid: header.kid, alg: header.alg, bodyBound: false };
    if (!this.jwks) return reject('dynamic', 'no_jwks_configured', 'dynamic (JWT) delivery but no JWKS URI is configured', base);
    const tolerance = this.options.clockToleranceSeconds ?? 60;
    const audience = this.expectedAudience();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(input.token.trim(), this.jwks, {
        algorithms: [...DYNAMIC_ALGORITHMS],
        ...(audience ? { audience: typeof audience === 'string' ? audience : [...audience] } : {}),
        clockTolerance: tolerance,
        currentDate: new Date(input.nowMs),
        requiredClaims: ['exp', 'iat', 'jti'],
        maxTokenAge: DYNAMIC_TOKEN_LIFETIME_SECONDS + tolerance,
      }));
    } catch (error) {
      return this.explain(error, base, audience);
    }
    const token = summarize(header.kid, header.alg, payload);
    if (payload.jti !== input.webhookId) return reject('dynamic', 'id_mismatch', 'token jti does not match the webhook-id header', token);
    const digest = payload[BODY_DIGEST_CLAIM];
    if (digest !== undefined) {
      const actual = Buffer.from(bodyDigest(input.rawBody));
      const claimed = Buffer.from(typeof digest === 'string' ? digest : '');
      if (actual.length !== claimed.length || !timingSafeEqual(actual, claimed))
        return reject('dynamic', 'body_mismatch', 'body does not match token (body_sha256 differs)', token);
    }
    return { ok: true, scheme: 'dynamic', signatureMethod: `JWT ${header.alg ?? 'RS256'}`, token };
  }

  private expectedAudience(): Audience | undefined {
    const option = this.options.audience;
    const audience = typeof option === 'function' ? option() : option;
    return audience === undefined || audience.length === 0 ? undefined : audience;
  }

  private explain(error: unknown, token: TokenSummary, audience: Audience | undefined): Verdict {
    if (error instanceof errors.JWKSNoMatchingKey) {
      return reject(
        'dynamic',
        'unknown_kid',
        `unknown kid ${token.kid ? `"${clip(token.kid, 64)}"` : '(none in token)'}: not in the key set at ${this.options.jwksUri} even after refetching`,
        token,
      );
    }
    if (error instanceof errors.JOSEAlgNotAllowed)
      return reject('dynamic', 'algorithm_not_allowed', `token algorithm ${clip(String(token.alg), 64)} not allowed (${DYNAMIC_ALGORITHMS.join(', ')})`, token);
    if (error instanceof errors.JWSSignatureVerificationFailed) return reject('dynamic', 'bad_token_signature', 'token signature does not verify', token);
    if (error instanceof errors.JWTExpired) {
      return error.claim === 'iat'
        ? reject('dynamic', 'token_expired', 'token expired (issued too long ago)', token)
        : reject('dynamic', 'token_expired', 'token expired', token);
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      const claims = error.payload;
      if (error.claim === 'aud') {
        const expected = typeof audience === 'string' ? `"${audience}"` : `one of ${(audience ?? []).map((a) => `"${a}"`).join(', ')}`;
        return reject(
          'dynamic',
          'wrong_audience',
          `wrong audience: expected ${expected}, token has ${JSON.stringify(claims.aud ?? null).slice(0, 200)} (set the receiver's audience to the URL your webhook config delivers to)`,
          token,
        );
      }
      if (error.claim === 'iat' || error.claim === 'nbf')
        return reject('dynamic', 'token_not_yet_valid', `token not yet valid (${error.claim} is in the future)`, token);
      return reject('dynamic', 'token_claims_invalid', `token claims invalid: ${error.message}`, token);
    }
    if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof TypeError || isFetchFailure(error)) {
      return reject('dynamic', 'jwks_unavailable', `could not read the key set at ${this.options.jwksUri}`, token);
    }
    if (error instanceof errors.JOSEError) return reject('dynamic', 'malformed_signature', `malformed signature header (invalid JWT: ${error.message})`, token);
    return reject('dynamic', 'jwks_unavailable', `could not verify the token: ${error instanceof Error ? error.message : String(error)}`, token);
  }
}

function isFetchFailure(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError' || /fetch|network|ECONN/i.test(error.message));
}

function summarize(kid: string | undefined, alg: string | undefined, payload: JWTPayload): TokenSummary {
  return {
    ...(kid !== undefined ? { kid } : {}),
    ...(alg !== undefined ? { alg } : {}),
    ...(typeof payload.iss === 'string' ? { iss: payload.iss } : {}),
    ...(payload.aud !== undefined ? { aud: payload.aud } : {}),
    ...(typeof payload.iat === 'number' ? { iat: payload.iat } : {}),
    ...(typeof payload.exp === 'number' ? { exp: payload.exp } : {}),
    ...(typeof payload.jti === 'string' ? { jti: payload.jti } : {}),
    bodyBound: payload[BODY_DIGEST_CLAIM] !== undefined,
  };
}
