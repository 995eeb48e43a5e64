/**
 * Inspector ingest in the real editor: 10k signed deliveries at 1k/s through the receiver into an
 * open inspector panel (code-server + Chromium, via the e2e harness). Reports the time from each
 * POST to its row being in the page's list (median, p95, max; stamped in the page by a
 * MutationObserver on the list's newest-seq attribute, same machine clock), how many batches the
 * page got, and the extension host's RSS (and the page's JS heap) before, during and after — the
 * history bound (geminiWebhooks.receiver.historySize, 1000) keeps both flat once reached.
 * To tell memory the host keeps from memory its allocator has not handed back, a probe extension in
 * the same extension host (written by this bench, ./inspector/heapProbe) collects garbage on request
 * (v8 --expose-gc set at run time) and reports RSS and the V8 heap after it: the retained figure is the
 * heap used after GC, against the same figure idle before the run.
 * Each event names a job (batch, interaction, video, as Gemini's do), so the Jobs view's tracking is on the path.
 * In the same run, the same load generator first sends the same deliveries at the same rate to a bare
 * node:http server (the floor for the receiver's answer time, printed with the ratio); the generator's lag
 * behind its schedule says whether it was the limit; the extension host's CPU time while sending is read
 * from /proc (µs per delivery: a figure the machine's other load changes far less than latencies).
 * Loopback only; bounded by count and time. Prints; asserts nothing.
 *
 *   npm run bench:inspector [-- N=10000 RATE=1000]
 *   GEMINI_WEBHOOKS_BENCH_PROFILE=/tmp/host.cpuprofile npm run bench:inspector   also profiles the extension host while sending
 *   GEMINI_WEBHOOKS_BENCH_EXTENSION=<another checkout, built> …   measures that one instead (before/after)
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { Pool } from 'undici';
import type { Frame } from 'playwright-core';
import { makeEnvelope } from '../src/core/events/envelope';
import { freePort } from '../test/harness/codeServer';
import { frameWith, openWorkbench, REPO_ROOT, type Workbench } from '../test/harness/workbench';
import { afterGc, heapProbeExtension, startCpuProfile, stopCpuProfile, type HostHeap } from './inspector/heapProbe';
import { cpuSeconds, startServer, staticDeliveryHeaders } from './load';

const N = Math.max(100, Math.min(Number(process.argv[2] ?? 10_000) || 10_000, 50_000));
const RATE = Math.max(10, Math.min(Number(process.argv[3] ?? 1_000) || 1_000, 5_000));
const SEND_LIMIT_MS = Math.ceil((N / RATE) * 1000) * 3 + 30_000;
const LABEL = 'bench-secret';
/** GEMINI_WEBHOOKS_BENCH_EXTENSION=<another checkout, built>: measures that one instead (before/after). */
const ROOT = process.env.GEMINI_WEBHOOKS_BENCH_EXTENSION ?? REPO_ROOT;
/** GEMINI_WEBHOOKS_BENCH_PROFILE=<file.cpuprofile>: also writes a CPU profile of the extension host while sending. */
const PROFILE = process.env.GEMINI_WEBHOOKS_BENCH_PROFILE;

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** The pid of this run's extension host (found by its command line and private run dir). */
function extensionHostPid(runDir: string): number | undefined {
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('extensionHost')) continue;
      if (fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(runDir)) return Number(pid);
    } catch {
      // The process went away or is not ours to read.
    }
  }
  return undefined;
}

