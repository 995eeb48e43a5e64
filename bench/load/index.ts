/**
 * What the receiver benchmarks share: a load generator in its own process (./client.ts) fed with
 * requests made beforehand, the CPU time of a process read from /proc (to show which side of a run
 * was the limit), and servers started as processes of their own that print their URL first.
 * Loopback only; every run is bounded by its request count and a time limit.
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { signStatic } from '../../src/core/verify/staticVerifier';
import type { LoadJob, LoadRequest, LoadResult } from './client';

export type { LoadRequest, LoadResult } from './client';

export const CONNECTIONS = 32;

/** The headers of a static delivery signed with one `v1` HMAC secret (made ahead of a run, not during it). */
export function staticDeliveryHeaders(secret: string, id: string, ts: number, body: Uint8Array | string): Record<string, string> {
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStatic(secret, id, ts, body) };
}

/** CPU seconds (user + system) a process has used so far, or NaN when it cannot be read. */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

export interface Measured extends LoadResult {
  /** The server's CPU during the run, as a share of one core. */
  readonly serverCpu: number;
}

/**
 * Sends `requests` (each once) to `url` from a fresh client process, `CONNECTIONS` at a time, and
 * measures the server process `serverPid` meanwhile.
 */
export async function load(url: string, requests: readonly LoadRequest[], serverPid: number | undefined, limitMs = 120_000): Promise<Measured> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'gw-load-'));
  const file = path.join(dir, 'requests.jsonl');
  await fs.writeFile(file, requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const client = fork(path.join(__dirname, 'client.js'), [], { stdio: 'inherit' });
  const timer = setTimeout(() => client.kill('SIGKILL'), limitMs);
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('spawn', resolve);
      client.once('error', reject);
    });
    // Let the client load its file before the server's clock starts.
    const amount = requests.length - CONNECTIONS;
    const job: LoadJob = { url, file, connections: CONNECTIONS, amount, timeoutSeconds: 10 };
    const before = serverPid !== undefined ? cpuSeconds(serverPid) : NaN;
    const answer = new Promise<{ result?: LoadResult; error?: string }>((resolve, reject) => {
      client.once('message', (m) => resolve(m as { result?: LoadResult; error?: string }));
      client.once('exit', (code) => reject(new Error(`the load client exited (${code}) before reporting`)));
    });
    client.send(job);
    const { result, error } = await answer;
    if (!result) throw new Error(`load client: ${error}`);
    const after = serverPid !== undefined ? cpuSeconds(serverPid) : NaN;
    return { ...result, serverCpu: (after - before) / result.seconds };
  } finally {
    clearTimeout(timer);
    client.kill();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** One line for a run: rate, latency, failures, and both sides' CPU (1.00 = one core). */
export function describe(title: string, m: Measured): string {
  const cpu = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  return (
    `  ${title.padEnd(34)} ${Math.round(m.rps).toString().padStart(6)} req/s   p50 ${m.p50} ms   p99 ${m.p99} ms   ` +
    `non-2xx ${m.non2xx}   errors ${m.errors + m.timeouts}   CPU: server ${cpu(m.serverCpu)}, client ${cpu(m.clientCpu)} of a core ` +
    `(server ${Number.isFinite(m.serverCpu) ? Math.round((m.serverCpu * 1e6) / m.rps) : 'n/a'} µs per request)`
  );
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly firstLine: string;
  /** Lines the server has printed on stdout after its first (the URL) line. */
  lines(): number;
  /** The text of those lines, when `keepText` was asked for (else empty). */
  text(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node <args>` as a server process whose first stdout line contains its URL (matched by
 * `urlPattern`); counts the lines it prints after that (one per delivery, for the CLI).
 */
export async function startServer(args: readonly string[], urlPattern: RegExp, env: NodeJS.ProcessEnv = process.env, keepText = false): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  let url: string | undefined;
  let firstLine = '';
  let head = '';
  let count = 0;
  let kept = '';
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} printed no URL within 20 s`)), 20_000);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}) before printing its URL`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      let from = 0;
      if (url === undefined) {
        head += chunk.toString('utf8');
        const nl = head.indexOf('\n');
        if (nl === -1) return;
        firstLine = head.slice(0, nl);
        const m = urlPattern.exec(firstLine);
        if (!m) return reject(new Error(`unexpected first line: ${head.slice(0, nl)}`));
        url = m[1];
        clearTimeout(timer);
        resolve(url);
        const rest = Buffer.from(head.slice(nl + 1), 'utf8');
        head = '';
        chunk = rest;
      }
      if (keepText) kept += chunk.toString('utf8');
      for (let i = chunk.indexOf(10, from); i !== -1; i = chunk.indexOf(10, from)) {
        count++;
        from = i + 1;
      }
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    url: await ready,
    firstLine,
    lines: () => count,
    text: () => kept,
    async stop() {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Waits until `check` holds (polling), at most `ms`. */
export async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
