/**
 * What the Python scaffolds accept as configuration, and what they print: secrets as the Standard
 * Webhooks libraries take them (whsec_<base64> or bare base64) and a one-line refusal to start for
 * anything else (exit 3, so gunicorn stops instead of restarting workers forever); JWT deliveries
 * refused without GEMINI_WEBHOOK_AUDIENCE, saying to set it, while v1a ones need none, and no claim
 * demanded beyond the guide's; the Redis variant refusing to start without its URL; FastAPI's lines —
 * uvicorn's and its own — printed once.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ProbeKeys, ProbeKeyServer, startProbeKeyServer } from '../../../src/core/probe';
import {
  jwtDelivery,
  linesWith,
  post,
  PythonFramework,
  PythonServer,
  RunningHandler,
  runUntilExit,
  startHandler,
  staticDelivery,
  v1aDelivery,
  writeHandler,
  expectProcessedOnce,
} from './pythonStack';

const SERVERS: Record<PythonFramework, PythonServer> = { flask: { kind: 'flask-run' }, fastapi: { kind: 'uvicorn' } };
const LABEL: Record<PythonFramework, string> = { flask: 'Flask', fastapi: 'FastAPI' };

describe('Python scaffolds: secrets, audience, the Redis URL and their log lines', function () {
  this.timeout(240_000);
  let keyServer: ProbeKeyServer;
  let root: string;
  const running: RunningHandler[] = [];

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'gw-py-config-'));
    keyServer = await startProbeKeyServer({ keys: await ProbeKeys.generate(), port: 0 });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((h) => h.stop()));
  });
  after(async () => {
    await keyServer?.close();
    rmSync(root, { recursive: true, force: true });
  });

  for (const framework of ['flask', 'fastapi'] as PythonFramework[]) {
    const label = LABEL[framework];
    const dir = () => writeHandler(root, `${framework}-memory`, framework, 'memory');

    it(`${label}: a bare base64 secret works as its whsec_ form does`, async () => {
      const key = randomBytes(32).toString('base64');
      const h = await startHandler(dir(), SERVERS[framework], { secret: key, jwksUri: keyServer.url });
      running.push(h);
      const d = staticDelivery(`whsec_${key}`);
      assert.equal((await post(h.url, d)).status, 200, h.output().slice(-2000));
      await expectProcessedOnce(h.output, [d.id]);
    });

    it(`${label}: a secret that is not base64 of 16 bytes or more: one line, exit 3, the value never printed`, async () => {
      const shortKey = `whsec_${randomBytes(8).toString('base64')}`;
      for (const [value, which] of [
        [shortKey, '#1'],
        [`whsec_${randomBytes(24).toString('base64')} not-base64-at-all!`, '#2'],
      ]) {
        const run = await runUntilExit(dir(), SERVERS[framework], { GEMINI_WEBHOOK_SECRET: value });
        assert.equal(run.status, 3, run.output);
        const lines = linesWith(run.output, 'GEMINI_WEBHOOK_SECRET');
        assert.equal(lines.length, 1, run.output);
        assert.match(lines[0], new RegExp(`^GEMINI_WEBHOOK_SECRET: value ${which} is not a signing secret`));
        for (const part of value.split(' ')) assert.ok(!run.output.includes(part.replace(/^whsec_/, '')), 'the secret is never printed');
      }
    });

    it(`${label}: without GEMINI_WEBHOOK_AUDIENCE a JWT delivery is refused with a message to set it; v1a ones pass`, async () => {
      const h = await startHandler(dir(), SERVERS[framework], { jwksUri: keyServer.url, audience: null });
      running.push(h);
      const jwt = await post(h.url, jwtDelivery(keyServer.keys, h.url));
      assert.equal(jwt.status, 401, jwt.text);
      assert.match(jwt.text, /GEMINI_WEBHOOK_AUDIENCE/);
      assert.ok(linesWith(h.output(), 'set GEMINI_WEBHOOK_AUDIENCE').length >= 1, h.output().slice(-2000));
      const v1a = v1aDelivery(keyServer.keys);
      assert.equal((await post(h.url, v1a)).status, 200);
      await expectProcessedOnce(h.output, [v1a.id]);
    });

    it(`${label}: with an audience, a JWT needs no claim the guide does not name; exp, jti and body_sha256 count when present`, async () => {
      const h = await startHandler(dir(), SERVERS[framework], { jwksUri: keyServer.url });
      running.push(h);
      const now = Math.floor(Date.now() / 1000);
      const bare = jwtDelivery(keyServer.keys, h.url, { iat: undefined, exp: undefined });
      assert.equal((await post(h.url, bare)).status, 200, 'aud alone');
      for (const [why, claims] of [
        ['expired', { exp: now - 60 }],
        ['another jti', { jti: 'msg_not_this_one' }],
        ['another body digest', { body_sha256: 'AAAA' }],
        ['another audience', { aud: 'https://other.example/callback' }],
      ] as const) {
        const refused = await post(h.url, jwtDelivery(keyServer.keys, h.url, claims));
        assert.equal(refused.status, 401, `${why}: ${refused.text}`);
      }
    });

    it(`${label} with Redis: without GEMINI_WEBHOOK_REDIS_URL it refuses to start, in one line`, async () => {
      const run = await runUntilExit(writeHandler(root, `${framework}-redis`, framework, 'redis'), SERVERS[framework], {});
      assert.equal(run.status, 3, run.output);
      assert.equal(linesWith(run.output, 'GEMINI_WEBHOOK_REDIS_URL is not set').length, 1, run.output);
    });
  }

  it('Flask under gunicorn -w 2: a bad secret stops gunicorn (exit 3) instead of restarting its workers forever', async () => {
    const run = await runUntilExit(
      writeHandler(root, 'flask-memory', 'flask', 'memory'),
      { kind: 'gunicorn', workers: 2 },
      { GEMINI_WEBHOOK_SECRET: 'whsec_c2hvcnQ=' },
    );
    assert.equal(run.status, 3, run.output);
    assert.match(run.output, /Worker failed to boot/);
  });

  it("FastAPI: uvicorn's lines and the handler's own are printed once (no duplicate root handler)", async () => {
    const h = await startHandler(writeHandler(root, 'fastapi-memory', 'fastapi', 'memory'), SERVERS.fastapi, { jwksUri: keyServer.url });
    running.push(h);
    const d = v1aDelivery(keyServer.keys);
    assert.equal((await post(h.url, d)).status, 200);
    await expectProcessedOnce(h.output, [d.id]);
    assert.equal(linesWith(h.output(), 'Application startup complete').length, 1, h.output());
    assert.equal(linesWith(h.output(), '"POST /gemini-callback HTTP/1.1" 200').length, 1, h.output());
  });
});
