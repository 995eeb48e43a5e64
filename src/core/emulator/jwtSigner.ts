/**
 * RS256 signing keys for dynamic deliveries, published as a JWKS. Rotation keeps the previous key
 * in the JWKS for a (scaled) grace period so in-flight tokens still verify.
 * Claims: see src/core/events/dynamicToken.ts (iss, aud, iat, exp, jti = webhook-id, body_sha256).
 */
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { BODY_DIGEST_CLAIM, DYNAMIC_TOKEN_LIFETIME_SECONDS, bodyDigest } from '../events/dynamicToken';
import { Clock } from './clock';
import { randomToken } from './ids';

export const JWT_KEY_GRACE_MS = 24 * 60 * 60 * 1000;

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  /** Epoch ms after which the key leaves the JWKS; undefined = current. */
  retireAt?: number;
}

export class JwtSigner {
  private keys: SigningKey[] = [];
  /** The first key is generated on first use (JWKS, a token, a rotation): starting stays instant. */
  private firstKey: Promise<void> | undefined;
  issuer = '';

  constructor(private readonly clock: Clock) {}

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
    const until = this.clock.now() + this.clock.scaled(JWT_KEY_GRACE_MS);
    for (const key of this.keys) key.retireAt = key.retireAt === undefined ? until : Math.min(key.retireAt, until);
    this.keys.push(fresh);
    return fresh.kid;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    await this.ready();
    const now = this.clock.now();
    this.keys = this.keys.filter((k) => k.retireAt === undefined || k.retireAt > now);
    return { keys: this.keys.map((k) => k.publicJwk) };
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
