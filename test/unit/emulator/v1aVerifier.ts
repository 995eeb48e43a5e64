/**
 * An independent verifier of `v1a` dynamic deliveries for the tests: node:crypto only, none of the
 * project's verifier code. Fetches the emulator's JWKS over HTTP and tries each OKP/Ed25519 key on
 * `${webhook-id}.${webhook-timestamp}.${raw body}`, as the Standard Webhooks spec defines `v1a`.
 */
import * as assert from 'node:assert/strict';
import { createPublicKey, JsonWebKey, verify } from 'node:crypto';
import { call, Received } from './helpers';

export interface PublishedKey extends JsonWebKey {
  kid?: string;
  use?: string;
  alg?: string;
}

export async function fetchJwks(emuUrl: string): Promise<PublishedKey[]> {
  const r = await call(emuUrl, 'GET', '/.well-known/jwks.json', { key: null });
  assert.equal(r.status, 200, r.text);
  return r.json.keys as PublishedKey[];
}

export const ed25519Keys = (keys: readonly PublishedKey[]) => keys.filter((k) => k.kty === 'OKP' && k.crv === 'Ed25519');

/** Verifies a delivery's `v1a` signature; answers the kid of the key that matched (throws when none does). */
export async function verifyV1a(emuUrl: string, r: Received): Promise<string | undefined> {
  const id = String(r.headers['webhook-id']);
  const ts = String(r.headers['webhook-timestamp']);
  const header = String(r.headers['webhook-signature']);
  const signatures = header
    .split(' ')
    .filter((entry) => entry.startsWith('v1a,'))
    .map((entry) => Buffer.from(entry.slice('v1a,'.length), 'base64'));
  assert.ok(signatures.length > 0, `a v1a entry in '${header}'`);
  const signed = Buffer.concat([Buffer.from(`${id}.${ts}.`), r.body]);
  const keys = ed25519Keys(await fetchJwks(emuUrl));
  assert.ok(keys.length >= 3, 'three Ed25519 keys published');
  for (const jwk of keys) {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    if (signatures.some((sig) => verify(null, signed, key, sig))) return jwk.kid;
  }
  throw new Error('no published Ed25519 key verifies the v1a signature');
}
