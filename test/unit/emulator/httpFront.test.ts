/** The emulator's HTTP front: oversized bodies, Host/Origin checks, content types, the key on /emulator/*. */
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { allowedHostNames } from '../../../src/core/emulator/requestGuard';
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
  const res = await request(url, {
    method: 'POST',
    headers: { 'x-goog-api-key': 'k', 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
  });
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

describe('emulator HTTP front: web pages cannot drive it', function () {
  this.timeout(20_000);
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  it('answers only loopback Host values (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${emu.port}`, `127.0.0.1.evil.example:${emu.port}`, 'localhost.evil.example', '10.0.0.1']) {
      const r = await call(emu.url, 'GET', '/v1beta/webhooks', { headers: { host } });
      assertEnvelope(r, 403, 'PERMISSION_DENIED', /Host header/);
    }
    assertEnvelope(
      await call(emu.url, 'POST', '/emulator/events', { key: null, headers: { host: 'rebound.example' }, body: { type: 'batch.succeeded' } }),
      403,
      'PERMISSION_DENIED',
      /Host header/,
    );
    for (const host of [`127.0.0.1:${emu.port}`, `localhost:${emu.port}`, 'LOCALHOST', `[::1]:${emu.port}`, '127.0.0.1']) {
      assert.equal((await call(emu.url, 'GET', '/v1beta/webhooks', { headers: { host } })).status, 200, host);
    }
  });

  it('rejects a request whose Origin is not loopback with 403, and accepts a loopback Origin', async () => {
    for (const origin of ['https://evil.example', 'null', `http://evil.example:${emu.port}`, 'file://', 'vscode-webview://abc']) {
      const r = await call(emu.url, 'POST', '/emulator/events', { key: null, headers: { origin }, body: { type: 'batch.succeeded' } });
      assertEnvelope(r, 403, 'PERMISSION_DENIED', /Origin/);
    }
    assertEnvelope(await call(emu.url, 'GET', '/v1beta/webhooks', { headers: { origin: 'https://evil.example' } }), 403, 'PERMISSION_DENIED', /Origin/);
    assert.equal(emu.deliveries().length, 0, 'nothing was emitted');
    for (const origin of [`http://localhost:${emu.port}`, 'http://127.0.0.1:5173', 'https://[::1]']) {
      assert.equal(
        (await call(emu.url, 'POST', '/emulator/events', { key: null, headers: { origin }, body: { type: 'batch.completed' } })).status,
        200,
        origin,
      );
    }
  });

  it('needs a JSON content type on every body: text/plain and typeless (Blob) bodies are 415', async () => {
    const json = JSON.stringify({ type: 'batch.succeeded' });
    const plain = await call(emu.url, 'POST', '/emulator/events', { key: null, raw: json, headers: { 'content-type': 'text/plain' } });
    assertEnvelope(plain, 415, 'INVALID_ARGUMENT', /text\/plain.*application\/json/);
    const typeless = await call(emu.url, 'POST', '/emulator/events', { key: null, raw: json });
    assertEnvelope(typeless, 415, 'INVALID_ARGUMENT', /content type/);
    // a route that ignores its body checks it too
    assertEnvelope(
      await call(emu.url, 'POST', '/emulator/jwks:rotate', { key: null, raw: '{}', headers: { 'content-type': 'text/plain;charset=UTF-8' } }),
      415,
      'INVALID_ARGUMENT',
    );
    assertEnvelope(
      await call(emu.url, 'DELETE', '/v1beta/webhooks/nope', { raw: '{}', headers: { 'content-type': 'multipart/form-data; boundary=x' } }),
      415,
      'INVALID_ARGUMENT',
    );
    assertEnvelope(
      await call(emu.url, 'POST', '/v1beta/webhooks', { raw: json, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
      'INVALID_ARGUMENT',
    );
    assert.equal(emu.deliveries().length, 0, 'nothing was emitted');
    // no body: no content type needed; application/json and +json bodies are fine
    assert.equal((await call(emu.url, 'POST', '/emulator/jwks:rotate', { key: null })).status, 200);
    assert.equal(
      (await call(emu.url, 'POST', '/emulator/events', { key: null, raw: json, headers: { 'content-type': 'application/json; charset=utf-8' } })).status,
      200,
    );
    assert.equal(
      (await call(emu.url, 'POST', '/emulator/jwks:rotate', { key: null, raw: '{}', headers: { 'content-type': 'application/merge-patch+json' } })).status,
      200,
    );
  });

  it('also accepts the configured listen address as Host when it is not loopback', () => {
    assert.ok(allowedHostNames('192.168.1.20').has('192.168.1.20'));
    assert.ok(allowedHostNames('fd00::1').has('[fd00::1]'));
    assert.ok(!allowedHostNames(undefined).has('192.168.1.20'));
    assert.deepEqual([...allowedHostNames('127.0.0.1')].sort(), ['127.0.0.1', '[::1]', 'localhost']);
  });
});
