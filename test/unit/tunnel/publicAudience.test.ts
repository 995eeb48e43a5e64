import * as assert from 'node:assert/strict';
import { startReceiver } from '../../../src/core/receiver';
import { JwksServer, newKey, signedDynamic } from '../verify/fixtures';
import { post } from '../receiver/helpers';

describe('the JWT audience follows the URL in use: the local URL and the public URLs', function () {
  this.timeout(20_000);

  it('accepts a token for a public URL the receiver is known at (read per token), still refuses others, and an explicit audience replaces both', async () => {
    const jwks = await new JwksServer().start();
    const key = await newKey();
    jwks.keys = [key.publicJwk];
    let publicUrls: string[] = [];
    const r = await startReceiver({ port: 0, jwksUri: jwks.uri, publicUrls: () => publicUrls });
    const explicit = await startReceiver({ port: 0, jwksUri: jwks.uri, audience: 'my-client-id', publicUrls: () => publicUrls });
    const tunnel = 'https://abc123.ngrok-free.app/webhooks';
    const send = async (url: string, audience: string) => {
      const d = await signedDynamic(key, undefined, Date.now(), undefined, { audience });
      return post(url, d.headers, d.body);
    };
    try {
      const before = await send(r.url, tunnel);
      assert.equal(before.status, 401);
      assert.match(String((before.json as { reason?: string }).reason), /wrong audience/);
      publicUrls = [tunnel];
      assert.equal((await send(r.url, tunnel)).status, 200);
      assert.equal((await send(r.url, r.url)).status, 200, 'the local URL still counts');
      const other = await send(r.url, 'https://someone-else.example/webhooks');
      assert.match(String((other.json as { reason?: string }).reason), /wrong audience: expected one of .*"https:\/\/abc123\.ngrok-free\.app\/webhooks"/);
      assert.equal((await send(explicit.url, tunnel)).status, 401, 'geminiWebhooks.receiver.audience decides alone');
      assert.equal((await send(explicit.url, 'my-client-id')).status, 200);
    } finally {
      await r.close();
      await explicit.close();
      await jwks.close();
    }
  });
});
