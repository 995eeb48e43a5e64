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
  /** The process (and its group: `process.kill(-pid, …)` reaches its children too). */
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Launched {
  readonly pid: number;
  output(): string;
  /** The exit code once it exited (null: by a signal), undefined while it runs. */
  exitCode(): number | null | undefined;
  /** SIGTERM to the process group, SIGKILL after 3 s. */
  stop(): Promise<void>;
}

/** Spawns `command` in a process group of its own, collecting what it prints. */
export function launch(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Launched {
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const stop = async () => {
    if (exited !== undefined || child.pid === undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, 'SIGTERM');
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
  return { pid: child.pid!, output: () => output, exitCode: () => exited, stop };
}

/** Spawns `command`, waits until `url` answers any HTTP status (or the process dies: then fails with its output). */
export async function start(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; url: string }): Promise<Started> {
  const launched = launch(command, args, options);
  const deadline = Date.now() + 60_000; // tsx and next start take seconds on a loaded machine
  for (;;) {
    if (launched.exitCode() !== undefined) assert.fail(`${command} ${args.join(' ')} exited (${launched.exitCode()}) before answering:\n${launched.output()}`);
    try {
      const res = await request(options.url, { method: 'GET', headersTimeout: 1_000, bodyTimeout: 1_000 });
      await res.body.dump();
      break;
    } catch {
      if (Date.now() > deadline) {
        await launched.stop();
        assert.fail(`${command} ${args.join(' ')} did not answer at ${options.url} within 60 s:\n${launched.output()}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return { url: options.url, pid: launched.pid, output: launched.output, stop: launched.stop };
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
