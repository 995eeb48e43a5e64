/** Test helpers: HTTP calls to the emulator and a tiny scriptable node:http receiver. */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export interface CallOptions {
  body?: unknown;
  raw?: string | Buffer;
  key?: string | null;
  headers?: Record<string, string>;
}

export async function call(base: string, method: string, path: string, o: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.key !== null) headers['x-goog-api-key'] = o.key ?? 'test-key';
  let body: string | Buffer | undefined;
  if (o.raw !== undefined) body = o.raw;
  else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await request(base + path, { method: method as 'GET', headers, body });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, json, text };
}

export interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

/** A receiver whose answer is scripted per request; records everything it receives. */
export class Receiver {
  readonly received: Received[] = [];
  private server!: Server;
  url = '';
  private waiters: { n: number; resolve: () => void }[] = [];
  respond: (req: IncomingMessage, res: ServerResponse, index: number) => void = (_req, res) => {
    res.writeHead(204).end();
  };

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const index = this.received.length;
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
        this.respond(req, res, index);
        this.waiters = this.waiters.filter((w) => (this.received.length >= w.n ? (w.resolve(), false) : true));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** Resolves once `n` requests have arrived (rejects after `ms`). */
  waitFor(n: number, ms = 10_000): Promise<void> {
    if (this.received.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`receiver got ${this.received.length} of ${n} requests`)), ms);
      this.waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value (rejects after `ms`). */
export async function until<T>(check: () => T | undefined | false, ms = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
