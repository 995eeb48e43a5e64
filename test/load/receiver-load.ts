/**
 * 10k deliveries from the emulator through a fault-injecting proxy (30 % of attempts: 500 before the
 * receiver, 500 after it processed, or no answer until the emulator times out) into the receiver,
 * which is restarted (same port, persisted history) half-way. Every event must be processed exactly
 * once and none lost. Prints the figures; exits non-zero on a violation. Loopback only, bounded.
 *
 *   npm run compile && node out/test/load/receiver-load.js [EVENTS=10000] [SECONDS=240]
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startEmulator } from '../../src/core/emulator';
import { Receiver, startReceiver } from '../../src/core/receiver';
import { SecretCandidate } from '../../src/core/verify/secretCandidates';
import { registerLoadWebhook } from './emulatorWebhook';
import { Fault, FaultProxy } from './faultProxy';
import { prng } from './fuzzCases';

const EVENTS = Math.max(100, Number(process.argv[2] ?? 10_000) || 10_000);
const SECONDS = Math.max(10, Number(process.argv[3] ?? 240) || 240);

async function main(): Promise<number> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'gw-load-'));
  const historyPath = path.join(dir, 'history.jsonl');
  const started = Date.now();
  const emu = await startEmulator({ timeScale: 10_000, deliveryTimeoutMs: 1_000 });
  const secrets: SecretCandidate[] = [];
  const processed = new Map<string, number>();
  let duplicates = 0;
  let rejected = 0;
  const rejectReasons = new Map<string, number>();
  const watch = (r: Receiver) =>
    r.onDelivery((rec) => {
      if (rec.verdict === 'verified' && rec.webhookId) processed.set(rec.webhookId, (processed.get(rec.webhookId) ?? 0) + 1);
      else if (rec.verdict === 'duplicate') duplicates++;
      else {
        rejected++;
        rejectReasons.set(rec.code ?? '?', (rejectReasons.get(rec.code ?? '?') ?? 0) + 1);
      }
    });
  const options = { secrets: () => secrets, historyPath, historySize: EVENTS * 2 };
  let receiver = await startReceiver({ port: 0, ...options });
  watch(receiver);
  const port = receiver.port;

  const rand = prng(42);
  const decide = (): Fault => {
    const x = rand();
    return x < 0.12 ? 'fail-before' : x < 0.22 ? 'fail-after' : x < 0.3 ? 'timeout' : 'pass';
  };
  const proxy = await new FaultProxy(receiver.url, decide).start();
  secrets.push(await registerLoadWebhook(emu.url, proxy.url));

  const emitted: string[] = [];
  let restartMs = -1;
  const deadline = started + SECONDS * 1000;
  for (let i = 0; i < EVENTS && Date.now() < deadline; i += 250) {
    for (let j = i; j < Math.min(EVENTS, i + 250); j++) emitted.push(...emu.emit('batch.succeeded', { id: `batches/load-${j}` }));
    await new Promise((r) => setTimeout(r, 40));
    if (restartMs < 0 && emitted.length >= EVENTS / 2) {
      const t = Date.now();
      await receiver.close();
      receiver = await startReceiver({ port, ...options });
      watch(receiver);
      restartMs = Date.now() - t;
    }
  }
  await Promise.race([emu.idle(), new Promise((r) => setTimeout(r, Math.max(1_000, deadline - Date.now())))]);
  await new Promise((r) => setTimeout(r, 200));

  const lost = emitted.filter((id) => !processed.has(id));
  const twice = [...processed.entries()].filter(([, n]) => n > 1);
  const attempts = [...proxy.attempts.values()].reduce((a, b) => a + b, 0);
  const elapsed = (Date.now() - started) / 1000;
  console.log(`receiver load: ${emitted.length} events emitted, ${attempts} delivery attempts in ${elapsed.toFixed(1)} s`);
  console.log(
    `  injected: ${JSON.stringify(proxy.faults)} (${((100 * (attempts - proxy.faults.pass)) / Math.max(1, attempts)).toFixed(1)} % of attempts); receiver unreachable: ${proxy.upstreamErrors}`,
  );
  console.log(`  receiver restarted half-way in ${restartMs} ms (same port ${port}, history reloaded from disk)`);
  console.log(
    `  processed once: ${processed.size - twice.length}; duplicates answered: ${duplicates}; rejected: ${rejected} ${JSON.stringify(Object.fromEntries(rejectReasons))}`,
  );
  console.log(`  lost: ${lost.length}; processed more than once: ${twice.length}`);
  await proxy.close();
  await emu.close();
  await receiver.close();
  await fs.rm(dir, { recursive: true, force: true });
  const failed = lost.length > 0 || twice.length > 0 || emitted.length < EVENTS || rejected > 0;
  if (lost.length > 0) console.log(`  e.g. lost ${lost.slice(0, 5).join(', ')}`);
  console.log(failed ? 'FAIL' : 'OK: every event processed exactly once, none lost');
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
