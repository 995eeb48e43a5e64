/**
 * The receiver's store under load (issue 12): 10k deliveries from the emulator through a
 * fault-injecting proxy (30 % of attempts: 500 before the receiver, 500 after it processed, or no
 * answer until the emulator's 1 s timeout) into a receiver that forwards to an app. Mid-run: one
 * receiver restart (same port, persisted history and dedupe memory, with deliveries and retries in
 * flight), one emulator restart (same state file: webhook and secret survive; done once the first
 * emulator is idle, as it keeps no queue across a restart), and a second process appending to the
 * same history file, as a second VS Code window does. The history keeps its default bound (1,000),
 * so the dedupe memory must hold on its own.
 *
 * Checked: the app behind the forwarder got every event exactly once (none lost, none twice); after
 * the run the history loads, without a bad line, holding exactly the newest 1,000 records of both
 * writers with no seq given out twice. Then, unless --no-big: a 600 MiB history file of 600 records
 * of 1 MiB (what once failed with "Invalid string length") loads within its byte bound.
 * Prints the figures; exits non-zero on a violation. Loopback only; every loop bounded.
 *
 *   npm run load:store [-- EVENTS=10000 SECONDS=300 [--no-big]]
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { Emulator, startEmulator } from '../../src/core/emulator';
import { History, Receiver, ReceiverOptions, startReceiver } from '../../src/core/receiver';
import { SecretCandidate } from '../../src/core/verify/secretCandidates';
import { registerLoadWebhook } from './emulatorWebhook';
import { Fault, FaultProxy } from './faultProxy';
import { prng } from './fuzzCases';
import { writerRecord } from './historyWriter';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const EVENTS = Math.max(100, Number(args[0] ?? 10_000) || 10_000);
const SECONDS = Math.max(20, Number(args[1] ?? 300) || 300);
const BIG = !process.argv.includes('--no-big');
const WRITER_RECORDS = 600;
const run = promisify(execFile);

async function main(): Promise<number> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'gw-store-load-'));
  try {
    const failures = await deliveries(dir);
    if (BIG) failures.push(...(await bigFile(dir)));
    for (const f of failures) console.log(`  FAIL: ${f}`);
    console.log(failures.length > 0 ? 'FAIL' : 'OK');
    return failures.length > 0 ? 1 : 0;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function deliveries(dir: string): Promise<string[]> {
  const historyPath = path.join(dir, 'receiver-history.jsonl');
  const statePath = path.join(dir, 'emulator-state.json');
  const started = Date.now();
  const deadline = started + SECONDS * 1000;

  // The user's app behind the forwarder: counts what it is handed, per webhook-id.
  const processed = new Map<string, number>();
  const app = createServer((req, res) => {
    const id = String(req.headers['webhook-id'] ?? '');
    req.resume();
    req.on('end', () => {
      processed.set(id, (processed.get(id) ?? 0) + 1);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/app`;

  const secrets: SecretCandidate[] = [];
  const recordedSeqs: number[] = [];
  let duplicates = 0;
  let rejected = 0;
  const watch = (r: Receiver) =>
    r.onDelivery((rec) => {
      recordedSeqs.push(rec.seq);
      if (rec.verdict === 'duplicate') duplicates++;
      else if (rec.verdict === 'rejected') rejected++;
    });
  const problems: string[] = [];
  const log = { info: () => undefined, warn: (m: string) => problems.push(m), error: (m: string) => problems.push(m) };
  const options: ReceiverOptions = { secrets: () => secrets, historyPath, forwardTo: appUrl, log };
  let receiver = await startReceiver({ port: 0, ...options });
  watch(receiver);
  const port = receiver.port;

  // 30 % of the first four attempts of each event fail; the fifth always passes, so that no event runs
  // out of retries by bad luck (0.3^8 is ~1 in 15,000: the emulator would rightly give up on it).
  const rand = prng(1207);
  const decide = (_id: string, attempt: number): Fault => {
    if (attempt > 4) return 'pass';
    const x = rand();
    return x < 0.12 ? 'fail-before' : x < 0.22 ? 'fail-after' : x < 0.3 ? 'timeout' : 'pass';
  };
  const proxy = await new FaultProxy(receiver.url, decide).start();
  const emulatorOptions = { timeScale: 1_000, deliveryTimeoutMs: 1_000, statePath, warn: (m: string) => console.error(m) };
  let emu: Emulator = await startEmulator(emulatorOptions);
  const webhook = await registerLoadWebhook(emu.url, proxy.url);
  secrets.push(webhook);

  const emitted: string[] = [];
  const emitUntil = async (target: number, during?: () => Promise<void>) => {
    for (let i = emitted.length; i < target && Date.now() < deadline; i = emitted.length) {
      for (let j = i; j < Math.min(target, i + 250); j++) emitted.push(...emu.emit('batch.succeeded', { id: `batches/load-${j}` }));
      await new Promise((r) => setTimeout(r, 40));
      await during?.();
    }
  };

  // First half, with the receiver restarted at a quarter (deliveries and retries in flight).
  let receiverRestartMs = -1;
  await emitUntil(EVENTS / 2, async () => {
    if (receiverRestartMs >= 0 || emitted.length < EVENTS / 4) return;
    const t = Date.now();
    await receiver.close();
    receiver = await startReceiver({ port, ...options });
    watch(receiver);
    receiverRestartMs = Date.now() - t;
  });

  // The emulator restarts once idle (it keeps webhooks and secrets in its state file, not its queue).
  await Promise.race([emu.idle(), new Promise((r) => setTimeout(r, Math.max(1_000, deadline - Date.now())))]);
  let t = Date.now();
  await emu.close();
  emu = await startEmulator(emulatorOptions);
  const emulatorRestartMs = Date.now() - t;
  const restored = await request(`${emu.url}/v1beta/webhooks/${webhook.webhookId}`, { headers: { 'x-goog-api-key': 'load' } });
  const restoredOk = restored.statusCode === 200;
  await restored.body.dump();

  // Second half, while another process appends to the same history file.
  const writer = run(process.execPath, [path.join(__dirname, 'historyWriter.js'), historyPath, String(WRITER_RECORDS), 'second-window', '15000'], {
    maxBuffer: 1 << 22,
  }).then(({ stdout }) => (JSON.parse(stdout) as { seqs: number[] }).seqs);
  await emitUntil(EVENTS);
  const writerSeqs = await writer;
  await Promise.race([emu.idle(), new Promise((r) => setTimeout(r, Math.max(1_000, deadline - Date.now())))]);
  await new Promise((r) => setTimeout(r, 300));
  const elapsed = (Date.now() - started) / 1000;
  await receiver.close();
  await emu.close();
  await proxy.close();
  await new Promise((r) => app.close(r));

  t = Date.now();
  const history = await History.open({ path: historyPath });
  const loadMs = Date.now() - t;
  const fileBytes = (await fs.stat(historyPath)).size;
  const all = [...recordedSeqs, ...writerSeqs];
  const expected = [...new Set(all)].sort((a, b) => b - a).slice(0, history.size);
  const loaded = history.all().map((r) => r.seq);
  const missing = expected.filter((s) => !history.get(s));
  const writerKept = loaded.filter((s) => history.get(s)?.webhookId?.startsWith('second-window_')).length;
  history.dispose();

  const lost = emitted.filter((id) => !processed.has(id));
  const twice = [...processed.values()].filter((n) => n > 1).length;
  const attempts = [...proxy.attempts.values()].reduce((a, b) => a + b, 0);
  console.log(`store load: ${emitted.length} events, ${attempts} delivery attempts in ${elapsed.toFixed(1)} s`);
  console.log(
    `  injected: ${JSON.stringify(proxy.faults)} (${((100 * (attempts - proxy.faults.pass)) / Math.max(1, attempts)).toFixed(1)} % of attempts); receiver unreachable: ${proxy.upstreamErrors}`,
  );
  console.log(
    `  receiver restarted at ${EVENTS / 4} events in ${receiverRestartMs} ms; emulator restarted at ${EVENTS / 2} in ${emulatorRestartMs} ms (webhook restored: ${restoredOk})`,
  );
  console.log(`  a second process appended ${writerSeqs.length} records to the same history file during the second half`);
  console.log(
    `  app behind the forwarder: ${processed.size} events, lost ${lost.length}, processed more than once ${twice}; duplicates answered ${duplicates}; rejected ${rejected}`,
  );
  console.log(
    `  history after the run: ${history.count} records (bound ${history.size}; ${writerKept} from the second process), loaded in ${loadMs} ms from ${(fileBytes / 1048576).toFixed(1)} MiB; ${history.corruptedLines} bad lines; missing from the newest ${history.size}: ${missing.length}; seqs given out twice: ${all.length - new Set(all).size}`,
  );
  if (problems.length > 0) console.log(`  receiver warnings and errors: ${problems.length}, e.g. ${problems.slice(0, 3).join(' | ')}`);
  const failures: string[] = [];
  if (emitted.length < EVENTS) failures.push(`only ${emitted.length} of ${EVENTS} events emitted before the deadline`);
  if (lost.length > 0) failures.push(`${lost.length} events never reached the app, e.g. ${lost.slice(0, 3).join(', ')}`);
  if (twice > 0) failures.push(`${twice} events reached the app more than once`);
  if (rejected > 0) failures.push(`${rejected} deliveries rejected`);
  if (!restoredOk) failures.push('the webhook did not survive the emulator restart');
  if (writerSeqs.length !== WRITER_RECORDS) failures.push(`the second process appended ${writerSeqs.length}`);
  if (history.corruptedLines > 0) failures.push(`${history.corruptedLines} bad lines in the history`);
  if (missing.length > 0 || loaded.length !== expected.length) failures.push(`the history lost ${missing.length} of its newest records`);
  if (all.length !== new Set(all).size) failures.push('a seq was given out twice');
  return failures;
}

/** 600 records of 1 MiB in one file: read chunk by chunk, it loads within its byte bound. */
async function bigFile(dir: string): Promise<string[]> {
  const file = path.join(dir, 'big-history.jsonl');
  const handle = await fs.open(file, 'w');
  const body = 'b'.repeat(1024 * 1024);
  let t = Date.now();
  for (let i = 1; i <= 600; i++) await handle.write(JSON.stringify({ ...writerRecord(i, 'big', i), verdict: 'verified', body }) + '\n');
  await handle.close();
  const bytes = (await fs.stat(file)).size;
  const writeMs = Date.now() - t;
  const rss0 = process.memoryUsage().rss;
  t = Date.now();
  let history: History | undefined;
  let error = '';
  try {
    history = await History.open({ path: file });
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const loadMs = Date.now() - t;
  const rss = process.memoryUsage().rss;
  console.log(
    `big history file: ${(bytes / 1048576).toFixed(0)} MiB, 600 records of 1 MiB (written in ${writeMs} ms): ${history ? `loaded in ${loadMs} ms, kept the newest ${history.count} (${(history.bytes / 1048576).toFixed(1)} MiB, bound ${history.maxBytes / 1048576} MiB), newest #${history.all().at(-1)?.seq}` : `FAILED: ${error}`}; RSS ${(rss0 / 1048576).toFixed(0)} → ${(rss / 1048576).toFixed(0)} MB`,
  );
  await history?.flush();
  history?.dispose();
  if (!history) return [`the big history did not load: ${error}`];
  return history.all().at(-1)?.seq === 600 && history.bytes <= history.maxBytes ? [] : ['the big history did not keep its newest records within the bound'];
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
