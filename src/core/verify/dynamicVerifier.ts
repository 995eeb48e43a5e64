/**
 * Dynamic (per-request `webhook_config`) deliveries, in both forms on record, against one cached key set:
 *  - `v1a,<base64>` entries — Standard Webhooks Ed25519, what live deliveries carry
 *    (googleapis/python-genai issue 2927): each Ed25519 key of the set is tried (see ed25519Signature.ts);
 *  - a JWT — what Google's guide documents: the signature by a key of the set, the algorithm pinned to
 *    the key's type, `aud` against the configured audience, `exp` when present. `iat`, `nbf`,
 *    `jti` = webhook-id and the body digest are checked only when the token carries them — the guide
 *    names none of them, so demanding one would call a genuine delivery forged (jwtClaims.ts).
 * On a miss the set is refetched, at most once per cooldown, and the check is tried once more.
 */
import { JwtInput, verifyJwt } from './jwtVerifier';
import { KeySet, KeySetError, KeySetSnapshot, PublicKey } from './keySet';
import { matchV1a } from './ed25519Signature';
import { reject, Verdict, VerifyTimings } from './verdict';

export interface DynamicVerifierOptions {
  readonly jwksUri?: string;
  /**
   * Expected `aud` of JWTs: one value or several (any may match), or a function read per token (a receiver
   * on port 0 learns its own URL only once it listens). Undefined = not checked — receivers always pass one.
   */
  readonly audience?: Audience | (() => Audience | undefined);
  /** Leeway for exp/iat/nbf, seconds (default 60). */
  readonly clockToleranceSeconds?: number;
  /** Minimum time between two key-set fetches caused by a miss (default 30 s). */
  readonly cooldownMs?: number;
  /** How long a fetched key set is used before it is refetched (default 10 min). */
  readonly cacheMaxAgeMs?: number;
  readonly timeoutMs?: number;
}

export type Audience = string | readonly string[];

export interface V1aDelivery {
  readonly webhookId: string;
  readonly timestampHeader: string;
  readonly rawBody: Uint8Array;
  readonly signatures: readonly Buffer[];
  /** Why other entries of the header were unusable, for the rejection's reason. */
  readonly problems: readonly string[];
}

export class DynamicVerifier {
  private readonly keySet: KeySet | undefined;
  /** The key that verified the last v1a delivery: tried first (a sender signs with one current key). */
  private lastV1aKey: string | undefined;

  constructor(private readonly options: DynamicVerifierOptions) {
    this.keySet = options.jwksUri
      ? new KeySet({
          uri: options.jwksUri,
          ...(options.cooldownMs !== undefined ? { cooldownMs: options.cooldownMs } : {}),
          ...(options.cacheMaxAgeMs !== undefined ? { cacheMaxAgeMs: options.cacheMaxAgeMs } : {}),
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        })
      : undefined;
  }

  /**
   * Synchronous while the cached key set answers (the common case: no promise per delivery); a miss,
   * or a set still to fetch, goes the asynchronous way (fetch, refetch after a miss).
   */
  verifyV1a(input: V1aDelivery): Verdict | Promise<Verdict> {
    const method = 'v1a Ed25519' as const;
    if (!this.keySet) return reject('dynamic', 'no_jwks_configured', 'dynamic (v1a Ed25519) delivery but no JWKS URI is configured', undefined, method);
    const cached = this.keySet.cached();
    if (cached) {
      const t = performance.now();
      const match = this.matchV1a(input, cached.keys);
      if (match) return withTimings(this.v1aVerified(match), { keySetMs: 0, keySetFetched: false, verifyMs: round(performance.now() - t) });
    }
    const clock = new Stopwatch();
    return this.verifyV1aAsync(input, clock).then((verdict) => clock.stamp(verdict));
  }

  private async verifyV1aAsync(input: V1aDelivery, clock: Stopwatch): Promise<Verdict> {
    const method = 'v1a Ed25519' as const;
    const keySet = this.keySet!;
    const found = await this.withKeys((keys) => this.matchV1a(input, keys), clock);
    if (found instanceof KeySetError) return reject('dynamic', 'jwks_unavailable', found.message, undefined, method);
    if (found.match) return this.v1aVerified(found.match);
    const ed25519 = found.snapshot.keys.filter((k) => k.algorithm === 'EdDSA').length;
    if (ed25519 === 0)
      return reject('dynamic', 'unknown_kid', `the key set at ${keySet.source} has no Ed25519 key${skippedNote(found.snapshot)}`, undefined, method);
    const tried = `${input.signatures.length === 1 ? 'the v1a signature' : `none of the ${input.signatures.length} v1a signatures`}`;
    const extra = input.problems.length > 0 ? `; skipped ${input.problems.join(', ')}` : '';
    return reject(
      'dynamic',
      'bad_token_signature',
      `${tried} does not verify with any of the ${ed25519} Ed25519 key${ed25519 === 1 ? '' : 's'} at ${keySet.source} (tampered id, timestamp or body, or a key not in the set)${extra}`,
      undefined,
      method,
    );
  }

  private matchV1a(input: V1aDelivery, keys: readonly PublicKey[]): PublicKey | undefined {
    return matchV1a(input, this.lastFirst(keys));
  }

