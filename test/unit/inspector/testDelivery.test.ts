import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startEmulator, Emulator } from '../../../src/core/emulator';
import { ReceivedDelivery, Receiver, startReceiver } from '../../../src/core/receiver';
import { EVENT_CATALOG } from '../../../src/core/events/catalog';
import { EMULATOR_JOB_TYPES, sendStaticTestEvent, startEmulatorJob } from '../../../src/extension/events/commands/testDelivery';
import { validateSigningSecret } from '../../../src/core/verify/secretFormat';
import { validateSecretLabel } from '../../../src/extension/events/commands/signingSecretFormat';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

function next(receiver: Receiver, predicate: (r: ReceivedDelivery) => boolean): Promise<ReceivedDelivery> {
  return new Promise((resolve) => {
    const sub = receiver.onDelivery((r) => {
      if (predicate(r)) {
        sub.dispose();
        resolve(r);
      }
    });
  });
}

describe('test events sent to the real receiver', function () {
  this.timeout(20_000);
  let receiver: Receiver;
  let emulator: Emulator | undefined;

  before(async () => {
    receiver = await startReceiver({ secrets: () => [{ secret, label: 'manual (added by hand)' }] });
  });
  after(async () => {
    await receiver.close();
    await emulator?.close();
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

  it('emulator jobs deliver JWT-signed events of the picked type to the receiver', async () => {
    emulator = await startEmulator({ timeScale: 10, jobDurationMs: 2_000 });
    const dynamicReceiver = await startReceiver({ jwksUri: `${emulator.url}/.well-known/jwks.json` });
    try {
      for (const type of Object.keys(EMULATOR_JOB_TYPES)) {
        const arrived = next(dynamicReceiver, (r) => r.eventType === type);
        await startEmulatorJob(emulator.url, 'any-key', type, dynamicReceiver.url);
        const record = await arrived;
        assert.equal(record.verdict, 'verified', `${type}: ${record.reason}`);
        assert.equal(record.scheme, 'dynamic');
        assert.deepEqual(record.userMetadata, { source: 'vscode-test-event' });
      }
      await assert.rejects(startEmulatorJob(emulator.url, 'k', 'batch.failed', dynamicReceiver.url), /cannot produce batch\.failed/);
    } finally {
      await dynamicReceiver.close();
    }
  });

  it('validates signing secrets and labels without echoing the secret', () => {
    assert.equal(validateSigningSecret(secret), undefined);
    assert.equal(validateSigningSecret(`whsec_${randomBytes(24).toString('base64')}`), undefined);
    assert.equal(validateSigningSecret(`whsec_${randomBytes(64).toString('base64')}`), undefined);
    assert.match(validateSigningSecret(`whsec_${randomBytes(16).toString('base64')}`) ?? '', /24 to 64 bytes \(this one has 16\)/);
    assert.match(validateSigningSecret(`whsec_${randomBytes(65).toString('base64')}`) ?? '', /has 65/);
    assert.match(validateSigningSecret('sk_live_abc') ?? '', /starts with whsec_/);
    assert.match(validateSigningSecret('whsec_not base64!') ?? '', /base64/);
    assert.match(validateSigningSecret('') ?? '', /Paste/);
    for (const bad of [`whsec_${randomBytes(16).toString('base64')}`, 'whsec_***']) assert.ok(!(validateSigningSecret(bad) ?? '').includes(bad.slice(6)));
    assert.equal(validateSecretLabel('staging'), undefined);
    assert.ok(validateSecretLabel(''));
    assert.ok(validateSecretLabel(secret));
    assert.ok(validateSecretLabel('x'.repeat(101)));
  });
});
