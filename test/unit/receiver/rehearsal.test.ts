/** Failure rehearsal through real HTTP on loopback: the receiver's answers, and the real emulator's retries of them. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import { startEmulator, Emulator } from '../../../src/core/emulator';
import type { DeliveryAttempt } from '../../../src/core/emulator/deliveryLog';
import { RETRY_SCHEDULE_MS } from '../../../src/core/emulator/retrySchedule';
import { FailurePlan, parseFailureSpec, ReceivedDelivery, Receiver, startReceiver } from '../../../src/core/receiver';
import { SecretCandidate } from '../../../src/core/verify/secretCandidates';
import { newSecret, signedStatic } from '../verify/fixtures';
import { nextRecords, post, TestApp } from './helpers';

async function api(emu: Emulator, method: string, p: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await request(`${emu.url}${p}`, {
    method: method as 'POST',
    headers: { 'x-goog-api-key': 'test-key', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.body.json()) as Record<string, unknown>;
  assert.ok(res.statusCode < 300, `${method} ${p}: ${res.statusCode} ${JSON.stringify(json)}`);
  return json;
}

/** The records of one webhook-id, waiting until there are `n`. */
async function recordsOf(receiver: Receiver, msgId: string, n: number): Promise<ReceivedDelivery[]> {
  for (;;) {
    const found = receiver.history.all().filter((r) => r.webhookId === msgId);
    if (found.length >= n) return found;
    await new Promise((resolve) => {
      const sub = receiver.onDelivery(() => {
        sub.dispose();
        resolve(undefined);
      });
    });
  }
}

const attemptsOf = (emu: Emulator, msgId: string): DeliveryAttempt[] => emu.deliveries().filter((d) => d.webhook_id === msgId);
const gaps = (attempts: readonly DeliveryAttempt[]) => attempts.slice(1).map((a, i) => Date.parse(a.time) - Date.parse(attempts[i].time));