  private lastFirst(keys: readonly PublicKey[]): readonly PublicKey[] {
    const i = this.lastV1aKey === undefined ? -1 : keys.findIndex((k) => k.thumbprint === this.lastV1aKey);
    return i <= 0 ? keys : [keys[i], ...keys.slice(0, i), ...keys.slice(i + 1)];
  }

  private v1aVerified(match: PublicKey): Verdict {
    this.lastV1aKey = match.thumbprint;
    return { ok: true, scheme: 'dynamic', signatureMethod: 'v1a Ed25519', matchedKey: keyName(match) };
  }

  /** Synchronous while the cached key set answers, like verifyV1a; misses go the asynchronous way. */
  verifyJwt(input: Omit<JwtInput, 'audience' | 'toleranceSeconds'>): Verdict | Promise<Verdict> {
    if (!this.keySet) return reject('dynamic', 'no_jwks_configured', 'dynamic (JWT) delivery but no JWKS URI is configured');
    const jwt: JwtInput = { ...input, audience: this.expectedAudience(), toleranceSeconds: this.options.clockToleranceSeconds ?? 60 };
    const cached = this.keySet.cached();
    if (cached) {
      const t = performance.now();
      const verdict = verifyJwt(jwt, cached.keys, this.keySet.source);
      if (verdict.ok || !isKeyMiss(verdict)) return withTimings(verdict, { keySetMs: 0, keySetFetched: false, verifyMs: round(performance.now() - t) });
    }
    const clock = new Stopwatch();
    return this.verifyJwtAsync(jwt, clock).then((verdict) => clock.stamp(verdict));
  }

  private async verifyJwtAsync(jwt: JwtInput, clock: Stopwatch): Promise<Verdict> {
    let last: Verdict | undefined;
    const found = await this.withKeys((keys) => {
      last = verifyJwt(jwt, keys, this.keySet!.source);
      // A verdict about the key (none matched the kid, none verified) may change with a fresh set.
      return last.ok || !isKeyMiss(last) ? last : undefined;
    }, clock);
    if (found instanceof KeySetError) return reject('dynamic', 'jwks_unavailable', found.message);
    if (found.match) return found.match;
    if (last && !last.ok && found.refetched) return { ...last, reason: `${last.reason} (even after refetching it)` };
    return last ?? reject('dynamic', 'bad_token_signature', 'token signature does not verify');
  }

  /** Runs `attempt` on the cached keys, and once more on a refetched set after a miss (cooldown permitting). */
  private async withKeys<T>(
    attempt: (keys: readonly PublicKey[]) => T | undefined | Promise<T | undefined>,
    clock: Stopwatch,
  ): Promise<{ match: T | undefined; snapshot: KeySetSnapshot; refetched: boolean } | KeySetError> {
    const keySet = this.keySet!;
    try {
      let snapshot = await clock.keys(keySet, () => keySet.current());
      let match = await clock.check(() => attempt(snapshot.keys));
      let refetched = false;
      if (match === undefined) {
        const fresh = await clock.keys(keySet, () => keySet.refreshAfterMiss());
        if (fresh) {
          snapshot = fresh;
          refetched = true;
          match = await clock.check(() => attempt(fresh.keys));
        }
      }
      return { match, snapshot, refetched };
    } catch (error) {
      return error instanceof KeySetError ? error : new KeySetError(`could not read the key set at ${keySet.source}: ${String(error)}`);
    }
  }

  private expectedAudience(): Audience | undefined {
    const option = this.options.audience;
    const audience = typeof option === 'function' ? option() : option;
    return audience === undefined || audience.length === 0 ? undefined : audience;
  }
}

function isKeyMiss(verdict: Verdict): boolean {
  return !verdict.ok && (verdict.code === 'unknown_kid' || verdict.code === 'bad_token_signature');
}

export function keyName(key: PublicKey): { kid?: string; thumbprint: string } {
  return key.kid !== undefined ? { kid: key.kid, thumbprint: key.thumbprint } : { thumbprint: key.thumbprint };
}

function skippedNote(snapshot: KeySetSnapshot): string {
  return snapshot.skipped.length > 0 ? ` (skipped ${snapshot.skipped.join(', ')})` : '';
}

/** The verdict with how long its key-set read and signature check took. */
function withTimings(verdict: Verdict, timings: VerifyTimings): Verdict {
  return { ...verdict, timings };
}

/** Two clock readings around the key-set read and around the signature check; nothing else. */
class Stopwatch {
  private keySetMs = 0;
  private verifyMs = 0;
  private fetched = false;
  private used = false;

  async keys<T>(keySet: KeySet, read: () => Promise<T>): Promise<T> {
    this.used = true;
    const t = performance.now();
    const fetches = keySet.fetches;
    try {
      return await read();
    } finally {
      this.keySetMs += performance.now() - t;
      // A fetch started while this delivery waited for the set (its own, or a concurrent miss's it shared).
      if (keySet.fetches !== fetches) this.fetched = true;
    }
  }

  async check<T>(run: () => T | Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await run();
    } finally {
      this.verifyMs += performance.now() - t;
    }
  }

  /** The verdict with its timings, once the key set was reached. */
  stamp(verdict: Verdict): Verdict {
    if (!this.used) return verdict;
    return withTimings(verdict, { keySetMs: round(this.keySetMs), keySetFetched: this.fetched, verifyMs: round(this.verifyMs) });
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
