import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { Webhook } from 'standardwebhooks';
import { DeliveryVerifier, DeliveryVerifierOptions } from '../../../src/core/verify/deliveryVerifier';
import { SecretCandidate } from '../../../src/core/verify/secretCandidates';
import { signStatic } from '../../../src/core/verify/staticVerifier';
import { Verdict } from '../../../src/core/verify/verdict';
import { envelopeBody, JwksServer, newKey, newSecret, signedDynamic, signedStatic, SignedDelivery, TestKey } from './fixtures';

const NOW = Date.parse('2026-01-22T12:00:00Z');

function verifier(secrets: readonly SecretCandidate[], extra: Partial<DeliveryVerifierOptions> = {}): DeliveryVerifier {
  return new DeliveryVerifier({ secrets: () => secrets, now: () => NOW, ...extra });
}

async function check(v: DeliveryVerifier, d: SignedDelivery): Promise<Verdict> {
  return v.verify({ headers: d.headers, rawBody: Buffer.from(d.body) });
}

function rejected(verdict: Verdict, code: string, reason: RegExp, status = 401): void {
  assert.equal(verdict.ok, false, 'expected a rejection');
  if (verdict.ok) return;
  assert.equal(verdict.code, code);
  assert.match(verdict.reason, reason);
  assert.equal(verdict.httpStatus, status);
  assert.doesNotMatch(verdict.reason, /whsec_/);
}

