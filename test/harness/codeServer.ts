/**
 * Starts code-server (the real VS Code server and web workbench) on a free loopback port, with its
 * own HOME, XDG folders and TMPDIR, in its own process group wrapped in `timeout`, and stops it by
 * killing the whole group — also when the caller fails, exits or gets Ctrl+C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathWithNode, type Toolchain } from './prepare';

/** Settings every run starts with; callers add their own on top. */
export const BASE_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
};

export interface CodeServerOptions {
  readonly toolchain: Toolchain;
  /** Settings merged over BASE_SETTINGS into <user-data-dir>/User/settings.json. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Extra environment for the server (and so for the extension host). */
  readonly env?: Readonly<Record<string, string>>;
  /** `--vscode-option enable-smoke-test-driver`: needed for `?payload=` test runs; hides toasts. */
  readonly smokeTestDriver?: boolean;
  /** Persistent folders (npm start); a fresh temporary one per run otherwise. */
  readonly userDataDir?: string;
  readonly extensionsDir?: string;
  /** Extension folders to symlink into the extensions dir as `<publisher>.<name>-<version>`. */
  readonly extensions?: readonly string[];
  /** Hard limit for the server process (seconds; 0 = none); `timeout` kills it after that. */
  readonly timeoutSeconds?: number;
  /** A fixed port (npm start); a free one otherwise. */
  readonly port?: number;
  /** Where the server's stdout/stderr go: 'ignore' (default), 'inherit' or a log file in the run folder. */
  readonly output?: 'ignore' | 'inherit' | 'file';
}

export interface RunningCodeServer {
  readonly port: number;
  readonly origin: string;
  /** The run's private folder (home, tmp, user data, a scratch workspace). */
  readonly runDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** The environment the server runs with: give the same to Chromium. */
  readonly env: NodeJS.ProcessEnv;
  /** Workbench URL for a folder, with optional extra query parameters. */
  /** Settles when the server process ends (for whatever reason). */
  readonly exited: Promise<void>;
  url(folder: string, query?: Readonly<Record<string, string>>): string;
  stop(): Promise<void>;
}

/** A run's environment: its own HOME, XDG_* and TMPDIR, Node 24 first on PATH. */
export function isolatedEnv(runDir: string, toolchain: Toolchain, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const dirs = { HOME: 'home', XDG_CONFIG_HOME: 'config', XDG_DATA_HOME: 'data', XDG_CACHE_HOME: 'cache', TMPDIR: 'tmp', XDG_RUNTIME_DIR: 'runtime' };
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: pathWithNode(toolchain.nodeBinDir), ...extra };
  for (const [key, dir] of Object.entries(dirs)) {
    env[key] = path.join(runDir, dir);
    fs.mkdirSync(env[key]!, { recursive: true, mode: 0o700 });
  }
  // Mocha/VS Code colour detection and the test runner's own switches must not leak in.
  delete env.NODE_OPTIONS;
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.VSCODE_IPC_HOOK_CLI;
  return env;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The folder name VS Code expects for an installed extension. */
export function extensionFolderName(extensionRoot: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  return `${manifest.publisher}.${manifest.name}-${manifest.version}`;
}

export function writeSettings(userDataDir: string, settings: Readonly<Record<string, unknown>>): void {
  const file = path.join(userDataDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // No settings yet (or unreadable): start from ours.
  }
  fs.writeFileSync(file, JSON.stringify({ ...existing, ...BASE_SETTINGS, ...settings }, null, 2));
}

/** Servers still running, with how to stop them: used when the process exits or is interrupted. */
const live = new Map<ChildProcess, { stop: () => Promise<void>; runDir: string }>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

let hooked = false;
function hookProcessExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const [child, { runDir }] of live) {
      killGroup(child, 'SIGKILL');
      if (!process.env.GEMINI_WEBHOOKS_KEEP_RUN_DIR) fs.rmSync(runDir, { recursive: true, force: true });
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      const stops = [...live.values()].map(({ stop }) => stop());
      const cap = new Promise((resolve) => setTimeout(resolve, 8000));
      void Promise.race([Promise.allSettled(stops), cap]).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  hookProcessExit();
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gemini-webhooks-cs-'));
  const userDataDir = options.userDataDir ?? path.join(runDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(runDir, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeSettings(userDataDir, options.settings ?? {});
  for (const root of options.extensions ?? []) {
    const link = path.join(extensionsDir, extensionFolderName(root));
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(path.resolve(root), link, 'dir');
  }
  const env = isolatedEnv(runDir, options.toolchain, options.env);
  const port = options.port ?? (await freePort());
  const args = [
    '--kill-after=10',
    String(options.timeoutSeconds ?? 600),
    options.toolchain.codeServer,
    '--auth',
    'none',
    '--disable-workspace-trust',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const output = options.output ?? 'file';
  const logFd = output === 'file' ? fs.openSync(path.join(runDir, 'code-server.log'), 'a') : undefined;
  const stdio = output === 'inherit' ? 'inherit' : output === 'ignore' ? 'ignore' : logFd!;
  const child = spawn('timeout', args, { detached: true, env, stdio: ['ignore', stdio, stdio] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= stopOnce());
  const stopOnce = async (): Promise<void> => {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // anything in the group that outlived the leader
    live.delete(child);
    if (logFd !== undefined) fs.closeSync(logFd);
    if (!process.env.GEMINI_WEBHOOKS_KEEP_RUN_DIR) fs.rmSync(runDir, { recursive: true, force: true });
  };

  live.set(child, { stop, runDir });
  try {
    await waitHealthy(origin, child, 60_000);
  } catch (error) {
    const log = logFd !== undefined ? tail(path.join(runDir, 'code-server.log')) : '';
    await stop();
    throw new Error(`${(error as Error).message}${log ? `\ncode-server's output:\n${log}` : ''}`);
  }
  return {
    port,
    origin,
    runDir,
    userDataDir,
    extensionsDir,
    env,
    exited,
    url: (folder, query = {}) => {
      const params = new URLSearchParams({ folder, ...query });
      return `${origin}/?${params.toString()}`;
    },
    stop,
  };
}

async function waitHealthy(origin: string, child: ChildProcess, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${limitMs / 1000} s`);
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
