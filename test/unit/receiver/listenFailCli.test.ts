/** `gemini-webhooks listen --fail SPEC`, every form, through the bundled CLI as users run it. */
import * as assert from 'node:assert/strict';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import { buildCliBundle } from '../cliBundle';
import { newSecret, signedStatic } from '../verify/fixtures';
import { lineReader, post } from './helpers';

interface Run {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** The next --json line. */
  next: () => Promise<Record<string, unknown>>;
  stderr: () => string;
  exit: Promise<number | null>;
}

describe('gemini-webhooks listen --fail (the bundled CLI)', function () {
  this.timeout(30_000);
  let dir: string;
  let cli: string;
  const secret = newSecret();
  const runs: Run[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gw-cli-fail-'));
    cli = await buildCliBundle(dir);
  });
  afterEach(() => runs.splice(0).forEach((r) => r.child.kill('SIGKILL')));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function listen(spec: string): Promise<Run> {
    const child = spawn(process.execPath, [cli, 'listen', '--port', '0', '--json', '--fail', spec], {
      stdio: 'pipe',
      env: { ...process.env, GEMINI_WEBHOOKS_SECRETS: secret },
    });
    let err = '';
    child.stderr.on('data', (b) => (err += b.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const line = lineReader(child);
    const first = await line();
    const url = first.replace('receiver listening on ', '');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/webhooks$/, first);
    const run = { child, url, next: async () => JSON.parse(await line()) as Record<string, unknown>, stderr: () => err, exit };
    runs.push(run);
    return run;
  }

  async function deliver(run: Run, id?: string): Promise<{ status: number; line: Record<string, unknown>; retryAfter?: string }> {
    const d = signedStatic([secret], undefined, Date.now(), id);
    const res = await request(run.url, { method: 'POST', headers: d.headers, body: d.body });
    await res.body.dump();
    const retryAfter = res.headers['retry-after'];
    return { status: res.statusCode, line: await run.next(), ...(typeof retryAfter === 'string' ? { retryAfter } : {}) };
  }

  async function stop(run: Run): Promise<void> {
    run.child.kill('SIGTERM');
    assert.equal(await run.exit, 0);
  }

  it('500:3 — three rehearsed 500s, then the usual answer; stderr says so at the start and at the end', async () => {
    const run = await listen('500:3');
    const id = 'msg_cli_rehearsed';
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await deliver(run, id));
    assert.deepEqual(
      answers.map((a) => [a.status, a.line.http_status, a.line.verdict]),
      [
        [500, 500, 'verified'],
        [500, 500, 'verified'],
        [500, 500, 'verified'],
        [200, 200, 'verified'],
      ],
    );
    const rehearsal = answers[0].line.rehearsal as Record<string, unknown>;
    assert.equal(rehearsal.kind, 'status');
    assert.equal(rehearsal.plan, '500:3');
    assert.equal(rehearsal.description, 'answered 500 (rehearsed)');
    assert.equal(answers[3].line.rehearsal, undefined);
    await stop(run);
    assert.match(run.stderr(), /rehearsing failures \(--fail 500:3\): the next 3 verified deliveries are answered 500/);
    assert.match(run.stderr(), /failure rehearsal over: deliveries are answered as usual again/);
  });

  it('503:2:retry-after=5 — two 503s with Retry-After: 5', async () => {
    const run = await listen('503:2:retry-after=5');
    const [a, b, c] = [await deliver(run), await deliver(run), await deliver(run)];
    assert.deepEqual([a.status, a.retryAfter, b.status, b.retryAfter, c.status, c.retryAfter], [503, '5', 503, '5', 200, undefined]);
    assert.equal((a.line.rehearsal as Record<string, unknown>).retry_after_seconds, 5);
    await stop(run);
  });

  it('410 — one 410 Gone', async () => {
    const run = await listen('410');
    assert.equal((await deliver(run)).status, 410);
    assert.equal((await deliver(run)).status, 200);
    await stop(run);
  });

  it('timeout:1 — no answer until the sender hangs up, then the usual answer', async () => {
    const run = await listen('timeout:1');
    const d = signedStatic([secret]);
    await assert.rejects(request(run.url, { method: 'POST', headers: d.headers, body: d.body, headersTimeout: 300 }), /timeout/i);
    const held = await run.next();
    assert.equal(held.http_status, 0);
    assert.equal((held.rehearsal as Record<string, unknown>).kind, 'timeout');
    assert.equal((held.rehearsal as Record<string, unknown>).sender_hung_up, true);
    assert.equal((await deliver(run)).status, 200);
    await stop(run);
  });

  it('slow:0.3:1 — the usual answer, late', async () => {
    const run = await listen('slow:0.3:1');
    const started = Date.now();
    const slow = await deliver(run);
    assert.equal(slow.status, 200);
    assert.ok(Date.now() - started >= 290);
    assert.equal((slow.line.rehearsal as Record<string, unknown>).description, 'answered 200 after 0.3 s (rehearsed slow answer)');
    await stop(run);
  });

  it('50%:500 — about half of the deliveries fail, until stopped', async () => {
    const run = await listen('50%:500');
    let failed = 0;
    for (let i = 0; i < 40; i++) if ((await deliver(run)).status === 500) failed++;
    // Binomial(40, 0.5): outside 5..35 has a chance below one in a million.
    assert.ok(failed >= 5 && failed <= 35, `${failed} of 40 failed`);
    await stop(run);
    assert.match(run.stderr(), /50 % of verified deliveries are answered 500, until stopped/);
    assert.doesNotMatch(run.stderr(), /rehearsal over/);
  });

  it('rejected requests are answered as always and do not count', async () => {
    const run = await listen('500:1');
    const forged = signedStatic([newSecret()]);
    assert.equal((await post(run.url, forged.headers, forged.body)).status, 401);
    await run.next();
    assert.equal((await deliver(run)).status, 500);
    await stop(run);
  });

  it('a spec that does not parse: a usage error naming the forms, exit 2, no secret echoed', async () => {
    for (const spec of ['500:zero', 'teapot', '50%:500:3', secret]) {
      const child = spawn(process.execPath, [cli, 'listen', '--port', '0', '--fail', spec], { stdio: 'pipe' });
      let err = '';
      child.stderr.on('data', (b) => (err += b.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 2, spec);
      assert.match(err, /^gemini-webhooks listen: --fail: not a failure spec/, spec);
      for (const form of ['STATUS[:N]', 'STATUS[:N]:retry-after=S', 'timeout[:N]', 'slow:S[:N]', 'P%:ANSWER'])
        assert.ok(err.includes(form), `${spec}: ${form}`);
      assert.ok(!err.includes(secret.slice(6)), 'the secret is not echoed');
    }
  });
});
