/**
 * Requests/s and p99 latency of the full receiver pipeline (verify → dedupe → answer → history with a
 * JSON-lines file) beside a bare node:http server that only reads the body and answers, measured in the
 * same run with autocannon at 32 connections; each request is a unique signed delivery. Two schemes:
 * the static HMAC path and the dynamic JWT and v1a Ed25519 paths (tokens and signatures made before the run, so the client's RSA work
 * is not measured). Loopback only, bounded by request count. Prints; asserts nothing.
 *
 *   npm run compile && node out/bench/receiver-throughput.js [REQUESTS=20000]
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startReceiver } from '../src/core/receiver';
import { signStatic } from '../src/core/verify/staticVerifier';
import { JwksServer, newEd25519Key, newKey, signedDynamic, signedV1a, TEST_AUDIENCE } from '../test/unit/verify/fixtures';

// autocannon ships no types: the slice of its API used here.
interface AutocannonRequest {
  method: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { average: number; p99: number; p50: number };
  non2xx: number;
  errors: number;
  duration: number;
}

/** Requests per second over the whole run (autocannon's average is over whole-second buckets: coarse for short runs). */
function rate(result: { requests: { total: number }; duration: number }): number {
  return result.duration > 0 ? result.requests.total / result.duration : 0;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const REQUESTS = Math.max(1000, Number(process.argv[2] ?? 20_000) || 20_000);
const CONNECTIONS = 32;

function body(i: number): string {
  return JSON.stringify({
    type: 'batch.succeeded',
    version: 'v1',
    timestamp: new Date().toISOString(),
    data: { id: `batches/bench-${i}`, output_file_uri: 'gs://bench/out.jsonl' },
  });
}

async function run(title: string, url: string, next: () => AutocannonRequest): Promise<AutocannonResult> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    pipelining: 1,
    amount: REQUESTS,
    timeout: 10,
    requests: [{ method: 'POST', setupRequest: (req: AutocannonRequest) => ({ ...req, ...next() }) }],
  });
  console.log(
    `  ${title.padEnd(28)} ${Math.round(rate(result)).toString().padStart(6)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms   non-2xx ${result.non2xx}   errors ${result.errors}`,
  );
  return result;
}

/** The servers under test, in a child process so the load generator does not share their event loop. */
async function serve(secret: string, jwksUri: string): Promise<void> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'gw-bench-'));
  const bare = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = JSON.stringify({ status: 'ok', bytes: Buffer.concat(chunks).length });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
    });
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const receiver = await startReceiver({
    port: 0,
    secrets: () => [{ secret, webhookId: 'wh_bench', label: 'bench' }],
    jwksUri,
    audience: TEST_AUDIENCE,
    historyPath: path.join(dir, 'history.jsonl'),
    historySize: 1000,
  });
  process.send?.({ bare: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/webhooks`, receiver: receiver.url });
  process.on('message', async () => {
    await receiver.history.flush();
    const verified = receiver.history.all().filter((r) => r.verdict === 'verified').length;
    await receiver.close();
    await fs.rm(dir, { recursive: true, force: true });
    process.send?.({ verified }, () => process.exit(0));
  });
}

async function main(): Promise<void> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const jwks = await new JwksServer().start();
  const key = await newKey();
  // As Google's set: three Ed25519 keys beside (here) the RSA key; v1a deliveries are signed by the last one, the worst case.
  const edKeys = [newEd25519Key(), newEd25519Key(), newEd25519Key()];
  jwks.keys = [key.publicJwk, ...edKeys.map((k) => k.publicJwk)];
  const child = fork(__filename, ['--serve', secret, jwks.uri], { stdio: 'inherit' });
  const urls = await new Promise<{ bare: string; receiver: string }>((resolve) =>
    child.once('message', (m) => resolve(m as { bare: string; receiver: string })),
  );

  let seq = 0;
  const staticDelivery = (): AutocannonRequest => {
    const i = seq++;
    const b = body(i);
    const id = `msg_b${i}`;
    const ts = Math.floor(Date.now() / 1000);
    return {
      method: 'POST',
      path: '/webhooks',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': signStatic(secret, id, ts, Buffer.from(b)),
      },
      body: b,
    };
  };
  // Unique JWT deliveries, signed up front (RS256 signing would otherwise load the same 2 cores).
  process.stdout.write(`signing ${REQUESTS + 500} JWT deliveries… `);
  const tokens: AutocannonRequest[] = [];
  for (let i = 0; i < REQUESTS + 500; i++) {
    const d = await signedDynamic(key, body(1e7 + i), Date.now(), `msg_j${i}`);
    tokens.push({ method: 'POST', path: '/webhooks', headers: d.headers, body: d.body });
  }
  const v1as: AutocannonRequest[] = [];
  for (let i = 0; i < REQUESTS + 500; i++) {
    const d = signedV1a([edKeys[2]], body(2e7 + i), Date.now(), `msg_e${i}`);
    v1as.push({ method: 'POST', path: '/webhooks', headers: d.headers, body: d.body });
  }
  console.log('done');
  let t = 0;
  const jwtDelivery = () => tokens[t++ % tokens.length];
  let e = 0;
  const v1aDelivery = () => v1as[e++ % v1as.length];

  console.log(`receiver throughput: ${REQUESTS} requests per run, ${CONNECTIONS} connections, loopback, servers in a child process`);
  await run('warm-up (pipeline, HMAC)', urls.receiver, staticDelivery);
  const bareRun = await run('bare node:http', urls.bare, staticDelivery);
  const hmac = await run('pipeline, HMAC (static)', urls.receiver, staticDelivery);
  const jwt = await run('pipeline, JWT (dynamic)', urls.receiver, jwtDelivery);
  const v1a = await run('pipeline, v1a Ed25519 (dynamic, 3rd of 3 keys)', urls.receiver, v1aDelivery);
  child.send('stop');
  const { verified } = await new Promise<{ verified: number }>((resolve) => child.once('message', (m) => resolve(m as { verified: number })));

  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
  const hmacVsBare = ratio(rate(hmac), rate(bareRun));
  const jwtVsHmac = ratio(rate(jwt), rate(hmac));
  const v1aVsHmac = ratio(rate(v1a), rate(hmac));
  console.log(
    `  pipeline HMAC / bare: ${hmacVsBare.toFixed(2)}x (aim >= 0.6)   p99 HMAC ${hmac.latency.p99} ms, JWT ${jwt.latency.p99} ms (aim <= 10)   JWT / HMAC: ${jwtVsHmac.toFixed(2)}x (aim >= 0.5)   v1a / HMAC: ${v1aVsHmac.toFixed(2)}x (aim >= 0.8), p99 ${v1a.latency.p99} ms`,
  );
  console.log(`  (the last ${verified} history records are verified; history bound 1000, persisted to a JSON-lines file)`);
  await jwks.close();
}

if (process.argv[2] === '--serve') {
  void serve(process.argv[3], process.argv[4]);
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
