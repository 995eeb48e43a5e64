/** Issue 12 item 1: what the receiver stores of a request is bounded; browser requests are refused before anything is stored. */
import * as assert from 'node:assert/strict';
import { request } from 'undici';
import { Receiver, startReceiver } from '../../../src/core/receiver';
import { BROWSER_REFUSAL_LOG_EVERY } from '../../../src/core/receiver/deliveryHandler';
import { REJECTED_BOUNDS } from '../../../src/core/receiver/recordBounds';
import { SecretCandidate } from '../../../src/core/verify/secretCandidates';
import { newSecret, signedStatic } from '../verify/fixtures';
import { post, recordOf } from './helpers';

describe('what the receiver stores (issue 12)', function () {
  this.timeout(30_000);
  const secret = newSecret();
  const candidates: SecretCandidate[] = [{ secret, webhookId: 'wh_1', label: 'wh_1 (current)' }];
  let receiver: Receiver;
  let warnings: string[];

  beforeEach(async () => {
    warnings = [];
    receiver = await startReceiver({
      port: 0,
      secrets: () => candidates,
      log: { info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
  });
  afterEach(() => receiver.close());

  it('a 1 MB unsigned request becomes a small record: type, user_metadata, headers and path are capped too', async () => {
    const body = JSON.stringify({
      type: 't'.repeat(300_000),
      version: 'v1',
      user_metadata: { blob: 'm'.repeat(600_000) },
      data: { id: 'x' },
    });
    assert.ok(body.length > 900_000);
    const res = await request(`${receiver.url}?${'q'.repeat(6_000)}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'i'.repeat(3_000),
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,' + 'A'.repeat(4_000),
        'x-padding': 'p'.repeat(3_000),
      },
      body,
    });
    await res.body.dump();
    assert.equal(res.statusCode, 401);
    const record = await recordOf(receiver, 1);
    const size = JSON.stringify(record).length;
    assert.ok(size < 96 * 1024, `the record is ${size} characters (the body alone is capped at 64 KiB)`);
    assert.ok((record.eventType ?? '').length <= REJECTED_BOUNDS.typeChars + 1);
    assert.equal(record.userMetadata, undefined, 'user_metadata too large to keep beside the body');
    assert.ok(record.path.length <= REJECTED_BOUNDS.pathChars + 1);
    assert.ok(Object.values(record.headers).every((v) => v.length <= REJECTED_BOUNDS.headerValueChars + 1));
    assert.ok((record.webhookId ?? '').length <= REJECTED_BOUNDS.idChars + 1);
    for (const field of ['eventType', 'userMetadata', 'path', 'headers', 'webhookId']) assert.ok(record.clipped?.includes(field), `${field} named in clipped`);
  });

  it('keeps a verified delivery whole: body, headers and user_metadata as received', async () => {
    const d = signedStatic([secret], JSON.stringify({ type: 'batch.succeeded', version: 'v1', user_metadata: { run: 'r'.repeat(10_000) }, data: {} }));
    assert.equal((await post(receiver.url, d.headers, d.body)).json.status, 'verified');
    const record = await recordOf(receiver, 1);
    assert.equal(record.body, d.body);
    assert.deepEqual(record.userMetadata, { run: 'r'.repeat(10_000) });
    assert.equal(record.clipped, undefined);
  });

  it('refuses a request with an Origin header (browsers send one, Gemini never does) before storing anything but a count', async () => {
    const d = signedStatic([secret]);
    const seen: number[] = [];
    receiver.onDelivery((r) => seen.push(r.seq));
    const answer = await post(receiver.url, { ...d.headers, origin: 'https://evil.example' }, d.body);
    assert.equal(answer.status, 403);
    assert.match(String(answer.json.reason), /Origin header/);
    const nullOrigin = await post(receiver.url, { origin: 'null' }, '{}', 'GET');
    assert.equal(nullOrigin.status, 403, 'whatever the method or path');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(receiver.history.count, 0, 'nothing recorded');
    assert.deepEqual(seen, []);
    assert.equal(receiver.browserRequestsRefused, 2);
    assert.equal(warnings.filter((w) => /browser request/.test(w)).length, 1, 'the first is logged');
    // The same delivery without Origin still verifies: the refusal stored nothing, not even the id.
    assert.equal((await post(receiver.url, d.headers, d.body)).json.status, 'verified');
  });

  it('logs browser refusals once per N, with the count', async () => {
    for (let i = 0; i < BROWSER_REFUSAL_LOG_EVERY; i++) await post(receiver.url, { origin: 'http://localhost:3000' }, '{}');
    const lines = warnings.filter((w) => /browser request/.test(w));
    assert.equal(lines.length, 2);
    assert.match(lines[1], new RegExp(`refused ${BROWSER_REFUSAL_LOG_EVERY} browser requests`));
    assert.equal(receiver.history.count, 0);
  });
});
