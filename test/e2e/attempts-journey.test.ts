/**
 * Issue 14 item 3 through the real UI (code-server in Chromium): a batch job whose webhook_config
 * points at a stand-in that answers 500 twice before passing deliveries on to the receiver; the
 * inspector's detail shows the emulator's three attempts as a timeline (statuses, gaps, the outcome)
 * and the one arrival here; a delivery sent twice straight to the receiver shows its two arrivals,
 * each #seq a button that jumps to it by keyboard. Text and marks are measured for contrast.
 * Screenshots: test-results/screenshots/attempts-*.png.
 */
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Frame, FrameLocator } from 'playwright-core';
import { EmulatorJobsClient, startEmulatorJob } from '../../src/core/api';
import { EMULATOR_LOCAL_KEY } from '../../src/core/emulator';
import { sendStaticTestEvent } from '../../src/core/receiver/testEvent';
import { freePort } from '../harness/codeServer';
import { measureContrast } from '../harness/contrast';
import { frameWith, openWorkbench, type Workbench } from '../harness/workbench';

describe('attempts journey: every attempt of a retried delivery, and the arrivals of a repeated one', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let proxy: Server;
  let proxyUrl: string;
  let receiverPort: number;
  let emulatorPort: number;
  let step = 0;
  const shot = (name: string) => wb.screenshot(`attempts-${String(++step).padStart(2, '0')}-${name}`);
  const inspector = (): FrameLocator => wb.page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
  const inspectorFrame = (): Promise<Frame> => frameWith(wb.page, '#list', 0);
  const receiverUrl = () => `http://127.0.0.1:${receiverPort}/webhooks`;

  before(async () => {
    receiverPort = await freePort();
    emulatorPort = await freePort();
    // 500 to the first two requests, then each one passed on to the receiver and its answer relayed.
    let seen = 0;
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (seen++ < 2) return void res.writeHead(500).end('rehearsed failure');
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
        fetch(receiverUrl(), { method: 'POST', headers, body: Buffer.concat(chunks) })
          .then(async (answer) => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text()))
          .catch(() => res.writeHead(502).end());
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/hook`;
    wb = await openWorkbench({
      settings: {
        'geminiWebhooks.backend': 'emulator',
        'geminiWebhooks.emulator.port': emulatorPort,
        // The 5 s and 5 min backoff steps take 5 ms and ~0.3 s.
        'geminiWebhooks.emulator.timeScale': 1000,
        'geminiWebhooks.receiver.port': receiverPort,
      },
      viewport: { width: 1440, height: 860 },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`failed-attempts-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await wb?.close();
    await new Promise((r) => proxy?.close(r));
  });

  it('shows each attempt of an emulator delivery that needed retries: 500, 500, then delivered', async () => {
    await wb.openGeminiView();
    await wb.runCommand('Gemini Webhooks: Start Receiver');
    await wb.page
      .locator('.statusbar-item', { hasText: `:${receiverPort}` })
      .first()
      .waitFor({ timeout: 60_000 });
    const jobs = new EmulatorJobsClient({ baseUrl: `http://127.0.0.1:${emulatorPort}`, apiVersion: 'v1beta', apiKey: async () => EMULATOR_LOCAL_KEY });
    try {
      await startEmulatorJob(jobs, 'batch.succeeded', proxyUrl, { journey: randomUUID() });
    } finally {
      await jobs.close();
    }
    await wb.runCommand('Gemini Webhooks: Open Inspector');
    const row = inspector().locator('#list .row').first();
    await row.waitFor({ timeout: 60_000 });
    await row.click();
    const section = inspector().locator('#detail section.attempts');
    await section.locator('li.attempt').nth(2).waitFor({ timeout: 30_000 });
    await section.locator('p.outcome', { hasText: 'Delivered on attempt 3' }).waitFor({ timeout: 30_000 });
    const attempts = await section.locator('li.attempt').allInnerTexts();
    assert.equal(attempts.length, 3, attempts.join(' | '));
    assert.match(attempts[0], /Attempt 1[\s\S]*\d\d:\d\d:\d\d \([^)]+\)[\s\S]*HTTP 500[\s\S]*\d+ ms[\s\S]*backoff [\d.]+ m?s/);
    assert.match(attempts[1], /Attempt 2[\s\S]*HTTP 500[\s\S]*after attempt 1[\s\S]*backoff [\d.]+ m?s/);
    assert.match(attempts[2], /Attempt 3[\s\S]*HTTP 200[\s\S]*after attempt 2/);
    assert.doesNotMatch(attempts[2], /next retry/);
    assert.equal(await section.locator('li.attempt .mark[aria-label="retry scheduled"]').count(), 2);
    assert.match(await section.locator('.arrivals-summary').innerText(), /Arrived here once — answered 200 verified/);
    assert.equal(await section.locator('ol.timeline').getAttribute('tabindex'), '0', 'the timeline is reached with Tab');
    await wb.runCommand('Notifications: Clear All Notifications');
    await section.scrollIntoViewIfNeeded();
    await shot('retried');
  });

  it('shows the arrivals of a delivery sent twice straight to the receiver; another arrival is a button that jumps to it', async () => {
    const webhookId = `msg_${randomUUID()}`;
    // Unsigned: both arrivals are refused, and each says why.
    const first = await sendStaticTestEvent(receiverUrl(), 'batch.succeeded', undefined, { webhookId });
    const second = await sendStaticTestEvent(receiverUrl(), 'batch.succeeded', undefined, { webhookId });
    assert.equal(first.answer.status, 'rejected');
    const list = inspector().locator('#list .row');
    await inspector().locator('#list .row.verdict-rejected').nth(1).waitFor({ timeout: 30_000 });
    await list.first().click();
    const detail = inspector().locator('#detail');
    await detail.locator('h2.verdict-rejected').waitFor({ timeout: 15_000 });
    const section = detail.locator('section.attempts');
    await section.locator('li.arrival').nth(1).waitFor({ timeout: 30_000 });
    assert.match(
      await section.locator('.arrivals-summary').innerText(),
      new RegExp(`Arrived here 2 times — answered ${second.status} rejected / ${second.status} rejected`),
    );
    assert.match(await section.locator('p.note').innerText(), /no attempt of this webhook-id/);
    assert.equal(await section.locator('li.attempt').count(), 0, 'the emulator sent neither: no timeline');
    await section.scrollIntoViewIfNeeded();
    await shot('arrivals');
    const jump = section.locator('li.arrival button.seq');
    assert.equal(await jump.count(), 1, 'the other arrival, as a button');
    const target = (await jump.innerText()).trim();
    await jump.focus();
    await wb.page.keyboard.press('Enter');
    await detail.locator('h2', { hasText: `${target} batch.succeeded` }).waitFor({ timeout: 15_000 });
  });

  it('is readable: the section’s text at 4.5:1 or more, its marks at 3:1', async () => {
    const frame = inspector();
    await frame.locator('#list .row.verdict-verified').first().click();
    await frame.locator('#detail section.attempts li.attempt').nth(2).waitFor({ timeout: 30_000 });
    const real = await inspectorFrame();
    const text = await measureContrast(real, '#detail section.attempts :is(h3, p, li.attempt span:not(.mark), li.arrival span, time)');
    const marks = await measureContrast(real, '#detail section.attempts li.attempt .mark');
    assert.ok(text.length > 10 && marks.length === 3, `measured ${text.length} texts and ${marks.length} marks`);
    const failures = [
      ...text.filter((t) => t.ratio < 4.5).map((t) => `${t.what} ${t.ratio}:1 (${t.color} on ${t.background})`),
      ...marks.filter((m) => m.ratio < 3).map((m) => `mark ${m.what} ${m.ratio}:1 (${m.color} on ${m.background})`),
    ];
    assert.deepEqual(failures, []);
  });
});
