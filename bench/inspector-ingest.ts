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
 * Loopback only; bounded by count and time. Prints; asserts nothing.
 *
 *   npm run build && npm run compile && node out/bench/inspector-ingest.js [N=10000] [RATE=1000]
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { Pool } from 'undici';
import type { Frame } from 'playwright-core';
import { makeEnvelope } from '../src/core/events/envelope';
import { freePort } from '../test/harness/codeServer';
import { frameWith, openWorkbench, REPO_ROOT, type Workbench } from '../test/harness/workbench';
import { afterGc, heapProbeExtension, type HostHeap } from './inspector/heapProbe';
import { staticDeliveryHeaders } from './load';

const N = Math.max(100, Math.min(Number(process.argv[2] ?? 10_000) || 10_000, 50_000));
const RATE = Math.max(10, Math.min(Number(process.argv[3] ?? 1_000) || 1_000, 5_000));
const SEND_LIMIT_MS = Math.ceil((N / RATE) * 1000) * 3 + 30_000;
const LABEL = 'bench-secret';

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** RSS of this run's extension host (found by its command line and private run dir). */
function extensionHostRss(runDir: string): number | undefined {
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('extensionHost')) continue;
      if (!fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(runDir)) continue;
      const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) return Number(match[1]) * 1024;
    } catch {
      // The process went away or is not ours to read.
    }
  }
  return undefined;
}

const inspectorFrame = (wb: Workbench): Promise<Frame> => frameWith(wb.page, '#list');

async function main(): Promise<void> {
  const port = await freePort();
  const heapPort = await freePort();
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const probeDir = heapProbeExtension();
  const wb = await openWorkbench({
    settings: { 'geminiWebhooks.backend': 'emulator', 'geminiWebhooks.receiver.port': port },
    viewport: { width: 1280, height: 800 },
    extensions: [REPO_ROOT, probeDir],
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

    // Send N deliveries at RATE/s: every 10 ms, the ones due by now.
    const sentAt = new Map<number, number>();
    const answerMs: number[] = [];
    let failures = 0;
    let sent = 0;
    const inflight = new Set<Promise<void>>();
    const started = Date.now();
    const checkpoints = new Set([Math.floor(N / 4), Math.floor(N / 2), Math.floor((3 * N) / 4)]);
    while (sent < N && Date.now() - started < SEND_LIMIT_MS) {
      const due = Math.min(N, Math.floor(((Date.now() - started) / 1000) * RATE) + 1);
      while (sent < due) {
        sent++;
        const body = Buffer.from(
          JSON.stringify(makeEnvelope(sent % 3 === 0 ? 'batch.succeeded' : sent % 3 === 1 ? 'interaction.completed' : 'video.generated')),
        );
        const id = `msg_bench_${sent}_${randomBytes(4).toString('hex')}`;
        const ts = Math.floor(Date.now() / 1000);
        const t0 = Date.now();
        const p = pool
          .request({
            path: '/webhooks',
            method: 'POST',
            headers: staticDeliveryHeaders(secret, id, ts, body),
            body,
          })
          .then(async (res) => {
            const answer = (await res.body.json()) as { seq?: number; status?: string };
            if (answer.status !== 'verified' || !answer.seq) failures++;
            else sentAt.set(answer.seq, t0);
            answerMs.push(Date.now() - t0);
          })
          .catch(() => void failures++);
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
        if (checkpoints.has(sent)) memory.push({ at: `${Math.round((sent / N) * 100)} %`, host: extensionHostRss(runDir), page: await pageHeap() });
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all([...inflight]);
    const sendSeconds = (Date.now() - started) / 1000;
    const maxSeq = Math.max(...sentAt.keys());
    const end = Date.now() + 30_000;
    let arrivals: Array<[number, number]> = [];
    while (Date.now() < end) {
      arrivals = await frame.evaluate(() => (window as unknown as { __arrivals: Array<[number, number]> }).__arrivals);
      if (arrivals.some(([seq]) => seq >= maxSeq)) break;
      await wb.page.waitForTimeout(200);
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
    console.log(`inspector ingest: ${N} signed deliveries at ${RATE}/s (sent in ${sendSeconds.toFixed(1)} s, ${failures} failed) into an open inspector`);
    console.log(
      `  POST → row in the page's list: median ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms, p99 ${pct(latencies, 99)} ms, max ${latencies[latencies.length - 1]} ms (${latencies.length} measured, ${missing} never seen)`,
    );
    answerMs.sort((a, b) => a - b);
    console.log(`  POST → receiver's answer (for comparison): median ${pct(answerMs, 50)} ms, p95 ${pct(answerMs, 95)} ms`);
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
  } finally {
    await pool.close().catch(() => undefined);
    await wb.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
