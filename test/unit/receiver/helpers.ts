/** Test helpers: POSTing over real HTTP, a recording "user app", waiting for history records, reading a CLI's lines. */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { ReceivedDelivery, Receiver } from '../../../src/core/receiver';

export interface Answer {
  status: number;
  json: Record<string, unknown>;
}

export async function post(url: string, headers: Record<string, string>, body: string | Buffer, method = 'POST'): Promise<Answer> {
  const res = await request(url, { method: method as 'POST', headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
  const text = await res.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.statusCode, json };
}

/** Resolves with the record of `seq` once it is in the history (records land right after the answer). */
export function recordOf(receiver: Receiver, seq: number): Promise<ReceivedDelivery> {
  const existing = receiver.history.get(seq);
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve) => {
    const sub = receiver.history.onDidAppend((r) => {
      if (r.seq === seq) {
        sub.dispose();
        resolve(r);
      }
    });
  });
}

/** The next delivery of this event type. */
export function nextOfType(receiver: Receiver, type: string): Promise<ReceivedDelivery> {
  return new Promise((resolve) => {
    const sub = receiver.onDelivery((r) => {
      if (r.eventType === type) {
        sub.dispose();
        resolve(r);
      }
    });
  });
}

/** The next N records appended. */
export function nextRecords(receiver: Receiver, n: number): Promise<ReceivedDelivery[]> {
  const out: ReceivedDelivery[] = [];
  return new Promise((resolve) => {
    const sub = receiver.onDelivery((r) => {
      out.push(r);
      if (out.length === n) {
        sub.dispose();
        resolve(out);
      }
    });
  });
}

export interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A stand-in for the user's app: records what it gets; `respond` decides the answer. */
export class TestApp {
  received: Received[] = [];
  private server: Server | undefined;
  url = '';
  private waiters: Array<() => void> = [];

  constructor(public respond: (req: Received, res: ServerResponse) => void = (_r, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks')) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = { headers: req.headers, body: Buffer.concat(chunks) };
        this.received.push(r);
        this.waiters.splice(0).forEach((w) => w());
        this.respond(r, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** Resolves when the app has received at least n requests. */
  async waitFor(n: number): Promise<void> {
    while (this.received.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A small verified record with seq `seq` (and msg_<seq> as its webhook-id), for history tests. */
export function historyRecord(seq: number, extra: Partial<ReceivedDelivery> = {}): ReceivedDelivery {
  return {
    seq,
    receivedAt: new Date().toISOString(),
    method: 'POST',
    path: '/webhooks',
    headers: { 'webhook-id': `msg_${seq}` },
    body: `{"n":${seq}}`,
    bodyBytes: 7,
    verdict: 'verified',
    scheme: 'static',
    webhookId: `msg_${seq}`,
    latencyMs: 1,
    httpStatus: 200,
    ...extra,
  };
}

/** The non-empty lines of a JSON-lines file. */
export async function fileLines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
}

/** Reads a child's stdout lines one at a time. */
export function lineReader(child: ChildProcessWithoutNullStreams): () => Promise<string> {
  const lines: string[] = [];
  const waiters: Array<(l: string) => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const w = waiters.shift();
    if (w) w(line);
    else lines.push(line);
  });
  return () => (lines.length > 0 ? Promise.resolve(lines.shift() as string) : new Promise((resolve) => waiters.push(resolve)));
}
