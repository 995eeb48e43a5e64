import * as assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { Emulator, EmulatorOptions, startEmulator } from '../../../src/core/emulator';
import { call, Received, Receiver, sleep, until } from './helpers';

function headersOf(r: Received): Record<string, string> {
  return {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  };
}

function verifies(secret: string, r: Received): boolean {
  try {
    new Webhook(secret).verify(r.body.toString('utf8'), headersOf(r));
    return true;
  } catch {
    return false;
  }
}

describe('emulator static deliveries', () => {
  let emu: Emulator | undefined;
  let receiver: Receiver;
  let lines: string[];

  async function setup(options: EmulatorOptions, events = ['batch.succeeded']): Promise<{ id: string; secret: string }> {
    lines = [];
    emu = await startEmulator({ log: (l) => lines.push(l), ...options });
    const r = await call(emu.url, 'POST', '/v1beta/webhooks', { body: { uri: receiver.url, subscribed_events: events } });
    assert.equal(r.status, 200, r.text);
    return { id: r.json.id, secret: r.json.new_signing_secret };
  }

  beforeEach(async () => {
    receiver = await new Receiver().start();
  });
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
    await receiver.close();
  });

  it('delivers a signed thin envelope that standardwebhooks verifies, and logs the attempt without secrets', async () => {
    const { id, secret } = await setup({});
    const ids = emu!.emit('batch.succeeded', { id: 'batches/1', output_file_uri: 'gs://b/o.jsonl' });
    assert.equal(ids.length, 1);
    assert.deepEqual(emu!.emit('video.generated'), [], 'not subscribed');
    await receiver.waitFor(1);
    const got = receiver.received[0];
    assert.ok(verifies(secret, got));
    assert.equal(got.headers['webhook-id'], ids[0]);
    assert.equal(got.headers['content-type'], 'application/json');
    const body = JSON.parse(got.body.toString());
    assert.equal(body.type, 'batch.succeeded');
    assert.equal(body.version, 'v1');
    assert.deepEqual(body.data, { id: 'batches/1', output_file_uri: 'gs://b/o.jsonl' });
    await emu!.idle();
    const log = emu!.deliveries();
    assert.equal(log.length, 1);
    assert.equal(log[0].webhook, id);
    assert.equal(log[0].webhook_id, ids[0]);
    assert.equal(log[0].attempt, 1);
    assert.equal(log[0].outcome, 'delivered');
    assert.equal(log[0].status, 204);
    assert.equal(lines.length, 1);
    assert.ok(lines[0].includes(ids[0]));
    assert.ok(!lines.join('\n').includes(secret.slice(6)), 'secret never logged');
  });

  it('emits through POST /emulator/events (unknown types reach every enabled webhook) and lists GET /emulator/deliveries', async () => {
    const { secret } = await setup({});
    const r = await call(emu!.url, 'POST', '/emulator/events', { key: null, body: { type: 'batch.completed', data: { id: 'b1' }, user_metadata: { run: 7 } } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.webhook_ids.length, 1);
    await receiver.waitFor(1);
    assert.ok(verifies(secret, receiver.received[0]));
    const body = JSON.parse(receiver.received[0].body.toString());
    assert.equal(body.type, 'batch.completed');
    assert.deepEqual(body.user_metadata, { run: 7 });
    await emu!.idle();
    const log = await call(emu!.url, 'GET', '/emulator/deliveries', { key: null });
    assert.equal(log.json.deliveries.length, 1);
    assert.equal(log.json.deliveries[0].webhook_id, r.json.webhook_ids[0]);
    const bad = await call(emu!.url, 'POST', '/emulator/events', { key: null, body: { data: {} } });
    assert.equal(bad.status, 400);
    assert.ok(bad.json.error.message.includes("'type'"));
    const badData = await call(emu!.url, 'POST', '/emulator/events', { key: null, body: { type: 'x', data: [1] } });
    assert.equal(badData.status, 400);
    assert.ok(badData.json.error.message.includes("'data'"));
  });

  it('pings a webhook with webhook.ping {webhook_id} whatever its subscriptions', async () => {
    const { id, secret } = await setup({}, ['video.generated']);
    assert.equal((await call(emu!.url, 'POST', `/v1/webhooks/${id}:ping`)).status, 200);
    await receiver.waitFor(1);
    assert.ok(verifies(secret, receiver.received[0]));
    const body = JSON.parse(receiver.received[0].body.toString());
    assert.equal(body.type, 'webhook.ping');
    assert.deepEqual(body.data, { webhook_id: id });
  });

  it('signs with both secrets during the rotation grace period, then with the new one only', async () => {
    // 24 h grace at this scale is 1.2 s
    const { id, secret: oldSecret } = await setup({ timeScale: 72_000 });
    const rot = await call(emu!.url, 'POST', `/v1beta/webhooks/${id}:rotateSigningSecret`, {
      body: { revocation_behavior: 'revoke_previous_secrets_after_h24' },
    });
    const newSecret = rot.json.secret;
    emu!.emit('batch.succeeded');
    await receiver.waitFor(1);
    const during = receiver.received[0];
    assert.equal(String(during.headers['webhook-signature']).split(' ').length, 2);
    assert.ok(
      String(during.headers['webhook-signature'])
        .split(' ')
        .every((s) => s.startsWith('v1,')),
    );
    assert.ok(verifies(oldSecret, during), 'old secret still verifies during the window');
    assert.ok(verifies(newSecret, during));
    for (let i = 0; ; i++) {
      const view = await call(emu!.url, 'GET', `/v1beta/webhooks/${id}`);
      if (view.json.signing_secrets.length === 1) break;
      assert.ok(i < 200, 'the previous secret should expire after the scaled grace period');
      await sleep(25);
    }
    emu!.emit('batch.succeeded');
    await receiver.waitFor(2);
    const after = receiver.received[1];
    assert.equal(String(after.headers['webhook-signature']).split(' ').length, 1);
    assert.ok(verifies(newSecret, after));
    assert.ok(!verifies(oldSecret, after), 'old secret no longer verifies');
  });

  it('drops the previous secret at once with revoke_previous_secrets_immediately', async () => {
    const { id, secret: oldSecret } = await setup({});
    const rot = await call(emu!.url, 'POST', `/v1beta/webhooks/${id}/rotate_secret`, { body: { revocation_behavior: 'REVOKE_PREVIOUS_SECRETS_IMMEDIATELY' } });
    emu!.emit('batch.succeeded');
    await receiver.waitFor(1);
    const got = receiver.received[0];
    assert.equal(String(got.headers['webhook-signature']).split(' ').length, 1);
    assert.ok(verifies(rot.json.secret, got));
    assert.ok(!verifies(oldSecret, got));
  });

  it('runs the whole retry schedule (8 attempts within 24 h, same webhook-id, fresh signatures) then disables the webhook', async () => {
    const { id, secret } = await setup({ timeScale: 100_000 }); // 24 h = 864 ms
    receiver.respond = (_req, res) => res.writeHead(500).end('nope');
    const [msgId] = emu!.emit('batch.succeeded');
    await receiver.waitFor(8, 15_000);
    await emu!.idle();
    assert.equal(receiver.received.length, 8, 'no attempt after the schedule is exhausted');
    assert.ok(receiver.received.every((r) => r.headers['webhook-id'] === msgId && verifies(secret, r)));
    const log = emu!.deliveries();
    assert.deepEqual(
      log.map((d) => d.attempt),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.deepEqual(
      log.map((d) => d.outcome),
      [...Array(7).fill('retry_scheduled'), 'failed'],
    );
    assert.ok(log.every((d) => d.status === 500));
    // the scheduled gap (computed, jittered by at most 15 %) is at least 85 % of the schedule entry
    const scheduleMs = [5e3, 3e5, 18e5, 72e5, 18e6, 36e6].map((ms) => ms / 100_000);
    log.slice(0, 6).forEach((d, i) => assert.ok(Date.parse(d.next_retry_time!) - Date.parse(d.time) >= Math.floor(scheduleMs[i] * 0.85), `gap ${i}`));
    // the last attempt is due 24 h (scaled) after the first, never later
    assert.ok(Date.parse(log[6].next_retry_time!) - Date.parse(log[0].time) <= 864 + 1, 'last attempt within 24 h of the first');
    const view = await call(emu!.url, 'GET', `/v1beta/webhooks/${id}`);
    assert.equal(view.json.state, 'disabled_due_to_failed_deliveries');
    assert.deepEqual(emu!.emit('batch.succeeded'), [], 'a disabled webhook gets nothing');
  });

  it('honours Retry-After (scaled) before the next attempt', async () => {
    await setup({ timeScale: 10_000 });
    receiver.respond = (_req, res, i) => (i === 0 ? res.writeHead(503, { 'retry-after': '3600' }).end() : res.writeHead(200).end());
    emu!.emit('batch.succeeded');
    await receiver.waitFor(2);
    await emu!.idle();
    const [first, second] = emu!.deliveries();
    assert.equal(first.outcome, 'retry_scheduled');
    assert.ok(Date.parse(first.next_retry_time!) - Date.parse(first.time) >= 360, 'Retry-After 3600 s / 10000 = 360 ms');
    assert.ok(receiver.received[1].at - receiver.received[0].at >= 350);
    assert.equal(second.outcome, 'delivered');
  });

  it('treats 3xx as a failure and never follows the redirect', async () => {
    await setup({ timeScale: 100_000 });
    receiver.respond = (_req, res, i) => (i === 0 ? res.writeHead(302, { location: '/elsewhere' }).end() : res.writeHead(200).end());
    emu!.emit('batch.succeeded');
    await receiver.waitFor(2);
    await emu!.idle();
    assert.equal(receiver.received.length, 2);
    const log = emu!.deliveries();
    assert.equal(log[0].status, 302);
    assert.equal(log[0].outcome, 'retry_scheduled');
    assert.equal(log[1].outcome, 'delivered');
    assert.equal(log[1].url, receiver.url);
  });

  it('stops and disables the webhook on 410 Gone', async () => {
    const { id } = await setup({ timeScale: 100_000 });
    receiver.respond = (_req, res) => res.writeHead(410).end();
    emu!.emit('batch.succeeded');
    await receiver.waitFor(1);
    await emu!.idle();
    assert.equal(receiver.received.length, 1);
    assert.equal(emu!.deliveries()[0].outcome, 'failed');
    assert.equal((await call(emu!.url, 'GET', `/v1beta/webhooks/${id}`)).json.state, 'disabled_due_to_failed_deliveries');
  });

  it('retries after a timeout, a connection reset and a garbage answer', async () => {
    await setup({ timeScale: 100_000, deliveryTimeoutMs: 300 });
    receiver.respond = (req, res, i) => {
      if (i === 0) return; // hang: never answer
      if (i === 1) return req.socket.destroy();
      if (i === 2) return req.socket.end('this is not HTTP\r\n\r\n');
      res.writeHead(200).end();
    };
    const [msgId] = emu!.emit('batch.succeeded');
    await receiver.waitFor(4);
    await emu!.idle();
    const log = emu!.deliveries();
    assert.deepEqual(
      log.map((d) => d.outcome),
      ['retry_scheduled', 'retry_scheduled', 'retry_scheduled', 'delivered'],
    );
    assert.match(log[0].error!, /timeout/);
    assert.ok(log.slice(0, 3).every((d) => d.status === undefined && typeof d.error === 'string'));
    assert.ok(receiver.received.every((r) => r.headers['webhook-id'] === msgId));
  });

  it('cancels pending retries on close, leaving nothing running', async () => {
    await setup({ timeScale: 1 });
    receiver.respond = (_req, res) => res.writeHead(500).end();
    emu!.emit('batch.succeeded');
    await receiver.waitFor(1);
    await until(() => emu!.deliveries().length === 1);
    await emu!.close();
    await emu!.idle();
  });
});
