/**
 * A loopback proxy between a sender (the emulator) and the receiver that injects failures per attempt:
 * 'pass' forwards; 'fail-before' answers 500 without forwarding; 'fail-after' forwards and then answers
 * 500 anyway (the receiver has processed it; the sender must retry); 'timeout' forwards and never answers.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { request } from 'undici';

export type Fault = 'pass' | 'fail-before' | 'fail-after' | 'timeout';

export class FaultProxy {
  private server: Server | undefined;
  url = '';
  /** webhook-id → attempts seen. */
  readonly attempts = new Map<string, number>();
  readonly faults: Record<Fault, number> = { pass: 0, 'fail-before': 0, 'fail-after': 0, timeout: 0 };
  /** Answers while the receiver is down (e.g. during a restart). */
  upstreamErrors = 0;

  constructor(
    /** Where to forward (the receiver URL); may change (restart on a new port). */
    public target: string,
    /** Decides the fault for a webhook-id's n-th attempt (1-based). */
    private readonly decide: (webhookId: string, attempt: number) => Fault,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const id = String(req.headers['webhook-id'] ?? '');
        const attempt = (this.attempts.get(id) ?? 0) + 1;
        this.attempts.set(id, attempt);
        const fault = this.decide(id, attempt);
        this.faults[fault]++;
        if (fault === 'fail-before') {
          res.writeHead(500).end('injected failure');
          return;
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === 'string' && k !== 'host' && k !== 'connection' && k !== 'content-length') headers[k] = v;
        request(this.target, { method: 'POST', headers, body: Buffer.concat(chunks), headersTimeout: 10_000, bodyTimeout: 10_000 })
          .then(async (up) => {
            const text = await up.body.text();
            if (fault === 'timeout') return; // never answer: the sender times out
            if (fault === 'fail-after') res.writeHead(500).end('injected failure after processing');
            else res.writeHead(up.statusCode, { 'content-type': 'application/json' }).end(text);
          })
          .catch(() => {
            this.upstreamErrors++;
            if (!res.headersSent) res.writeHead(502).end('receiver unavailable');
          });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
