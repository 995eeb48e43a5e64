/**
 * Every handler scaffold, generated and run for real as its users would run it — Express (TypeScript,
 * type-checked and compiled; JavaScript), the Next.js route handler called as Next calls it (a Web
 * Request in, a Response out, behind a small node:http adapter), Flask (`python3 -m flask`) and
 * FastAPI (`uvicorn`) — then graded by the full probe, static and dynamic: every check must pass.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ProbeKeys, ProbeKeyServer, ProbeReport, runProbe, startProbeKeyServer } from '../../../src/core/probe';
import { Framework, NodeLanguage, scaffold } from '../../../src/core/scaffold';
import { newSecret } from '../verify/fixtures';
import { freePort, pythonWithPackages, start, Started, typeCheckAndEmit } from './run';

const ROOT = path.resolve(__dirname, '../../../..');

/** Serves an App Router route module the way Next.js calls it: a Web Request in, a Response out. */
const NEXT_ADAPTER = `import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
const route = await import(pathToFileURL(process.argv[2]).href);
// Next.js refuses route modules that export anything else.
const ALLOWED = new Set(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH', 'dynamic', 'dynamicParams', 'revalidate', 'fetchCache', 'runtime', 'preferredRegion', 'maxDuration', 'generateStaticParams']);
const invalid = Object.keys(route).filter((name) => !ALLOWED.has(name));
if (invalid.length > 0) throw new Error('not a valid Route export field: ' + invalid.join(', '));
const port = Number(process.env.PORT);
createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1:' + port);
  if (url.pathname !== '/gemini-callback') return void res.writeHead(404).end();
  const handler = route[req.method];
  if (typeof handler !== 'function') return void res.writeHead(405).end();
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  const response = await handler(new Request(url, { method: req.method, headers, body: Buffer.concat(chunks) }));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}).listen(port, '127.0.0.1');
`;

