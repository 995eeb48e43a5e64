import * as assert from 'node:assert/strict';
import { startReceiver } from '../../../src/core/receiver';
import { FuzzGenerator } from '../../load/fuzzCases';
import { runFuzz } from '../../load/fuzzRunner';
import { JwksServer, newKey, newSecret, signedDynamic, signedStatic, TEST_AUDIENCE } from '../verify/fixtures';
import { post } from './helpers';

describe('receiver fuzz (bounded)', function () {
  this.timeout(30_000);

  it('survives 3,000 random and malformed requests (deep nesting, repeated headers, huge fields, Origin headers among them), answers each and accepts none', async () => {
    const secret = newSecret();
    const jwks = await new JwksServer().start();
    const key = await newKey();
    jwks.keys = [key.publicJwk];
    const jwtPool = await Promise.all(Array.from({ length: 20 }, () => signedDynamic(key)));
    const receiver = await startReceiver({
      port: 0,
      secrets: () => [{ secret, label: 'fuzz' }],
      jwksUri: jwks.uri,
      audience: TEST_AUDIENCE,
      requestTimeoutMs: 2_000,
      headersTimeoutMs: 2_000,
      bodyLimit: 64 * 1024,
    });
    try {
      let i = 0;
      const generator = new FuzzGenerator(20260122, '/webhooks', secret, () => jwtPool[i++ % jwtPool.length]);
      const report = await runFuzz(new URL(receiver.url).origin, generator, 3_000, 18_000);
      assert.ok(report.sent >= 1_000, `sent ${report.sent}`);
      assert.equal(report.accepted, 0, `accepted: ${report.acceptedKinds.join(', ')}`);
      assert.equal(report.unanswered, 0, 'every request answered');
      assert.ok(
        receiver.browserRequestsRefused > 0 && report.byStatus['403'] === receiver.browserRequestsRefused,
        'Origin requests refused, and only they got 403',
      );
      await new Promise((r) => setTimeout(r, 50));
      const accepted = receiver.history.all().filter((r) => r.verdict !== 'rejected');
      assert.deepEqual(accepted, []);
      // Still alive and still verifying.
      const ok = signedStatic([secret]);
      assert.equal((await post(receiver.url, ok.headers, ok.body)).status, 200);
      const jwt = await signedDynamic(key);
      assert.equal((await post(receiver.url, jwt.headers, jwt.body)).status, 200);
    } finally {
      await receiver.close();
      await jwks.close();
    }
  });
});
