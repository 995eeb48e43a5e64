/**
 * Issue 14 item 3: one delivery's attempts from the emulator's log — `GET /emulator/deliveries?webhook_id=`
 * against the real emulator and a receiver that fails first, and the core reader of it, which tolerates
 * a backend without the route (the real Gemini API publishes no delivery attempts).
 */
import * as assert from 'node:assert/strict';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { fetchDeliveryAttempts, readAttempts } from '../../../src/core/api/deliveryAttempts';
import { call, Receiver } from './helpers';

/** A loopback server answering every request with `answer`. */
async function serve(answer: (res: import('node:http').ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('delivery attempts of one webhook-id (emulator log filter and reader)', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = await new Receiver().start();
    // 500 twice, then 204: three attempts of the first delivery; every later request is answered 204.
    receiver.respond = (_req, res, index) => void res.writeHead(index < 2 ? 500 : 204).end();
  });
  afterEach(async () => {
    await emu?.close();
    await receiver.close();
  });

  async function deliverWithRetries(apiKey?: string): Promise<{ retried: string; other: string }> {
    // Time scale 1000: the 5 s and 5 min backoff steps take 5 ms and ~300 ms.
    emu = await startEmulator({ timeScale: 1000, ...(apiKey ? { apiKey } : {}) });
    const created = await call(emu.url, 'POST', '/v1beta/webhooks', { key: apiKey, body: { uri: receiver.url, subscribed_events: ['batch.succeeded'] } });
    assert.equal(created.status, 200, created.text);
    const [retried] = emu.emit('batch.succeeded', { id: 'batches/1' });
    await receiver.waitFor(3);
    await emu.idle();
    const [other] = emu.emit('batch.succeeded', { id: 'batches/2' });
    await emu.idle();
    return { retried, other };
  }

  it('?webhook_id= answers only that delivery’s attempts — status, latency, next retry, growing gaps — and the unfiltered log stays whole', async () => {
    const { retried, other } = await deliverWithRetries();
    const filtered = await call(emu.url, 'GET', `/emulator/deliveries?webhook_id=${encodeURIComponent(retried)}`, { key: null });
    assert.equal(filtered.status, 200, filtered.text);
    const attempts = filtered.json.deliveries as Array<Record<string, unknown>>;
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.status, a.outcome]),
      [
        [1, 500, 'retry_scheduled'],
        [2, 500, 'retry_scheduled'],
        [3, 204, 'delivered'],
      ],
    );
    assert.ok(attempts.every((a) => a.webhook_id === retried && typeof a.duration_ms === 'number'));
    assert.ok(typeof attempts[0].next_retry_time === 'string' && typeof attempts[1].next_retry_time === 'string');
    assert.equal(attempts[2].next_retry_time, undefined);
    const at = attempts.map((a) => Date.parse(a.time as string));
    assert.ok(at[2] - at[1] > at[1] - at[0], `the second gap (${at[2] - at[1]} ms) is longer than the first (${at[1] - at[0]} ms)`);

    const whole = await call(emu.url, 'GET', '/emulator/deliveries', { key: null });
    assert.deepEqual(
      (whole.json.deliveries as Array<Record<string, unknown>>).map((a) => a.webhook_id),
      [retried, retried, retried, other],
    );
    const none = await call(emu.url, 'GET', '/emulator/deliveries?webhook_id=msg_unknown', { key: null });
    assert.deepEqual(none.json, { deliveries: [] });
    for (const bad of ['', '%20', 'x'.repeat(257)]) {
      const r = await call(emu.url, 'GET', `/emulator/deliveries?webhook_id=${bad}`, { key: null });
      assert.equal(r.status, 400, `webhook_id=${bad.slice(0, 10)}`);
      assert.equal(r.json.error.status, 'INVALID_ARGUMENT');
    }
  });

  it('the core reader returns the attempts in order; with --api-key it needs the key', async () => {
    const { retried } = await deliverWithRetries('emu-key');
    const found = await fetchDeliveryAttempts({ baseUrl: emu.url, webhookId: retried, apiKey: 'emu-key' });
    assert.equal(found.kind, 'found');
    assert.deepEqual(found.kind === 'found' && found.attempts.map((a) => `${a.attempt}:${a.status}:${a.outcome}`), [
      '1:500:retry_scheduled',
      '2:500:retry_scheduled',
      '3:204:delivered',
    ]);
    const refused = await fetchDeliveryAttempts({ baseUrl: emu.url, webhookId: retried });
    assert.equal(refused.kind, 'failed');
    assert.match(refused.kind === 'failed' ? refused.detail : '', /HTTP 401/);
    const wrong = await fetchDeliveryAttempts({ baseUrl: emu.url, webhookId: retried, apiKey: 'not-the-key' });
    assert.match(wrong.kind === 'failed' ? wrong.detail : '', /HTTP 403/);
    assert.doesNotMatch(JSON.stringify(wrong), /not-the-key/);
  });

  it('a backend without the route (the real API answers 404 in its envelope), garbage, silence or nothing listening: never a throw', async () => {
    const notFound = await serve((res) =>
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } })),
    );
    const garbage = await serve((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    const silent = await serve(() => undefined);
    try {
      assert.equal((await fetchDeliveryAttempts({ baseUrl: notFound.url, webhookId: 'msg_1' })).kind, 'unsupported');
      assert.equal((await fetchDeliveryAttempts({ baseUrl: garbage.url, webhookId: 'msg_1' })).kind, 'unsupported');
      const slow = await fetchDeliveryAttempts({ baseUrl: silent.url, webhookId: 'msg_1', timeoutMs: 200 });
      assert.equal(slow.kind, 'failed');
      assert.match(slow.kind === 'failed' ? slow.detail : '', /did not answer within 200 ms/);
    } finally {
      await Promise.all([notFound.close(), garbage.close(), silent.close()]);
    }
    const closedPort = notFound.url; // closed above: nothing listens there now
    assert.equal((await fetchDeliveryAttempts({ baseUrl: closedPort, webhookId: 'msg_1' })).kind, 'failed');
    assert.equal(
      (await fetchDeliveryAttempts({ baseUrl: 'http://example.com', webhookId: 'msg_1' })).kind,
      'failed',
      'plain http off loopback is refused, not sent',
    );
  });

  it('an answer without a length that never ends is cut at the bound, not read whole', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const endless = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const more = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', more);
      };
      more();
    });
    try {
      const answer = await fetchDeliveryAttempts({ baseUrl: endless.url, webhookId: 'msg_1', timeoutMs: 15_000 });
      assert.equal(answer.kind, 'failed');
      assert.match(answer.kind === 'failed' ? answer.detail : '', /answered more than \d+ bytes/);
    } finally {
      await endless.close();
    }
  });

  it('reads an older emulator’s whole log by keeping only the asked webhook-id, and drops entries of the wrong shape', () => {
    const entry = (id: string, attempt: number, extra: Record<string, unknown> = {}) => ({
      webhook: 'w',
      webhook_id: id,
      kind: 'static',
      event_type: 'batch.succeeded',
      url: 'http://127.0.0.1/h',
      attempt,
      time: new Date(1_700_000_000_000 + attempt * 1000).toISOString(),
      outcome: 'retry_scheduled',
      duration_ms: 3,
      ...extra,
    });
    const text = JSON.stringify({
      deliveries: [entry('msg_a', 2), entry('msg_b', 1), entry('msg_a', 1), entry('msg_a', 3, { outcome: 'exploded' }), { webhook_id: 'msg_a' }, null],
    });
    assert.deepEqual(
      readAttempts(text, 'msg_a')?.map((a) => a.attempt),
      [1, 2],
    );
    assert.equal(readAttempts('{"webhooks":[]}', 'msg_a'), undefined);
    assert.equal(readAttempts('not json', 'msg_a'), undefined);
  });
});