describe('failure rehearsal ← the emulator retrying it', function () {
  this.timeout(30_000);
  const SCALE = 2000;
  let emu: Emulator;
  let receiver: Receiver;
  let app: TestApp;
  let secrets: SecretCandidate[];

  beforeEach(async () => {
    emu = await startEmulator({ timeScale: SCALE, jobDurationMs: 50, deliveryTimeoutMs: 400 });
    app = await new TestApp().start();
    secrets = [];
    receiver = await startReceiver({ port: 0, secrets: () => secrets, forwardTo: app.url });
  });
  afterEach(async () => {
    await emu.close();
    await receiver.close();
    await app.close();
  });

  async function webhookAtReceiver(): Promise<string> {
    const created = await api(emu, 'POST', '/v1beta/webhooks', { uri: receiver.url, subscribed_events: ['batch.succeeded'] });
    const id = String(created.id);
    secrets.push({ secret: String(created.new_signing_secret), webhookId: id, label: `${id} (current)` });
    return id;
  }

  it('three rehearsed 500s, then success: four attempts with growing delays; only the last is processed and forwarded, none a duplicate', async () => {
    await webhookAtReceiver();
    receiver.setFailurePlan(FailurePlan.parse('500:3'));
    const [msgId] = emu.emit('batch.succeeded');
    const records = await recordsOf(receiver, msgId, 4);
    await emu.idle();

    const attempts = attemptsOf(emu, msgId);
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.status, a.outcome]),
      [
        [1, 500, 'retry_scheduled'],
        [2, 500, 'retry_scheduled'],
        [3, 500, 'retry_scheduled'],
        [4, 200, 'delivered'],
      ],
    );
    const between = gaps(attempts);
    assert.ok(between[0] < between[1] && between[1] < between[2], `growing delays: ${between.join(', ')} ms`);
    // Each no sooner than the schedule's step, scaled, less its jitter.
    between.forEach((gap, i) => assert.ok(gap >= (RETRY_SCHEDULE_MS[i + 1] / SCALE) * 0.85 - 1, `gap ${i + 1}: ${gap} ms`));

    assert.deepEqual(
      records.map((r) => [r.verdict, r.httpStatus, r.rehearsal?.kind, r.rehearsal?.status]),
      [
        ['verified', 500, 'status', 500],
        ['verified', 500, 'status', 500],
        ['verified', 500, 'status', 500],
        ['verified', 200, undefined, undefined],
      ],
    );
    assert.equal(records[0].rehearsal?.plan, '500:3');
    assert.equal(receiver.failurePlan?.done, true);
    await app.waitFor(1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(app.received.length, 1, 'the app got the event once: the rehearsed failures were not forwarded');
  });

  it('503 with Retry-After: the emulator waits at least that long (scaled) before the retry', async () => {
    await webhookAtReceiver();
    // The schedule's second step is 5 s; Retry-After asks for 1,200 s (600 ms at this scale).
    receiver.setFailurePlan(FailurePlan.parse('503:1:retry-after=1200'));
    const [msgId] = emu.emit('batch.succeeded');
    const [first] = await recordsOf(receiver, msgId, 2);
    await emu.idle();
    assert.equal(first.httpStatus, 503);
    assert.equal(first.rehearsal?.retryAfterSeconds, 1200);
    const attempts = attemptsOf(emu, msgId);
    assert.deepEqual(
      attempts.map((a) => [a.status, a.outcome]),
      [
        [503, 'retry_scheduled'],
        [200, 'delivered'],
      ],
    );
    const scheduled = Date.parse(attempts[0].next_retry_time ?? '') - Date.parse(attempts[0].time);
    assert.ok(scheduled >= 1200_000 / SCALE, `retry scheduled ${scheduled} ms after the first attempt`);
    assert.ok(gaps(attempts)[0] >= 1200_000 / SCALE - 1, `retried after ${gaps(attempts)[0]} ms`);
  });

  it('410: the emulator stops retrying and disables the webhook (disabled_due_to_failed_deliveries)', async () => {
    const id = await webhookAtReceiver();
    receiver.setFailurePlan(FailurePlan.parse('410'));
    await api(emu, 'POST', `/v1beta/webhooks/${id}:ping`);
    await emu.idle();
    const [attempt, ...more] = emu.deliveries().filter((d) => d.webhook === id);
    assert.equal(more.length, 0, 'no retry after 410');
    assert.equal(attempt.status, 410);
    assert.equal(attempt.outcome, 'failed');
    assert.equal((await api(emu, 'GET', `/v1beta/webhooks/${id}`)).state, 'disabled_due_to_failed_deliveries');
    const [record] = await recordsOf(receiver, attempt.webhook_id, 1);
    assert.equal(record.rehearsal?.status, 410);
  });

  it('timeout: held unanswered until the emulator gives up; its retry is answered and is no duplicate', async () => {
    await webhookAtReceiver();
    receiver.setFailurePlan(FailurePlan.parse('timeout:1'));
    const [msgId] = emu.emit('batch.succeeded');
    const [held, retry] = await recordsOf(receiver, msgId, 2);
    await emu.idle();
    const attempts = attemptsOf(emu, msgId);
    assert.match(attempts[0].error ?? '', /timeout/);
    assert.equal(attempts[0].status, undefined);
    assert.equal(attempts[1].status, 200);
    assert.equal(held.httpStatus, 0, 'no answer');
    assert.equal(held.rehearsal?.kind, 'timeout');
    assert.equal(held.rehearsal?.senderHungUp, true);
    assert.ok((held.rehearsal?.heldMs ?? 0) >= 300, `held ${held.rehearsal?.heldMs} ms (the emulator's deadline is 400 ms)`);
    assert.equal(retry.verdict, 'verified');
    assert.equal(retry.duplicateOf, undefined);
  });

  it('slow success past the sender deadline: processed once, and the retry it causes is a duplicate', async () => {
    await webhookAtReceiver();
    receiver.setFailurePlan(FailurePlan.parse('slow:1'));
    const [msgId] = emu.emit('batch.succeeded');
    const [late, retry] = await recordsOf(receiver, msgId, 2);
    await emu.idle();
    assert.match(attemptsOf(emu, msgId)[0].error ?? '', /timeout/);
    assert.equal(late.verdict, 'verified');
    assert.equal(late.rehearsal?.kind, 'slow');
    assert.equal(late.rehearsal?.senderHungUp, true);
    assert.equal(retry.verdict, 'duplicate');
    assert.equal(retry.duplicateOf, late.seq);
    await app.waitFor(1);
    assert.equal(app.received.length, 1);
  });
});