/** RSS of this run's extension host. */
function extensionHostRss(runDir: string): number | undefined {
  const pid = extensionHostPid(runDir);
  try {
    const match = pid !== undefined ? /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8')) : null;
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const inspectorFrame = (wb: Workbench): Promise<Frame> => frameWith(wb.page, '#list');

async function main(): Promise<void> {
  const loadBefore = load();
  const port = await freePort();
  const heapPort = await freePort();
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const probeDir = heapProbeExtension();
  const wb = await openWorkbench({
    settings: { 'geminiWebhooks.backend': 'emulator', 'geminiWebhooks.receiver.port': port },
    viewport: { width: 1280, height: 800 },
    extensions: [ROOT, probeDir],
    env: { GEMINI_WEBHOOKS_BENCH_HEAP_PORT: String(heapPort) },
  });
  const gcFigures: Array<{ at: string; heap: HostHeap }> = [];
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 16, pipelining: 1 });
  try {
    const quick = wb.page.locator('.quick-input-widget input.input').first();
    const answer = async (text: string) => {
      await quick.waitFor({ timeout: 15_000 });
      await quick.fill(text);
      await quick.press('Enter');
    };
    await wb.openGeminiView();
    await wb.page.locator('.statusbar-item', { hasText: 'Webhooks receiver off' }).first().click();
    await wb.page
      .locator('.statusbar-item', { hasText: `:${port}` })
      .first()
      .waitFor({ timeout: 30_000 });
    await wb.page.keyboard.press('F1');
    await answer('>Gemini Webhooks: Add Signing Secret');
    await answer(LABEL);
    const password = wb.page.locator('.quick-input-widget input.input[type="password"]').first();
    await password.waitFor({ timeout: 15_000 });
    await password.fill(secret);
    await password.press('Enter');
    await wb.waitForNotification('added');
    await wb.runCommand('Gemini Webhooks: Open Inspector');
    const frame = await inspectorFrame(wb);
    await frame.evaluate(() => {
      const list = document.getElementById('list') as HTMLElement;
      const w = window as unknown as { __arrivals: Array<[number, number]>; __renders: number };
      w.__arrivals = [];
      w.__renders = 0;
      new MutationObserver(() => {
        w.__renders++;
        w.__arrivals.push([Number(list.dataset.newestSeq), Date.now()]);
      }).observe(list, { attributes: true, attributeFilter: ['data-newest-seq'] });
    });
    const pageHeap = () => frame.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
    await wb.page.waitForTimeout(2_000);
    const runDir = wb.server.runDir;
    const memory: Array<{ at: string; host?: number; page: number }> = [{ at: 'before', host: extensionHostRss(runDir), page: await pageHeap() }];
    gcFigures.push({ at: 'idle, before', heap: await afterGc(heapPort) });

    // The floor, in the same run: the same load generator sends the same deliveries at the same rate to a
    // bare node:http server in a process of its own (bench/load/bareServer.ts), which answers at once.
    const bare = await startServer([path.join(__dirname, 'load/bareServer.js')], /listening on (\S+)/);
    let floor: Sent;
    try {
      const barePool = new Pool(new URL(bare.url).origin, { connections: 16, pipelining: 1 });
      floor = await sendAtRate(barePool, '/webhooks', secret, (a) => (a.status === 'ok' ? 0 : undefined));
      await barePool.close();
    } finally {
      await bare.stop();
    }

    const checkpoints = new Set([Math.floor(N / 4), Math.floor(N / 2), Math.floor((3 * N) / 4)]);
    const hostPid = extensionHostPid(runDir);
    const hostCpuBefore = hostPid !== undefined ? cpuSeconds(hostPid) : NaN;
    if (PROFILE) await startCpuProfile(heapPort);
    const run = await sendAtRate(
      pool,
      '/webhooks',
      secret,
      (a) => (a.status === 'verified' && a.seq ? a.seq : undefined),
      async (sent) => {
        if (checkpoints.has(sent)) memory.push({ at: `${Math.round((sent / N) * 100)} %`, host: extensionHostRss(runDir), page: await pageHeap() });
      },
    );
    const { sentAt, answerMs, failures, sendSeconds } = run;
    const maxSeq = Math.max(...sentAt.keys());
    const end = Date.now() + 30_000;
    let arrivals: Array<[number, number]> = [];
    while (Date.now() < end) {
      arrivals = await frame.evaluate(() => (window as unknown as { __arrivals: Array<[number, number]> }).__arrivals);
      if (arrivals.some(([seq]) => seq >= maxSeq)) break;
      await wb.page.waitForTimeout(200);
    }
    const hostCpu = hostPid !== undefined ? cpuSeconds(hostPid) - hostCpuBefore : NaN;
    if (PROFILE) {
      fs.writeFileSync(PROFILE, JSON.stringify(await stopCpuProfile(heapPort)));
      console.log(`  CPU profile of the extension host, from the first POST to the last row: ${PROFILE}`);
    }
    memory.push({ at: 'after', host: extensionHostRss(runDir), page: await pageHeap() });
    await wb.page.waitForTimeout(5_000);
    memory.push({ at: 'after +5 s', host: extensionHostRss(runDir), page: await pageHeap() });
    gcFigures.push({ at: 'after +5 s', heap: await afterGc(heapPort) });
    await wb.page.waitForTimeout(10_000);
    gcFigures.push({ at: 'after +15 s', heap: await afterGc(heapPort) });

    // Each seq became visible at the first render whose newest seq reached it.
    const latencies: number[] = [];
    let i = 0;
    arrivals.sort((a, b) => a[1] - b[1]);
    const seqs = [...sentAt.keys()].sort((a, b) => a - b);
    let missing = 0;
    for (const seq of seqs) {
      while (i < arrivals.length && arrivals[i][0] < seq) i++;
      if (i >= arrivals.length) {
        missing++;
        continue;
      }
      latencies.push(arrivals[i][1] - (sentAt.get(seq) as number));
    }
    latencies.sort((a, b) => a - b);
    const rowsShown = await frame.evaluate(() => Number(document.getElementById('list')?.dataset.count));
    console.log(
      `inspector ingest: ${N} signed deliveries at ${RATE}/s, each naming a job (sent in ${sendSeconds.toFixed(1)} s, ${failures} failed) into an open inspector; load average before ${loadBefore}`,
    );
    console.log(
      `  POST → row in the page's list: median ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms (aim <= 250 ms), p99 ${pct(latencies, 99)} ms, max ${latencies[latencies.length - 1]} ms (${latencies.length} measured, ${missing} never seen)`,
    );
    const answers = [...answerMs].sort((a, b) => a - b);
    const floorAnswers = [...floor.answerMs].sort((a, b) => a - b);
    console.log(
      `  POST → the receiver's answer: median ${pct(answers, 50)} ms, p95 ${pct(answers, 95)} ms (aim <= 20 ms); the floor, a bare node:http server ` +
        `sent the same at the same rate in this run: median ${pct(floorAnswers, 50)} ms, p95 ${pct(floorAnswers, 95)} ms ` +
        `(p95 ${(pct(answers, 95) / Math.max(1, pct(floorAnswers, 95))).toFixed(1)}x the floor's)`,
    );
    const hostShare = hostCpu / sendSeconds;
    console.log(
      `  extension host CPU while sending: ${Number.isFinite(hostCpu) ? `${hostCpu.toFixed(1)} s, ${hostShare.toFixed(2)} of a core, ${Math.round((hostCpu * 1e6) / N)} µs per delivery` : 'n/a'} ` +
        `(receiver, extension, inspector; the emulator's requests too, if any)`,
    );
    for (const [name, sent] of [
      ['floor', floor],
      ['receiver', run],
    ] as const)
      console.log(
        `  load generator (${name} run): sent ${N} in ${sent.sendSeconds.toFixed(1)} s for ${(N / RATE).toFixed(1)} s due; ` +
          `its lag behind schedule p95 ${pct(sent.lagMs, 95)} ms, max ${sent.lagMs[sent.lagMs.length - 1]} ms; ` +
          `${sent.sendSeconds > (N / RATE) * 1.05 + 0.5 || pct(sent.lagMs, 95) > 50 ? 'it was the limit: the figures above understate the load' : 'not the limit'}`,
      );
    console.log(
      `  page renders (batches): ${arrivals.length} for ${N} rows (${(arrivals.length / sendSeconds).toFixed(1)}/s); rows held by the page at the end: ${rowsShown} (history bound)`,
    );
    for (const m of memory) console.log(`  memory ${m.at.padEnd(10)} extension host RSS ${m.host ? mb(m.host) : 'n/a'}, page JS heap ${mb(m.page)}`);
    for (const g of gcFigures)
      console.log(
        `  after GC, ${g.at.padEnd(13)} extension host: V8 heap used ${mb(g.heap.heapUsed)} (of ${mb(g.heap.heapTotal)} reserved), ` +
          `external ${mb(g.heap.external)}, malloc'd by V8 ${mb(g.heap.mallocedMemory)}, RSS ${mb(g.heap.rss)}`,
      );
    const idle = gcFigures[0].heap;
    const soon = gcFigures[1].heap;
    const last = gcFigures[gcFigures.length - 1].heap;
    const kept = (h: HostHeap) => h.heapUsed + h.external;
    const retained = Math.max(kept(soon), kept(last)) - kept(idle);
    const sign = (b: number) => `${b >= 0 ? '+' : ''}${mb(b)}`;
    console.log(
      `  retained after GC over the idle figure: ${sign(kept(soon) - kept(idle))} at +5 s, ${sign(kept(last) - kept(idle))} at +15 s ` +
        `(V8 heap used + external; aim <= +30 MB: ${retained <= 30 * 1048576 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `  RSS after GC ${sign(soon.rss - idle.rss)} at +5 s while the objects kept grew ${sign(kept(soon) - kept(idle))}: the rest is memory freed ` +
        `but not yet given back to the system (V8 heap reserved ${mb(idle.heapTotal)} idle, ${mb(soon.heapTotal)} at +5 s); ` +
        `at +15 s RSS is ${sign(last.rss - idle.rss)} against idle`,
    );
    console.log(`  load average after: ${load()}`);
  } finally {
    await pool.close().catch(() => undefined);
    await wb.close();
  }
}

interface Sent {
  /** When each delivery the receiver accepted was sent, by the seq it answered. */
  readonly sentAt: Map<number, number>;
  /** POST → answer, sorted. */
  readonly answerMs: number[];
  /** How late each POST left against its schedule, sorted: the load generator's own delay. */
  readonly lagMs: number[];
  readonly failures: number;
  readonly sendSeconds: number;
}

/**
 * Sends N signed deliveries (batch, interaction and video events, each naming a job) at RATE/s: every
 * 10 ms, the ones due by then. `accepted` reads an answer: the seq to time its row by, else a failure.
 */
async function sendAtRate(
  pool: Pool,
  route: string,
  secret: string,
  accepted: (answer: { seq?: number; status?: string }) => number | undefined,
  afterEach?: (sent: number) => Promise<void>,
): Promise<Sent> {
  const sentAt = new Map<number, number>();
  const answerMs: number[] = [];
  const lagMs: number[] = [];
  let failures = 0;
  let sent = 0;
  const inflight = new Set<Promise<void>>();
  const started = Date.now();
  while (sent < N && Date.now() - started < SEND_LIMIT_MS) {
    const now = Date.now();
    const due = Math.min(N, Math.floor(((now - started) / 1000) * RATE) + 1);
    while (sent < due) {
      sent++;
      const type = sent % 3 === 0 ? 'batch.succeeded' : sent % 3 === 1 ? 'interaction.completed' : 'video.generated';
      const body = Buffer.from(JSON.stringify(makeEnvelope(type)));
      const id = `msg_bench_${sent}_${randomBytes(4).toString('hex')}`;
      const t0 = Date.now();
      lagMs.push(Math.max(0, t0 - (started + ((sent - 1) / RATE) * 1000)));
      const p = pool
        .request({ path: route, method: 'POST', headers: staticDeliveryHeaders(secret, id, Math.floor(t0 / 1000), body), body })
        .then(async (res) => {
          const seq = accepted((await res.body.json()) as { seq?: number; status?: string });
          if (seq === undefined) failures++;
          else if (seq > 0) sentAt.set(seq, t0);
          answerMs.push(Date.now() - t0);
        })
        .catch(() => void failures++);
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      await afterEach?.(sent);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all([...inflight]);
  const sendSeconds = (Date.now() - started) / 1000;
  return { sentAt, answerMs: answerMs.sort((a, b) => a - b), lagMs: lagMs.sort((a, b) => a - b), failures, sendSeconds };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
