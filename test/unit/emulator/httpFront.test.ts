/** The emulator's HTTP front: oversized bodies, Host/Origin checks, content types, the key on /emulator/*. */
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { call, CallResult } from './helpers';

const MIB = 1024 * 1024;
/** Well past the old 8 MiB drain cut-off, where the old front stopped reading and never answered. */
const HUGE = 12 * MIB;
/** A client that gets no answer within this is a failure (Node's own request timeout is minutes). */
const CLIENT_TIMEOUT_MS = 5000;

function assertEnvelope(r: CallResult, status: number, googleStatus: string, messagePart?: RegExp): void {
  assert.equal(r.status, status, r.text.slice(0, 300));
  assert.equal(r.json?.error?.code, status);
  assert.equal(r.json?.error?.status, googleStatus);
  if (messagePart) assert.match(String(r.json?.error?.message), messagePart);
}

async function post(url: string, body: Buffer | Readable, headers: Record<string, string>): Promise<CallResult> {
  const res = await request(url, { method: 'POST', headers: { 'x-goog-api-key': 'k', 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS) });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: JSON.parse(text), text };
}

/** A chunked body (no content-length) of `total` bytes. */
function chunkedBody(total: number): Readable {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

describe('emulator HTTP front', function () {
  this.timeout(30_000);

  describe('oversized bodies', () => {
    let emu: Emulator;
    before(async () => {
      emu = await startEmulator();
    });
    after(() => emu.close());

    it('answers 413 in the Google envelope to a body over 1 MiB sent with content-length', async () => {
      const r = await post(`${emu.url}/v1beta/webhooks`, Buffer.alloc(HUGE, 0x20), {});
      assertEnvelope(r, 413, 'INVALID_ARGUMENT', /exceeds the limit/);
      assert.equal(r.headers.connection, 'close');
    });

    it('answers 413 in the Google envelope to a chunked body over 1 MiB', async () => {
      const r = await post(`${emu.url}/v1beta/webhooks`, chunkedBody(HUGE), {});
      assertEnvelope(r, 413, 'INVALID_ARGUMENT', /exceeds the limit/);
    });

    it('answers 413 to an oversized body on a route that does not read bodies, and keeps serving', async () => {
      const r = await post(`${emu.url}/v1beta/webhooks/nope:unknownVerb`, chunkedBody(HUGE), {});
      assert.ok(r.status === 413 || r.status === 404, `${r.status}`);
      assert.equal(r.json.error.code, r.status);
      assert.equal((await call(emu.url, 'GET', '/v1beta/webhooks')).status, 200);
    });
  });
});
