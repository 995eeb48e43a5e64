import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { Webhook } from 'standardwebhooks';
import { startEmulator } from '../../../src/core/emulator';
import { call, Receiver } from './helpers';

const ROOT = path.resolve(__dirname, '../../../..');

describe('emulator --state persistence', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-state-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps webhooks and secrets across restarts (a delivery after restart verifies with the old secret)', async () => {
    const file = path.join(dir, 'state.json');
    const receiver = await new Receiver().start();
    const first = await startEmulator({ statePath: file });
    const created = await call(first.url, 'POST', '/v1beta/webhooks', { body: { name: 'kept', uri: receiver.url, subscribed_events: ['batch.succeeded'] } });
    await call(first.url, 'POST', `/v1beta/webhooks/${created.json.id}:rotateSigningSecret`, { body: {} });
    await first.close();
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'private file');
    assert.deepEqual(fs.readdirSync(dir), ['state.json'], 'no temp file left');
    const second = await startEmulator({ statePath: file });
    try {
      const got = await call(second.url, 'GET', `/v1beta/webhooks/${created.json.id}`);
      assert.equal(got.json.name, 'kept');
      assert.equal(got.json.signing_secrets.length, 2);
      second.emit('batch.succeeded');
      await receiver.waitFor(1);
      const r = receiver.received[0];
      new Webhook(created.json.new_signing_secret).verify(r.body.toString(), {
        'webhook-id': String(r.headers['webhook-id']),
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      });
      await call(second.url, 'DELETE', `/v1beta/webhooks/${created.json.id}`);
    } finally {
      await second.close();
      await receiver.close();
    }
    const third = await startEmulator({ statePath: file });
    assert.deepEqual((await call(third.url, 'GET', '/v1beta/webhooks')).json, {});
    await third.close();
  });

  it('loads a state file written by an earlier version (`wh_` ids, a cancelled-event subscription) as it is', async () => {
    const file = path.join(dir, 'state.json');
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const now = Date.now();
    const old = { id: 'wh_0123456789abcdefghij', uri: 'http://127.0.0.1:9/old', state: 'enabled', create_time: now, update_time: now };
    const webhooks = [
      { ...old, name: 'old', subscribed_events: ['batch.succeeded', 'batch.cancelled'], secrets: [{ secret, create_time: now }] },
      { ...old, id: 'k0h9q38f6ejj1g9j7cgcdsauadmbewegl79f', subscribed_events: ['video.generated'], secrets: [{ secret, create_time: now }] },
    ];
    fs.writeFileSync(file, JSON.stringify({ format: 'gemini-webhooks-emulator-state', version: 1, webhooks }));
    const warnings: string[] = [];
    const emu = await startEmulator({ statePath: file, warn: (l) => warnings.push(l) });
    try {
      assert.deepEqual(warnings, []);
      const list = (await call(emu.url, 'GET', '/v1beta/webhooks')).json.webhooks;
      assert.deepEqual(
        list.map((w: { id: string }) => w.id),
        ['wh_0123456789abcdefghij', 'k0h9q38f6ejj1g9j7cgcdsauadmbewegl79f'],
      );
      assert.deepEqual(list[0].subscribed_events, ['batch.succeeded', 'batch.cancelled'], 'kept as saved');
      assert.equal(list[0].signing_secrets[0].truncated_secret, `whsec_...${secret.slice(-4)}`);
      const renamed = await call(emu.url, 'PATCH', '/v1beta/webhooks/wh_0123456789abcdefghij?update_mask=name', { body: { name: 'renamed' } });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.json.name, 'renamed');
    } finally {
      await emu.close();
    }
  });

  it('moves a corrupted state file aside with a clear warning and starts empty', async () => {
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, '{"format": "gemini-webhooks-emulator-state", "version": 1, "webhooks": [ {"id": 3} ]}');
    const warnings: string[] = [];
    const emu = await startEmulator({ statePath: file, warn: (l) => warnings.push(l) });
    try {
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /not valid .*webhook #0 is malformed.*moved it aside/);
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith('state.json.corrupt-'));
      assert.equal(aside.length, 1);
      assert.ok(fs.readFileSync(path.join(dir, aside[0]), 'utf8').includes('"id": 3'), 'original content kept');
      assert.equal(fs.existsSync(file), false);
      assert.deepEqual((await call(emu.url, 'GET', '/v1beta/webhooks')).json, {});
      await call(emu.url, 'POST', '/v1beta/webhooks', { body: { uri: 'http://127.0.0.1:9/x', subscribed_events: ['batch.failed'] } });
      assert.ok(fs.existsSync(file), 'a fresh state file is written');
    } finally {
      await emu.close();
    }
    fs.writeFileSync(path.join(dir, 'garbage.json'), 'not json at all');
    const warned: string[] = [];
    const again = await startEmulator({ statePath: path.join(dir, 'garbage.json'), warn: (l) => warned.push(l) });
    await again.close();
    assert.match(warned[0], /not JSON/);
  });
});

