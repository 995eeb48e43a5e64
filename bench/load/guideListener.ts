/**
 * The listener Google's webhooks guide shows: Express with `express.text({ type: 'application/json' })`,
 * `new Webhook(secret).verify(body, headers)` from `standardwebhooks`, a log line per event, 200.
 * Express is not a dependency of this project (68 packages): it is taken from the project when present,
 * else from the folder GEMINI_WEBHOOKS_BENCH_EXPRESS names (`npm install --prefix DIR express@5`, outside
 * the project). Without it the same handler runs on bare node:http (reading the body as text) — a faster
 * listener than the guide's, so a ratio against it understates ours. The first stdout line says which:
 * "listening on <url> (express X.Y.Z|node:http)". The secret comes from GEMINI_WEBHOOKS_SECRETS.
 */
import { createServer, IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

const wh = new Webhook(process.env.GEMINI_WEBHOOKS_SECRETS ?? '');

function handle(body: string, headers: IncomingHttpHeaders): number {
  try {
    const event = wh.verify(body, headers as Record<string, string>) as { type?: string; data?: { id?: string } };
    console.log(`Received ${event.type} for ${event.data?.id}`);
    return 200;
  } catch (err) {
    console.log(`Webhook verification failed: ${err instanceof Error ? err.message : String(err)}`);
    return 400;
  }
}

interface ExpressLike {
  (): {
    post(path: string, ...handlers: unknown[]): void;
    listen(port: number, host: string, cb: () => void): { address(): AddressInfo | string | null; close(cb: () => void): void };
  };
  text(options: { type: string }): unknown;
}

function findExpress(): { express: ExpressLike; version: string } | undefined {
  const places = [__filename, ...(process.env.GEMINI_WEBHOOKS_BENCH_EXPRESS ? [`${process.env.GEMINI_WEBHOOKS_BENCH_EXPRESS}/node_modules/`] : [])];
  for (const place of places) {
    try {
      const load = createRequire(place);
      return { express: load('express') as ExpressLike, version: (load('express/package.json') as { version: string }).version };
    } catch {
      // not there
    }
  }
  return undefined;
}
const found = findExpress();
const express = found?.express;

if (express) {
  const app = express();
  app.post(
    '/webhooks',
    express.text({ type: 'application/json' }),
    (req: { body: string; headers: IncomingHttpHeaders }, res: { sendStatus(s: number): void }) => res.sendStatus(handle(req.body, req.headers)),
  );
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks (express ${found?.version})\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
} else {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = handle(Buffer.concat(chunks).toString('utf8'), req.headers);
      const text = status === 200 ? 'OK' : 'Bad Request';
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
    });
  });
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks (node:http)\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
}
