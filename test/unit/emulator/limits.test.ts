/** The emulator's limits (issue 12 items 5 and 8): nesting depth, slow clients. */
import * as assert from 'node:assert/strict';
import { connect } from 'node:net';
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

  describe('slow clients (like the receiver: headers within 10 s, the whole request within 30 s by default)', () => {
    /** Sends `head`, then `body` one byte every `everyMs`; resolves with everything the server wrote back before it closed. */
    function trickle(port: number, head: string, body = '', everyMs = 100): Promise<string> {
      return new Promise((resolve, reject) => {
        let out = '';
        let timer: NodeJS.Timeout | undefined;
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(head);
          let i = 0;
          timer = setInterval(() => {
            if (i < body.length && !socket.destroyed) socket.write(body[i++]);
          }, everyMs);
        });
        socket.on('data', (b) => (out += b.toString()));
        socket.on('close', () => {
          clearInterval(timer);
          resolve(out);
        });
        socket.on('error', reject);
      });
    }

    function envelopeOf(answer: string): { code: number; status: string; message: string } {
      return (JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: number; status: string; message: string } }).error;
    }

    it('answers 408 in the envelope to a 26-byte body trickled past the request timeout, and keeps serving', async () => {
      const emu = await startEmulator({ requestTimeoutMs: 400, headersTimeoutMs: 400 });
      try {
        const body = '{"type":"batch.succeeded"}';
        assert.equal(body.length, 26);
        const started = Date.now();
        const answer = await trickle(
          emu.port,
          `POST /emulator/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
          body,
        );
        assert.match(answer, /^HTTP\/1.1 408 /);
        assert.match(answer, /connection: close/i);
        const error = envelopeOf(answer);
        assert.equal(error.code, 408);
        assert.match(error.message, /not received in time/);
        assert.ok(Date.now() - started < 2_000, 'cut off near the timeout, not after the whole trickle');
        assert.equal((await call(emu.url, 'GET', '/v1beta/webhooks')).status, 200);
      } finally {
        await emu.close();
      }
    });

    it('answers 408 in the envelope to headers that never end', async () => {
      const emu = await startEmulator({ requestTimeoutMs: 400, headersTimeoutMs: 400 });
      try {
        const answer = await trickle(emu.port, 'GET /v1beta/webhooks HTTP/1.1\r\nhost: 127.0.0.1\r\n');
        assert.match(answer, /^HTTP\/1.1 408 /);
        assert.equal(envelopeOf(answer).code, 408);
      } finally {
        await emu.close();
      }
    });

    it('refuses timeouts that are not positive', async () => {
      await assert.rejects(startEmulator({ requestTimeoutMs: 0 }), /requestTimeoutMs/);
    });
  });
});