describe('gemini-webhooks emulator (CLI)', function () {
  this.timeout(60_000);
  before(function () {
    const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
  });

  for (const [how, keyArgs, env] of [
    ['--api-key', ['--api-key', 'cli-key'], {}],
    ['GEMINI_WEBHOOKS_API_KEY (kept out of ps)', [], { GEMINI_WEBHOOKS_API_KEY: 'cli-key' }],
  ] as const) {
    it(`prints the listening line first, serves the API with the key from ${how}, and exits 0 on SIGTERM`, async () => {
      const child = spawn(process.execPath, ['dist/cli.js', 'emulator', '--port', '0', ...keyArgs], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...env },
      });
      let out = '';
      const firstLine = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      assert.match(firstLine, /^emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = firstLine.slice('emulator listening on '.length);
      assert.equal((await call(url, 'GET', '/v1beta/webhooks', { key: 'cli-key' })).status, 200);
      assert.equal((await call(url, 'GET', '/v1beta/webhooks', { key: 'other' })).status, 403);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.ok(!out.includes('cli-key'), 'the key is never printed');
    });
  }

  it('answers --help and rejects bad flags with exit 2', () => {
    const helpRun = spawnSync(process.execPath, ['dist/cli.js', 'emulator', '--help'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(helpRun.status, 0);
    assert.match(helpRun.stdout, /--time-scale X/);
    assert.match(helpRun.stdout, /--dynamic-signing v1a\|jwt .*default v1a/);
    const bad = spawnSync(process.execPath, ['dist/cli.js', 'emulator', '--time-scale', '0'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--time-scale/);
    for (const args of [['--dynamic-signing', 'hmac'], ['--dynamic-signing=JWT'], ['--dynamic-signing']]) {
      const refused = spawnSync(process.execPath, ['dist/cli.js', 'emulator', ...args], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(refused.status, 2, `${args.join(' ')}: ${refused.stderr}`);
      assert.match(refused.stderr, /--dynamic-signing/);
      assert.equal(refused.stdout, '', 'nothing listened');
    }
  });

  it('--dynamic-signing jwt: webhook_config deliveries carry an RS256 JWT that jose verifies against the JWKS', async () => {
    const receiver = await new Receiver().start();
    const child = spawn(process.execPath, ['dist/cli.js', 'emulator', '--port', '0', '--time-scale', '30', '--dynamic-signing', 'jwt'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const firstLine = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      const url = firstLine.slice('emulator listening on '.length);
      const created = await call(url, 'POST', '/v1beta/interactions', {
        body: { model: 'm', input: 'x', background: true, webhook_config: { uris: [receiver.url] } },
      });
      assert.equal(created.status, 200, created.text);
      await receiver.waitFor(1);
      const got = receiver.received[0];
      const token = String(got.headers['webhook-signature']);
      assert.equal(decodeProtectedHeader(token).alg, 'RS256');
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`)), { issuer: url, audience: receiver.url });
      assert.equal(payload.jti, got.headers['webhook-id']);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      await receiver.close();
    }
  });
});
