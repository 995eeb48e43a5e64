/**
 * Signed deliveries per second from the emulator to a bare node:http receiver, beside a baseline of
 * plain HTTP POSTs with the same undici client settings to the same receiver, in the same run; plus
 * RSS/heap sampled over the run, and the heap retained after a full GC at each 10 % checkpoint (run
 * with --expose-gc; without it the checkpoints show live + not-yet-collected memory). Loopback only,
 * bounded. Prints; asserts nothing.
 *
 *   npm run compile && node --expose-gc out/bench/emulator-deliveries.js [N=20000]
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { startEmulator } from '../src/core/emulator';

const N = Math.max(1000, Math.min(Number(process.argv[2] ?? 20_000) || 20_000, 1_000_000));
const CONCURRENCY = 256; // the engine's in-flight bound
const CHUNK = 5000; // events emitted before waiting for the engine to drain

interface Sample {
  t: number;
  rss: number;
  heap: number;
}
const gc = (globalThis as { gc?: () => void }).gc;
/** Heap in use after a full collection (when --expose-gc), i.e. what the run retains. */
function retainedHeap(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

async function main(): Promise<void> {
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const body = Buffer.from(
    JSON.stringify({
      type: 'batch.succeeded',
      version: 'v1',
      timestamp: new Date().toISOString(),
      data: { id: 'batches/bench', output_file_uri: 'gs://bench/out.jsonl' },
    }),
  );

  // Baseline: plain POSTs, same agent settings, same concurrency.
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64, pipelining: 1 });
  const url = new URL(target);
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        next++;
        const res = await agent.request({ origin: url.origin, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.body.dump();
      }
    }),
  );
  const baselineSec = Number(process.hrtime.bigint() - t0) / 1e9;
  await agent.close();

  // Emulator: one webhook, N signed deliveries.
  const emu = await startEmulator();
  const created = await fetch(`${emu.url}/v1beta/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'bench' },
    body: JSON.stringify({ uri: target, subscribed_events: ['batch.succeeded'] }),
  });
  if (created.status !== 200) throw new Error(`create failed: ${created.status}`);
  received = 0;
  const samples: Sample[] = [];
  const sample = () => {
    const m = process.memoryUsage();
    samples.push({ t: Date.now(), rss: m.rss, heap: m.heapUsed });
  };
  sample();
  const sampler = setInterval(sample, 200);
  const data = { id: 'batches/bench', output_file_uri: 'gs://bench/out.jsonl' };
  const checkpoints: Array<{ sent: number; heap: number }> = [{ sent: 0, heap: retainedHeap() }];
  const every = Math.max(CHUNK, Math.floor(N / 10));
  let paused = 0n; // time spent in checkpoint GCs, not counted in the rate
  const t1 = process.hrtime.bigint();
  for (let sent = 0; sent < N;) {
    const n = Math.min(CHUNK, N - sent);
    for (let i = 0; i < n; i++) emu.emit('batch.succeeded', data);
    sent += n;
    await emu.idle();
    if (sent % every === 0 || sent === N) {
      const p0 = process.hrtime.bigint();
      checkpoints.push({ sent, heap: retainedHeap() });
      paused += process.hrtime.bigint() - p0;
    }
  }
  const emuSec = Number(process.hrtime.bigint() - t1 - paused) / 1e9;
  clearInterval(sampler);
  sample();
  const delivered = emu.deliveries().filter((d) => d.outcome === 'delivered').length;
  await emu.close();
  await new Promise<void>((r) => receiver.close(() => r()));

  const baseRate = N / baselineSec;
  const emuRate = N / emuSec;
  const mid = samples[Math.floor(samples.length / 2)];
  const peak = samples.reduce((a, s) => (s.rss > a.rss ? s : a), samples[0]);
  console.log(`deliveries:             ${N} (receiver got ${received}; last ${delivered} log entries delivered)`);
  console.log(`baseline plain POSTs:   ${baseRate.toFixed(0)} req/s (${baselineSec.toFixed(2)} s)`);
  console.log(`emulator signed:        ${emuRate.toFixed(0)} deliveries/s (${emuSec.toFixed(2)} s)`);
  console.log(`ratio emulator/baseline: ${(emuRate / baseRate).toFixed(2)}`);
  console.log(`memory start:  rss ${mb(samples[0].rss)}, heap ${mb(samples[0].heap)}`);
  console.log(`memory middle: rss ${mb(mid.rss)}, heap ${mb(mid.heap)}`);
  console.log(`memory end:    rss ${mb(samples[samples.length - 1].rss)}, heap ${mb(samples[samples.length - 1].heap)}`);
  console.log(`memory peak:   rss ${mb(peak.rss)}`);
  console.log(
    `retained heap${gc ? ' after full GC' : ' (run with --expose-gc for retained figures)'} by deliveries sent: ${checkpoints.map((c) => `${c.sent}: ${mb(c.heap)}`).join(', ')}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
