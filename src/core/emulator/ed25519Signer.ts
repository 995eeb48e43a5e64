/**
 * `v1a` signing of dynamic deliveries (Standard Webhooks asymmetric), the form live deliveries carry:
 * `webhook-signature: v1a,<base64 Ed25519 signature of "${webhook-id}.${webhook-timestamp}.${raw body}">`.
 * The signature names no key, so a verifier tries each key of the JWKS. Like Google's key set, the
 * JWKS always holds (at least) three OKP/Ed25519 keys `{kty, crv, x, kid, use: 'sig', alg: 'EdDSA'}`.
 * The newest key signs. Rotation adds a fresh key (it signs from then on) and retires the oldest
 * still-current key after the (scaled) grace period, so three current keys always remain.
 * Keys are generated on first use (node:crypto, no dependency) and live in memory only.
 */
import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import type { JWK } from 'jose';
import { Clock } from './clock';
import { DynamicDelivery, DynamicSigner, SIGNING_KEY_GRACE_MS } from './dynamicSigner';
import { randomToken } from './ids';

/** Keys published at any time, not counting those inside their grace period. */
export const ED25519_KEY_COUNT = 3;

interface Ed25519Key {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: JWK;
  /** Epoch ms after which the key leaves the JWKS; undefined = current. */
  retireAt?: number;
}

export class Ed25519Signer implements DynamicSigner {
  readonly mode = 'v1a' as const;
  /** Oldest first; the last one signs. Empty until first use. */
  private keys: Ed25519Key[] = [];

  constructor(private readonly clock: Clock) {}

  private ready(): Ed25519Key[] {
    if (this.keys.length === 0) for (let i = 0; i < ED25519_KEY_COUNT; i++) this.keys.push(newKey());
    const now = this.clock.now();
    this.keys = this.keys.filter((k) => k.retireAt === undefined || k.retireAt > now);
    return this.keys;
  }

  async signatureHeader(d: DynamicDelivery): Promise<string> {
    const keys = this.ready();
    const key = keys[keys.length - 1];
    const signed = Buffer.concat([Buffer.from(`${d.msgId}.${d.timestamp}.`), d.body]);
    return `v1a,${sign(null, signed, key.privateKey).toString('base64')}`;
  }

  async publicKeys(): Promise<JWK[]> {
    return this.ready().map((k) => k.publicJwk);
  }

  async rotate(): Promise<string> {
    const keys = this.ready();
    const oldest = keys.find((k) => k.retireAt === undefined);
    if (oldest) oldest.retireAt = this.clock.now() + this.clock.scaled(SIGNING_KEY_GRACE_MS);
    const fresh = newKey();
    keys.push(fresh);
    return fresh.kid;
  }
}

function newKey(): Ed25519Key {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = `emu-ed-${randomToken(12)}`;
  const exported = publicKey.export({ format: 'jwk' });
  const publicJwk: JWK = { kty: exported.kty, crv: exported.crv, x: exported.x, kid, use: 'sig', alg: 'EdDSA' };
  return { kid, privateKey, publicJwk };
}
