/**
 * The public keys dynamic deliveries are checked against: a JWK Set fetched from a URL (Google's is
 * https://generativelanguage.googleapis.com/.well-known/jwks.json), cached, and refetched when a
 * signature matches no cached key — at most once per cooldown, so forgeries cannot make us hammer it.
 *
 * Both dynamic forms read the same set: `v1a` (Ed25519, OKP keys) and JWTs (RS256 / ES256 / EdDSA).
 * Keys are imported once (node:crypto KeyObjects) and named by their kid or RFC 7638 thumbprint.
 * A key that cannot be imported, or an OKP key of another curve, is skipped and counted, never fatal.
 */
import { createHash, createPublicKey, KeyObject } from 'node:crypto';
import { undici } from '../util/undici';
import { safeUrl } from '../util/redact';
import { MatchedKey } from './verdict';

/** The JWS algorithm a key type pins (the token's `alg` must equal it). */
export type KeyAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

export interface PublicKey extends MatchedKey {
  readonly algorithm: KeyAlgorithm;
  readonly key: KeyObject;
}

export interface KeySetSnapshot {
  readonly keys: readonly PublicKey[];
  /** Keys in the set we cannot use, in words ("1 OKP key of curve X25519"). */
  readonly skipped: readonly string[];
  readonly fetchedAt: number;
}

export interface KeySetOptions {
  readonly uri: string;
  /** Minimum time between two fetches caused by a miss (default 30 s). */
  readonly cooldownMs?: number;
  /** How long a fetched set is used before it is refetched (default 10 min). */
  readonly cacheMaxAgeMs?: number;
  /** One deadline for a whole fetch (default 5 s). */
  readonly timeoutMs?: number;
}

/** A fetch or parse failure, in words a person can act on. */
export class KeySetError extends Error {}

const MAX_KEY_SET_BYTES = 1024 * 1024;

const NETWORK_WORDS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'its host name does not resolve (offline, or a typo in the JWKS URI?)',
  EAI_AGAIN: 'its host name could not be resolved just now (offline?)',
  ECONNREFUSED: 'nothing listens there (is the emulator running?)',
  ECONNRESET: 'the connection was reset',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
};

export class KeySet {
  private snapshot: KeySetSnapshot | undefined;
  private inFlight: Promise<KeySetSnapshot> | undefined;
  private lastFetchAt = -Infinity;
  /** Fetches started so far (a verifier tells a fetched set from a cached one by it). */
  fetches = 0;

  constructor(private readonly options: KeySetOptions) {
    this.source = safeUrl(options.uri);
  }

  /** Where the keys come from, credentials masked: for reasons and logs. */
  readonly source: string;

  /**
   * The cached set, fetched when missing or older than the cache age. When a refetch fails, the old set
   * is kept (stale beats nothing) and not refetched again within the cooldown.
   */
  async current(): Promise<KeySetSnapshot> {
    const cached = this.cached();
    if (cached) return cached;
    const stale = this.snapshot;
    try {
      return await this.fetch();
    } catch (error) {
      if (stale) return stale;
      throw error;
    }
  }

  /** The cached set when current() would answer with it without fetching (fresh, or in the cooldown); else undefined. */
  cached(): KeySetSnapshot | undefined {
    const cached = this.snapshot;
    return cached && (Date.now() - cached.fetchedAt < (this.options.cacheMaxAgeMs ?? 600_000) || this.inCooldown()) ? cached : undefined;
  }

  /**
   * After a miss: a fresh set when the cooldown allows one and the fetch works, otherwise undefined (the
   * caller keeps its verdict on the keys it had). Concurrent misses share one fetch.
   */
  async refreshAfterMiss(): Promise<KeySetSnapshot | undefined> {
    if (!this.inFlight && this.inCooldown()) return undefined;
    return this.fetch().catch(() => undefined);
  }

  private inCooldown(): boolean {
    return Date.now() - this.lastFetchAt < (this.options.cooldownMs ?? 30_000);
  }

