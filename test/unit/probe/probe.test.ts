/**
 * The probe against real loopback servers: a correct handler (standardwebhooks' verify + a webhook-id
 * dedupe) passes every static check; each deliberately broken handler fails exactly the checks that
 * name its bug; servers that hang, reset, stream a huge answer, redirect or speak no HTTP are graded
 * (or called unreachable) within the deadline; the receiver of this project passes static and dynamic.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadOrCreateProbeKeys, ProbeKeys, ProbeReport, runProbe, startProbeKeyServer } from '../../../src/core/probe';
import { CheckSpec } from '../../../src/core/probe/checks';
import { grade } from '../../../src/core/probe/runProbe';
import { findCauses } from '../../../src/core/probe/causes';
import { describeFailure } from '../../../src/core/probe/exchange';
import { CheckResult } from '../../../src/core/probe/types';
import { startReceiver } from '../../../src/core/receiver';
import { newSecret } from '../verify/fixtures';
import { Flaws, startHandler, startMisbehaving } from './handlers';

async function probe(url: string, secrets: string[], deadlineMs = 5_000): Promise<ProbeReport> {
  const outcome = await runProbe({ url, secrets, deadlineMs });
  assert.equal(outcome.kind, 'report', JSON.stringify(outcome));
  return (outcome as { report: ProbeReport }).report;
}

const failedNames = (report: ProbeReport) => report.checks.filter((c) => !c.ok).map((c) => c.name);

describe('probe', function () {
  this.timeout(30_000);
  const secret = newSecret();

  describe('a correct handler (standardwebhooks verify + webhook-id dedupe)', () => {
    it('passes every static check, each with what it sent, expected, why and fix', async () => {
      const handler = await startHandler([secret]);
      try {
        const report = await probe(handler.url, [secret]);
        assert.deepEqual(failedNames(report), []);
        assert.equal(report.passed, report.checks.length);
        const names = report.checks.map((c) => c.name);
        for (const name of [
          'valid',
          'unknown-type',
          'raw-body',
          'rotation',
          'v1a-beside-v1',
          'duplicate',
          'tampered-body',
          'tampered-id',
          'tampered-timestamp',
          'wrong-secret',
          'no-signature',
          'malformed-signature',
          'stale',
          'future',
          'large-body',
        ])
          assert.ok(names.includes(name), name);
        assert.equal(names.filter((n) => n.startsWith('type:')).length, 9, 'every catalog type');
        for (const c of report.checks) {
          assert.ok(c.sent && c.why && c.fix && c.title, c.name);
          assert.ok(c.status !== null && c.ms >= 0);
          assert.match(c.got, /^\d{3} in \d+ ms/);
        }
        assert.equal(report.checks.find((c) => c.name === 'duplicate')?.status, 200);
        assert.equal(report.checks.find((c) => c.name === 'no-signature')?.status, 400);
        assert.ok(handler.requests >= report.checks.length);
        assert.ok(report.durationMs < 5_000, `graded in ${report.durationMs} ms`);
      } finally {
        await handler.close();
      }
    });

    it('with two secrets (a rotation grace window) each valid delivery carries one v1 entry per secret', async () => {
      const second = newSecret();
      // A handler that knows only the second secret still verifies: one of the entries is its own.
      const handler = await startHandler([second]);
      try {
        const report = await probe(handler.url, [secret, second]);
        // The rotation check puts secret #1 second, which this handler does not hold.
        assert.deepEqual(failedNames(report), ['rotation']);
      } finally {
        await handler.close();
      }
    });
  });

  describe('broken handlers fail exactly the checks that name their bug', () => {
    const cases: Array<[string, Flaws, string[]]> = [
      ['verifies a re-serialized body', { reserialize: true }, ['raw-body']],
      ['has no timestamp window', { noTimestampWindow: true }, ['stale', 'future']],
      ['answers 409 to a duplicate', { rejectDuplicates: true }, ['duplicate']],
      ['checks only the first signature', { firstSignatureOnly: true }, ['rotation']],
      ['refuses unknown event types', { knownTypesOnly: true }, ['unknown-type']],
      ['keeps a 100 KB body limit', { smallBodyLimit: true }, ['large-body']],
      ['answers 400 to a signature entry of another scheme', { v1Only: true }, ['v1a-beside-v1']],
      ['crashes (500) on a signature that is not base64', { crashOnMalformed: true }, ['malformed-signature']],
      // A 5xx to a forgery tells the sender to retry it: never a right answer, though it is no 2xx.
      [
        'answers 500 when no signature verifies',
        { forgeryStatus: 500 },
        ['tampered-body', 'tampered-id', 'tampered-timestamp', 'wrong-secret', 'malformed-signature', 'stale', 'future'],
      ],
      [
        'answers 503 when no signature verifies',
        { forgeryStatus: 503 },
        ['tampered-body', 'tampered-id', 'tampered-timestamp', 'wrong-secret', 'malformed-signature', 'stale', 'future'],
      ],
    ];
    for (const [what, flaws, expected] of cases) {
      it(`a handler that ${what}: ${expected.join(', ')}`, async () => {
        const handler = await startHandler([secret], flaws);
        try {
          const report = await probe(handler.url, [secret]);
          assert.deepEqual(failedNames(report), expected);
          assert.deepEqual(report.causes, [], 'its own bug, told per check');
          for (const c of report.checks.filter((x) => !x.ok))
            if (flaws.forgeryStatus || flaws.crashOnMalformed) assert.match(c.got, /^50\d in \d+ ms — expected 4xx: a 5xx tells the sender to retry it/);
            else assert.match(c.got, /expected (2xx|4xx)$/);
        } finally {
          await handler.close();
        }
      });
    }

    it('a handler that works before answering fails every 2xx check on the deadline, and none of the 4xx ones', async () => {
      const handler = await startHandler([secret], { slowMs: 3_000 });
      try {
        const report = await probe(handler.url, [secret], 1_200);
        const failed = report.checks.filter((c) => !c.ok);
        // The duplicate is answered at once (it is not processed again), so it passes.
        assert.deepEqual(
          failed.map((c) => c.name),
          report.checks.filter((c) => c.expected === '2xx' && c.name !== 'duplicate').map((c) => c.name),
        );
        for (const c of failed) {
          assert.equal(c.status, null);
          assert.equal(c.got, 'no answer within 1.2 s');
        }
        assert.ok(report.checks.filter((c) => c.expected === '4xx').every((c) => c.ok));
      } finally {
        await handler.close();
      }
    });
  });

  describe('grading one answer', () => {
    const spec = (expected: '2xx' | '4xx'): CheckSpec => ({
      name: 'x',
      title: 'X',
      group: 'static',
      expected,
      sent: 's',
      why: 'w',
      fix: 'f',
      build: () => ({ headers: {}, body: Buffer.alloc(0) }),
    });
    const answer = (status: number, ms = 10, location?: string) => ({
      kind: 'answer' as const,
      status,
      body: '',
      cut: false,
      ms,
      ...(location ? { location } : {}),
    });
    it('the expected class, in time, no redirect, never a 5xx; each verdict in words', () => {
      const cases: Array<[expected: '2xx' | '4xx', status: number, ms: number, ok: boolean, got: RegExp]> = [
        ['2xx', 200, 10, true, /^200 in 10 ms$/],
        ['2xx', 204, 10, true, /^204 in 10 ms$/],
        ['2xx', 299, 10, true, /^299 in 10 ms$/],
        ['2xx', 200, 6_200, false, /^200 in 6200 ms — answered after 6\.2 s, over the 5 s deadline$/],
        ['4xx', 401, 5_001, false, /over the 5 s deadline$/],
        ['2xx', 200, 5_000, true, /^200 in 5000 ms$/],
        ['2xx', 199, 10, false, /— expected 2xx$/],
        ['2xx', 400, 10, false, /— expected 2xx$/],
        ['2xx', 500, 10, false, /— expected 2xx$/],
        ['2xx', 308, 10, false, /— a redirect to https:\/\/x\.example\/: senders do not follow redirects/],
        ['4xx', 400, 10, true, /^400 in 10 ms$/],
        ['4xx', 401, 10, true, /^401 in 10 ms$/],
        ['4xx', 499, 10, true, /^499 in 10 ms$/],
        ['4xx', 200, 10, false, /— expected 4xx$/],
        ['4xx', 399, 10, false, /— a redirect/],
        ['4xx', 500, 10, false, /— expected 4xx: a 5xx tells the sender to retry it \(refuse it with 400 or 401\)$/],
        ['4xx', 599, 10, false, /a 5xx tells the sender to retry/],
      ];
      for (const [expected, status, ms, ok, got] of cases) {
        const result = grade(spec(expected), answer(status, ms, 'https://x.example/'), 5_000);
        assert.equal(result.ok, ok, `${expected} ← ${status} in ${ms} ms`);
        assert.match(result.got, got);
        assert.equal(result.status, status);
      }
      const none = grade(spec('4xx'), { kind: 'failure', failure: 'timeout', reason: 'no answer within 5 s', ms: 5_000 }, 5_000);
      assert.deepEqual([none.ok, none.status, none.got], [false, null, 'no answer within 5 s'], 'no answer is no refusal');
    });
  });

  describe('servers that misbehave are graded, never waited on past the deadline', () => {
    it('a redirect fails every check, saying the sender does not follow it', async () => {
      const server = await startMisbehaving('redirect');
      try {
        const report = await probe(server.url, [secret]);
        assert.equal(report.passed, 0);
        for (const c of report.checks) {
          assert.equal(c.status, 308);
          assert.match(c.got, /redirect to https:\/\/example\.com\/gemini-callback: senders do not follow redirects/);
        }
        assert.equal(server.requests, report.checks.length, 'never followed');
      } finally {
        await server.close();
      }
    });

    it('a hang costs two deadlines: every check fails with "no answer within"', async () => {
      const server = await startMisbehaving('hang');
      try {
        const started = Date.now();
        const report = await probe(server.url, [secret], 500);
        assert.ok(Date.now() - started < 2_500, `took ${Date.now() - started} ms`);
        assert.equal(report.passed, 0);
        assert.ok(report.checks.every((c) => c.got === 'no answer within 0.5 s' && c.status === null));
      } finally {
        await server.close();
      }
    });

    it('a reset is a graded failure: the connection closed before an answer', async () => {
      const server = await startMisbehaving('reset');
      try {
        const report = await probe(server.url, [secret]);
        assert.equal(report.passed, 0);
        assert.ok(
          report.checks.every((c) => /^the connection was closed before an answer came/.test(c.got)),
          report.checks[0].got,
        );
      } finally {
        await server.close();
      }
    });

    it('a huge answer is cut at 64 KiB and graded by its status', async () => {
      const server = await startMisbehaving('huge-answer');
      try {
        const started = Date.now();
        const report = await probe(server.url, [secret]);
        assert.ok(Date.now() - started < 5_000);
        for (const c of report.checks) {
          assert.match(c.got, /^200 in \d+ ms \(answer body cut at 64 KiB\)/);
          assert.equal(c.ok, c.expected === '2xx');
          assert.ok((c.body ?? '').length <= 201);
        }
      } finally {
        await server.close();
      }
    });

    it('cancelling stops a run at once', async () => {
      const server = await startMisbehaving('hang');
      try {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 200);
        const started = Date.now();
        const reported: string[] = [];
        await assert.rejects(runProbe({ url: server.url, secrets: [secret], signal: controller.signal, onProgress: (_d, _t, r) => reported.push(r.got) }), {
          name: 'AbortError',
        });
        assert.ok(Date.now() - started < 2_000);
        assert.deepEqual(reported, [], 'a cancelled check is no result');
      } finally {
        await server.close();
      }
    });
  });

  describe('a URL that leads to no HTTP server cannot be graded, and says why', () => {
    it('connection refused', async () => {
      const server = await startMisbehaving('hang');
      const url = server.url;
      await server.close();
      const outcome = await runProbe({ url, secrets: [secret] });
      assert.equal(outcome.kind, 'unreachable');
      assert.match(
        (outcome as { unreachable: { reason: string } }).unreachable.reason,
        /^connection refused: nothing listens on 127\.0\.0\.1:\d+ \(is the handler running\?\) \(ECONNREFUSED\)$/,
      );
    });

    it('a host that never accepts the connection: unreachable within the deadline, not a slow answer', async () => {
      // A listener whose accept queue is full: the kernel drops further SYNs, so connecting hangs (loopback only).
      const python = spawn('python3', [
        '-c',
        [
          'import socket, sys, time',
          "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)",
          'port = s.getsockname()[1]; fill = []',
          'for i in range(3):',
          '    c = socket.socket(); c.setblocking(False)',
          "    try: c.connect(('127.0.0.1', port))",
          '    except BlockingIOError: pass',
          '    fill.append(c)',
          'print(port, flush=True); sys.stdin.read()',
        ].join('\n'),
      ]);
      try {
        const port = await new Promise<string>((resolve, reject) => {
          python.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
          python.once('error', reject);
        });
        const started = Date.now();
        const outcome = await runProbe({ url: `http://127.0.0.1:${port}/cb`, secrets: [secret], deadlineMs: 1_000 });
        assert.equal(outcome.kind, 'unreachable', JSON.stringify(outcome));
        assert.match((outcome as { unreachable: { reason: string } }).unreachable.reason, /^the connection to 127\.0\.0\.1:\d+ timed out/);
        assert.ok(Date.now() - started < 4_000, `took ${Date.now() - started} ms`);
      } finally {
        python.kill();
      }
    });

    it('a host name that does not resolve', async () => {
      const outcome = await runProbe({ url: 'http://gemini-probe-test.invalid/cb', secrets: [secret], deadlineMs: 3_000 });
      assert.equal(outcome.kind, 'unreachable');
      assert.match((outcome as { unreachable: { reason: string } }).unreachable.reason, /^DNS: /);
    });

    it('a port that answers something other than HTTP', async () => {
      const server = await startMisbehaving('not-http');
      try {
        const outcome = await runProbe({ url: server.url, secrets: [secret] });
        assert.equal(outcome.kind, 'unreachable');
        assert.match((outcome as { unreachable: { reason: string } }).unreachable.reason, /^the answer is not HTTP: /);
      } finally {
        await server.close();
      }
    });

    it('TLS: a self-signed certificate', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'gw-probe-tls-'));
      try {
        execFileSync(
          'openssl',
          ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-subj', '/CN=127.0.0.1', '-days', '2'],
          {
            cwd: dir,
            stdio: 'ignore',
          },
        );
        const server = createHttpsServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (_req, res) =>
          res.end(),
        );
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
          const outcome = await runProbe({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/cb`, secrets: [secret] });
          assert.equal(outcome.kind, 'unreachable');
          assert.match(
            (outcome as { unreachable: { reason: string } }).unreachable.reason,
            /^TLS: its certificate is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/,
          );
        } finally {
          server.closeAllConnections();
          server.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('names TLS, DNS and routing failures in words', () => {
      const words = (code: string) => describeFailure(Object.assign(new Error('x'), { code }), 'https://h.example:8443/cb');
      assert.deepEqual(words('CERT_HAS_EXPIRED'), {
        failure: 'unreachable',
        reason: 'TLS: its certificate has expired (CERT_HAS_EXPIRED)',
        code: 'CERT_HAS_EXPIRED',
      });
      assert.equal(words('ERR_TLS_CERT_ALTNAME_INVALID').reason, 'TLS: its certificate is for another host name (ERR_TLS_CERT_ALTNAME_INVALID)');
      assert.equal(words('EAI_AGAIN').failure, 'unreachable');
      assert.equal(words('EHOSTUNREACH').reason, 'no route to h.example:8443 (EHOSTUNREACH)');
      assert.equal(words('ECONNRESET').failure, 'reset');
      const aggregate = Object.assign(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]), {});
      assert.equal(describeFailure(aggregate, 'http://localhost:1/').failure, 'unreachable');
    });

    it('a URL that is not http(s) is refused before anything is sent', async () => {
      await assert.rejects(
        runProbe({ url: 'ftp://example.com/x', secrets: [secret] }),
        /not a URL the probe can POST to: the scheme must be http or https \(got "ftp:\/\/example.com\/x"\)/,
      );
      await assert.rejects(runProbe({ url: 'localhost:8000', secrets: [secret] }), /not a URL the probe can POST to: the scheme must be http or https/);
      await assert.rejects(runProbe({ url: 'http://127.0.0.1:1/', secrets: [] }), /nothing to check/);
    });
  });

  describe('causes: many failures from one reason are told once', () => {
    const signedNames = (report: ProbeReport) => report.checks.filter((c) => c.group === 'static' && c.expected === '2xx').map((c) => c.name);

    it('a handler with another secret: one summary names the secret; the 16 signed checks follow from it, the forgeries pass', async () => {
      const handler = await startHandler([newSecret()]);
      try {
        const outcome = await runProbe({ url: handler.url, secrets: [secret], secretsName: 'the secret of "Batch results"' });
        const report = (outcome as { report: ProbeReport }).report;
        const signed = signedNames(report);
        assert.equal(signed.length, 16);
        assert.deepEqual(failedNames(report), signed);
        assert.deepEqual(report.causes, [
          {
            kind: 'secret-refused',
            label: 'wrong secret',
            summary: 'The handler does not use the secret of "Batch results": it refused all 16 deliveries signed with it (401).',
            fix: 'Start the handler with GEMINI_WEBHOOK_SECRET set to that secret, or run the checks with the secret it has.',
            checks: signed,
          },
        ]);
        for (const c of report.checks) assert.equal(c.cause, c.ok ? undefined : 'secret-refused', c.name);
      } finally {
        await handler.close();
      }
    });

    it('two secrets the handler has neither of, refused with 403: "them", and the status it gave', async () => {
      const handler = await startHandler([newSecret()], { forgeryStatus: 403 });
      try {
        const report = await probe(handler.url, [secret, newSecret()]);
        assert.equal(report.causes.length, 1);
        assert.equal(report.causes[0].summary, 'The handler does not use the signing secrets given: it refused all 16 deliveries signed with them (403).');
        assert.match(report.causes[0].fix, /set to those secrets/);
      } finally {
        await handler.close();
      }
    });

    it('a handler that answers 400 (malformed) to every signed delivery gets no secret summary: 400 does not say "not yours"', async () => {
      const handler = await startHandler([newSecret()], { forgeryStatus: 400 });
      try {
        const report = await probe(handler.url, [secret]);
        assert.equal(report.failed, 16);
        assert.deepEqual(report.causes, []);
      } finally {
        await handler.close();
      }
    });

    it('dynamic deliveries and a key server never asked: one summary says where to point the handler, every dynamic failure follows from it', async () => {
      const keyServer = await startProbeKeyServer({ keys: await ProbeKeys.generate(), port: 0 });
      // Like a scaffold whose key set URL leads nowhere: 503 to every delivery it cannot verify.
      const handler = await startHandler([secret], { forgeryStatus: 503 });
      try {
        const outcome = await runProbe({
          url: handler.url,
          secrets: [],
          dynamic: { keys: keyServer.keys, jwksUri: keyServer.url, audience: 'https://app.example/cb', keyFetches: () => keyServer.fetches },
        });
        const report = (outcome as { report: ProbeReport }).report;
        const dynamic = report.checks.map((c) => c.name);
        assert.deepEqual(failedNames(report), dynamic, 'all 8: the valid ones refused, the forged ones answered 5xx');
        assert.deepEqual(report.causes, [
          {
            kind: 'key-set-not-fetched',
            label: 'key set never fetched',
            summary: `The handler never asked the probe's key server for its keys: it is not pointed at ${keyServer.url}.`,
            fix: `Start the handler with GEMINI_WEBHOOK_JWKS_URI=${keyServer.url} (and GEMINI_WEBHOOK_AUDIENCE=https://app.example/cb), then run the checks again.`,
            checks: dynamic,
          },
        ]);
        assert.ok(report.checks.every((c) => c.cause === 'key-set-not-fetched'));
        assert.ok(!/v1a/.test(report.causes[0].summary + report.causes[0].fix), 'not "implement v1a"');
      } finally {
        await handler.close();
        await keyServer.close();
      }
    });

    it('a handler that did fetch the key set and still fails gets no such summary: its failures are its own', async () => {
      const keyServer = await startProbeKeyServer({ keys: await ProbeKeys.generate(), port: 0 });
      const receiver = await startReceiver({ port: 0, path: '/gemini-callback', secrets: () => [{ secret, label: 's' }], jwksUri: keyServer.url });
      try {
        // Signed by keys the served set does not hold: the receiver fetches the set and refuses them.
        const outcome = await runProbe({
          url: receiver.url,
          secrets: [],
          dynamic: { keys: await ProbeKeys.generate(), jwksUri: keyServer.url, keyFetches: () => keyServer.fetches },
        });
        const report = (outcome as { report: ProbeReport }).report;
        assert.deepEqual(failedNames(report), ['dynamic-v1a', 'dynamic-jwt']);
        assert.ok(keyServer.fetches > 0);
        assert.deepEqual(report.causes, []);
        assert.ok(report.checks.every((c) => c.cause === undefined));
      } finally {
        await receiver.close();
        await keyServer.close();
      }
    });

    it('a forgery answered 2xx never counts as following from the key set: it is a bug of its own', () => {
      const check = (name: string, expected: '2xx' | '4xx', status: number): CheckResult => ({
        name,
        title: name,
        group: 'dynamic',
        ok: false,
        expected,
        status,
        ms: 1,
        sent: '',
        got: '',
        why: '',
        fix: '',
      });
      const { checks, causes } = findCauses(
        [check('dynamic-v1a', '2xx', 401), check('dynamic-v1a-forged', '4xx', 200), check('dynamic-jwt-forged', '4xx', 503)],
        {
          secretsName: 'x',
          secretCount: 0,
          dynamic: { jwksUri: 'http://127.0.0.1:1/.well-known/jwks.json', audience: 'a', keyFetches: 0 },
        },
      );
      assert.deepEqual(causes[0].checks, ['dynamic-v1a', 'dynamic-jwt-forged']);
      assert.deepEqual(
        checks.map((c) => c.cause),
        ['key-set-not-fetched', undefined, 'key-set-not-fetched'],
      );
      // Unknown fetch count (a caller that cannot tell): no summary.
      assert.deepEqual(
        findCauses([check('dynamic-v1a', '2xx', 401)], { secretsName: 'x', secretCount: 0, dynamic: { jwksUri: 'u', audience: 'a' } }).causes,
        [],
      );
    });
  });

  describe('dynamic deliveries (the probe serves its own key set)', () => {
    it("this project's receiver, pointed at the probe's key set, passes every static and dynamic check", async () => {
      const keys = await ProbeKeys.generate();
      const keyServer = await startProbeKeyServer({ keys, port: 0 });
      const receiver = await startReceiver({ port: 0, path: '/gemini-callback', secrets: () => [{ secret, label: 's' }], jwksUri: keyServer.url });
      try {
        const outcome = await runProbe({ url: receiver.url, secrets: [secret], dynamic: { keys, jwksUri: keyServer.url } });
        assert.equal(outcome.kind, 'report');
        const report = (outcome as { report: ProbeReport }).report;
        assert.deepEqual(failedNames(report), []);
        assert.deepEqual(
          report.checks.filter((c) => c.group === 'dynamic').map((c) => c.name),
          [
            'dynamic-v1a',
            'dynamic-v1a-forged',
            'dynamic-v1a-stale',
            'dynamic-jwt',
            'dynamic-jwt-forged',
            'dynamic-jwt-alg-none',
            'dynamic-jwt-audience',
            'dynamic-jwt-stale',
          ],
        );
        assert.deepEqual(report.dynamic, { jwksUri: keyServer.url, audience: receiver.url });
        assert.ok(keyServer.fetches >= 1, 'the receiver fetched the key set');
        assert.equal(keys.jwks().keys.filter((k) => k.kty === 'OKP').length, 3);
      } finally {
        await receiver.close();
        await keyServer.close();
      }
    });

    it('a handler that ignores dynamic deliveries fails the valid ones and passes the forged ones', async () => {
      const keys = await ProbeKeys.generate();
      const handler = await startHandler([secret]);
      try {
        const outcome = await runProbe({ url: handler.url, secrets: [], dynamic: { keys, jwksUri: 'http://127.0.0.1:9/.well-known/jwks.json' } });
        const report = (outcome as { report: ProbeReport }).report;
        assert.deepEqual(failedNames(report), ['dynamic-v1a', 'dynamic-jwt']);
        assert.deepEqual(report.notes, ['static checks skipped: no signing secret given']);
      } finally {
        await handler.close();
      }
    });

    it('a handler that verifies v1a with the first key of the set only fails dynamic-v1a (signed by the last key)', async () => {
      const keys = await ProbeKeys.generate();
      const keyServer = await startProbeKeyServer({ keys, port: 0 });
      const run = async (flaws: Flaws) => {
        const handler = await startHandler([secret], flaws, { jwksUri: keyServer.url });
        try {
          const outcome = await runProbe({ url: handler.url, secrets: [], dynamic: { keys, jwksUri: keyServer.url, keyFetches: () => keyServer.fetches } });
          return (outcome as { report: ProbeReport }).report;
        } finally {
          await handler.close();
        }
      };
      try {
        // This test handler verifies v1a only, not JWTs: dynamic-jwt fails for both.
        const right = await run({});
        assert.deepEqual(failedNames(right), ['dynamic-jwt']);
        assert.deepEqual(right.causes, [], 'it fetched the key set');
        assert.deepEqual(failedNames(await run({ firstKeyOnly: true })), ['dynamic-v1a', 'dynamic-jwt']);
      } finally {
        await keyServer.close();
      }
    });

    it('keeps the key set in a file: saved with mode 0600 and read back the same', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'gw-probe-keys-'));
      try {
        const file = path.join(dir, 'sub', 'probe-keys.json');
        const first = await loadOrCreateProbeKeys(file);
        assert.equal(first.created, true);
        assert.equal(statSync(file).mode & 0o777, 0o600);
        const again = await loadOrCreateProbeKeys(file);
        assert.equal(again.created, false);
        assert.deepEqual(again.keys.jwks(), first.keys.jwks());
        writeFileSync(file, '{ not json');
        const healed = await loadOrCreateProbeKeys(file);
        assert.equal(healed.created, true);
        assert.match(healed.note ?? '', /unreadable; made a new key set/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