describe('handler scaffolds pass the probe, static and dynamic, run for real', function () {
  this.timeout(120_000);
  const secret = newSecret();
  const previous = newSecret();
  let keyServer: ProbeKeyServer;
  let root: string;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'gw-scaffold-'));
    keyServer = await startProbeKeyServer({ keys: await ProbeKeys.generate(), port: 0 });
  });
  after(async () => {
    await keyServer?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** A project folder with the repository's node_modules (express, standardwebhooks, jose, the types). */
  function project(name: string): string {
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
    return dir;
  }

  function write(dir: string, framework: Framework, language?: NodeLanguage): string {
    const s = scaffold(framework, language ? { language } : {});
    const file = path.join(dir, s.path);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, s.content);
    return file;
  }

  async function env(port: number, separator: string): Promise<NodeJS.ProcessEnv> {
    return {
      ...process.env,
      PORT: String(port),
      // The previous secret first: a handler that used only the first one would fail.
      GEMINI_WEBHOOK_SECRET: [previous, secret].join(separator),
      GEMINI_WEBHOOK_JWKS_URI: keyServer.url,
      GEMINI_WEBHOOK_AUDIENCE: `http://127.0.0.1:${port}/gemini-callback`,
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
    };
  }

  async function gradeFully(handler: Started): Promise<void> {
    const fetchesBefore = keyServer.fetches;
    let report: ProbeReport;
    try {
      const outcome = await runProbe({ url: handler.url, secrets: [secret], dynamic: { keys: keyServer.keys, jwksUri: keyServer.url } });
      assert.equal(outcome.kind, 'report', JSON.stringify(outcome));
      report = (outcome as { report: ProbeReport }).report;
    } finally {
      await handler.stop();
    }
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.got}${c.body ? ` ${c.body}` : ''}`);
    assert.deepEqual(failed, [], `handler output:\n${handler.output()}`);
    assert.ok(report.checks.filter((c) => c.group === 'dynamic').length >= 8);
    assert.equal(report.passed, 32);
    assert.ok(keyServer.fetches > fetchesBefore, 'the handler fetched the probe key set');
  }

  it('Express, TypeScript: type-checks (strict), compiles, runs on node, passes every check', async () => {
    const dir = project('express-ts');
    const file = write(dir, 'express', 'ts');
    assert.equal(path.basename(file), 'gemini-webhook.mts');
    typeCheckAndEmit([file], { lib: ['lib.es2022.d.ts'] });
    const port = await freePort();
    await gradeFully(
      await start(process.execPath, ['gemini-webhook.mjs'], { cwd: dir, env: await env(port, ' '), url: `http://127.0.0.1:${port}/gemini-callback` }),
    );
  });

  it('Express, JavaScript: node --check, runs on node, passes every check', async () => {
    const dir = project('express-js');
    write(dir, 'express', 'js');
    execFileSync(process.execPath, ['--check', path.join(dir, 'gemini-webhook.mjs')]);
    const port = await freePort();
    await gradeFully(
      await start(process.execPath, ['gemini-webhook.mjs'], { cwd: dir, env: await env(port, ','), url: `http://127.0.0.1:${port}/gemini-callback` }),
    );
  });

  it('Next.js App Router route handler: type-checks, exports only route fields, answers a Web Request, passes every check', async () => {
    const dir = project('nextjs');
    const file = write(dir, 'nextjs');
    assert.equal(path.relative(dir, file), path.join('app', 'gemini-callback', 'route.ts'));
    typeCheckAndEmit([file], { lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'] });
    writeFileSync(path.join(dir, 'adapter.mjs'), NEXT_ADAPTER);
    const port = await freePort();
    await gradeFully(
      await start(process.execPath, ['adapter.mjs', path.join(dir, 'app', 'gemini-callback', 'route.js')], {
        cwd: dir,
        env: await env(port, ', '),
        url: `http://127.0.0.1:${port}/gemini-callback`,
      }),
    );
  });

  it('Flask: py_compile, python3 -m flask run, passes every check', async () => {
    const python = pythonWithPackages();
    const dir = path.join(root, 'flask');
    mkdirSync(dir);
    const file = write(dir, 'flask');
    execFileSync(python, ['-m', 'py_compile', file], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    const port = await freePort();
    await gradeFully(
      await start(python, ['-m', 'flask', '--app', 'gemini_webhook', 'run', '--host', '127.0.0.1', '--port', String(port)], {
        cwd: dir,
        env: await env(port, ' '),
        url: `http://127.0.0.1:${port}/gemini-callback`,
      }),
    );
  });

  it('FastAPI: py_compile, uvicorn, passes every check', async () => {
    const python = pythonWithPackages();
    const dir = path.join(root, 'fastapi');
    mkdirSync(dir);
    const file = write(dir, 'fastapi');
    execFileSync(python, ['-m', 'py_compile', file], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    const port = await freePort();
    await gradeFully(
      await start(python, ['-m', 'uvicorn', 'gemini_webhook:app', '--host', '127.0.0.1', '--port', String(port)], {
        cwd: dir,
        env: await env(port, ','),
        url: `http://127.0.0.1:${port}/gemini-callback`,
      }),
    );
  });

  it('every scaffold starts with how to run it, and reads the variables the guide names', () => {
    for (const [framework, language] of [['express', 'ts'], ['express', 'js'], ['nextjs'], ['flask'], ['fastapi']] as Array<[Framework, NodeLanguage?]>) {
      const s = scaffold(framework, language ? { language } : {});
      const head = s.content.split('\n').slice(0, 4).join('\n');
      assert.match(head, /written by gemini-webhooks/);
      assert.match(head, /Run it/);
      for (const name of ['GEMINI_WEBHOOK_SECRET', 'GEMINI_WEBHOOK_JWKS_URI', 'GEMINI_WEBHOOK_AUDIENCE', '/gemini-callback'])
        assert.ok(s.content.includes(name), `${s.label}: ${name}`);
      if (framework !== 'nextjs') assert.match(s.content, /PORT/);
      assert.ok(!/whsec_[A-Za-z0-9+/]{8,}/.test(s.content), 'no secret in a scaffold');
    }
  });
});
