/**
 * Starting a generated handler as its users would, for the scaffold tests: a child process in its own
 * process group (stopped with the group), ready once its port answers HTTP; type checking with the
 * TypeScript compiler API; the Python interpreter that has Debian's packages.
 */
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import * as path from 'node:path';
import ts from 'typescript';
import { request } from 'undici';

export interface Started {
  readonly url: string;
  /** The spawned process, the leader of its own process group (a server's workers are in it too). */
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL to the whole process group: a crash, nothing runs its shutdown. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Spawns `command`, waits until `url` answers any HTTP status (or the process dies: then fails with its output). */
export async function start(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; url: string }): Promise<Started> {
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (exited !== undefined || child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, signal);
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 3_000);
    await gone;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined) assert.fail(`${command} ${args.join(' ')} exited (${exited}) before answering:\n${output}`);
    try {
      const res = await request(options.url, { method: 'GET', headersTimeout: 1_000, bodyTimeout: 1_000 });
      await res.body.dump();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        assert.fail(`${command} ${args.join(' ')} did not answer at ${options.url} within 30 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return { url: options.url, pid: child.pid!, output: () => output, stop: () => stop(), kill: () => stop('SIGKILL') };
}

/** Type-checks `files` (strict) and emits JavaScript beside them; fails with the diagnostics. */
export function typeCheckAndEmit(files: readonly string[], options: ts.CompilerOptions): void {
  const program = ts.createProgram([...files], {
    strict: true,
    noUnusedLocals: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    ...options,
  });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
  const text = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => path.dirname(files[0]), getNewLine: () => '\n' });
  assert.equal(diagnostics.length, 0, text);
}

let python: string | undefined;

/** A python3 that imports flask, fastapi, uvicorn, jwt and cryptography (GEMINI_WEBHOOKS_PYTHON, python3, /usr/bin/python3). */
export function pythonWithPackages(): string {
  if (python) return python;
  const candidates = [process.env.GEMINI_WEBHOOKS_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import flask, fastapi, uvicorn, jwt, cryptography'], { encoding: 'utf8' });
    if (probe.status === 0) return (python = candidate);
  }
  assert.fail(
    `no python3 with flask, fastapi, uvicorn, PyJWT and cryptography (tried ${candidates.join(', ')}): ` +
      'apt-get install -y python3-fastapi python3-uvicorn python3-jwt python3-cryptography python3-flask (.ci/run does)',
  );
}
