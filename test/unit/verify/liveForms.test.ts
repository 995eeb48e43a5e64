/**
 * The dynamic forms as they really arrive: `v1a` Ed25519 (live deliveries, python-genai issue 2927) and
 * JWTs as the guide documents them (no jti, iat or body digest demanded). Real HTTP key sets on loopback.
 */
import * as assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { DeliveryVerifier, DeliveryVerifierOptions } from '../../../src/core/verify/deliveryVerifier';
import { SecretCandidate } from '../../../src/core/verify/secretCandidates';
import { thumbprint } from '../../../src/core/verify/keySet';
import { BODY_UNBOUND_NOTE, Verdict } from '../../../src/core/verify/verdict';
import { Ed25519TestKey, envelopeBody, JwksServer, newEd25519Key, newKey, newSecret, signedStatic, signedV1a, SignedDelivery, TestKey } from './fixtures';

const NOW = Date.parse('2026-09-01T12:00:00Z');

async function check(v: DeliveryVerifier, d: SignedDelivery): Promise<Verdict> {
  return v.verify({ headers: d.headers, rawBody: Buffer.from(d.body) });
}

function rejected(verdict: Verdict, code: string, reason: RegExp): void {
  assert.equal(verdict.ok, false, `expected a rejection, got ${JSON.stringify(verdict)}`);
  if (verdict.ok) return;
  assert.equal(verdict.code, code, verdict.reason);
  assert.match(verdict.reason, reason);
}

