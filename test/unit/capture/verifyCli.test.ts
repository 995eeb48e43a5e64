/**
 * `gemini-webhooks verify`: through the CLI's main (stdout, stderr, exit code), an export → verify
 * round trip from a real receiver, and the bundled binary run by a real node.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../../src/cli/main';
import { startReceiver } from '../../../src/core/receiver';
import { toJsonLines } from '../../../src/core/receiver/history';
import { SecretCandidate } from '../../../src/core/verify/secretCandidates';
import { buildCliBundle } from '../cliBundle';
import { post, recordOf } from '../receiver/helpers';
import { envelopeBody, JwksServer, newKey, newSecret, signedDynamic, signedStatic, TEST_AUDIENCE } from '../verify/fixtures';

interface Run {
  code: number;
  stdout: string[];
  stderr: string[];
}

async function verify(args: string[], options: { stdin?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(['verify', ...args], {
    stdout: (l) => stdout.push(l),
    stderr: (l) => stderr.push(l),
    env: options.env ?? {},
    ...(options.stdin !== undefined ? { stdin: Readable.from([Buffer.from(options.stdin)]) } : {}),
  });
  return { code, stdout, stderr };
}

function raw(d: { headers: Record<string, string>; body: string }): string {
  return `POST /webhooks HTTP/1.1\r\n${Object.entries(d.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n${d.body}`;
}

describe('gemini-webhooks verify', function () {
  this.timeout(30_000);
  let dir: string;
  const secret = newSecret();
  const file = (name: string, content: string | Buffer) => {
    const p = path.join(dir, name);
    writeFileSync(p, content);
    return p;
  };

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gw-verify-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('export → verify round trip (a real receiver over loopback)', () => {
    const HOUR_AGO = Date.now() - 3_600_000;
    let exported: string;
    let tampered: string;
    let ts: number;
    let webhookId: string;

    before(async () => {
      // The receiver's clock is an hour behind, so it accepts a delivery signed an hour ago: an old capture.
      const candidates: SecretCandidate[] = [{ secret, webhookId: 'wh_1', label: 'wh_1 (current)' }];
      const receiver = await startReceiver({ port: 0, secrets: () => candidates, now: () => HOUR_AGO + 2_000 });
      try {
        const d = signedStatic([secret], envelopeBody('batch.succeeded'), HOUR_AGO);
        ts = Math.floor(HOUR_AGO / 1000);
        webhookId = d.headers['webhook-id'];
        const answer = await post(receiver.url, d.headers, d.body);
        assert.equal(answer.status, 200, JSON.stringify(answer.json));
        const record = await recordOf(receiver, answer.json.seq as number);
        assert.equal(record.verdict, 'verified');
        exported = file('events.jsonl', toJsonLines(receiver.history.all()));
        const copy = JSON.parse(toJsonLines([record])) as { body: string };
        copy.body = copy.body.replace('batch.succeeded', 'batch.failed');
        tampered = file('tampered.jsonl', JSON.stringify(copy) + '\n');
      } finally {
        await receiver.close();
      }
    });

    it('verifies the exported record as of --at: exit 0, naming the secret', async () => {
      const run = await verify([exported, '--secret', secret, '--at', String(ts + 5)]);
      assert.equal(run.code, 0, run.stderr.join('\n'));
      assert.equal(run.stdout.length, 1);
      assert.match(run.stdout[0], /^exported record #1: VALID static v1 HMAC, secret "--secret #1" — msg_\S+ batch\.succeeded — age 6\d min/);
      assert.ok(run.stdout[0].includes(webhookId));
      assert.match(run.stdout[0], new RegExp(`checked as of given time \\(${ts + 5}\\)`));
      assert.ok(!run.stdout.join('').includes(secret) && !run.stderr.join('').includes(secret), 'the secret is never printed');
    });

    it('a tampered copy: exit 1 with a reason', async () => {
      const run = await verify([tampered, '--secret', secret, '--at', String(ts)]);
      assert.equal(run.code, 1);
      assert.match(run.stdout[0], /INVALID static( v1 HMAC)? — no secret matched \(tried 1 signing secret\)/);
    });

    it('--at omitted on the old capture: exit 1, "timestamp too old" and its age; --at webhook-timestamp verifies it', async () => {
      const run = await verify([exported, '--secret', secret]);
      assert.equal(run.code, 1);
      assert.match(run.stdout[0], /INVALID static — timestamp too old \(36\d\d s ago, tolerance 300 s\)/);
      assert.match(run.stdout[0], /age 6\d min \(36\d\d s\), checked as of now/);
      assert.match(run.stderr.join('\n'), /hint: .*--at webhook-timestamp/);
      const own = await verify([exported, '--secret', secret, '--at', 'webhook-timestamp']);
      assert.equal(own.code, 0, own.stdout.join('\n'));
      assert.match(own.stdout[0], new RegExp(`checked as of its webhook-timestamp \\(${ts}\\)`));
    });

    it('--json prints one object per delivery', async () => {
      const run = await verify([exported, '--secret', secret, '--at', String(ts), '--json']);
      assert.equal(run.code, 0);
      const line = JSON.parse(run.stdout[0]) as Record<string, unknown>;
      assert.equal(line.valid, true);
      assert.equal(line.scheme, 'static');
      assert.equal(line.signature_method, 'v1 HMAC');
      assert.equal(line.matched_secret, '--secret #1');
      assert.equal(line.webhook_id, webhookId);
      assert.equal(line.type, 'batch.succeeded');
      assert.equal(line.webhook_timestamp, ts);
      assert.equal(line.checked_at, ts);
      assert.ok(typeof line.age_seconds === 'number' && line.age_seconds >= 3600);
      assert.equal(line.source, 'exported record #1');
    });

    it('takes the secret from GEMINI_WEBHOOKS_SECRETS, as listen does', async () => {
      const run = await verify([exported, '--at', String(ts)], { env: { GEMINI_WEBHOOKS_SECRETS: `${newSecret()}, ${secret}` } });
      assert.equal(run.code, 0);
      assert.match(run.stdout[0], /secret "GEMINI_WEBHOOKS_SECRETS #2"/);
    });
  });

  it('reads stdin for - or no file; a JSON Lines file is valid only when every record is', async () => {
    const now = Date.now();
    const good = signedStatic([secret], envelopeBody(), now);
    assert.equal((await verify(['-', '--secret', secret], { stdin: raw(good) })).code, 0);
    const fromStdin = await verify(['--secret', secret], { stdin: raw(good) });
    assert.equal(fromStdin.code, 0);
    assert.match(fromStdin.stdout[0], /^raw HTTP request: VALID static v1 HMAC, secret "--secret #1"/);
    const records = [good, signedStatic([newSecret()], envelopeBody(), now)].map((d, i) => ({ seq: i + 1, headers: d.headers, body: d.body }));
    const mixed = await verify([file('mixed.jsonl', records.map((r) => JSON.stringify(r)).join('\n'))], { env: { GEMINI_WEBHOOKS_SECRETS: secret } });
    assert.equal(mixed.code, 1);
    assert.equal(mixed.stdout.length, 2);
    assert.match(mixed.stdout[0], /^exported record #1: VALID/);
    assert.match(mixed.stdout[1], /^exported record #2: INVALID/);
    assert.match(mixed.stderr.join('\n'), /2 deliveries: 1 valid, 1 invalid/);
  });

  it('verifies a curl command and a content-length mismatch as captured, with the note', async () => {
    const d = signedStatic([secret], envelopeBody(), Date.now());
    const curl = `curl -X POST http://127.0.0.1:8788/webhooks ${Object.entries(d.headers)
      .map(([k, v]) => `-H '${k}: ${v}'`)
      .join(' ')} --data-binary '${d.body}'`;
    assert.equal((await verify(['--secret', secret], { stdin: curl })).code, 0);
    const off = await verify(['--secret', secret], { stdin: raw({ headers: { ...d.headers, 'content-length': '3' }, body: d.body }) });
    assert.equal(off.code, 0, 'the body as captured is what was signed');
    assert.match(off.stdout[0], /note: content-length says 3 bytes but the captured body has \d+: verified the body as captured/);
  });

  it('verifies a dynamic (JWT) capture against a local JWKS, naming the kid', async () => {
    const jwks = await new JwksServer().start();
    try {
      const key = await newKey();
      jwks.keys = [key.publicJwk];
      const d = await signedDynamic(key, envelopeBody(), Date.now());
      const run = await verify(['--jwks-uri', jwks.uri, '--audience', TEST_AUDIENCE], { stdin: raw(d) });
      assert.equal(run.code, 0, run.stdout.join('\n'));
      assert.match(run.stdout[0], new RegExp(`VALID dynamic JWT RS256, kid ${key.kid}`));
      const other = await verify(['--jwks-uri', jwks.uri, '--audience', 'http://elsewhere.test/'], { stdin: raw(d) });
      assert.equal(other.code, 1);
      assert.match(other.stdout[0], /wrong audience/);
    } finally {
      await jwks.close();
    }
  });

  it('exit 2 on bad usage: unknown flag, unreadable file, unparseable capture, bad --at, bad secret — never echoing a secret', async () => {
    const capture = file('ok.http', raw(signedStatic([secret], envelopeBody())));
    const cases: Array<[string[], RegExp, string?]> = [
      [[capture, '--nope'], /unknown option '--nope'/],
      [[path.join(dir, 'missing.http')], /cannot read .*missing\.http: no such file/],
      [[dir], /is a directory/],
      [[file('junk.bin', Buffer.from([0, 1, 2, 3, 0xff]))], /not a capture we can read: the capture is binary data/],
      [[file('empty.txt', '')], /the capture is empty/],
      [[file('nohead.txt', 'POST / HTTP/1.1\nwebhook-id: m\n{"a":1}')], /no blank line between the headers and the body/],
      [[capture, '--at', 'yesterday'], /--at needs integer Unix seconds or "webhook-timestamp", got 'yesterday'/],
      [[capture, '--at', String(Date.now())], /milliseconds\?/],
      [[capture, capture], /one capture file at a time/],
      [[capture, '--secret', 'whsec_short'], /--secret #1 is not a signing secret/],
      // A secret given where a time goes is redacted from the usage error.
      [[capture, '--secret', secret, '--at', secret], /--at needs .* got '(whsec_…)?«redacted»'/],
      [[capture, '--secret=whsec_not!!base64', '--jwks-uri', 'ftp://x'], /is not a signing secret/],
    ];
    for (const [args, expected] of cases) {
      const run = await verify(args);
      assert.equal(run.code, 2, `${args.join(' ')} → ${run.stderr.join('\n')}`);
      assert.match(run.stderr.join('\n'), expected);
      assert.ok(!run.stderr.join('\n').includes(secret) && !run.stderr.join('\n').includes('not!!base64'), `no secret in: ${run.stderr.join('\n')}`);
    }
    const huge = await verify([], { stdin: Buffer.alloc(10 * 1024 * 1024 + 10, 0x61) });
    assert.equal(huge.code, 2);
    assert.match(huge.stderr[0], /stdin: the capture is over the 10 MB limit/);
    const helpRun = await verify(['--help']);
    assert.equal(helpRun.code, 0);
    assert.match(helpRun.stdout[0], /^Usage: gemini-webhooks verify \[FILE\|-\] \[options\]/);
  });

  describe('the bundled CLI run by node', () => {
    let cli: string;
    before(async () => {
      cli = await buildCliBundle(dir);
    });

    it('exits 0 for a valid capture on stdin, 1 for a tampered file, 2 for an unknown flag', () => {
      const d = signedStatic([secret], envelopeBody(), Date.now());
      const ok = spawnSync(process.execPath, [cli, 'verify', '-'], {
        input: raw(d),
        encoding: 'utf8',
        env: { ...process.env, GEMINI_WEBHOOKS_SECRETS: secret },
      });
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /^raw HTTP request: VALID static v1 HMAC, secret "GEMINI_WEBHOOKS_SECRETS #1"/);
      const bad = file('bad.http', raw({ ...d, body: `${d.body} ` }));
      const invalid = spawnSync(process.execPath, [cli, 'verify', bad, '--secret', secret, '--json'], { encoding: 'utf8' });
      assert.equal(invalid.status, 1, invalid.stderr);
      assert.equal((JSON.parse(invalid.stdout) as { reason: string }).reason, 'no secret matched (tried 1 signing secret)');
      assert.ok(!invalid.stdout.includes(secret) && !invalid.stderr.includes(secret));
      const usage = spawnSync(process.execPath, [cli, 'verify', '--bogus'], { encoding: 'utf8' });
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /unknown option '--bogus'/);
    });
  });
});
