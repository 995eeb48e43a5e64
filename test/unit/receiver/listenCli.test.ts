import * as assert from 'node:assert/strict';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildCliBundle } from '../cliBundle';
import { newSecret, signedStatic } from '../verify/fixtures';
import { lineReader, post } from './helpers';

describe('gemini-webhooks listen (the bundled CLI)', function () {
  this.timeout(30_000);
  let dir: string;
  let cli: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gw-cli-'));
    cli = await buildCliBundle(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function start(...args: string[]): {
    child: ChildProcessWithoutNullStreams;
    next: () => Promise<string>;
    exit: Promise<number | null>;
    stderr: () => string;
  } {
    return startWithEnv({}, ...args);
  }

  function startWithEnv(
    env: Record<string, string>,
    ...args: string[]
  ): { child: ChildProcessWithoutNullStreams; next: () => Promise<string>; exit: Promise<number | null>; stderr: () => string } {
    const child = spawn(process.execPath, [cli, 'listen', ...args], { stdio: 'pipe', env: { ...process.env, ...env } });
    let err = '';
    child.stderr.on('data', (b) => (err += b.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, next: lineReader(child), exit, stderr: () => err };
  }

  it('takes signing secrets from GEMINI_WEBHOOKS_SECRETS (kept out of ps), and names a bad one without echoing it', async () => {
    const [one, two] = [newSecret(), newSecret()];
    const run = startWithEnv({ GEMINI_WEBHOOKS_SECRETS: `${one}, ${two}` }, '--port', '0', '--json');
    try {
      const m = /^receiver listening on (http:\/\/127\.0\.0\.1:\d+\/webhooks)$/.exec(await run.next());
      assert.ok(m);
      const d = signedStatic([two]);
      assert.equal((await post(m[1], d.headers, d.body)).status, 200);
      assert.equal((JSON.parse(await run.next()) as Record<string, unknown>).verdict, 'verified');
      run.child.kill('SIGTERM');
      assert.equal(await run.exit, 0);
    } finally {
      run.child.kill('SIGKILL');
    }
    const bad = startWithEnv({ GEMINI_WEBHOOKS_SECRETS: `${one} whsec_notbase64!!` }, '--port', '0');
    assert.equal(await bad.exit, 2);
    assert.match(bad.stderr(), /GEMINI_WEBHOOKS_SECRETS #2 is not a signing secret/);
    assert.ok(!bad.stderr().includes('notbase64') && !bad.stderr().includes(one), 'no secret in the error');
  });

  it('prints the URL first, one JSON object per request with --json, and stops cleanly on SIGTERM', async () => {
    const secret = newSecret();
    const run = start('--port', '0', '--json', '--secret', secret);
    try {
      const first = await run.next();
      const m = /^receiver listening on (http:\/\/127\.0\.0\.1:\d+\/webhooks)$/.exec(first);
      assert.ok(m, first);
      const d = signedStatic([secret]);
      assert.equal((await post(m[1], d.headers, d.body)).status, 200);
      const line = JSON.parse(await run.next()) as Record<string, unknown>;
      assert.equal(line.webhook_id, d.headers['webhook-id']);
      assert.equal(line.type, 'batch.succeeded');
      assert.equal(line.verdict, 'verified');
      assert.equal(line.reason, null);
      assert.equal(line.scheme, 'static');
      assert.equal(line.http_status, 200);
      const bad = signedStatic([newSecret()]);
      assert.equal((await post(m[1], bad.headers, bad.body)).status, 401);
      const rejected = JSON.parse(await run.next()) as Record<string, unknown>;
      assert.equal(rejected.verdict, 'rejected');
      assert.equal(rejected.reason, 'no secret matched (tried 1 signing secret)');
      assert.equal(rejected.http_status, 401);
      run.child.kill('SIGTERM');
      assert.equal(await run.exit, 0);
      assert.ok(!run.stderr().includes(secret), 'the secret never reaches the output');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('--json prints the line of a delivery nested 6,000 deep (rejected, with its reason) and goes on', async () => {
    const secret = newSecret();
    const run = start('--port', '0', '--json', '--secret', secret);
    try {
      const url = (await run.next()).replace('receiver listening on ', '');
      const deep = `{"type":"batch.succeeded","version":"v1","timestamp":"${new Date().toISOString()}","data":{},"user_metadata":${'{"a":'.repeat(6000)}1${'}'.repeat(6000)}}`;
      const d = signedStatic([secret], deep);
      assert.equal((await post(url, d.headers, d.body)).status, 400);
      const line = JSON.parse(await run.next()) as Record<string, unknown>;
      assert.equal(line.verdict, 'rejected');
      assert.match(String(line.reason), /nested too deeply/);
      const ok = signedStatic([secret]);
      assert.equal((await post(url, ok.headers, ok.body)).status, 200);
      assert.equal((JSON.parse(await run.next()) as Record<string, unknown>).verdict, 'verified');
      run.child.kill('SIGTERM');
      assert.equal(await run.exit, 0);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('prints a text line per request and stops on SIGINT', async () => {
    const secret = newSecret();
    const run = start('--port', '0', '--path', '/in', '--secret', secret);
    try {
      const url = (await run.next()).replace('receiver listening on ', '');
      assert.match(url, /\/in$/);
      const d = signedStatic([secret]);
      await post(url, d.headers, d.body);
      const line = await run.next();
      assert.match(line, new RegExp(`#1 batch\\.succeeded ${d.headers['webhook-id']} VERIFIED v1 HMAC \\(--secret #1\\) 200 [\\d.]+ ms$`));
      run.child.kill('SIGINT');
      assert.equal(await run.exit, 0);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('refuses a malformed secret without echoing it', async () => {
    const run = start('--secret', 'not-a-secret-value');
    assert.equal(await run.exit, 2);
    assert.match(run.stderr(), /--secret #1 is not a signing secret/);
    assert.ok(!run.stderr().includes('not-a-secret-value'));
  });
});
