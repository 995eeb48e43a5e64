/** The CLI's parsing (node:util parseArgs) and its usage errors, which never show a secret (issue 12 item 6). */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { flagValues, FlagTable, parseCommandLine, urlFlagProblem, UsageError } from '../../../src/cli/args';
import { main } from '../../../src/cli/main';
import { checkHttpUrl } from '../../../src/core/util/url';

const secret = () => `whsec_${randomBytes(24).toString('base64')}`;
const API_KEY = `AIza${randomBytes(18).toString('base64url')}`;

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('CLI arguments', () => {
  const FLAGS = {
    port: { type: 'string', description: 'port', placeholder: 'N' },
    secret: { type: 'string', multiple: true, description: 'a secret' },
    json: { type: 'boolean', description: 'json' },
    help: { type: 'boolean', short: 'h', description: 'help' },
  } as const satisfies FlagTable;

  it('parses with parseArgs into typed values: strings, a repeatable list, booleans, -h, positionals', () => {
    const { values, positionals } = parseCommandLine(['--port', '8', '--secret=a', '--secret', 'b', '--json', '-h', 'file'], FLAGS, 1);
    const port: string | undefined = values.port;
    const secrets: string[] | undefined = values.secret;
    const json: boolean | undefined = values.json;
    assert.equal(port, '8');
    assert.deepEqual(secrets, ['a', 'b']);
    assert.equal(json, true);
    assert.equal(values.help, true);
    assert.deepEqual(positionals, ['file']);
  });

  it('names what is wrong in its own words', () => {
    const cases: [string[], RegExp][] = [
      [['--nope'], /^unknown option '--nope'$/],
      [['-x'], /^unknown option '-x'$/],
      [['--port'], /^option '--port' needs a value$/],
      [['--secret', '--json'], /^option '--secret' needs a value$/],
      [['--json=yes'], /^option '--json' takes no value$/],
      [['stray'], /^unexpected argument 'stray'$/],
    ];
    for (const [args, message] of cases)
      assert.throws(
        () => parseCommandLine(args, FLAGS),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
  });

  it('finds the values of secret-bearing flags, parseable or not', () => {
    assert.deepEqual(flagValues(['--secret', 'a', '--secret=b', '--json', '--api-key', 'k'], ['secret', 'api-key']), ['a', 'b', 'k']);
  });

  describe('usage errors never show a secret or an API key', () => {
    const cases: [string, (s: string, t: string) => string[], RegExp][] = [
      ['a second value after --secret', (s, t) => ['listen', '--secret', s, t], /unexpected argument 'whsec_…«redacted»'/],
      ['a secret as the port', (s) => ['listen', '--port', s], /option '--port' needs a number, got 'whsec_…«redacted»'/],
      ['a stray API key', () => ['listen', API_KEY], /unexpected argument 'AIza[^']{0,2}…«redacted»'/],
      ['a secret as an option name', (s) => ['listen', `--${s}`], /unknown option '--whsec_…«redacted»'/],
      ['a secret as a tolerance (verify)', (s) => ['verify', '--secret', s, '--tolerance', s], /needs a number, got '(whsec_…)?«redacted»'/],
      ['a secret as the command', (s) => [s], /unknown command 'whsec_…«redacted»'/],
      ['an API key as the time scale', () => ['emulator', '--time-scale', API_KEY], /needs a number, got 'AIza[^']{0,2}…«redacted»'/],
      ['the API key as the signing mode', () => ['emulator', '--api-key', 'my-local-key', '--dynamic-signing', 'my-local-key'], /got '«redacted»'/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const [s, t] = [secret(), secret()];
        const r = await run(args(s, t));
        assert.equal(r.code, 2);
        assert.match(r.err, message);
        for (const hidden of [s, t, API_KEY, 'my-local-key'])
          assert.ok(!r.err.includes(hidden) && !r.out.includes(hidden), `no secret in: ${r.err.split('\n')[0]}`);
      });
    }

    it('nor the key from GEMINI_WEBHOOKS_API_KEY, whatever its shape', async () => {
      const r = await run(['emulator', '--dynamic-signing', 'hunter2-key'], { GEMINI_WEBHOOKS_API_KEY: 'hunter2-key' });
      assert.equal(r.code, 2);
      assert.ok(!r.err.includes('hunter2-key'), r.err);
    });
  });

  describe('URL flags: absolute http(s) with a host, shown only as safeUrl masks them', () => {
    it('takes what new URL takes with a host, credentials allowed for a key set', () => {
      assert.equal(urlFlagProblem('jwks-uri', 'https://user:pw@keys.example/jwks.json?token=t'), undefined);
      assert.equal(urlFlagProblem('jwks-uri', undefined), undefined);
      assert.match(String(urlFlagProblem('forward-to', 'http://')), /not an absolute URL/);
      assert.match(String(urlFlagProblem('forward-to', 'localhost:3000/hook')), /scheme must be http or https/);
      assert.match(String(urlFlagProblem('forward-to', '/hook')), /not an absolute URL/);
    });

    it('never quotes credentials or query values', async () => {
      const r = await run(['listen', '--jwks-uri', 'ftp://alice:s3cret@keys.example/jwks?token=tok3n']);
      assert.equal(r.code, 2);
      assert.match(
        r.err,
        /--jwks-uri must be an absolute http\(s\) URL: the scheme must be http or https \(got ftp:\/\/\*\*\*:\*\*\*@keys\.example\/jwks\?token=\*\*\*\)/,
      );
      assert.ok(!/s3cret|tok3n|alice/.test(r.err), r.err);
      const v = await run(['verify', '--jwks-uri', 'http://alice:s3cret@']);
      assert.equal(v.code, 2);
      assert.ok(!/s3cret|alice/.test(v.err), v.err);
    });
  });

  it('checkHttpUrl: one predicate for every front end', () => {
    assert.deepEqual(
      ['https://example.com/webhooks', 'http://127.0.0.1:8788/webhooks', 'http://[::1]/x'].map((u) => checkHttpUrl(u).ok),
      [true, true, true],
    );
    const problem = (u: string, allowCredentials = false) => {
      const c = checkHttpUrl(u, { allowCredentials });
      return c.ok ? 'ok' : c.problem;
    };
    assert.equal(problem(''), 'empty');
    assert.equal(problem('   '), 'empty');
    assert.equal(problem('example.com/webhooks'), 'not_absolute');
    assert.equal(problem('http://'), 'not_absolute');
    assert.equal(problem('file:///etc/passwd'), 'not_http');
    assert.equal(problem('mailto:a@b.c'), 'not_http');
    assert.equal(problem('https://u:p@example.com/'), 'credentials');
    assert.equal(problem('https://u:p@example.com/', true), 'ok');
  });
});
