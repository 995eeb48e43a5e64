/**
 * `jwt` signing of dynamic deliveries, the form Google's webhook guide documents: an RS256 JWT in
 * `webhook-signature` with `kid` in its header, verified against the JWKS. The guide names no claim
 * but `aud`; the claims here (iss, aud, iat, exp, jti = webhook-id, body_sha256) are this project's
 * documented choice: see src/core/events/dynamicToken.ts.
 * One current RSA key (generated on first use); rotation adds a fresh current key and keeps the
 * previous one in the JWKS for a (scaled) grace period so in-flight tokens still verify.
 */
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { BODY_DIGEST_CLAIM, DYNAMIC_TOKEN_LIFETIME_SECONDS, bodyDigest } from '../events/dynamicToken';
import { Clock } from './clock';
import { DynamicDelivery, DynamicSigner, SIGNING_KEY_GRACE_MS } from './dynamicSigner';
import { randomToken } from './ids';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  /** Epoch ms after which the key leaves the JWKS; undefined = current. */
  retireAt?: number;
}

export interface JwtSignerOptions {
  /** `aud` of every token; default: the delivery's target URI. */
  readonly audience?: string;
}

export class JwtSigner implements DynamicSigner {
  readonly mode = 'jwt' as const;
  private keys: SigningKey[] = [];
  /** The first key is generated on first use (JWKS, a token, a rotation): starting stays instant. */
  private firstKey: Promise<void> | undefined;
  /** `iss` of every token: the emulator's base URL, set once it listens. */
  issuer = '';

  constructor(
    private readonly clock: Clock,
    private readonly options: JwtSignerOptions = {},
  ) {}

  private ready(): Promise<void> {
    this.firstKey ??= newKey().then((key) => {
      this.keys.unshift(key);
    });
    return this.firstKey;
  }

  /** A fresh current key; the previous ones stay published for the grace period. */
  async rotate(): Promise<string> {
    await this.ready();
    const fresh = await newKey();
    const until = this.clock.now() + this.clock.scaled(SIGNING_KEY_GRACE_MS);
    for (const key of this.keys) key.retireAt = key.retireAt === undefined ? until : Math.min(key.retireAt, until);
    this.keys.push(fresh);
    return fresh.kid;
  }

  async publicKeys(): Promise<JWK[]> {
    await this.ready();
    const now = this.clock.now();
    this.keys = this.keys.filter((k) => k.retireAt === undefined || k.retireAt > now);
    return this.keys.map((k) => k.publicJwk);
  }

  async signatureHeader(d: DynamicDelivery): Promise<string> {
    return this.sign(this.options.audience ?? d.url, d.msgId, d.body);
  }

  async sign(audience: string, webhookId: string, body: Uint8Array): Promise<string> {
    await this.ready();
    const key = this.keys[this.keys.length - 1];
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT({ [BODY_DIGEST_CLAIM]: bodyDigest(body) })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + DYNAMIC_TOKEN_LIFETIME_SECONDS)
      .setJti(webhookId)
      .sign(key.privateKey);
  }
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const kid = `emu-${randomToken(16)}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}
