/** A bounded fuzz of the REST surface: random and malformed requests never crash or 5xx the emulator. */
import * as assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Pool } from 'undici';
import { Emulator, startEmulator } from '../../../src/core/emulator';
import { call } from './helpers';

const REQUESTS = 3000;
const TIME_BUDGET_MS = 15_000;

function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('emulator REST fuzz', function () {
  this.timeout(40_000);
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ deliveryTimeoutMs: 500 });
  });
  after(() => emu.close());

  it(`answers ${REQUESTS} random requests with no 5xx, and every error in Google's envelope`, async () => {
    const rand = prng(20260122);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const ids = ['wh_x', 'nope', '%zz', '..', 'a'.repeat(300), '', 'wh_%2F..%2F', '%F0%9F%92%A5', '%00'];
    const created: string[] = [];
    const loopback = [
      'http://127.0.0.1:9/a',
      'https://127.0.0.1:9/b',
      'ftp://127.0.0.1/',
      '/rel',
      '',
      'http://',
      'javascript:alert(1)',
      'http://user:pw@127.0.0.1:9/',
    ];
    const values: unknown[] = [
      null,
      true,
      0,
      -1,
      Number.MAX_VALUE,
      'x',
      '',
      [],
      {},
      [1, 'a'],
      { a: { b: [] } },
      'batch.succeeded',
      ['batch.succeeded'],
      ['nope'],
      'x'.repeat(5000),
    ];
    const fieldNames = [
      'name',
      'uri',
      'subscribed_events',
      'subscribedEvents',
      'state',
      'revocation_behavior',
      'batch',
      'src',
      'config',
      'model',
      'input',
      'background',
      'webhook_config',
      'instances',
      'type',
      'data',
      'user_metadata',
      '__proto__',
      'constructor',
    ];
    const paths = () => {
      const v = pick(['/v1beta', '/v1', '/v2', '', '/v1beta/']);
      const id = rand() < 0.4 && created.length > 0 ? pick(created) : pick(ids);
      return pick([
        `${v}/webhooks`,
        `${v}/webhooks/${id}`,
        `${v}/webhooks/${id}:ping`,
        `${v}/webhooks/${id}:rotateSigningSecret`,
        `${v}/webhooks/${id}/rotate_secret`,
        `${v}/webhooks/${id}:unknownVerb`,
        `${v}/webhooks?page_size=${pick(['1', '0', '-3', 'x', '99999999999', ''])}&page_token=${pick(['', 'abc', 'd2gtYWZ0ZXI6MQ', '%00'])}`,
        `${v}/webhooks/${id}?update_mask=${pick(['name', 'uri,state', 'colour', '', ',,,', 'subscribedEvents'])}`,
        `${v}/webhooks?webhook_id=${pick(['ok-id', 'bad%20id', '', '-x', 'a'.repeat(70)])}`,
        `${v}/models/${pick(['m', 'gemini-2.5-flash', '%20'])}:${pick(['batchGenerateContent', 'batchCreate', 'predictLongRunning', 'nothing'])}`,
        `${v}/batches/${id}`,
        `${v}/batches/${id}:cancel`,
        `${v}/interactions`,
        `${v}/interactions/${id}`,
        `${v}/interactions/${id}/cancel`,
        `${v}/operations/${id}`,
        '/emulator/events',
        '/emulator/deliveries',
        '/.well-known/jwks.json',
        '/%',
        '//double//slashes',
      ]);
    };
    const body = (): { raw?: string | Buffer; type?: string } => {
      const r = rand();
      if (r < 0.15) return {};
      if (r < 0.3) return { raw: pick(['{', '}', '[]', 'null', '"str"', '{"a":', '\u0000', '{"uri": "\ud800"}', '1e999']), type: 'application/json' };
      if (r < 0.35)
        return {
          raw: Buffer.from(Array.from({ length: 64 }, () => Math.floor(rand() * 256))),
          type: pick(['application/json', 'application/octet-stream', 'text/plain', '']),
        };
      if (r < 0.355) return { raw: Buffer.alloc(1024 * 1024 + 1, 0x7b), type: 'application/json' };
      const obj: Record<string, unknown> = {};
      if (rand() < 0.5) {
        obj.uri = pick(loopback);
        obj.subscribed_events = rand() < 0.7 ? ['batch.succeeded'] : pick(values);
      }
      for (let i = Math.floor(rand() * 4); i > 0; i--) obj[pick(fieldNames)] = rand() < 0.3 ? pick(loopback) : pick(values);
      if (rand() < 0.2)
        obj.batch = {
          inputConfig: rand() < 0.5 ? { fileName: 'files/f' } : pick(values),
          webhookConfig: { uris: [pick(loopback)], userMetadata: pick(values) },
        };
      if (rand() < 0.1) obj.webhook_config = { uris: pick([[pick(loopback)], [], 'x', [1]]) };
      return { raw: JSON.stringify(obj), type: pick(['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/merge-patch+json']) };
    };

    const pool = new Pool(emu.url, { connections: 8 });
    const started = Date.now();
    let sent = 0;
    const failures: string[] = [];
    const worker = async () => {
      while (sent < REQUESTS && Date.now() - started < TIME_BUDGET_MS) {
        sent++;
        const method = pick(['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS', 'POST', 'POST', 'GET']);
        const p = paths();
        const b = method === 'GET' || method === 'HEAD' ? {} : body();
        const headers: Record<string, string> = {};
        const auth = rand();
        if (auth < 0.75) headers['x-goog-api-key'] = 'k';
        else if (auth < 0.85) headers.authorization = pick(['Bearer t', 'Bearer ', 'Basic abc', 'bearer']);
        if (b.type) headers['content-type'] = b.type;
        let status = 0;
        let text = '';
        try {
          const res = await pool.request({
            path: p.startsWith('/') ? p : `/${p}`,
            method: method as 'GET',
            headers,
            body: b.raw,
            signal: AbortSignal.timeout(5000),
          });
          status = res.statusCode;
          text = await res.body.text();
        } catch (err) {
          failures.push(`${method} ${p}: transport error ${(err as Error).message}`);
          continue;
        }
        if (status >= 500) failures.push(`${method} ${p}: ${status} ${text.slice(0, 200)}`);
        if (status >= 400 && method !== 'HEAD') {
          let env: { error?: { code?: unknown; message?: unknown; status?: unknown } } | undefined;
          try {
            env = JSON.parse(text);
          } catch {
            env = undefined;
          }
          if (!env?.error || env.error.code !== status || typeof env.error.message !== 'string' || typeof env.error.status !== 'string')
            failures.push(`${method} ${p}: not an envelope: ${status} ${text.slice(0, 200)}`);
        }
        if (status === 200 && method === 'POST' && /\/webhooks(\?|$)/.test(p)) {
          const id = JSON.parse(text).id;
          if (typeof id === 'string') created.push(id);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await pool.close();
    assert.deepEqual(failures.slice(0, 10), []);
    assert.ok(sent >= 500, `sent ${sent}`);

    // raw garbage on the socket: a 400 envelope, and the server lives on
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(emu.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let got = '';
      socket.on('data', (c) => (got += c.toString()));
      socket.on('close', () => resolve(got));
      socket.on('error', () => resolve(got));
    });
    assert.match(raw, /^HTTP\/1\.1 400/);
    assert.match(raw, /"status":"INVALID_ARGUMENT"/);
    const after = await call(emu.url, 'GET', '/v1beta/webhooks?page_size=1');
    assert.equal(after.status, 200);
  });
});
