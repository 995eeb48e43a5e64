import * as assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request } from 'undici';
import { startReceiver, Receiver, PortInUseError } from '../../../src/core/receiver';
import { SecretCandidate } from '../../../src/core/verify/secretCandidates';
import { deliveryJson, formatDeliveryLine } from '../../../src/core/receiver/deliveryLine';
import { envelopeBody, JwksServer, newEd25519Key, newKey, newSecret, signedDynamic, signedStatic, signedV1a } from '../verify/fixtures';
import { post, recordOf } from './helpers';

describe('receiver server', function () {
  this.timeout(20_000);
  const secret = newSecret();
  const candidates: SecretCandidate[] = [{ secret, webhookId: 'wh_1', label: 'wh_1 (current)' }];
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = await startReceiver({ port: 0, secrets: () => candidates, bodyLimit: 4096 });
  });
  afterEach(() => receiver.close());

  it('listens on loopback at the configured path and answers a verified delivery with a small JSON body', async () => {
    assert.match(receiver.url, /^http:\/\/127\.0\.0\.1:\d+\/webhooks$/);
    const d = signedStatic([secret], envelopeBody('batch.succeeded', { user_metadata: { run: 7 } }));
    const answer = await post(receiver.url, d.headers, d.body);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { status: 'verified', webhook_id: d.headers['webhook-id'], seq: 1 });
    const record = await recordOf(receiver, 1);
    assert.equal(record.verdict, 'verified');
    assert.equal(record.scheme, 'static');
    assert.deepEqual(record.matchedSecret, { label: 'wh_1 (current)', webhookId: 'wh_1' });
    assert.equal(record.eventType, 'batch.succeeded');
    assert.deepEqual(record.userMetadata, { run: 7 });
    assert.equal(record.webhookId, d.headers['webhook-id']);
    assert.equal(record.body, d.body);
    assert.equal(record.headers['webhook-signature'], d.headers['webhook-signature']);
    assert.equal(record.httpStatus, 200);
    assert.equal(record.method, 'POST');
    assert.ok(record.latencyMs >= 0);
  });

  it('verifies a JWT-signed delivery against the configured JWKS', async () => {
    const jwks = await new JwksServer().start();
    const key = await newKey();
    jwks.keys = [key.publicJwk];
    const r = await startReceiver({ port: 0, jwksUri: jwks.uri, audience: 'http://receiver.test/webhooks' });
    try {
      const d = await signedDynamic(key);
      const answer = await post(r.url, d.headers, d.body);
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      const record = await recordOf(r, 1);
      assert.equal(record.scheme, 'dynamic');
      assert.equal(record.token?.kid, key.kid);
      assert.equal(record.token?.bodyBound, true);
    } finally {
      await r.close();
      await jwks.close();
    }
  });

  it('verifies a v1a (Ed25519) delivery, as live dynamic deliveries arrive, and names the method and key in the record and the log line', async () => {
    const jwks = await new JwksServer().start();
    const keys = [newEd25519Key(), newEd25519Key('ed-live-2'), newEd25519Key()];
    jwks.keys = keys.map((k) => k.publicJwk);
    const r = await startReceiver({ port: 0, jwksUri: jwks.uri });
    try {
      const d = signedV1a([keys[1]]);
      const answer = await post(r.url, d.headers, d.body);
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      const record = await recordOf(r, 1);
      assert.equal(record.verdict, 'verified');
      assert.equal(record.scheme, 'dynamic');
      assert.equal(record.signatureMethod, 'v1a Ed25519');
      assert.equal(record.matchedKey?.kid, 'ed-live-2');
      assert.match(formatDeliveryLine(record), /VERIFIED v1a Ed25519 \(kid ed-live-2\)/);
      const forged = signedV1a([newEd25519Key()]);
      const refused = await post(r.url, forged.headers, forged.body);
      assert.equal(refused.status, 401);
      assert.match(String((refused.json as { reason?: string }).reason), /does not verify with any of the 3 Ed25519 keys/);
    } finally {
      await r.close();
      await jwks.close();
    }
  });

  it('accepts a JWT without a body digest and marks it body-unbound in the record, the log line and the JSON line', async () => {
    const jwks = await new JwksServer().start();
    const key = await newKey('rsa-doc');
    jwks.keys = [key.publicJwk];
    const r = await startReceiver({ port: 0, jwksUri: jwks.uri, audience: 'my-client-id' });
    try {
      const d = await signedDynamic(key, undefined, Date.now(), undefined, { digest: null, audience: 'my-client-id' });
      assert.equal((await post(r.url, d.headers, d.body)).status, 200);
      const record = await recordOf(r, 1);
      assert.equal(record.bodyUnbound, true);
      assert.equal(record.signatureMethod, 'JWT RS256');
      assert.match(formatDeliveryLine(record), /JWT RS256 \(kid rsa-doc\) \[body not bound by the token: .*until it expires\]/);
      assert.equal(deliveryJson(record).body_unbound, true);
    } finally {
      await r.close();
      await jwks.close();
    }
  });

  it('verifies a signature sent as two webhook-signature header lines (joined by ", " on arrival)', async () => {
    const other = newSecret();
    const d = signedStatic([secret, other]); // the matching entry first: it is the one that arrives with a trailing comma
    const [first, second] = d.headers['webhook-signature'].split(' ');
    const headers: string[] = ['content-type', 'application/json', 'webhook-id', d.headers['webhook-id'], 'webhook-timestamp', d.headers['webhook-timestamp']];
    headers.push('webhook-signature', first, 'webhook-signature', second);
    const res = await request(receiver.url, { method: 'POST', headers, body: d.body });
    assert.equal(res.statusCode, 200, await res.body.text());
    const record = await recordOf(receiver, 1);
    assert.equal(record.headers['webhook-signature'], `${first}, ${second}`);
    assert.equal(record.verdict, 'verified');
  });

  it('expects its own URL as the audience by default: a token for another endpoint is refused', async () => {
    const jwks = await new JwksServer().start();
    const key = await newKey();
    jwks.keys = [key.publicJwk];
    const r = await startReceiver({ port: 0, jwksUri: jwks.uri });
    try {
      const elsewhere = await signedDynamic(key, undefined, Date.now(), undefined, { audience: 'https://someone-else.example/hooks' });
      const refused = await post(r.url, elsewhere.headers, elsewhere.body);
      assert.equal(refused.status, 401);
      assert.match(
        String((refused.json as { reason?: string }).reason),
        /wrong audience: expected one of "http:\/\/127\.0\.0\.1:\d+\/webhooks", "http:\/\/localhost:\d+\/webhooks"/,
      );
      for (const audience of [r.url, r.url.replace('127.0.0.1', 'localhost')]) {
        const ours = await signedDynamic(key, undefined, Date.now(), undefined, { audience });
        const answer = await post(r.url, ours.headers, ours.body);
        assert.equal(answer.status, 200, JSON.stringify(answer.json));
      }
    } finally {
      await r.close();
      await jwks.close();
    }
  });

  it('answers a repeated webhook-id 2xx as a duplicate linked to the first', async () => {
    const first = signedStatic([secret]);
    const retry = signedStatic([secret], first.body, Date.now() + 1000, first.headers['webhook-id']);
    assert.equal((await post(receiver.url, first.headers, first.body)).status, 200);
    const again = await post(receiver.url, retry.headers, retry.body);
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, { status: 'duplicate', webhook_id: first.headers['webhook-id'], seq: 2, duplicate_of: 1 });
    const record = await recordOf(receiver, 2);
    assert.equal(record.verdict, 'duplicate');
    assert.equal(record.duplicateOf, 1);
  });

  it('keeps the same webhook-id from two different webhooks apart: both are verified, neither is a duplicate', async () => {
    const other = newSecret();
    candidates.push({ secret: other, webhookId: 'wh_2', label: 'wh_2 (current)' });
    try {
      const one = signedStatic([secret]);
      const two = signedStatic([other], one.body, Date.now(), one.headers['webhook-id']);
      assert.equal((await post(receiver.url, one.headers, one.body)).json.status, 'verified');
      assert.equal((await post(receiver.url, two.headers, two.body)).json.status, 'verified');
      assert.equal((await recordOf(receiver, 2)).matchedSecret?.webhookId, 'wh_2');
      const retryOfTwo = signedStatic([other], one.body, Date.now() + 1000, one.headers['webhook-id']);
      assert.equal((await post(receiver.url, retryOfTwo.headers, retryOfTwo.body)).json.status, 'duplicate', 'the same webhook retrying is still a duplicate');
    } finally {
      candidates.pop();
    }
  });

  it('stores at most 64 KiB of a rejected request body, and says it was truncated', async () => {
    const big = await startReceiver({ port: 0, secrets: () => candidates });
    try {
      const junk = JSON.stringify({ type: 'batch.succeeded', pad: 'x'.repeat(200 * 1024) });
      const unsigned = signedStatic([newSecret()], junk);
      assert.equal((await post(big.url, unsigned.headers, unsigned.body)).status, 401);
      const record = await recordOf(big, 1);
      assert.equal(record.verdict, 'rejected');
      assert.equal(record.body.length, 64 * 1024);
      assert.equal(record.bodyBytes, Buffer.byteLength(junk));
      assert.equal(record.bodyTruncated, true);
    } finally {
      await big.close();
    }
  });

  it('does not let an unsigned repeat of a known id pass as a duplicate', async () => {
    const first = signedStatic([secret]);
    await post(receiver.url, first.headers, first.body);
    const forged = { ...first.headers, 'webhook-signature': 'v1,' + Buffer.alloc(32).toString('base64') };
    const answer = await post(receiver.url, forged, first.body);
    assert.equal(answer.status, 401);
    assert.equal(answer.json.status, 'rejected');
  });

  it('rejects other methods with 405 and Allow: POST', async () => {
    const answer = await post(receiver.url, {}, '', 'GET');
    assert.equal(answer.status, 405);
    assert.deepEqual(answer.json, { status: 'rejected', reason: 'method not allowed: GET (only POST)' });
    assert.equal((await recordOf(receiver, 1)).code, 'method_not_allowed');
  });

  it('rejects a wrong path with 404', async () => {
    const d = signedStatic([secret]);
    const answer = await post(receiver.url.replace('/webhooks', '/elsewhere'), d.headers, d.body);
    assert.equal(answer.status, 404);
    assert.match(String(answer.json.reason), /wrong path: \/elsewhere/);
  });

  it('rejects a body that is not JSON with 400', async () => {
    const d = signedStatic([secret], 'hello, not json');
    const answer = await post(receiver.url, d.headers, d.body);
    assert.equal(answer.status, 400);
    assert.equal(answer.json.reason, 'not JSON: the body does not parse as JSON');
  });

  it('rejects an oversized body with 413 (declared length) and keeps what the limit allows', async () => {
    const d = signedStatic([secret], JSON.stringify({ type: 'x', pad: 'a'.repeat(10_000) }));
    const answer = await post(receiver.url, d.headers, d.body);
    assert.equal(answer.status, 413);
    assert.match(String(answer.json.reason), /oversized: body over the 4096-byte limit/);
    const record = await recordOf(receiver, 1);
    assert.equal(record.code, 'oversized');
    assert.equal(record.bodyTruncated, true);
  });

  it('stops reading a streamed (chunked) oversized body and answers 413', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(receiver.port, '127.0.0.1', () => {
        socket.write(`POST /webhooks HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`);
        const chunk = 'a'.repeat(3000);
        socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
        socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      });
      let text = '';
      socket.on('data', (b) => (text += b.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(answer, /^HTTP\/1.1 413/);
    const record = await recordOf(receiver, 1);
    assert.equal(record.code, 'oversized');
    assert.ok(record.body.length <= 4096);
  });

  it('rejects a delivery with no valid signature with 401 and a plain reason', async () => {
    const d = signedStatic([newSecret()]);
    const answer = await post(receiver.url, d.headers, d.body);
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.json, { status: 'rejected', reason: 'no secret matched (tried 1 signing secret)' });
  });

  it('rejects a missing header with 400, naming it', async () => {
    const d = signedStatic([secret]);
    delete d.headers['webhook-timestamp'];
    const answer = await post(receiver.url, d.headers, d.body);
    assert.equal(answer.status, 400);
    assert.equal(answer.json.reason, 'missing header: webhook-timestamp');
  });

  it('drops a slow client that stops sending its body (request timeout) and records it', async () => {
    const slow = await startReceiver({ port: 0, secrets: () => candidates, requestTimeoutMs: 300, headersTimeoutMs: 300 });
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const socket = connect(slow.port, '127.0.0.1', () => {
          socket.write('POST /webhooks HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"type":');
        });
        let out = '';
        socket.on('data', (b) => (out += b.toString()));
        socket.on('close', () => resolve(out));
        socket.on('error', reject);
      });
      assert.match(text, /^HTTP\/1.1 408 /);
      const record = await recordOf(slow, 1);
      assert.equal(record.code, 'incomplete_request');
      assert.equal(record.body, '{"type":');
    } finally {
      await slow.close();
    }
  });

  it('drops a client that never finishes its headers', async () => {
    const slow = await startReceiver({ port: 0, secrets: () => candidates, requestTimeoutMs: 300, headersTimeoutMs: 300 });
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const socket = connect(slow.port, '127.0.0.1', () => socket.write('POST /webhooks HTTP/1.1\r\nhost: x\r\n'));
        let out = '';
        socket.on('data', (b) => (out += b.toString()));
        socket.on('close', () => resolve(out));
        socket.on('error', reject);
      });
      assert.match(text, /^HTTP\/1.1 408 /);
    } finally {
      await slow.close();
    }
  });

  it('names the port when it is already in use', async () => {
    await assert.rejects(
      startReceiver({ port: receiver.port }),
      (e: unknown) => e instanceof PortInUseError && e.message === `port ${receiver.port} is already in use on 127.0.0.1`,
    );
  });

  it('honours a configured host, path and tolerance', async () => {
    const r = await startReceiver({ port: 0, path: 'hooks/in', toleranceSeconds: 5, secrets: () => candidates });
    try {
      assert.match(r.url, /\/hooks\/in$/);
      const old = signedStatic([secret], undefined, Date.now() - 10_000);
      const answer = await post(r.url, old.headers, old.body);
      assert.equal(answer.status, 401);
      assert.match(String(answer.json.reason), /timestamp too old/);
    } finally {
      await r.close();
    }
  });
});
