/**
 * A real redis-server (Debian's `redis-server`) for the stack tier: on a free loopback port, in a
 * folder of its own, no persistence unless asked, stopped with SIGKILL when a test wants a crash and
 * started again on the same port when it wants Redis back. Nothing here talks to a Redis the machine
 * already runs.
 */
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../unit/scaffold/run';

export const REDIS_SERVER = process.env.GEMINI_WEBHOOKS_REDIS_SERVER || '/usr/bin/redis-server';

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** Kills the server with SIGKILL (a crash, no shutdown save) and waits until the port refuses. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (empty unless `appendonly` was asked for). */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
  /** What the server printed, for failure messages. */
  output(): string;
}

export interface RedisServerOptions {
  /** Keep an append-only file in the server's folder, so a restart finds the data again. */
  readonly appendonly?: boolean;
}

/** Sends one inline command and returns the first reply line (e.g. "+PONG"); rejects when nobody listens. */
export function redisCommand(port: number, command: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis on ${port} did not answer "${command}" within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      const end = reply.indexOf('\r\n');
      if (end >= 0) {
        clearTimeout(timer);
        socket.end();
        resolve(reply.slice(0, end));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A reply as RESP decodes it: strings, integers, arrays, null; an error reply is an Error. */
export type RedisReply = string | number | null | Error | RedisReply[];

/** Sends one command (arguments quoted for the inline protocol) and returns its whole reply, decoded. */
export function redisQuery(port: number, args: readonly string[], timeoutMs = 2_000): Promise<RedisReply> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis on ${port} did not answer ${args[0]} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const parsed = parseReply(data, 0);
      if (!parsed) return;
      clearTimeout(timer);
      socket.end();
      resolve(parsed.value);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** One RESP2 reply from `at`, or undefined while it is incomplete. */
function parseReply(data: Buffer, at: number): { value: RedisReply; end: number } | undefined {
  const eol = data.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const line = data.toString('utf8', at + 1, eol);
  switch (String.fromCharCode(data[at])) {
    case '+':
      return { value: line, end: eol + 2 };
    case '-':
      return { value: new Error(line), end: eol + 2 };
    case ':':
      return { value: Number(line), end: eol + 2 };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: eol + 2 };
      if (data.length < eol + 2 + length + 2) return undefined;
      return { value: data.toString('utf8', eol + 2, eol + 2 + length), end: eol + 2 + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: eol + 2 };
      const items: RedisReply[] = [];
      let end = eol + 2;
      for (let i = 0; i < count; i++) {
        const item = parseReply(data, end);
        if (!item) return undefined;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new Error(`not a RESP reply: ${line}`);
  }
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'gw-redis-'));
  let child: ChildProcess | undefined;
  let output = '';

  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--protected-mode', 'yes'];
    args.push('--appendonly', options.appendonly ? 'yes' : 'no');
    const started = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    started.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    let exited: number | null | undefined;
    let spawnError: Error | undefined;
    started.on('exit', (code) => (exited = code));
    started.on('error', (error) => (spawnError = error));
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (spawnError) assert.fail(`${REDIS_SERVER} did not start (${spawnError.message}); apt-get install -y redis-server (.ci/run does)`);
      if (exited !== undefined) assert.fail(`redis-server exited (${exited}) before answering:\n${output}`);
      try {
        if ((await redisCommand(port, 'PING', 500)) === '+PONG') return;
      } catch {
        // not yet
      }
      if (Date.now() > deadline) assert.fail(`redis-server did not answer PING on ${port} within 15 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    current.kill(signal);
    await gone;
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => stop('SIGKILL'),
    restart: async () => {
      await stop('SIGKILL');
      await launch();
    },
    close: async () => {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
    output: () => output,
  };
}
