/**
 * `gemini-webhooks probe`: through the CLI's main (stdout, stderr, exit code) against loopback
 * handlers, and the bundled binary run by a real node against a handler whose certificate expired.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { main } from '../../../src/cli/main';
import { startReceiver } from '../../../src/core/receiver';
import { newSecret } from '../verify/fixtures';
import { startHandler } from './handlers';
import { junitCases, validJunit } from './junitSchema';
import { all } from './xml';

const ROOT = path.resolve(__dirname, '../../../..');

interface Run {
  code: number;
  stdout: string[];
  stderr: string[];
}

async function probe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(['probe', ...args], { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), env });
  return { code, stdout, stderr };
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('gemini-webhooks probe', function () {
  this.timeout(60_000);
  const secret = newSecret();
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gw-probe-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exit 0 for a correct handler: one line per check, then the summary', async () => {
    const handler = await startHandler([secret]);
    try {
      const run = await probe([handler.url, '--secret', secret]);
      assert.equal(run.code, 0, run.stderr.join('\n'));
      assert.match(run.stdout[0], /^probe http:\/\/127\.0\.0\.1:\d+\/gemini-callback — 1 signing secret, deadline 5 s per answer$/);
      assert.ok(run.stdout.some((l) => /^✓ A valid delivery\s+200\s+\d+ ms$/.test(l)));
      assert.match(run.stdout.at(-2) ?? '', /^24 passed, 0 failed \(24 checks, \d/);
      assert.equal(run.stdout.at(-1), 'note: dynamic checks not run (ask for them with --dynamic)');
      assert.ok(!run.stdout.join('\n').includes(secret));
    } finally {
      await handler.close();
    }
  });

  it('exit 1 when a check fails: the failure says what was sent, expected, got, why and fix', async () => {
    const handler = await startHandler([secret], { rejectDuplicates: true });
    try {
      const run = await probe([handler.url], { GEMINI_WEBHOOKS_SECRETS: secret });
      assert.equal(run.code, 1);
      const at = run.stdout.findIndex((l) => l.startsWith('✗ The same webhook-id again'));
      assert.ok(at > 0, run.stdout.join('\n'));
      assert.match(run.stdout[at], /409/);
      assert.deepEqual(
        run.stdout.slice(at + 1, at + 6).map((l) => l.trim().split(':')[0]),
        ['sent', 'expected', 'got', 'why', 'fix'],
      );
      assert.match(run.stdout[at + 3], /got:\s+409 in \d+ ms — expected 2xx: \{"status":"duplicate"\}/);
    } finally {
      await handler.close();
    }
  });

  it('--json prints one object: { url, passed, failed, checks: [{ name, ok, status, ms, expected, why, fix }] }', async () => {
    const handler = await startHandler([secret], { knownTypesOnly: true });
    try {
      const run = await probe([handler.url, `--secret=${secret}`, '--json']);
      assert.equal(run.code, 1);
      assert.equal(run.stdout.length, 1);
      const json = JSON.parse(run.stdout[0]) as { url: string; passed: number; failed: number; checks: Array<Record<string, unknown>> };
      assert.equal(json.url, handler.url);
      assert.equal(json.failed, 1);
      assert.equal(json.passed, json.checks.length - 1);
      for (const c of json.checks)
        for (const key of ['name', 'ok', 'status', 'ms', 'expected', 'why', 'fix']) assert.ok(key in c, `${key} in ${String(c.name)}`);
      const failed = json.checks.filter((c) => c.ok === false);
      assert.deepEqual(
        failed.map((c) => [c.name, c.status, c.expected]),
        [['unknown-type', 400, '2xx']],
      );
    } finally {
      await handler.close();
    }
  });

  it('--dynamic serves the key set on the given port, prints its URL, keeps the keys in --keys (0600) and reuses them', async () => {
    const port = await freePort();
    const jwks = `http://127.0.0.1:${port}/.well-known/jwks.json`;
    const receiver = await startReceiver({ port: 0, path: '/gemini-callback', secrets: () => [{ secret, label: 's' }], jwksUri: jwks, jwksCooldownMs: 0 });
    const keys = path.join(dir, 'keys.json');
    try {
      const first = await probe([receiver.url, '--secret', secret, '--dynamic', '--jwks-port', String(port), '--keys', keys]);
      assert.equal(first.code, 0, first.stdout.join('\n'));
      assert.equal(first.stdout[0], `key set: ${jwks} — the handler's GEMINI_WEBHOOK_JWKS_URI must point here (a new key set)`);
      assert.match(first.stdout.at(-1) ?? '', /^32 passed, 0 failed \(32 checks/);
      assert.equal(statSync(keys).mode & 0o777, 0o600);
      const saved = readFileSync(keys, 'utf8');
      const again = await probe([receiver.url, '--secret', secret, '--dynamic', '--jwks-port', String(port), '--keys', keys, '--json']);
      assert.equal(again.code, 0);
      assert.deepEqual(again.stderr, [`key set: ${jwks} — the handler's GEMINI_WEBHOOK_JWKS_URI must point here`]);
      assert.equal(readFileSync(keys, 'utf8'), saved, 'the same keys');
      assert.equal((JSON.parse(again.stdout[0]) as { jwks_uri: string }).jwks_uri, jwks);
    } finally {
      await receiver.close();
    }
  });

  it('--dynamic without a secret runs the dynamic checks alone; a handler that never fetched the keys is told once where to point, in text, --json and --junit', async () => {
    const handler = await startHandler([secret]);
    const junit = path.join(dir, 'never-fetched.xml');
    try {
      const run = await probe([handler.url, '--dynamic', '--jwks-port', '0', '--keys', path.join(dir, 'k2.json'), '--junit', junit]);
      assert.equal(run.code, 1);
      assert.ok(run.stdout.includes('note: static checks skipped: no signing secret given'));
      const jwks = /^key set: (http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json) /.exec(run.stdout[0])?.[1];
      assert.ok(jwks, run.stdout[0]);
      const summary = `✗ The handler never asked the probe's key server for its keys: it is not pointed at ${jwks}.`;
      const fix = `  fix: Start the handler with GEMINI_WEBHOOK_JWKS_URI=${jwks} (and GEMINI_WEBHOOK_AUDIENCE=${handler.url}), then run the checks again.`;
      const at = run.stdout.indexOf(summary);
      assert.ok(at > 0, run.stdout.join('\n'));
      assert.deepEqual(run.stdout.slice(at + 1, at + 3), [fix, '  2 failed checks follow from this (marked "key set never fetched").']);
      assert.match(run.stdout.find((l) => l.startsWith('✗ Dynamic delivery, v1a Ed25519')) ?? '', /401\s+\d+ ms {2}\(key set never fetched: see below\)$/);
      assert.ok(!run.stdout.some((l) => /^\s+(why|fix): .*v1a/.test(l)), 'no "implement v1a"');
      assert.deepEqual(run.stderr, []);

      const json = await probe([handler.url, '--dynamic', '--jwks-port', '0', '--keys', path.join(dir, 'k2.json'), '--json']);
      const object = JSON.parse(json.stdout[0]) as {
        summary: { causes: Array<{ kind: string; checks: string[] }> };
        checks: Array<{ name: string; cause?: string }>;
      };
      assert.deepEqual(
        object.summary.causes.map((c) => [c.kind, c.checks]),
        [['key-set-not-fetched', ['dynamic-v1a', 'dynamic-jwt']]],
      );
      assert.equal(object.checks.find((c) => c.name === 'dynamic-jwt')?.cause, 'key-set-not-fetched');

      const suites = all(await validJunit(readFileSync(junit, 'utf8')), 'property');
      assert.equal(
        suites.find((p) => p.attrs.name === 'cause.key-set-not-fetched')?.attrs.value,
        `The handler never asked the probe's key server for its keys: it is not pointed at ${jwks}.`,
      );
    } finally {
      await handler.close();
    }
  });

  it('a handler with another secret: one summary naming where the secret came from (flag or env), the 16 checks marked, not 16 whys', async () => {
    const handler = await startHandler([newSecret()]);
    try {
      const run = await probe([handler.url, '--secret', secret]);
      assert.equal(run.code, 1);
      const summary = '✗ The handler does not use the secret given with --secret: it refused all 16 deliveries signed with it (401).';
      const at = run.stdout.indexOf(summary);
      assert.ok(at > 0, run.stdout.join('\n'));
      assert.deepEqual(run.stdout.slice(at + 1, at + 3), [
        '  fix: Start the handler with GEMINI_WEBHOOK_SECRET set to that secret, or run the checks with the secret it has.',
        '  16 failed checks follow from this (marked "wrong secret").',
      ]);
      assert.equal(run.stdout.filter((l) => l.endsWith('(wrong secret: see below)')).length, 16);
      assert.equal(run.stdout.filter((l) => /^\s+why: /.test(l)).length, 0, 'no generic why repeated');
      assert.ok(!run.stdout.join('\n').includes(secret));

      const env = await probe([handler.url], { GEMINI_WEBHOOKS_SECRETS: secret });
      assert.ok(env.stdout.includes('✗ The handler does not use the secret in GEMINI_WEBHOOKS_SECRETS: it refused all 16 deliveries signed with it (401).'));
      const both = await probe([handler.url, '--secret', secret, '--json'], { GEMINI_WEBHOOKS_SECRETS: newSecret() });
      const object = JSON.parse(both.stdout[0]) as {
        summary: { text: string; causes: Array<{ kind: string; summary: string; fix: string; checks: string[] }> };
      };
      assert.match(object.summary.text, /^8 passed, 16 failed \(24 checks/);
      assert.equal(object.summary.causes.length, 1);
      assert.equal(
        object.summary.causes[0].summary,
        'The handler does not use the 2 secrets given (1 with --secret, 1 in GEMINI_WEBHOOKS_SECRETS): it refused all 16 deliveries signed with them (401).',
      );
      assert.equal(object.summary.causes[0].checks.length, 16);
    } finally {
      await handler.close();
    }
  });

  describe('--junit FILE', () => {
    it('writes the JUnit report beside the usual output, replaces its own report, creates folders, never writes a secret', async () => {
      // A handler that echoes the secret it expected in its 401: the report must not carry it.
      const leaky = createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(401, { 'content-type': 'text/plain' }).end(`expected a signature by ${secret}`));
      });
      await new Promise<void>((resolve) => leaky.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(leaky.address() as AddressInfo).port}/gemini-callback`;
      const file = path.join(dir, 'reports', 'nested', 'probe.xml');
      try {
        const run = await probe([url, '--secret', secret, '--junit', file]);
        assert.equal(run.code, 1);
        assert.equal(run.stdout.at(-1), `JUnit report: ${file} (24 test cases, 16 failed)`);
        const xml = readFileSync(file, 'utf8');
        assert.ok(!xml.includes(secret), 'the secret is redacted');
        assert.ok(xml.includes('expected a signature by «redacted»'), xml);
        const cases = junitCases(await validJunit(xml));
        assert.equal(cases.length, 24);
        assert.equal(cases.filter((c) => c.failure).length, 16);
        assert.equal(statSync(file).mode & 0o777 & ~0o022, 0o644 & ~0o022);
        assert.deepEqual(readdirSync(path.dirname(file)), ['probe.xml'], 'no temp file left');

        const handler = await startHandler([secret]);
        try {
          const again = await probe([handler.url, '--secret', secret, '--junit', file, '--json']);
          assert.equal(again.code, 0);
          assert.equal(again.stdout.length, 1, 'stdout stays one JSON object');
          assert.deepEqual(again.stderr, [`JUnit report: ${file} (24 test cases, 0 failed)`]);
          assert.equal(junitCases(await validJunit(readFileSync(file, 'utf8'))).filter((c) => c.failure).length, 0, 'replaced');
        } finally {
          await handler.close();
        }
      } finally {
        leaky.close();
      }
    });

    it('exit 2 before sending anything for a path that is a symlink, a folder, a FIFO or a file it did not write — each left as it was', async () => {
      const handler = await startHandler([secret]);
      const mine = path.join(dir, 'mine.txt');
      writeFileSync(mine, 'my notes\n');
      const link = path.join(dir, 'link.xml');
      symlinkSync(mine, link);
      const dangling = path.join(dir, 'dangling.xml');
      symlinkSync(path.join(dir, 'nowhere.xml'), dangling);
      const fifo = path.join(dir, 'pipe.xml');
      execFileSync('mkfifo', [fifo]);
      const otherJunit = path.join(dir, 'other.xml');
      writeFileSync(otherJunit, '<?xml version="1.0"?>\n<testsuites name="another tool"></testsuites>\n');
      try {
        const cases: Array<[string, RegExp]> = [
          [link, /--junit: .*link\.xml is a symbolic link: a report is never written through one/],
          [dangling, /--junit: .*dangling\.xml is a symbolic link/],
          [dir, /--junit: .* is a folder: give a file name/],
          [fifo, /--junit: .*pipe\.xml is not a regular file \(a FIFO, socket or device\): not replaced/],
          [mine, /--junit: .*mine\.txt exists and is not a report this tool wrote: not overwritten \(remove it, or choose another file\)/],
          [otherJunit, /is not a report this tool wrote/],
          [path.join(mine, 'x.xml'), /a part of its path is a file, not a folder/],
        ];
        for (const [target, message] of cases) {
          const run = await probe([handler.url, '--secret', secret, '--junit', target]);
          assert.equal(run.code, 2, target);
          assert.match(run.stderr.join('\n'), message);
        }
        assert.equal(handler.requests, 0, 'refused before any delivery was sent');
        assert.equal(readFileSync(mine, 'utf8'), 'my notes\n');
        assert.ok(lstatSync(link).isSymbolicLink() && lstatSync(fifo).isFIFO());
        assert.ok(!existsSync(path.join(dir, 'nowhere.xml')), 'nothing created through the dangling link');
        assert.match(readFileSync(otherJunit, 'utf8'), /another tool/);
        const empty = await probe([handler.url, '--secret', secret, '--junit', '']);
        assert.equal(empty.code, 2);
      } finally {
        await handler.close();
      }
    });

    it('an empty file (as mktemp makes) is replaced; a folder that appears at the path during the run is exit 2, left as it is', async () => {
      const handler = await startHandler([secret]);
      const empty = path.join(dir, 'empty.xml');
      writeFileSync(empty, '');
      const racing = path.join(dir, 'racing.xml');
      // A server that makes a folder at the report's path when the first delivery arrives.
      const server = createServer((req, res) => {
        req.resume();
        if (!existsSync(racing)) mkdirSync(racing);
        res.writeHead(401).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const run = await probe([handler.url, '--secret', secret, '--junit', empty]);
        assert.equal(run.code, 0);
        await validJunit(readFileSync(empty, 'utf8'));

        const late = await probe([`http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`, '--secret', secret, '--junit', racing]);
        assert.equal(late.code, 2);
        assert.match(late.stderr.join('\n'), /--junit: .*racing\.xml is a folder: give a file name/);
        assert.ok(statSync(racing).isDirectory());
        assert.deepEqual(readdirSync(racing), []);
      } finally {
        await handler.close();
        server.closeAllConnections();
        server.close();
      }
    });
  });

  it('exit 2 on bad usage, never echoing a secret', async () => {
    const bad = [
      [[], /give the URL of your handler/],
      [['http://a/', 'http://b/', '--secret', secret], /one URL at a time \(got 2\)/],
      [['ftp://example.com/cb', '--secret', secret], /not a URL the probe can POST to: the scheme must be http or https/],
      [['http://127.0.0.1:1/cb'], /no signing secret: give --secret/],
      [['http://127.0.0.1:1/cb', '--secret', 'whsec_short'], /--secret #1 is not a signing secret/],
      [['http://127.0.0.1:1/cb', '--secret', secret, '--deadline', '0'], /--deadline must be a number of seconds from 0 to 120/],
      [['http://127.0.0.1:1/cb', '--secret', secret, '--jwks-port', '70000', '--dynamic'], /--jwks-port must be an integer/],
      [['http://127.0.0.1:1/cb', '--secret', secret, '--bogus'], /unknown option '--bogus'/],
    ] as const;
    for (const [args, message] of bad) {
      const run = await probe([...args]);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr.join('\n'), message);
      assert.ok(!run.stderr.join('\n').includes(secret), 'secret redacted');
    }
    const help = await probe(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout[0], /^Usage: gemini-webhooks probe <url> \[options\]/);
  });

  it('exit 2 with the reason when nothing listens, or the key set port is taken', async () => {
    const port = await freePort();
    const run = await probe([`http://127.0.0.1:${port}/gemini-callback`, '--secret', secret]);
    assert.equal(run.code, 2);
    assert.match(run.stderr[0], /^gemini-webhooks probe: cannot reach http:\/\/127\.0\.0\.1:\d+\/gemini-callback: connection refused: nothing listens/);
    const json = await probe([`http://127.0.0.1:${port}/gemini-callback`, '--secret', secret, '--json']);
    assert.equal(json.code, 2);
    assert.match((JSON.parse(json.stdout[0]) as { error: string }).error, /^connection refused/);
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const busy = await probe([
        `http://127.0.0.1:${port}/cb`,
        '--dynamic',
        '--jwks-port',
        String((taken.address() as AddressInfo).port),
        '--keys',
        path.join(dir, 'k3.json'),
      ]);
      assert.equal(busy.code, 2);
      assert.match(busy.stderr[0], /port \d+ for the probe's key set is taken/);
    } finally {
      taken.close();
    }
  });

  describe('the bundled binary, run by node', () => {
    const cli = () => path.join(dir, 'cli.js');
    before(async () => {
      await build({
        entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
        outfile: cli(),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        logLevel: 'silent',
      });
    });

    it('exit 2 naming an expired certificate (a CA-signed leaf that expired in 2020)', async () => {
      const tls = path.join(dir, 'tls');
      const sh = (args: string[]) => execFileSync('openssl', args, { cwd: tls, stdio: 'ignore' });
      execFileSync('mkdir', ['-p', path.join(tls, 'db')]);
      writeFileSync(path.join(tls, 'db', 'index.txt'), '');
      writeFileSync(path.join(tls, 'db', 'serial'), '01\n');
      writeFileSync(
        path.join(tls, 'ca.cnf'),
        [
          '[ ca ]',
          'default_ca = probe',
          '[ probe ]',
          'database = db/index.txt',
          'serial = db/serial',
          'new_certs_dir = db',
          'default_md = sha256',
          'policy = anything',
          'x509_extensions = leaf',
          '[ anything ]',
          'commonName = supplied',
          '[ leaf ]',
          'subjectAltName = IP:127.0.0.1',
          'basicConstraints = CA:false',
          '',
        ].join('\n'),
      );
      sh(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=probe test CA', '-days', '30']);
      sh(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1']);
      sh([
        'ca',
        '-batch',
        '-config',
        'ca.cnf',
        '-cert',
        'ca.pem',
        '-keyfile',
        'ca.key',
        '-in',
        'leaf.csr',
        '-out',
        'leaf.pem',
        '-startdate',
        '20200101000000Z',
        '-enddate',
        '20200102000000Z',
      ]);
      const server = createHttpsServer({ key: readFileSync(path.join(tls, 'leaf.key')), cert: readFileSync(path.join(tls, 'leaf.pem')) }, (_req, res) =>
        res.end(),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/gemini-callback`;
        const child = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
          // Asynchronous: the HTTPS server lives in this process.
          const p = spawn(process.execPath, [cli(), 'probe', url, '--secret', secret], {
            env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(tls, 'ca.pem') },
          });
          let stderr = '';
          p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
          p.on('close', (status) => resolve({ status, stderr }));
        });
        assert.equal(child.status, 2, child.stderr);
        assert.match(child.stderr, /cannot reach https:\/\/127\.0\.0\.1:\d+\/gemini-callback: TLS: its certificate has expired \(CERT_HAS_EXPIRED\)/);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });

    it('the top-level help lists probe', () => {
      const run = spawnSync(process.execPath, [cli(), '--help'], { encoding: 'utf8' });
      assert.match(run.stdout, /^ {2}probe {9}grade your own webhook handler/m);
    });
  });
});