describe('static verification (Standard Webhooks)', () => {
  const secret = newSecret();
  const candidates: SecretCandidate[] = [{ secret, webhookId: 'wh_1', label: 'wh_1 (current)' }];

  it('verifies a delivery signed by the standardwebhooks package and records the matching secret', async () => {
    const verdict = await check(verifier(candidates), signedStatic([secret], undefined, NOW));
    assert.deepEqual(verdict, { ok: true, scheme: 'static', signatureMethod: 'v1 HMAC', matched: { label: 'wh_1 (current)', webhookId: 'wh_1' } });
  });

  it('produces signatures the standardwebhooks package accepts', () => {
    const body = envelopeBody();
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const headers = { 'webhook-id': 'msg_x', 'webhook-timestamp': String(ts), 'webhook-signature': signStatic(secret, 'msg_x', ts, Buffer.from(body)) };
    assert.doesNotThrow(() => new Webhook(secret).verify(body, headers));
  });

  it('tries several secrets at once and names the one that matched', async () => {
    const other = newSecret();
    const hand = newSecret();
    const many: SecretCandidate[] = [
      ...candidates,
      { secret: other, webhookId: 'wh_2', label: 'wh_2 (current)' },
      { secret: hand, label: 'mine (added by hand)' },
    ];
    const verdict = await check(verifier(many), signedStatic([hand], undefined, NOW));
    assert.ok(verdict.ok);
    assert.deepEqual(verdict.matched, { label: 'mine (added by hand)' });
    const second = await check(verifier(many), signedStatic([other], undefined, NOW));
    assert.ok(second.ok);
    assert.equal(second.matched?.webhookId, 'wh_2');
  });

  it('accepts when any of several v1 entries matches (rotation sends one per active secret)', async () => {
    const unknown = newSecret();
    const verdict = await check(verifier(candidates), signedStatic([unknown, secret], undefined, NOW));
    assert.ok(verdict.ok);
    assert.equal(verdict.matched?.label, 'wh_1 (current)');
  });

  it('keeps a previous secret during its grace window and drops it after notAfter', async () => {
    const previous = newSecret();
    const rotated: SecretCandidate[] = [
      { secret: newSecret(), webhookId: 'wh_1', label: 'wh_1 (current)' },
      { secret: previous, webhookId: 'wh_1', label: 'wh_1 (previous)', notAfter: NOW + 60_000 },
    ];
    const during = await check(verifier(rotated), signedStatic([previous], undefined, NOW));
    assert.ok(during.ok);
    assert.equal(during.matched?.label, 'wh_1 (previous)');
    const later = NOW + 120_000;
    const after = await check(verifier(rotated, { now: () => later }), signedStatic([previous], undefined, later));
    rejected(after, 'no_secret_matched', /no secret matched \(tried 1 signing secret\)/);
  });

  it('refuses a body that is not valid UTF-8 with a clear reason, even when its raw bytes were signed', async () => {
    const raw = Buffer.concat([Buffer.from('{"type":"x","data":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const ts = Math.floor(NOW / 1000);
    const sig = `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update(`msg_raw.${ts}.`)
      .update(raw)
      .digest('base64')}`;
    const verdict = await verifier(candidates).verify({
      headers: { 'webhook-id': 'msg_raw', 'webhook-timestamp': String(ts), 'webhook-signature': sig },
      rawBody: raw,
    });
    rejected(verdict, 'not_json', /not valid UTF-8/, 400);
  });

  it('verifies the signature computed over the exact bytes received (multi-byte UTF-8 included)', async () => {
    const raw = Buffer.from('{"type":"batch.succeeded","data":{"note":"caf\u00e9 \u2713 \ud83d\ude80"}}\n');
    const ts = Math.floor(NOW / 1000);
    const sig = `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update(`msg_utf8.${ts}.`)
      .update(raw)
      .digest('base64')}`;
    const verdict = await verifier(candidates).verify({
      headers: { 'webhook-id': 'msg_utf8', 'webhook-timestamp': String(ts), 'webhook-signature': sig },
      rawBody: raw,
    });
    assert.ok(verdict.ok);
  });

  it('rejects a timestamp that is not canonical integer seconds (leading zeros)', async () => {
    const d = signedStatic([secret], undefined, NOW);
    d.headers['webhook-timestamp'] = '0' + d.headers['webhook-timestamp'];
    rejected(await check(verifier(candidates), d), 'malformed_header', /malformed webhook-timestamp/, 400);
  });

  it('rejects a missing webhook-id header', async () => {
    const d = signedStatic([secret], undefined, NOW);
    delete d.headers['webhook-id'];
    rejected(await check(verifier(candidates), d), 'missing_header', /missing header: webhook-id/, 400);
  });

  it('rejects a missing webhook-signature header', async () => {
    const d = signedStatic([secret], undefined, NOW);
    delete d.headers['webhook-signature'];
    rejected(await check(verifier(candidates), d), 'missing_header', /missing header: webhook-signature/, 400);
  });

  it('rejects a missing webhook-timestamp header', async () => {
    const d = signedStatic([secret], undefined, NOW);
    delete d.headers['webhook-timestamp'];
    rejected(await check(verifier(candidates), d), 'missing_header', /missing header: webhook-timestamp/, 400);
  });

  it('rejects a malformed webhook-timestamp header', async () => {
    const d = signedStatic([secret], undefined, NOW);
    d.headers['webhook-timestamp'] = '2026-01-22T12:00:00Z';
    rejected(await check(verifier(candidates), d), 'malformed_header', /malformed webhook-timestamp/, 400);
  });

  it('rejects a malformed signature header', async () => {
    const d = signedStatic([secret], undefined, NOW);
    d.headers['webhook-signature'] = 'v1;abc v2,zzz';
    rejected(await check(verifier(candidates), d), 'malformed_signature', /malformed signature header/);
  });

  it('rejects a timestamp too old', async () => {
    const d = signedStatic([secret], undefined, NOW - 301_000);
    rejected(await check(verifier(candidates), d), 'timestamp_too_old', /timestamp too old \(301 s ago, tolerance 300 s\)/);
  });

  it('rejects a timestamp too new', async () => {
    const d = signedStatic([secret], undefined, NOW + 301_000);
    rejected(await check(verifier(candidates), d), 'timestamp_too_new', /timestamp too new/);
  });

  it('honours a configured tolerance', async () => {
    const d = signedStatic([secret], undefined, NOW - 20_000);
    rejected(await check(verifier(candidates, { toleranceSeconds: 10 }), d), 'timestamp_too_old', /tolerance 10 s/);
    assert.ok((await check(verifier(candidates, { toleranceSeconds: 30 }), d)).ok);
  });

  it('rejects when no signing secrets are configured', async () => {
    rejected(await check(verifier([]), signedStatic([secret], undefined, NOW)), 'no_secrets_configured', /no signing secrets configured/);
  });

  it('rejects when no secret matches (signature by an unknown secret)', async () => {
    rejected(await check(verifier(candidates), signedStatic([newSecret()], undefined, NOW)), 'no_secret_matched', /no secret matched/);
  });

  it('rejects a body changed after signing', async () => {
    const d = signedStatic([secret], undefined, NOW);
    d.body = d.body.replace('batch.succeeded', 'batch.failed');
    rejected(await check(verifier(candidates), d), 'no_secret_matched', /no secret matched/);
  });
});

describe('dynamic verification (JWT + JWKS)', function () {
  this.timeout(20_000);
  let jwks: JwksServer;
  let key: TestKey;

  before(async () => {
    key = await newKey('kid-1');
    jwks = await new JwksServer().start();
    jwks.keys = [key.publicJwk];
  });
  after(() => jwks.close());

  const dyn = (extra: Partial<DeliveryVerifierOptions> = {}) => verifier([], { jwksUri: jwks.uri, cooldownMs: 0, ...extra });

  it('verifies a token and summarises its claims', async () => {
    const d = await signedDynamic(key, undefined, NOW);
    const verdict = await check(dyn({ audience: 'http://receiver.test/webhooks' }), d);
    assert.ok(verdict.ok, JSON.stringify(verdict));
    assert.equal(verdict.scheme, 'dynamic');
    assert.equal(verdict.token?.kid, 'kid-1');
    assert.equal(verdict.token?.jti, d.headers['webhook-id']);
    assert.equal(verdict.token?.bodyBound, true);
    assert.equal(verdict.token?.iss, 'http://emulator.test');
  });

  it('verifies a token without a body digest (nothing to bind)', async () => {
    const verdict = await check(dyn(), await signedDynamic(key, undefined, NOW, undefined, { digest: null }));
    assert.ok(verdict.ok);
    assert.equal(verdict.token?.bodyBound, false);
  });

  it('accepts ES256 tokens too', async () => {
    const ec = await newKey('kid-ec', 'ES256');
    jwks.keys = [key.publicJwk, ec.publicJwk];
    try {
      assert.ok((await check(dyn(), await signedDynamic(ec, undefined, NOW, undefined, { alg: 'ES256' }))).ok);
    } finally {
      jwks.keys = [key.publicJwk];
    }
  });

  it('refetches the key set on an unknown kid (key rotation) and then verifies', async () => {
    const v = dyn({ cooldownMs: 0 });
    assert.ok((await check(v, await signedDynamic(key, undefined, NOW))).ok);
    const fetched = jwks.fetches;
    const rotatedKey = await newKey('kid-2');
    jwks.keys = [rotatedKey.publicJwk];
    try {
      const verdict = await check(v, await signedDynamic(rotatedKey, undefined, NOW));
      assert.ok(verdict.ok, JSON.stringify(verdict));
      assert.equal(jwks.fetches, fetched + 1);
    } finally {
      jwks.keys = [key.publicJwk];
    }
  });

  it('rejects an unknown kid (not in the set even after refetching)', async () => {
    const stranger = await newKey('kid-stranger');
    const before = jwks.fetches;
    const verdict = await check(dyn(), await signedDynamic(stranger, undefined, NOW));
    rejected(verdict, 'unknown_kid', /unknown kid "kid-stranger".*even after refetching/);
    assert.ok(jwks.fetches > before);
  });

  it('rejects a token whose signature does not verify (right kid, wrong key)', async () => {
    const impostor = await newKey('kid-1');
    rejected(await check(dyn(), await signedDynamic(impostor, undefined, NOW)), 'bad_token_signature', /token signature does not verify/);
  });

  it('rejects the wrong audience', async () => {
    const d = await signedDynamic(key, undefined, NOW, undefined, { audience: 'https://elsewhere.example/hook' });
    rejected(
      await check(dyn({ audience: 'http://receiver.test/webhooks' }), d),
      'wrong_audience',
      /wrong audience: expected "http:\/\/receiver.test\/webhooks"/,
    );
  });

  it('rejects an expired token', async () => {
    const iat = Math.floor(NOW / 1000) - 200;
    const d = await signedDynamic(key, undefined, NOW, undefined, { iatSeconds: iat, expSeconds: iat + 100 });
    rejected(await check(dyn(), d), 'token_expired', /token expired/);
  });

  it('rejects a token issued in the future', async () => {
    const iat = Math.floor(NOW / 1000) + 250;
    const d = await signedDynamic(key, undefined, NOW, undefined, { iatSeconds: iat });
    rejected(await check(dyn(), d), 'token_not_yet_valid', /token not yet valid/);
  });

  it('rejects a body that does not match the token', async () => {
    const d = await signedDynamic(key, undefined, NOW);
    d.body = d.body.replace('batch.succeeded', 'batch.failed');
    rejected(await check(dyn(), d), 'body_mismatch', /body does not match token/);
  });

  it('rejects a token whose jti is not the webhook-id', async () => {
    const d = await signedDynamic(key, undefined, NOW, 'msg_header', { jti: 'msg_other' });
    rejected(await check(dyn(), d), 'id_mismatch', /jti does not match the webhook-id/);
  });

  it('rejects a disallowed algorithm (HS256)', async () => {
    const token = await new SignJWT({ jti: 'msg_h' })
      .setProtectedHeader({ alg: 'HS256', kid: 'kid-1' })
      .setIssuedAt(Math.floor(NOW / 1000))
      .setExpirationTime(Math.floor(NOW / 1000) + 60)
      .sign(new Uint8Array(32));
    const d = { headers: { 'webhook-id': 'msg_h', 'webhook-timestamp': String(Math.floor(NOW / 1000)), 'webhook-signature': token }, body: '{}' };
    rejected(await check(dyn(), d), 'algorithm_not_allowed', /algorithm HS256 not allowed/);
  });

  it('rejects a token-shaped header that is not a JWT', async () => {
    const d = { headers: { 'webhook-id': 'm', 'webhook-timestamp': String(Math.floor(NOW / 1000)), 'webhook-signature': 'abc.def.ghi' }, body: '{}' };
    rejected(await check(dyn(), d), 'malformed_signature', /malformed signature header/);
  });

  it('rejects a JWT delivery when no JWKS URI is configured', async () => {
    rejected(await check(verifier([]), await signedDynamic(key, undefined, NOW)), 'no_jwks_configured', /no JWKS URI is configured/);
  });

  it('answers 503 when the key set cannot be read', async () => {
    const d = await signedDynamic(key, undefined, NOW);
    rejected(await check(dyn({ jwksUri: 'http://127.0.0.1:1/.well-known/jwks.json' }), d), 'jwks_unavailable', /could not read the key set/, 503);
  });

  it('checks the webhook-timestamp of a dynamic delivery too', async () => {
    const d = await signedDynamic(key, undefined, NOW);
    d.headers['webhook-timestamp'] = String(Math.floor(NOW / 1000) - 1000);
    rejected(await check(dyn(), d), 'timestamp_too_old', /timestamp too old/);
  });
});
