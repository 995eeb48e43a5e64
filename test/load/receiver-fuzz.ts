/**
 * 100k random and malformed requests at the receiver on loopback (bounded by count AND time) —
 * including deep nesting, repeated headers, huge fields and Origin headers (see fuzzCases.ts) — with
 * the history persisted to a file: prints the counts; exits non-zero if anything was accepted without
 * a valid signature, a request went unanswered, a stored record grew past its bounds, the receiver
 * stopped answering or the history did not load afterwards.
 *
 *   npm run compile && node out/test/load/receiver-fuzz.js [COUNT=100000] [SECONDS=300]
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { History, startReceiver } from '../../src/core/receiver';
import { JwksServer, newKey, newSecret, signedDynamic, signedStatic, TEST_AUDIENCE } from '../unit/verify/fixtures';
import { FuzzGenerator } from './fuzzCases';
import { runFuzz } from './fuzzRunner';

const COUNT = Math.max(100, Number(process.argv[2] ?? 100_000) || 100_000);
const SECONDS = Math.max(5, Number(process.argv[3] ?? 300) || 300);

async function main(): Promise<number> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'gw-fuzz-'));
  const historyPath = path.join(dir, 'receiver-history.jsonl');
  const secret = newSecret();
  const jwks = await new JwksServer().start();
  const key = await newKey();
  jwks.keys = [key.publicJwk];
  const jwtPool = await Promise.all(Array.from({ length: 50 }, () => signedDynamic(key)));
  const receiver = await startReceiver({
    port: 0,
    secrets: () => [{ secret, label: 'fuzz' }],
    jwksUri: jwks.uri,
    audience: TEST_AUDIENCE,
    requestTimeoutMs: 3_000,
    headersTimeoutMs: 3_000,
    historySize: 1_000,
    historyPath,
  });
  let verifiedRecords = 0;
  let largestRejected = 0;
  receiver.onDelivery((r) => {
    if (r.verdict !== 'rejected') verifiedRecords++;
    // What a stored rejected record costs, body excluded (capped at 64 KiB on its own).
    else largestRejected = Math.max(largestRejected, JSON.stringify({ ...r, body: '' }).length);
  });
  const rss0 = process.memoryUsage().rss;
  let closed = false;
  try {
    let i = 0;
    const generator = new FuzzGenerator(Date.now() & 0xffffffff, '/webhooks', secret, () => jwtPool[i++ % jwtPool.length]);
    const report = await runFuzz(new URL(receiver.url).origin, generator, COUNT, SECONDS * 1000, 32);
    await new Promise((r) => setTimeout(r, 100));
    const verifiedDuringFuzz = verifiedRecords;
    const ok = signedStatic([secret]);
    const alive = await fetch(receiver.url, { method: 'POST', headers: ok.headers, body: ok.body }).then(
      (r) => r.status,
      () => 0,
    );
    const jwt = await signedDynamic(key);
    const aliveJwt = await fetch(receiver.url, { method: 'POST', headers: jwt.headers, body: jwt.body }).then(
      (r) => r.status,
      () => 0,
    );
    console.log(
      `receiver fuzz: ${report.sent} requests in ${(report.elapsedMs / 1000).toFixed(1)} s (${Math.round(report.sent / (report.elapsedMs / 1000))} req/s)`,
    );
    console.log(`  by kind:   ${JSON.stringify(report.byKind)}`);
    console.log(`  by status: ${JSON.stringify(report.byStatus)}`);
    console.log(
      `  accepted (2xx): ${report.accepted}; verified records: ${verifiedDuringFuzz}; unanswered: ${report.unanswered} (client-side errors ${report.clientErrors}); browser requests refused unrecorded: ${receiver.browserRequestsRefused}`,
    );
    console.log(
      `  afterwards: a valid HMAC delivery → ${alive}, a valid JWT delivery → ${aliveJwt}; RSS ${(rss0 / 1048576).toFixed(0)} → ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB; largest rejected record without its body: ${(largestRejected / 1024).toFixed(1)} KiB`,
    );
    await receiver.close();
    closed = true;
    const t = Date.now();
    const history = await History.open({ path: historyPath });
    const fileBytes = (await fs.stat(historyPath)).size;
    console.log(
      `  history file: ${(fileBytes / 1048576).toFixed(1)} MiB, loaded in ${Date.now() - t} ms: ${history.count} records, ${(history.bytes / 1048576).toFixed(1)} MiB, ${history.corruptedLines} bad lines`,
    );
    history.dispose();
    const failed =
      report.accepted > 0 ||
      verifiedDuringFuzz > 0 ||
      report.unanswered > 0 ||
      largestRejected > 64 * 1024 ||
      alive !== 200 ||
      aliveJwt !== 200 ||
      history.count === 0 ||
      history.corruptedLines > 0 ||
      report.sent < Math.min(COUNT, 100);
    console.log(failed ? 'FAIL' : 'OK: nothing accepted without a valid signature; every request answered; records bounded; receiver alive; history loads');
    return failed ? 1 : 0;
  } finally {
    if (!closed) await receiver.close();
    await jwks.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
