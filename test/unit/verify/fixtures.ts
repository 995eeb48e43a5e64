/** Test builders: signed static deliveries (standardwebhooks), JWT deliveries (jose) and a local JWKS server. */
import { generateKeyPairSync, KeyObject, randomBytes, randomUUID, sign as cryptoSign } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { Webhook } from 'standardwebhooks';
import { bodyDigest } from '../../../src/core/events/dynamicToken';

/** The `aud` test tokens carry unless told otherwise; receivers under test expect it explicitly. */
export const TEST_AUDIENCE = 'http://receiver.test/webhooks';

export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function envelopeBody(type = 'batch.succeeded', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type, version: 'v1', timestamp: new Date().toISOString(), data: { id: `batch_${randomUUID()}` }, ...extra });
}

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/** A static delivery signed by every given secret (one `v1,` entry each), the way the API signs during rotation. */
export function signedStatic(secrets: readonly string[], body = envelopeBody(), nowMs = Date.now(), id = `msg_${randomUUID()}`): SignedDelivery {
  const ts = new Date(nowMs);
  const signature = secrets.map((s) => new Webhook(s).sign(id, ts, body)).join(' ');
  return {
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(nowMs / 1000)), 'webhook-signature': signature },
    body,
  };
}

export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function newKey(kid = `k_${randomUUID().slice(0, 8)}`, alg: 'RS256' | 'ES256' = 'RS256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, privateKey, publicJwk };
}

export interface JwtOptions {
  audience?: string;
  iatSeconds?: number;
  expSeconds?: number;
  jti?: string;
  digest?: string | null;
  alg?: 'RS256' | 'ES256';
}

export async function signedDynamic(
  key: TestKey,
  body = envelopeBody(),
  nowMs = Date.now(),
  id = `msg_${randomUUID()}`,
  opts: JwtOptions = {},
): Promise<SignedDelivery> {
  const iat = opts.iatSeconds ?? Math.floor(nowMs / 1000);
  const claims: Record<string, unknown> = {};
  if (opts.digest !== null) claims.body_sha256 = opts.digest ?? bodyDigest(body);
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer('http://emulator.test')
    .setAudience(opts.audience ?? TEST_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(opts.expSeconds ?? iat + 300)
    .setJti(opts.jti ?? id)
    .sign(key.privateKey);
  return {
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(nowMs / 1000)), 'webhook-signature': token },
    body,
  };
}

/** A JWKS endpoint on 127.0.0.1 serving `keys`; counts fetches. */
export class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  /** Answer with this text instead of the keys (e.g. not JSON); `'hang'` never answers. */
  raw: string | undefined;
  private server: Server | undefined;
  uri = '';

  async start(): Promise<this> {
    this.server = createServer((_req, res) => {
      this.fetches++;
      if (this.raw === 'hang') return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(this.raw ?? JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.uri = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface Ed25519TestKey {
  privateKey: KeyObject;
  publicJwk: JWK;
}

/** An Ed25519 key pair (node:crypto), its public half as the OKP JWK a key set publishes (kid optional). */
export function newEd25519Key(kid?: string): Ed25519TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicJwk: JWK = { ...(publicKey.export({ format: 'jwk' }) as JWK), use: 'sig', alg: 'EdDSA', ...(kid ? { kid } : {}) };
  return { privateKey, publicJwk };
}

/** A dynamic delivery as live ones arrive: `webhook-signature: v1a,<base64 Ed25519>` over id.timestamp.body. */
export function signedV1a(keys: readonly Ed25519TestKey[], body = envelopeBody(), nowMs = Date.now(), id = `msg_${randomUUID()}`): SignedDelivery {
  const ts = String(Math.floor(nowMs / 1000));
  const content = Buffer.from(`${id}.${ts}.${body}`);
  const signature = keys.map((k) => `v1a,${cryptoSign(null, content, k.privateKey).toString('base64')}`).join(' ');
  return { headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature }, body };
}
