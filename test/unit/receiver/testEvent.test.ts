import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Receiver, startReceiver } from '../../../src/core/receiver';
import { EVENT_CATALOG } from '../../../src/core/events/catalog';
import { sendStaticTestEvent } from '../../../src/core/receiver/testEvent';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

describe('test events sent to the real receiver', function () {
  this.timeout(20_000);
  let receiver: Receiver;

  before(async () => {
    receiver = await startReceiver({ secrets: () => [{ secret, label: 'manual (added by hand)' }] });
  });
  after(async () => {
    await receiver.close();
  });

  it('every catalog type, signed with the stored secret, is verified with its type', async () => {
    for (const info of EVENT_CATALOG) {
      const sent = await sendStaticTestEvent(receiver.url, info.type, secret);
      assert.equal(sent.status, 200, JSON.stringify(sent.answer));
      assert.equal(sent.answer.status, 'verified');
      const record = receiver.history.get(sent.answer.seq as number);
      assert.equal(record?.eventType, info.type);
      assert.equal(record?.matchedSecret?.label, 'manual (added by hand)');
    }
  });

  it('unsigned, or signed with another secret, is rejected with a reason', async () => {
    const unsigned = await sendStaticTestEvent(receiver.url, 'batch.succeeded', undefined);
    assert.equal(unsigned.answer.status, 'rejected');
    assert.ok(unsigned.answer.reason);
    const wrong = await sendStaticTestEvent(receiver.url, 'batch.succeeded', `whsec_${randomBytes(32).toString('base64')}`);
    assert.equal(wrong.answer.status, 'rejected');
  });

  it('the same webhook-id twice is a duplicate', async () => {
    const first = await sendStaticTestEvent(receiver.url, 'batch.failed', secret, { webhookId: 'msg_dup_test' });
    const again = await sendStaticTestEvent(receiver.url, 'batch.failed', secret, { webhookId: 'msg_dup_test' });
    assert.equal(first.answer.status, 'verified');
    assert.equal(again.answer.status, 'duplicate');
  });

  it("gives each event a fresh webhook-id shaped like the emulator's and the service's (msg_<uuid>)", async () => {
    const a = await sendStaticTestEvent(receiver.url, 'batch.succeeded', secret);
    const b = await sendStaticTestEvent(receiver.url, 'batch.succeeded', secret);
    assert.match(a.webhookId, /^msg_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a.webhookId, b.webhookId);
    assert.equal(a.answer.webhook_id, a.webhookId);
  });
});
