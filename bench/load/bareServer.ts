/**
 * The floor every receiver is measured against: bare node:http that reads the body and answers with a
 * small JSON object, nothing else. Its own process; first stdout line "listening on <url>".
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const text = JSON.stringify({ status: 'ok', bytes: Buffer.concat(chunks).length });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
