/**
 * The Python scaffolds as their users run them, for the stack tier: written into a folder of their
 * own, started under `flask run`, gunicorn or uvicorn with Debian's python3 and packages, sent signed
 * deliveries of every form (static v1, dynamic v1a and JWT), and checked for "every valid event is
 * processed exactly once" through the one line each processed event logs with its webhook-id.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { request } from 'undici';
import { makeEnvelope } from '../../../src/core/events/envelope';
import { ProbeKeys, ProbeReport, runProbe } from '../../../src/core/probe';
import { scaffold } from '../../../src/core/scaffold';
import { newMessageId } from '../../../src/core/util/randomId';
import { signStatic } from '../../../src/core/verify/staticVerifier';
import { freePort, pythonWithPackages, start, Started } from '../../unit/scaffold/run';

export type PythonFramework = 'flask' | 'fastapi';
export type PythonStore = 'memory' | 'redis';

/** How the handler is served: Flask's development server, gunicorn (Flask) or uvicorn (FastAPI). */
export type PythonServer =
  | { readonly kind: 'flask-run' }
  | { readonly kind: 'gunicorn'; readonly workers: number; readonly preload?: boolean; readonly threads?: number }
  | { readonly kind: 'uvicorn'; readonly workers?: number };

export function describeServer(server: PythonServer): string {
  switch (server.kind) {
    case 'flask-run':
      return 'flask run';
    case 'gunicorn':
      return `gunicorn -w ${server.workers}${server.threads ? ` --threads ${server.threads}` : ''}${server.preload ? ' --preload' : ''}`;
    case 'uvicorn':
      return server.workers ? `uvicorn --workers ${server.workers}` : 'uvicorn';
  }
}

/** Writes gemini_webhook.py into `root/name` (optionally edited, as a user edits handle_event); returns the folder. */
export function writeHandler(root: string, name: string, framework: PythonFramework, store: PythonStore, edit?: (content: string) => string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const content = scaffold(framework, { store }).content;
  writeFileSync(path.join(dir, 'gemini_webhook.py'), edit ? edit(content) : content);
  return dir;
}

/** The Python arguments that serve gemini_webhook:app on 127.0.0.1:port. */
export function serverArgs(server: PythonServer, port: number): string[] {
  switch (server.kind) {
    case 'flask-run':
      return ['-m', 'flask', '--app', 'gemini_webhook', 'run', '--host', '127.0.0.1', '--port', String(port)];
    case 'gunicorn':
      return [
        '-m',
        'gunicorn',
        '-w',
        String(server.workers),
        ...(server.threads ? ['--threads', String(server.threads)] : []),
        ...(server.preload ? ['--preload'] : []),
        '-b',
        `127.0.0.1:${port}`,
        'gemini_webhook:app',
      ];
    case 'uvicorn':
      return [
        '-m',
        'uvicorn',
        'gemini_webhook:app',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        ...(server.workers ? ['--workers', String(server.workers)] : []),
      ];
  }
}

export interface HandlerConfig {
  readonly secret?: string;
  readonly jwksUri?: string;
  /** Default: the handler's own URL (what the probe's tokens carry); null leaves it unset. */
  readonly audience?: string | null;
  readonly redisUrl?: string;
  readonly extra?: Record<string, string>;
}

export interface RunningHandler extends Started {
  readonly port: number;
}

/** SIGKILL to the handler's whole process group (the server and its workers): a crash, no shutdown runs. */
export async function crash(handler: Started): Promise<void> {
  process.kill(-handler.pid, 'SIGKILL');
  await handler.stop(); // returns once the process has exited
}

