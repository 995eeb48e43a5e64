import * as assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { History, Receiver, replayDelivery, startReceiver } from '../../../src/core/receiver';
import { forwardableHeaders } from '../../../src/core/receiver/forwarder';
import { SecretCandidate } from '../../../src/core/verify/secretCandidates';
import { newSecret, signedStatic } from '../verify/fixtures';
import { post, TestApp } from './helpers';

/** Resolves once record `seq` has its forward result. */
function forwarded(receiver: Receiver, seq: number) {
  return new Promise<NonNullable<ReturnType<Receiver['history']['get']>>>((resolve) => {
    const check = () => {
      const r = receiver.history.get(seq);
      if (r?.forward) {
        sub.dispose();
        resolve(r);
      }
    };
    const sub = receiver.history.onDidUpdate(check);
  });
}

describe('forwarding and replay', function () {
  this.timeout(20_000);
  const secret = newSecret();
  let candidates: SecretCandidate[];
  let app: TestApp;
  let receiver: Receiver;

  beforeEach(async () => {
    candidates = [{ secret, webhookId: 'wh_1', label: 'wh_1 (current)' }];
    app = await new TestApp().start();
    receiver = await startReceiver({ port: 0, secrets: () => candidates, forwardTo: app.url, forwardTimeoutMs: 2_000 });
  });
  afterEach(async () => {
    await receiver.close();
    await app.close();
  });

  it('forwards a verified event byte for byte with its original headers, and records the app answer', async () => {
    const body = '{ "type" : "batch.succeeded",\n  "data": {"id":"b_1", "note":"héllo ✓"} , "version":"v1" }  ';
    const d = signedStatic([secret], body);
    const done = forwarded(receiver, 1);
    await post(receiver.url, { ...d.headers, 'x-custom': 'kept' }, d.body);
    const record = await done;
    assert.equal(app.received.length, 1);
    assert.ok(app.received[0].body.equals(Buffer.from(body)), 'byte for byte');
    const h = app.received[0].headers;
    assert.equal(h['webhook-signature'], d.headers['webhook-signature']);
    assert.equal(h['webhook-id'], d.headers['webhook-id']);
    assert.equal(h['webhook-timestamp'], d.headers['webhook-timestamp']);
    assert.equal(h['x-custom'], 'kept');
    assert.notEqual(h.host, new URL(receiver.url).host);
    assert.doesNotThrow(() => new Webhook(secret).verify(app.received[0].body.toString(), h as Record<string, string>), 'the app can verify what it gets');
    assert.equal(record.forward?.ok, true);
    assert.equal(record.forward?.status, 200);
    assert.equal(record.forward?.bodySnippet, 'thanks');
  });

  it('keeps only the first KB of the app answer', async () => {
    app.respond = (_r, res) => res.writeHead(500).end('e'.repeat(5000));
    const d = signedStatic([secret]);
    const done = forwarded(receiver, 1);
    await post(receiver.url, d.headers, d.body);
    const record = await done;
    assert.equal(record.forward?.ok, false);
    assert.equal(record.forward?.status, 500);
    assert.equal(record.forward?.bodySnippet?.length, 1024);
  });

  it('answers the sender before the app has answered (forwarding never blocks the ack)', async () => {
    let release: () => void = () => undefined;
    app.respond = (_r, res) => (release = () => res.writeHead(202).end());
    const d = signedStatic([secret]);
    const done = forwarded(receiver, 1);
    const answer = await post(receiver.url, d.headers, d.body);
    assert.equal(answer.status, 200);
    await app.waitFor(1);
    assert.equal(receiver.history.get(1)?.forward, undefined, 'the app has not answered yet');
    release();
    assert.equal((await done).forward?.status, 202);
  });

  it('does not forward rejected deliveries or duplicates', async () => {
    const d = signedStatic([secret]);
    const done = forwarded(receiver, 1);
    await post(receiver.url, d.headers, d.body);
    await post(receiver.url, d.headers, d.body);
    const bad = signedStatic([newSecret()]);
    await post(receiver.url, bad.headers, bad.body);
    await done;
    const third = signedStatic([secret]);
    const thirdDone = forwarded(receiver, 4);
    await post(receiver.url, third.headers, third.body);
    await thirdDone;
    assert.equal(app.received.length, 2);
    assert.equal(receiver.history.get(2)?.verdict, 'duplicate');
    assert.equal(receiver.history.get(2)?.forward, undefined);
  });

  it('records a failure when the app is down, without affecting the ack', async () => {
    await app.close();
    const d = signedStatic([secret]);
    const done = forwarded(receiver, 1);
    const answer = await post(receiver.url, d.headers, d.body);
    assert.equal(answer.status, 200);
    const record = await done;
    assert.equal(record.forward?.ok, false);
    assert.equal(record.forward?.error, 'connection refused');
  });

  it('records a timeout when the app never answers', async () => {
    const slow = await startReceiver({ port: 0, secrets: () => candidates, forwardTo: app.url, forwardTimeoutMs: 200 });
    app.respond = () => undefined;
    try {
      const d = signedStatic([secret]);
      const done = forwarded(slow, 1);
      await post(slow.url, d.headers, d.body);
      assert.equal((await done).forward?.error, 'timed out after 200 ms');
    } finally {
      await slow.close();
    }
  });

  it('replays a stored event re-signed with a fresh timestamp when its secret is still stored', async () => {
    const d = signedStatic([secret], undefined, Date.now() - 200_000);
    const done = forwarded(receiver, 1);
    await post(receiver.url, d.headers, d.body);
    await done;
    const result = await receiver.replay(1);
    assert.equal(result.ok, true);
    assert.equal(result.replay, true);
    assert.equal(result.resigned, true);
    const got = app.received[1];
    assert.ok(got.body.equals(Buffer.from(d.body)));
    assert.ok(Number(got.headers['webhook-timestamp']) > Number(d.headers['webhook-timestamp']) + 100);
    assert.notEqual(got.headers['webhook-signature'], d.headers['webhook-signature']);
    assert.doesNotThrow(() => new Webhook(secret).verify(got.body.toString(), got.headers as Record<string, string>));
    assert.equal(receiver.history.get(1)?.replays?.length, 1);
  });

  it('replays with the original headers when the secret is no longer stored', async () => {
    const d = signedStatic([secret]);
    const done = forwarded(receiver, 1);
    await post(receiver.url, d.headers, d.body);
    await done;
    candidates = [];
    const result = await receiver.replay(1);
    assert.equal(result.resigned, false);
    assert.equal(app.received[1].headers['webhook-signature'], d.headers['webhook-signature']);
    assert.equal(app.received[1].headers['webhook-timestamp'], d.headers['webhook-timestamp']);
  });

  it('replays from the history after the receiver has stopped', async () => {
    const history = await History.open();
    const own = await startReceiver({ port: 0, secrets: () => candidates, history });
    const d = signedStatic([secret]);
    await post(own.url, d.headers, d.body);
    await own.close();
    const result = await replayDelivery(history, 1, { target: app.url, secrets: () => candidates });
    assert.equal(result.ok, true);
    assert.equal(result.resigned, true);
    assert.equal(app.received.length, 1, 'only the replay reached the app');
    assert.doesNotThrow(() => new Webhook(secret).verify(app.received[0].body.toString(), app.received[0].headers as Record<string, string>));
    assert.equal(history.get(1)?.replays?.length, 1);
  });

  it('says why a replay cannot happen', async () => {
    await assert.rejects(receiver.replay(99), /No delivery #99 in the history/);
    const forged = signedStatic([newSecret()]);
    await post(receiver.url, forged.headers, forged.body);
    await new Promise((r) => setImmediate(r));
    assert.equal(receiver.history.get(1)?.verdict, 'rejected');
    await assert.rejects(receiver.replay(1), /Delivery #1 was rejected \(no secret matched.*\): only verified deliveries are replayed/);
    assert.equal(app.received.length, 0, 'nothing reached the app');
    const bare = await startReceiver({ port: 0, secrets: () => candidates });
    try {
      const d = signedStatic([secret]);
      await post(bare.url, d.headers, d.body);
      await new Promise((r) => setImmediate(r));
      await assert.rejects(bare.replay(1), /No forward-to URL is configured/);
    } finally {
      await bare.close();
    }
  });

  it('drops hop-by-hop headers, host and the ones Connection names', () => {
    assert.deepEqual(
      forwardableHeaders({
        host: 'a',
        connection: 'keep-alive, x-hop',
        'keep-alive': 'timeout=5',
        'x-hop': '1',
        'transfer-encoding': 'chunked',
        'content-length': '5',
        'webhook-id': 'm',
        'content-type': 'application/json',
      }),
      {
        'webhook-id': 'm',
        'content-type': 'application/json',
      },
    );
  });
});
