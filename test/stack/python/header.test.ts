/**
 * Each Python scaffold's "Check it" lines, run as a user pastes them into two terminals: the handler's
 * run line, then `gemini-webhooks probe ... --dynamic`, in bash. Every check must pass. Only what a
 * shared machine forces is replaced: the secret (whsec_...), the ports (8000, the probe's 8790, Redis's
 * 6379: free ones, the probe told with --jwks-port), and `python3` / `gemini-webhooks` are found on PATH
 * (Debian's interpreter; this repository's built CLI).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { scaffold } from '../../../src/core/scaffold';
import { freePort, pythonWithPackages, start } from '../../unit/scaffold/run';
import { newSecret } from '../../unit/verify/fixtures';
import { RedisServer, startRedisServer } from '../harness/redisServer';
import { PythonFramework, PythonStore } from './pythonStack';

const ROOT = path.resolve(__dirname, '../../../..');

/** The two lines under "# Check it", without their comment marks. */
export function checkLines(content: string): { run: string; probe: string } {
  const lines = content.split('\n');
  const at = lines.findIndex((l) => l.startsWith('# Check it'));
  assert.ok(at >= 0, 'the header has a "Check it" block');
  const [run, probe] = lines.slice(at + 1, at + 3).map((l) => l.replace(/^#\s+/, ''));
  assert.match(probe, /^gemini-webhooks probe /);
  return { run, probe };
}

describe("Python scaffolds: the header's Check it lines, pasted as written, pass every probe check", function () {
  this.timeout(240_000);
  let root: string;
  let bin: string;
  let redis: RedisServer;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'gw-py-header-'));
    bin = path.join(root, 'bin');
    mkdirSync(bin);
    const interpreter = spawnSync(pythonWithPackages(), ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(interpreter, path.join(bin, 'python3'));
    writeFileSync(path.join(bin, 'gemini-webhooks'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'dist', 'cli.js')}" "$@"\n`);
    chmodSync(path.join(bin, 'gemini-webhooks'), 0o755);
    redis = await startRedisServer();
  });
  after(async () => {
    await redis?.close();
    rmSync(root, { recursive: true, force: true });
  });

  for (const [framework, store] of [
    ['flask', 'memory'],
    ['flask', 'redis'],
    ['fastapi', 'memory'],
    ['fastapi', 'redis'],
  ] as Array<[PythonFramework, PythonStore]>) {
    it(`${framework === 'flask' ? 'Flask' : 'FastAPI'} (${store})`, async () => {
      const dir = path.join(root, `${framework}-${store}`);
      mkdirSync(dir);
      const content = scaffold(framework, { store }).content;
      writeFileSync(path.join(dir, 'gemini_webhook.py'), content);
      const { run, probe } = checkLines(content);
      for (const [line, needles] of [
        [run, ['whsec_...', ':8790/', '8000']],
        [probe, ['whsec_...', '8000']],
      ] as const)
        for (const needle of needles) assert.ok(line.includes(needle), `${needle} in: ${line}`);
      if (store === 'redis') assert.ok(run.includes(':6379'), run);

      const [port, keyPort] = [await freePort(), await freePort()];
      const secret = newSecret();
      const localize = (line: string) =>
        line.replaceAll('8000', String(port)).replaceAll(':8790/', `:${keyPort}/`).replaceAll(':6379', `:${redis.port}`).replaceAll('whsec_...', secret);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        XDG_CACHE_HOME: path.join(dir, 'cache'),
        PYTHONDONTWRITEBYTECODE: '1',
      };
      for (const name of Object.keys(env)) if (name.startsWith('GEMINI_WEBHOOK')) delete env[name];

      const handler = await start('bash', ['-c', localize(run)], { cwd: dir, env, url: `http://127.0.0.1:${port}/gemini-callback` });
      try {
        const checked = spawnSync('bash', ['-c', `${localize(probe)} --jwks-port ${keyPort}`], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
        assert.equal(checked.status, 0, `${checked.stdout}${checked.stderr}\nhandler:\n${handler.output().slice(-3000)}`);
        assert.match(checked.stdout, /32 passed, 0 failed/);
      } finally {
        await handler.stop();
      }
    });
  }
});