/** Starts the handler in `dir` under `server` on a free port, once it answers HTTP. */
export async function startHandler(dir: string, server: PythonServer, config: HandlerConfig): Promise<RunningHandler> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/gemini-callback`;
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', PORT: String(port) };
  for (const name of Object.keys(env)) if (name.startsWith('GEMINI_WEBHOOK_')) delete env[name];
  if (config.secret) env.GEMINI_WEBHOOK_SECRET = config.secret;
  if (config.jwksUri) env.GEMINI_WEBHOOK_JWKS_URI = config.jwksUri;
  if (config.audience !== null) env.GEMINI_WEBHOOK_AUDIENCE = config.audience ?? url;
  if (config.redisUrl) env.GEMINI_WEBHOOK_REDIS_URL = config.redisUrl;
  Object.assign(env, config.extra);
  const started = await start(pythonWithPackages(), serverArgs(server, port), { cwd: dir, env, url });
  return Object.assign(started, { port });
}

export interface Delivery {
  readonly id: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const body = (type: string) => Buffer.from(JSON.stringify(makeEnvelope(type)), 'utf8');
const now = () => Math.floor(Date.now() / 1000);

function delivery(id: string, ts: number, signature: string, b: Buffer): Delivery {
  return { id, body: b, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature } };
}

/** A static delivery signed v1 with `secret` (whsec_…), as Gemini signs it. */
export function staticDelivery(secret: string, type = 'batch.succeeded', id = newMessageId()): Delivery {
  const ts = now();
  const b = body(type);
  return delivery(id, ts, signStatic(secret, id, ts, b), b);
}

/** A dynamic delivery as live ones arrive: v1a, Ed25519 by key `index` of the probe's set. */
export function v1aDelivery(keys: ProbeKeys, index = 0, type = 'interaction.completed', id = newMessageId()): Delivery {
  const ts = now();
  const b = body(type);
  return delivery(id, ts, keys.signV1a(index, id, ts, b), b);
}

/** A dynamic delivery as Google's guide documents it: an RS256 JWT by the probe's RSA key. */
export function jwtDelivery(keys: ProbeKeys, audience: string, claims: Record<string, unknown> = {}, id = newMessageId()): Delivery {
  const ts = now();
  return delivery(id, ts, keys.signJwt({ aud: audience, iat: ts, exp: ts + 300, ...claims }), body('video.generated'));
}

/** `count` valid deliveries, the three forms in turn. */
export function mixedDeliveries(count: number, secret: string, keys: ProbeKeys, audience: string): Delivery[] {
  return Array.from({ length: count }, (_, i) =>
    i % 3 === 0 ? staticDelivery(secret) : i % 3 === 1 ? v1aDelivery(keys, Math.floor(i / 3) % 3) : jwtDelivery(keys, audience),
  );
}

export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

export async function post(url: string, d: Pick<Delivery, 'headers' | 'body'>): Promise<Answer> {
  const res = await request(url, { method: 'POST', headers: d.headers, body: d.body, headersTimeout: 60_000, bodyTimeout: 60_000 });
  return { status: res.statusCode, text: await res.body.text(), headers: res.headers };
}

/** The lines of `output` that contain `needle`. */
export function linesWith(output: string, needle: string): string[] {
  return output.split('\n').filter((line) => line.includes(needle));
}

/**
 * Waits until each id has been processed (its line logged), then a moment more, and requires exactly one
 * line per id — and, over everything logged, no webhook-id in two lines (the probe's own events too).
 */
export async function expectProcessedOnce(outputs: () => string, ids: readonly string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (ids.some((id) => linesWith(outputs(), id).length === 0)) {
    if (Date.now() > deadline) {
      const missing = ids.filter((id) => linesWith(outputs(), id).length === 0);
      assert.fail(`${missing.length} of ${ids.length} events never processed (${missing[0]}…):\n${outputs().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 1_500));
  const text = outputs();
  const twice = [...new Set(text.match(/msg_[0-9a-f-]{36}/g) ?? [])].filter((id) => linesWith(text, id).length > 1);
  assert.deepEqual(twice, [], `processed more than once:\n${twice.flatMap((id) => linesWith(text, id)).join('\n')}`);
}

/** The probe, --dynamic, against the handler: every check must pass. */
export async function expectProbePasses(url: string, secret: string, keys: ProbeKeys, jwksUri: string, output: () => string): Promise<void> {
  const outcome = await runProbe({ url, secrets: [secret], dynamic: { keys, jwksUri }, deadlineMs: 15_000 });
  assert.equal(outcome.kind, 'report', JSON.stringify(outcome));
  const report = (outcome as { report: ProbeReport }).report;
  const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.got}${c.body ? ` ${c.body}` : ''}`);
  assert.deepEqual(failed, [], `handler output:\n${output().slice(-4000)}`);
  assert.equal(report.passed, 32);
}

/** The peak resident memory of process `pid` so far, in bytes (Linux /proc: VmHWM) — a body read whole shows here even once freed. */
export function peakResidentBytes(pid: number): number {
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(kb, `no VmHWM for ${pid}`);
  return Number(kb[1]) * 1024;
}

/** Runs the handler's server until it exits (a refusal to start): its status and what it printed. */
export async function runUntilExit(
  dir: string,
  server: PythonServer,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ status: number | null; output: string }> {
  const port = await freePort();
  const clean: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' };
  for (const name of Object.keys(clean)) if (name.startsWith('GEMINI_WEBHOOK_')) delete clean[name];
  const run = spawnSync(pythonWithPackages(), serverArgs(server, port), {
    cwd: dir,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