  private fetch(): Promise<KeySetSnapshot> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async load(): Promise<KeySetSnapshot> {
    this.lastFetchAt = Date.now();
    this.fetches++;
    const text = await download(this.options.uri, this.options.timeoutMs ?? 5_000, this.source);
    const snapshot = parseKeySet(text, this.source);
    this.snapshot = snapshot;
    return snapshot;
  }
}

async function download(uri: string, timeoutMs: number, source: string): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await undici().request(uri, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    if (res.statusCode !== 200) {
      await res.body.dump().catch(() => undefined);
      throw new KeySetError(`could not read the key set at ${source}: HTTP ${res.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_KEY_SET_BYTES) {
        res.body.destroy();
        throw new KeySetError(`the key set at ${source} is larger than ${MAX_KEY_SET_BYTES / 1024} KB`);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof KeySetError) throw error;
    if (signal.aborted) throw new KeySetError(`could not read the key set at ${source}: no answer within ${timeoutMs} ms`);
    const e = error as { code?: string; message?: string };
    const code = e.code ?? '';
    const words = NETWORK_WORDS[code];
    throw new KeySetError(`could not read the key set at ${source}: ${words ? `${words} (${code})` : (e.code ?? e.message ?? String(error))}`);
  }
}

/** A JWK Set's text → the keys we can verify with (exported for tests and for captured-delivery checks). */
export function parseKeySet(text: string, source: string): KeySetSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeySetError(`the key set at ${source} is not JSON`);
  }
  const list = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new KeySetError(`the key set at ${source} is not a JWK Set (no "keys" array)`);
  const keys: PublicKey[] = [];
  const skipped: string[] = [];
  for (const jwk of list.slice(0, 100)) {
    const key = importKey(jwk);
    if (typeof key === 'string') skipped.push(key);
    else keys.push(key);
  }
  return { keys, skipped, fetchedAt: Date.now() };
}

function importKey(jwk: unknown): PublicKey | string {
  if (typeof jwk !== 'object' || jwk === null) return 'an entry that is not a JWK';
  const j = jwk as Record<string, unknown>;
  const kid = typeof j.kid === 'string' && j.kid !== '' ? j.kid : undefined;
  const named = kid ? ` (kid ${kid.slice(0, 64)})` : '';
  if (j.use !== undefined && j.use !== 'sig') return `a key for ${String(j.use).slice(0, 16)}, not signatures${named}`;
  let algorithm: KeyAlgorithm;
  if (j.kty === 'OKP') {
    if (j.crv !== 'Ed25519') return `an OKP key of curve ${String(j.crv).slice(0, 16)}${named} (only Ed25519 signs deliveries)`;
    algorithm = 'EdDSA';
  } else if (j.kty === 'RSA') algorithm = 'RS256';
  else if (j.kty === 'EC') {
    if (j.crv !== 'P-256') return `an EC key of curve ${String(j.crv).slice(0, 16)}${named}`;
    algorithm = 'ES256';
  } else return `a key of type ${String(j.kty).slice(0, 16)}${named}`;
  let key: KeyObject;
  try {
    // Only the public members: a private `d` in a published set is ignored, never used.
    key = createPublicKey({ key: publicMembers(j), format: 'jwk' });
  } catch {
    return `a ${String(j.kty)} key that does not import${named}`;
  }
  return { ...(kid ? { kid } : {}), thumbprint: thumbprint(j), algorithm, key };
}

const REQUIRED: Record<string, readonly string[]> = { OKP: ['crv', 'kty', 'x'], RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'] };

function publicMembers(j: Record<string, unknown>): { kty: string; [member: string]: string } {
  const out: Record<string, string> = {};
  for (const name of REQUIRED[j.kty as string]) out[name] = String(j[name] ?? '');
  return out as { kty: string };
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, base64url. */
export function thumbprint(j: Record<string, unknown>): string {
  const members = REQUIRED[j.kty as string];
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(String(j[m] ?? ''))}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}
