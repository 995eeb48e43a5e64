/** One deadline bounds a whole delivery attempt: a receiver that trickles its answer cannot stretch it. */
import * as assert from 'node:assert/strict';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { call, Receiver, until } from './helpers';

describe('emulator delivery deadline', function () {
  this.timeout(30_000);
  let emu: Emulator | undefined;
  let receiver: Receiver;
  const trickles = new Set<NodeJS.Timeout>();

  beforeEach(async () => {
    receiver = await new Receiver().start();
  });
  afterEach(async () => {
    for (const t of trickles) clearInterval(t);
    trickles.clear();
    await emu?.close();
    emu = undefined;
    await receiver.close();
  });

  it('ends an attempt whose receiver sends headers and then trickles the body (each byte well within the per-phase timeout)', async () => {
    // deadline 1.5 s; the body arrives one byte every 300 ms for up to 24 s, so no phase timeout (1.5 s) ever fires
    emu = await startEmulator({ deliveryTimeoutMs: 1500 });
    const created = await call(emu.url, 'POST', '/v1beta/webhooks', { body: { uri: receiver.url, subscribed_events: ['batch.succeeded'] } });
    assert.equal(created.status, 200, created.text);
    receiver.respond = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('.');
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || ++sent > 80) {
          clearInterval(timer);
          trickles.delete(timer);
          res.end();
          return;
        }
        res.write('.');
      }, 300);
      trickles.add(timer);
      res.once('close', () => {
        clearInterval(timer);
        trickles.delete(timer);
      });
    };
    emu.emit('batch.succeeded');
    // failure condition: no record of the attempt within 8 s (without one deadline it lasts ~24 s)
    const record = await until(() => emu!.deliveries()[0], 8000, 'the attempt to end');
    assert.equal(record.outcome, 'retry_scheduled');
    assert.equal(record.status, 200);
    assert.match(String(record.error), /timeout/);
  });
});
