/**
 * While the key set is cached, dynamic deliveries are answered synchronously (no promise, no threadpool
 * hop per delivery); a set still to fetch, or a miss, takes the asynchronous way and says the same.
 */
import * as assert from 'node:assert/strict';
import { DeliveryVerifier } from '../../../src/core/verify/deliveryVerifier';
import { Verdict } from '../../../src/core/verify/verdict';
import { JwksServer, newEd25519Key, newKey, signedDynamic, signedV1a, SignedDelivery, TEST_AUDIENCE } from './fixtures';

describe('dynamic verification on a cached key set is synchronous', function () {
  this.timeout(20_000);
  let jwks: JwksServer;

  beforeEach(async () => {
    jwks = await new JwksServer().start();
  });
  afterEach(() => jwks.close());

  const input = (d: SignedDelivery) => ({ headers: d.headers, rawBody: Buffer.from(d.body) });

  it('v1a: the first delivery waits for the key set, the next ones are answered at once', async () => {
    const [a, b] = [newEd25519Key(), newEd25519Key()];
    jwks.keys = [a.publicJwk, b.publicJwk];
    const v = new DeliveryVerifier({ secrets: () => [], jwksUri: jwks.uri, cooldownMs: 0 });
    const first = v.verify(input(signedV1a([b])));
    assert.ok(first instanceof Promise);
    assert.ok((await first).ok);
    const next = v.verify(input(signedV1a([a])));
    assert.ok(!(next instanceof Promise), 'answered synchronously');
    assert.ok((next as Verdict).ok, JSON.stringify(next));
    assert.equal(jwks.fetches, 1);
    // A signature no cached key verifies goes the asynchronous way (a refetch may find the key).
    const stranger = v.verify(input(signedV1a([newEd25519Key()])));
    assert.ok(stranger instanceof Promise);
    const verdict = await stranger;
    assert.equal(verdict.ok, false);
    assert.equal(!verdict.ok && verdict.code, 'bad_token_signature');
  });

  it('JWT: answered at once from the cached set, refused at once when the claims are wrong', async () => {
    const key = await newKey('k1');
    jwks.keys = [key.publicJwk];
    const v = new DeliveryVerifier({ secrets: () => [], jwksUri: jwks.uri, audience: TEST_AUDIENCE, cooldownMs: 0 });
    assert.ok((await v.verify(input(await signedDynamic(key)))).ok);
    const next = v.verify(input(await signedDynamic(key)));
    assert.ok(!(next instanceof Promise), 'answered synchronously');
    assert.ok((next as Verdict).ok, JSON.stringify(next));
    const wrong = v.verify(input(await signedDynamic(key, undefined, Date.now(), undefined, { audience: 'http://elsewhere.test/' })));
    assert.ok(!(wrong instanceof Promise), 'a claim refusal needs no other key set');
    assert.equal((wrong as Verdict).ok === false && (wrong as { code: string }).code, 'wrong_audience');
  });
});