describe('failure rehearsal: the receiver answering over loopback', function () {
  this.timeout(20_000);
  let receiver: Receiver;
  let app: TestApp;
  const secret = newSecret();

  beforeEach(async () => {
    app = await new TestApp().start();
    receiver = await startReceiver({ port: 0, secrets: () => [{ secret, label: 's' }], forwardTo: app.url, timeoutHoldMs: 300 });
  });
  afterEach(async () => {
    await receiver.close();
    await app.close();
  });

  it('answers the rehearsed status and Retry-After with a body that says so; rejected requests do not count', async () => {
    receiver.setFailurePlan(FailurePlan.parse('503:1:retry-after=7'));
    const unsigned = signedStatic([newSecret()]);
    assert.equal((await post(receiver.url, unsigned.headers, unsigned.body)).status, 401);
    assert.equal(receiver.failurePlan?.remaining, 1, 'the rejected request left the plan untouched');
    const d = signedStatic([secret]);
    const res = await request(receiver.url, { method: 'POST', headers: d.headers, body: d.body });
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '7');
    const body = (await res.body.json()) as Record<string, unknown>;
    assert.equal(body.status, 'rehearsed_failure');
    assert.equal(body.webhook_id, d.headers['webhook-id']);
    assert.match(String(body.reason), /rehearsed failure \(503:1:retry-after=7\)/);
    assert.equal(receiver.failurePlan?.done, true);
    // The same delivery again is answered as usual, and is new: the failure was not remembered as processed.
    const again = await post(receiver.url, d.headers, d.body);
    assert.equal(again.status, 200);
    assert.equal(again.json.status, 'verified');
  });

  it('a percentage fails the deliveries its random source picks; the plan can be changed and cleared while running', async () => {
    const rolls = [0.2, 0.7, 0.3, 0.9];
    receiver.setFailurePlan(new FailurePlan(parseFailureSpec('50%:500'), () => rolls.shift() ?? 1));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const d = signedStatic([secret]);
      statuses.push((await post(receiver.url, d.headers, d.body)).status);
    }
    assert.deepEqual(statuses, [500, 200, 500, 200]);
    receiver.setFailurePlan(FailurePlan.parse('429:1'));
    const d = signedStatic([secret]);
    assert.equal((await post(receiver.url, d.headers, d.body)).status, 429);
    receiver.setFailurePlan(FailurePlan.parse('500:5'));
    receiver.setFailurePlan(undefined);
    const e = signedStatic([secret]);
    assert.equal((await post(receiver.url, e.headers, e.body)).status, 200);
  });

  it('a rehearsed failure of a delivery already processed is recorded as its duplicate', async () => {
    const d = signedStatic([secret]);
    const first = await post(receiver.url, d.headers, d.body);
    receiver.setFailurePlan(FailurePlan.parse('500'));
    const records = nextRecords(receiver, 1);
    assert.equal((await post(receiver.url, d.headers, d.body)).status, 500);
    const [record] = await records;
    assert.equal(record.verdict, 'duplicate');
    assert.equal(record.duplicateOf, first.json.seq);
    assert.equal(record.rehearsal?.status, 500);
  });

  it('timeout: closes the connection unanswered after its bounded hold; slow: answers as usual, late, and forwards', async () => {
    receiver.setFailurePlan(FailurePlan.parse('timeout'));
    const d = signedStatic([secret]);
    const records = nextRecords(receiver, 1);
    await assert.rejects(request(receiver.url, { method: 'POST', headers: d.headers, body: d.body }), /closed|socket/i);
    const [held] = await records;
    assert.equal(held.httpStatus, 0);
    assert.equal(held.rehearsal?.senderHungUp, undefined, 'the hold ended it, not the sender');
    assert.ok((held.rehearsal?.heldMs ?? 0) >= 290, `held ${held.rehearsal?.heldMs} ms`);
    assert.equal(app.received.length, 0, 'not forwarded');

    receiver.setFailurePlan(FailurePlan.parse('slow:0.4'));
    const s = signedStatic([secret]);
    const started = Date.now();
    const answer = await post(receiver.url, s.headers, s.body);
    assert.equal(answer.status, 200);
    assert.equal(answer.json.status, 'verified');
    assert.ok(Date.now() - started >= 390, 'answered after the delay');
    await app.waitFor(1);
    const record = receiver.history.get(Number(answer.json.seq));
    assert.equal(record?.rehearsal?.kind, 'slow');
    assert.equal(record?.rehearsal?.delaySeconds, 0.4);
  });

  it('stopping the receiver ends a held request at once (unanswered) and records it', async () => {
    const other = await startReceiver({ port: 0, secrets: () => [{ secret, label: 's' }], failurePlan: FailurePlan.parse('timeout') });
    const d = signedStatic([secret]);
    const pending = request(other.url, { method: 'POST', headers: d.headers, body: d.body });
    const recorded = nextRecords(other, 1);
    await new Promise<void>((resolve) => {
      const wait = () => (other.failurePlan?.done ? resolve() : setTimeout(wait, 10));
      wait();
    });
    // The default hold is 60 s; close() must not wait for it (the test's 20 s timeout would fail first).
    await other.close();
    await assert.rejects(pending);
    const [record] = await recorded;
    assert.equal(record.rehearsal?.kind, 'timeout');
    assert.equal(record.httpStatus, 0);
  });

  it('after a restart, a rehearsed failure is not taken for processed: the retry is no duplicate', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gw-rehearsal-'));
    try {
      const historyPath = path.join(dir, 'history.jsonl');
      const d = signedStatic([secret]);
      const first = await startReceiver({ port: 0, historyPath, secrets: () => [{ secret, label: 's' }], failurePlan: FailurePlan.parse('500') });
      assert.equal((await post(first.url, d.headers, d.body)).status, 500);
      await first.close();
      const second = await startReceiver({ port: 0, historyPath, secrets: () => [{ secret, label: 's' }] });
      try {
        const again = await post(second.url, d.headers, d.body);
        assert.equal(again.json.status, 'verified');
        assert.equal(second.history.all().find((r) => r.rehearsal)?.rehearsal?.plan, '500:1', 'the rehearsal is kept in the history');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
