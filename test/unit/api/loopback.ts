/** A tiny scripted HTTP server on 127.0.0.1:0 for retry and error tests: answers in the order given, records requests. */
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ScriptedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer only after this many ms (for cancellation tests). */
  delayMs?: number;
  /** Close the connection without answering (after the request was handled, like a dropped response). */
  drop?: boolean;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export class Loopback {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly requests: RecordedRequest[],
  ) {}

  static async start(script: ScriptedResponse[]): Promise<Loopback> {
    const queue = [...script];
    const requests: RecordedRequest[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const next = queue.shift() ?? { status: 500, body: { error: { code: 500, message: 'script exhausted', status: 'INTERNAL' } } };
        const send = () => {
          if (next.drop) return void req.socket.destroy();
          res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
          res.end(next.body === undefined ? '' : typeof next.body === 'string' ? next.body : JSON.stringify(next.body));
        };
        if (next.delayMs) setTimeout(send, next.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new Loopback(server, `http://127.0.0.1:${port}`, requests);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export const unavailable = { status: 503, body: { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } } };
export const emptyList = { status: 200, body: { webhooks: [] } };
