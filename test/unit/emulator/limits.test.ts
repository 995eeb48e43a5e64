/** The emulator's limits (issue 12 items 5 and 8): nesting depth, slow clients. */
import * as assert from 'node:assert/strict';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { MAX_JSON_DEPTH } from '../../../src/core/util/jsonDepth';
import { call, Receiver } from './helpers';

function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

describe('emulator limits', function () {
  this.timeout(30_000);

  describe('nesting depth', () => {
    let emu: Emulator;
    let receiver: Receiver;
    before(async () => {
      emu = await startEmulator();
      receiver = await new Receiver().start();
      // A subscriber: the event is then serialized for a delivery (where 100k levels used to overflow: a 500).
      await call(emu.url, 'POST', '/v1beta/webhooks', { body: { uri: receiver.url, subscribed_events: ['batch.succeeded'] } });
    });
    after(async () => {
      await emu.close();
      await receiver.close();
    });

    it('answers 400 in the envelope to /emulator/events with data nested 100,000 deep, and keeps serving', async () => {
      const r = await call(emu.url, 'POST', '/emulator/events', {
        raw: `{"type":"batch.succeeded","data":${nested(100_000)}}`,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(r.status, 400, r.text.slice(0, 200));
      assert.equal(r.json.error.status, 'INVALID_ARGUMENT');
      assert.match(r.json.error.message, new RegExp(`nests more than ${MAX_JSON_DEPTH} levels deep`));
      assert.equal((await call(emu.url, 'POST', '/emulator/events', { body: { type: 'batch.succeeded' } })).status, 200);
    });

    it('refuses a job whose webhook_config.user_metadata nests 6,000 deep (REST routes too)', async () => {
      const r = await call(emu.url, 'POST', '/v1beta/interactions', {
        raw: `{"model":"m","input":"hi","background":true,"webhook_config":{"uris":["http://127.0.0.1:9/x"],"user_metadata":${nested(6000)}}}`,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(r.status, 400, r.text.slice(0, 200));
      assert.match(r.json.error.message, /nests more than 100 levels deep/);
    });

    it(`delivers user_metadata up to the limit (${MAX_JSON_DEPTH} levels in the request)`, async () => {
      const before = receiver.received.length;
      // The request is level 1, user_metadata's object level 2.
      const r = await call(emu.url, 'POST', '/emulator/events', {
        raw: `{"type":"batch.succeeded","user_metadata":${nested(MAX_JSON_DEPTH - 1)}}`,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(r.status, 200, r.text.slice(0, 200));
      await receiver.waitFor(before + 1);
      assert.ok((JSON.parse(receiver.received[before].body.toString()) as { user_metadata?: unknown }).user_metadata);
    });
  });
});