describe('v1a Ed25519 deliveries (the live form)', function () {
  this.timeout(20_000);
  let jwks: JwksServer;
  let keys: Ed25519TestKey[];

  beforeEach(async () => {
    // As Google's key set: three OKP/Ed25519 keys; the signature names none of them.
    keys = [newEd25519Key(), newEd25519Key(), newEd25519Key()];
    jwks = await new JwksServer().start();
    jwks.keys = keys.map((k) => k.publicJwk);
  });
  afterEach(() => jwks.close());

  const verifier = (extra: Partial<DeliveryVerifierOptions> = {}, secrets: SecretCandidate[] = []) =>
    new DeliveryVerifier({ secrets: () => secrets, now: () => NOW, jwksUri: jwks.uri, cooldownMs: 0, ...extra });

  it('verifies a delivery signed by each of the three keys and names the key by its thumbprint', async () => {
    const v = verifier();
    for (const key of keys) {
      const verdict = await check(v, signedV1a([key], undefined, NOW));
      assert.ok(verdict.ok, JSON.stringify(verdict));
      assert.equal(verdict.scheme, 'dynamic');
      assert.equal(verdict.signatureMethod, 'v1a Ed25519');
      assert.deepEqual(verdict.matchedKey, { thumbprint: thumbprint(key.publicJwk as Record<string, unknown>) });
    }
    assert.equal(jwks.fetches, 1, 'the key set is fetched once and cached');
  });

  it('splits the time into the key-set read (a fetch the first time, the cache after) and the signature check', async () => {
    const v = verifier();
    const first = await check(v, signedV1a([keys[0]], undefined, NOW));
    const second = await check(v, signedV1a([keys[1]], undefined, NOW));
    assert.ok(first.ok && second.ok);
    assert.equal(first.timings?.keySetFetched, true);
    assert.equal(second.timings?.keySetFetched, false);
    for (const t of [first.timings, second.timings]) {
      assert.ok(t && t.keySetMs >= 0 && t.verifyMs > 0, JSON.stringify(t));
    }
    assert.ok(first.timings!.keySetMs > second.timings!.keySetMs, 'a fetch takes longer than the cache');
    const forged = await check(v, signedV1a([newEd25519Key()], undefined, NOW));
    assert.ok(!forged.ok && forged.timings, 'a rejection that reached the key set is timed too');
  });

  it('names the key by its kid when the set gives one', async () => {
    const named = newEd25519Key('ed-2026');
    jwks.keys = [named.publicJwk];
    const verdict = await check(verifier(), signedV1a([named], undefined, NOW));
    assert.ok(verdict.ok);
    assert.equal(verdict.matchedKey?.kid, 'ed-2026');
  });

  it('matches the thumbprint RFC 7638 gives for a known key', () => {
    // RFC 8037 appendix A.3: the Ed25519 example key's thumbprint.
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
    assert.equal(thumbprint(jwk), 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('refetches the set when a key rotated in, and verifies', async () => {
    const v = verifier();
    assert.ok((await check(v, signedV1a([keys[0]], undefined, NOW))).ok);
    const fresh = newEd25519Key();
    jwks.keys = [keys[1].publicJwk, keys[2].publicJwk, fresh.publicJwk];
    const verdict = await check(v, signedV1a([fresh], undefined, NOW));
    assert.ok(verdict.ok, JSON.stringify(verdict));
    assert.equal(jwks.fetches, 2);
  });

  it('rejects a signature by a key not in the set, refetching at most once per cooldown', async () => {
    const v = verifier({ cooldownMs: 60_000 });
    const foreign = newEd25519Key();
    const first = await check(v, signedV1a([foreign], undefined, NOW));
    rejected(first, 'bad_token_signature', /does not verify with any of the 3 Ed25519 keys at http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(first.ok ? undefined : first.signatureMethod, 'v1a Ed25519');
    await check(v, signedV1a([foreign], undefined, NOW));
    await check(v, signedV1a([foreign], undefined, NOW));
    assert.equal(jwks.fetches, 1, 'no refetch within the cooldown of the first fetch, however many forgeries arrive');
  });

  for (const part of ['id', 'timestamp', 'body'] as const) {
    it(`rejects a tampered ${part}`, async () => {
      const d = signedV1a([keys[1]], undefined, NOW);
      if (part === 'id') d.headers['webhook-id'] = `${d.headers['webhook-id']}x`;
      if (part === 'timestamp') d.headers['webhook-timestamp'] = String(Number(d.headers['webhook-timestamp']) + 1);
      if (part === 'body') d.body = d.body.replace('batch.succeeded', 'batch.failed');
      rejected(await check(verifier(), d), 'bad_token_signature', /does not verify/);
    });
  }

  it('applies the ±300 s timestamp window', async () => {
    rejected(await check(verifier(), signedV1a([keys[0]], undefined, NOW - 301_000)), 'timestamp_too_old', /301 s ago/);
    rejected(await check(verifier(), signedV1a([keys[0]], undefined, NOW + 301_000)), 'timestamp_too_new', /too new/);
    assert.ok((await check(verifier(), signedV1a([keys[0]], undefined, NOW - 299_000))).ok);
  });

  it('accepts several v1a entries when any verifies', async () => {
    const d = signedV1a([newEd25519Key(), keys[2]], undefined, NOW);
    assert.ok((await check(verifier(), d)).ok);
  });

  it('verifies a body that is not UTF-8 (the signature covers raw bytes)', async () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const d = signedV1a([keys[0]], body.toString('latin1'), NOW);
    const { sign } = await import('node:crypto');
    const content = Buffer.concat([Buffer.from(`${d.headers['webhook-id']}.${d.headers['webhook-timestamp']}.`), body]);
    d.headers['webhook-signature'] = `v1a,${sign(null, content, keys[0].privateKey).toString('base64')}`;
    const verdict = await new DeliveryVerifier({ secrets: () => [], now: () => NOW, jwksUri: jwks.uri }).verify({ headers: d.headers, rawBody: body });
    assert.ok(verdict.ok, JSON.stringify(verdict));
  });

  describe('beside v1 entries', () => {
    const secret = newSecret();
    const candidates: SecretCandidate[] = [{ secret, webhookId: 'k0h9q38f6ejj1g9j7cgcdsauadmbewegl79f', label: 'My batch app (current)' }];

    it('a valid v1 verifies by the secret, synchronously and without touching the key set', () => {
      const d = signedStatic([secret], undefined, NOW);
      const junk = signedV1a([newEd25519Key()], d.body, NOW, d.headers['webhook-id']);
      d.headers['webhook-signature'] = `${d.headers['webhook-signature']} ${junk.headers['webhook-signature']}`;
      const verdict = verifier({}, candidates).verify({ headers: d.headers, rawBody: Buffer.from(d.body) });
      assert.ok(!(verdict instanceof Promise), 'static verification never waits for a key set');
      assert.ok(verdict.ok);
      assert.equal(verdict.signatureMethod, 'v1 HMAC');
      assert.equal(jwks.fetches, 0);
    });

    it('a valid v1a verifies by the key set when the v1 entry matches no secret', async () => {
      const d = signedV1a([keys[0]], undefined, NOW);
      const stale = signedStatic([newSecret()], d.body, NOW, d.headers['webhook-id']);
      d.headers['webhook-signature'] = `${stale.headers['webhook-signature']} ${d.headers['webhook-signature']}`;
      const verdict = await check(verifier({}, candidates), d);
      assert.ok(verdict.ok, JSON.stringify(verdict));
      assert.equal(verdict.signatureMethod, 'v1a Ed25519');
    });

    it('neither matching: the reason names both', async () => {
      const d = signedV1a([newEd25519Key()], undefined, NOW);
      const stale = signedStatic([newSecret()], d.body, NOW, d.headers['webhook-id']);
      d.headers['webhook-signature'] = `${stale.headers['webhook-signature']} ${d.headers['webhook-signature']}`;
      rejected(await check(verifier({}, candidates), d), 'no_secret_matched', /no secret matched.*and the v1a signature does not verify/);
    });
  });

  describe('bad input gets a plain reason', () => {
    it('a v1a entry of the wrong length', async () => {
      const d = signedV1a([keys[0]], undefined, NOW);
      d.headers['webhook-signature'] = `v1a,${Buffer.alloc(32).toString('base64')}`;
      rejected(await check(verifier(), d), 'malformed_signature', /a v1a entry of 32 bytes \(expected 64\)/);
    });

    it('a v1a entry that is not base64', async () => {
      const d = signedV1a([keys[0]], undefined, NOW);
      d.headers['webhook-signature'] = 'v1a,not*base64!';
      rejected(await check(verifier(), d), 'malformed_signature', /a v1a entry that is not base64/);
    });

    it('a key set with no usable key (an OKP key of another curve, an encryption key)', async () => {
      jwks.keys = [
        { kty: 'OKP', crv: 'X25519', x: keys[0].publicJwk.x as string },
        { ...keys[1].publicJwk, use: 'enc' },
      ];
      rejected(
        await check(verifier(), signedV1a([keys[0]], undefined, NOW)),
        'unknown_kid',
        /has no Ed25519 key \(skipped an OKP key of curve X25519 .*, a key for enc, not signatures\)/,
      );
    });

    it('a key set that is not JSON', async () => {
      jwks.raw = '<html>oops</html>';
      const verdict = await check(verifier(), signedV1a([keys[0]], undefined, NOW));
      rejected(verdict, 'jwks_unavailable', /the key set at .* is not JSON/);
      assert.equal(verdict.ok ? 0 : verdict.httpStatus, 503);
    });

    it('a key set that is JSON but not a JWK Set', async () => {
      jwks.raw = '{"keys": "none"}';
      rejected(await check(verifier(), signedV1a([keys[0]], undefined, NOW)), 'jwks_unavailable', /not a JWK Set/);
    });

    it('a key set that hangs, while static deliveries go on at once', async () => {
      jwks.raw = 'hang';
      const secret = newSecret();
      const v = verifier({ timeoutMs: 300 }, [{ secret, label: 'mine' }]);
      const pending = check(v, signedV1a([keys[0]], undefined, NOW));
      const d = signedStatic([secret], undefined, NOW);
      const staticVerdict = v.verify({ headers: d.headers, rawBody: Buffer.from(d.body) });
      assert.ok(!(staticVerdict instanceof Promise) && staticVerdict.ok);
      rejected(await pending, 'jwks_unavailable', /no answer within 300 ms/);
    });

    it('a refetch that fails keeps the keys it had (stale beats nothing) and a forgery stays a 401', async () => {
      const v = verifier({ cacheMaxAgeMs: 0, cooldownMs: 0 });
      assert.ok((await check(v, signedV1a([keys[0]], undefined, NOW))).ok);
      jwks.raw = 'not json';
      const again = await check(v, signedV1a([keys[1]], undefined, NOW));
      assert.ok(again.ok, JSON.stringify(again));
      rejected(await check(v, signedV1a([newEd25519Key()], undefined, NOW)), 'bad_token_signature', /does not verify/);
    });

    it('no JWKS configured', async () => {
      rejected(
        await new DeliveryVerifier({ secrets: () => [], now: () => NOW }).verify({ ...toInput(signedV1a([keys[0]], undefined, NOW)) }),
        'no_jwks_configured',
        /v1a Ed25519\) delivery but no JWKS URI/,
      );
    });
  });
});

function toInput(d: SignedDelivery) {
  return { headers: d.headers, rawBody: Buffer.from(d.body) };
}

describe('JWTs as the guide documents them (claims checked only when present)', function () {
  this.timeout(20_000);
  let jwks: JwksServer;
  let rsa: TestKey;
  const AUD = 'my-project-client-id';

  before(async () => {
    rsa = await newKey('google-rsa-1');
    jwks = await new JwksServer().start();
    jwks.keys = [rsa.publicJwk];
  });
  after(() => jwks.close());

  const verifier = () => new DeliveryVerifier({ secrets: () => [], now: () => NOW, jwksUri: jwks.uri, audience: AUD, cooldownMs: 0 });

  function delivery(token: string, body = envelopeBody(), id = 'msg_6f1c2f0e-6a3b-4c7e-9a43-0d6a2b8e1f00', withTimestamp = true): SignedDelivery {
    return {
      headers: { 'webhook-id': id, ...(withTimestamp ? { 'webhook-timestamp': String(Math.floor(NOW / 1000)) } : {}), 'webhook-signature': token },
      body,
    };
  }

  it('accepts a token with only an audience, marks the body unbound and names the key', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'google-rsa-1' }).setAudience(AUD).sign(rsa.privateKey);
    const verdict = await check(verifier(), delivery(token, envelopeBody(), undefined, false));
    assert.ok(verdict.ok, JSON.stringify(verdict));
    assert.equal(verdict.signatureMethod, 'JWT RS256');
    assert.equal(verdict.bodyUnbound, true);
    assert.equal(verdict.matchedKey?.kid, 'google-rsa-1');
    assert.match(BODY_UNBOUND_NOTE, /anyone holding it could pair it with another body until it expires/);
  });

  it('still checks exp when present', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'google-rsa-1' })
      .setAudience(AUD)
      .setExpirationTime(Math.floor(NOW / 1000) - 120)
      .sign(rsa.privateKey);
    rejected(await check(verifier(), delivery(token)), 'token_expired', /exp is in the past/);
  });

  it('checks nbf and iat only when present', async () => {
    const now = Math.floor(NOW / 1000);
    const nbf = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'google-rsa-1' })
      .setAudience(AUD)
      .setNotBefore(now + 600)
      .sign(rsa.privateKey);
    rejected(await check(verifier(), delivery(nbf)), 'token_not_yet_valid', /nbf is in the future/);
    const iat = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'google-rsa-1' })
      .setAudience(AUD)
      .setIssuedAt(now + 600)
      .sign(rsa.privateKey);
    rejected(await check(verifier(), delivery(iat)), 'token_not_yet_valid', /iat is 600 s in the future/);
  });

  it('still rejects the wrong audience', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'google-rsa-1' }).setAudience('someone-else').sign(rsa.privateKey);
    rejected(await check(verifier(), delivery(token)), 'wrong_audience', /expected "my-project-client-id"/);
  });

  it('accepts an EdDSA token signed by an OKP key of the set, trying keys when there is no kid', async () => {
    const ed = newEd25519Key();
    jwks.keys = [rsa.publicJwk, newEd25519Key().publicJwk, ed.publicJwk];
    try {
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'EdDSA' }).setAudience(AUD).sign(ed.privateKey);
      const verdict = await check(verifier(), delivery(token));
      assert.ok(verdict.ok, JSON.stringify(verdict));
      assert.equal(verdict.signatureMethod, 'JWT EdDSA');
      assert.equal(verdict.matchedKey?.thumbprint, thumbprint(ed.publicJwk as Record<string, unknown>));
    } finally {
      jwks.keys = [rsa.publicJwk];
    }
  });

  it('pins the algorithm to the key type: an RS256 token naming an Ed25519 key is refused', async () => {
    const ed = newEd25519Key('ed-only');
    jwks.keys = [ed.publicJwk];
    try {
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'ed-only' }).setAudience(AUD).sign(rsa.privateKey);
      rejected(await check(verifier(), delivery(token)), 'unknown_kid', /no RS256 key with it/);
    } finally {
      jwks.keys = [rsa.publicJwk];
    }
  });

  it('tells the truth about refetching: within the cooldown an unknown kid does not claim a refetch', async () => {
    const v = new DeliveryVerifier({ secrets: () => [], now: () => NOW, jwksUri: jwks.uri, audience: AUD, cooldownMs: 60_000 });
    const stranger = await newKey('kid-stranger');
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'kid-stranger' }).setAudience(AUD).sign(stranger.privateKey);
    const verdict = await check(v, delivery(token));
    rejected(verdict, 'unknown_kid', /unknown kid "kid-stranger"/);
    assert.doesNotMatch(verdict.ok ? '' : verdict.reason, /refetch/);
  });

  it('applies the clock leeway once: exp 50 s ago passes, 70 s ago does not (leeway 60 s)', async () => {
    const now = Math.floor(NOW / 1000);
    const sign = (exp: number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'google-rsa-1' })
        .setAudience(AUD)
        .setIssuedAt(exp - 300)
        .setExpirationTime(exp)
        .sign(rsa.privateKey);
    assert.ok((await check(verifier(), delivery(await sign(now - 50)))).ok);
    rejected(await check(verifier(), delivery(await sign(now - 70))), 'token_expired', /exp is in the past/);
  });

  it('refuses alg "none"', async () => {
    const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${encode({ alg: 'none' })}.${encode({ aud: AUD })}.`;
    const d = delivery(`${token}AAAA`);
    rejected(await check(verifier(), d), 'algorithm_not_allowed', /algorithm none not allowed/);
  });
});
