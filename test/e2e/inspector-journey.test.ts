/**
 * The inspector journey through the real UI (code-server in Chromium), as a user: start the receiver
 * from the status bar, add a signing secret by hand, trigger every catalog type (signed), one
 * unsigned and one through the emulator (dynamic, v1a Ed25519 as live deliveries are); see them in the inspector with the right verdicts,
 * filter and search, open details by keyboard, replay to the app; and prove a hostile body stays
 * inert text in the real browser. Screenshots go to test-results/screenshots/inspector-*.png; the
 * best one is copied to media/screenshot-inspector.png for the README.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Frame, FrameLocator } from 'playwright-core';
import { EVENT_CATALOG } from '../../src/core/events/catalog';
import { sendStaticTestEvent } from '../../src/core/receiver/testEvent';
import { freePort } from '../harness/codeServer';
import { measureContrast } from '../harness/contrast';
import { REPO_ROOT, frameWith, openWorkbench, type Workbench } from '../harness/workbench';

const LABEL = 'e2e-secret';
const XSS_TYPE = '<script>window.__pwned=1</script>';
const XSS_BODY = JSON.stringify({
  type: XSS_TYPE,
  version: 'v1',
  timestamp: new Date().toISOString(),
  data: {
    id: '<img src=x onerror=window.__pwned=2>',
    link: '<a href="javascript:window.__pwned=3">click me</a>',
    note: '</pre><script>window.__pwned=4</script>',
  },
});

describe('inspector journey: receive, list, filter, inspect, replay, stay safe', function () {
  this.timeout(300_000);
  let wb: Workbench;
  let app: Server;
  const appBodies: string[] = [];
  let receiverPort: number;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  let step = 0;
  const shot = (name: string) => wb.screenshot(`inspector-${String(++step).padStart(2, '0')}-${name}`);

  const quickInput = () => wb.page.locator('.quick-input-widget');
  const quickRow = (label: string) => quickInput().locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  const answer = async (text: string, row?: string) => {
    const box = quickInput().locator('input.input').first();
    await box.waitFor({ timeout: 15_000 });
    await box.fill(text);
    if (row) await quickRow(row).waitFor({ timeout: 15_000 });
    await box.press('Enter');
  };
  const runPromptingCommand = async (title: string) => {
    await wb.page.keyboard.press('F1');
    await answer(`>${title}`, title);
    await quickRow(title).waitFor({ state: 'detached', timeout: 15_000 });
  };
  /** Preferences: Color Theme, then a click on the theme (Enter could land on "Browse Additional Color Themes…"). */
  const exactRow = (label: string) =>
    quickInput()
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: wb.page.locator('.label-name', { hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) })
      .first();
  const pickTheme = async (theme: string) => {
    await wb.page.keyboard.press('F1');
    const box = quickInput().locator('input.input').first();
    await box.waitFor({ timeout: 15_000 });
    await box.fill('>Preferences: Color Theme');
    await exactRow('Preferences: Color Theme').click();
    await wb.page.waitForFunction(
      () => (document.querySelector<HTMLInputElement>('.quick-input-widget input.input')?.placeholder ?? '').includes('Color Theme'),
      undefined,
      { timeout: 15_000 },
    );
    await box.fill(theme);
    const row = exactRow(theme);
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await row.waitFor({ state: 'hidden', timeout: 15_000 });
  };
  const inspector = (): FrameLocator => wb.page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
  const inspectorFrame = (): Promise<Frame> => frameWith(wb.page, '#list', 0);
  const listCount = async () => Number(await inspector().locator('#list').getAttribute('data-count'));
  const waitForCount = async (n: number) => {
    const end = Date.now() + 60_000;
    while ((await listCount()) !== n) {
      if (Date.now() > end) throw new Error(`the list shows ${await listCount()} rows, expected ${n}`);
      await wb.page.waitForTimeout(200);
    }
  };

  before(async () => {
    app = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        appBodies.push(body);
        res.end('thanks');
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    receiverPort = await freePort();
    wb = await openWorkbench({
      settings: {
        'geminiWebhooks.backend': 'emulator',
        'geminiWebhooks.emulator.timeScale': 10,
        'geminiWebhooks.receiver.port': receiverPort,
        'geminiWebhooks.receiver.forwardTo': `http://127.0.0.1:${(app.address() as AddressInfo).port}/hook`,
      },
      // Sample webhooks with stored secrets ("Batch results", …): deliveries signed with theirs go by their names.
      env: { GEMINI_WEBHOOKS_SAMPLE_DATA: '1' },
      viewport: { width: 1440, height: 860 },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`failed-inspector-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await wb?.close();
    await new Promise((r) => app?.close(r));
  });

  it('starts the receiver from the status bar item', async () => {
    await wb.openGeminiView();
    const off = wb.page.locator('.statusbar-item', { hasText: 'Webhooks receiver off' }).first();
    await off.waitFor({ timeout: 60_000 });
    await off.click();
    await wb.page
      .locator('.statusbar-item', { hasText: `:${receiverPort}` })
      .first()
      .waitFor({ timeout: 30_000 });
  });

  it('adds a signing secret by hand (label, then a password input)', async () => {
    await runPromptingCommand('Gemini Webhooks: Add Signing Secret');
    await answer(LABEL);
    // The second step is a password box: the secret never shows on screen.
    const box = quickInput().locator('input.input[type="password"]').first();
    await box.waitFor({ timeout: 15_000 });
    await box.fill(secret);
    await box.press('Enter');
    await wb.waitForNotification(`Signing secret "${LABEL}" added`);
  });

  it('triggers every catalog type signed with it, one unsigned and one through the emulator', async () => {
    for (const { type } of EVENT_CATALOG) {
      await runPromptingCommand('Gemini Webhooks: Trigger Test Event');
      await answer(type, type);
      await answer(`Sign with "${LABEL}"`, LABEL);
      await wb.waitForNotification(new RegExp(`Sent ${type.replace('.', '\\.')}: verified`));
    }
    await runPromptingCommand('Gemini Webhooks: Trigger Test Event');
    await answer('video.generated', 'video.generated');
    await answer('Unsigned', 'Unsigned');
    await wb.waitForNotification(/Sent video\.generated: rejected/);
    await runPromptingCommand('Gemini Webhooks: Trigger Test Event');
    await answer('batch.succeeded', 'batch.succeeded');
    await answer('Through the emulator', 'Through the emulator');
    await wb.waitForNotification(/The emulator will deliver batch\.succeeded/);
  });

  it('lists every delivery in the inspector, newest first, with the right verdicts', async () => {
    await wb.runCommand('Gemini Webhooks: Open Inspector');
    const total = EVENT_CATALOG.length + 2;
    await waitForCount(total);
    const rows = inspector().locator('#list .row');
    const texts = await rows.allInnerTexts();
    assert.match(texts[0], /verified/, 'the newest (the emulator v1a delivery) first');
    assert.match(texts[0], /batch\.succeeded/);
    assert.equal(texts.filter((t) => /rejected/.test(t)).length, 1);
    assert.equal(texts.filter((t) => /verified/.test(t)).length, total - 1);
    for (const { type } of EVENT_CATALOG)
      assert.ok(
        texts.some((t) => t.includes(type)),
        `${type} listed`,
      );
    // The tree renders only the rows that fit: fold the views above Events so all of its rows are drawn.
    const folded: string[] = [];
    for (const title of ['Webhooks', 'Jobs']) if (await wb.foldView(title)) folded.push(title);
    const events = await wb.treeRows('Events');
    for (const title of folded) await wb.foldView(title, false);
    assert.ok(events.length >= total, `Events view rows: ${events.join(' | ')}`);
    await shot('list');
  });

  it('filters by verdict, type and source, and searches ids and body', async () => {
    const frame = inspector();
    await frame.locator('#filter-verdict').selectOption('rejected');
    await waitForCount(1);
    assert.match(await frame.locator('#list .row').first().innerText(), /video\.generated/);
    await frame.locator('#filter-verdict').selectOption('');
    await frame.locator('#filter-type').selectOption('batch.succeeded');
    await waitForCount(2);
    await frame.locator('#filter-type').selectOption('');
    await frame.locator('#filter-source').selectOption(`${LABEL} (added by hand)`);
    await waitForCount(EVENT_CATALOG.length);
    await frame.locator('#filter-source').selectOption('');
    await frame.locator('#search').fill('simulated failure');
    await waitForCount(2);
    await frame.locator('#search').fill('');
    await waitForCount(EVENT_CATALOG.length + 2);
  });

  it('opens details by keyboard (arrows, Enter): verdict, signature method and key, then the body, then collapsible headers', async () => {
    const frame = inspector();
    await frame.locator('#list .row').first().click();
    const detail = frame.locator('#detail');
    await detail.locator('h2', { hasText: 'batch.succeeded' }).waitFor({ timeout: 15_000 });
    // The body right under the verdict; the latency of a dynamic delivery split into key set and verification.
    assert.match(
      await detail.innerText(),
      /Signature\s+v1a Ed25519[\s\S]*Matched key[\s\S]*Thumbprint[\s\S]*Latency\s+[\d.]+ ms — key set [\d.]+ ms \((fetched|cached)\), verification [\d.]+ ms[\s\S]*Body \(\d+ bytes\)[\s\S]*user_metadata[\s\S]*vscode-test-event[\s\S]*Headers \(\d+\)/i,
    );
    const order = await frame.locator('#detail > section > h3, #detail > section .section-head h3, #detail > details h3').allInnerTexts();
    assert.deepEqual(
      order.slice(0, 2).map((t) => t.split(' (')[0].toUpperCase()),
      ['VERDICT', 'BODY'],
      order.join(' | '),
    );
    const rows = await frame.locator('#list .row .cell.seq').allInnerTexts();
    await wb.page.keyboard.press('ArrowDown');
    await wb.page.keyboard.press('ArrowDown');
    await wb.page.keyboard.press('Enter');
    // The third row's detail (not the first's, still shown until the answer comes).
    await detail.locator('h2', { hasText: `${rows[2]} ` }).waitFor({ timeout: 15_000 });
    const focused = await frame.locator('#list .row:focus').count();
    assert.equal(focused, 1, 'the active row has the keyboard focus');
    const text = await detail.innerText();
    assert.match(text, /Matched secret[\s\S]*e2e-secret/i);
    assert.doesNotMatch(text, /webhook-signature/, 'the headers start collapsed');
    // Headers open by keyboard (a native disclosure) and stay open for the next delivery.
    await detail.locator('details.headers > summary').focus();
    await wb.page.keyboard.press('Enter');
    await detail.locator('details.headers[open]').waitFor({ timeout: 15_000 });
    assert.match(await detail.innerText(), /webhook-signature/);
    assert.ok(!(await detail.innerText()).includes(secret.slice(6)), 'the secret is never shown');
    await shot('detail');
  });

  it('replays a delivery to the app from the detail pane', async () => {
    const frame = inspector();
    const before = appBodies.length;
    await frame.locator('#detail button[data-action="replay"]').click();
    await frame.locator('#detail .status.ok', { hasText: 'Replayed: your app answered 200' }).waitFor({ timeout: 30_000 });
    assert.ok(appBodies.length > before);
    const shown = await frame.locator('#detail pre.body').innerText();
    assert.deepEqual(JSON.parse(appBodies.at(-1) as string), JSON.parse(shown));
    await frame.locator('#detail h3', { hasText: /Replays \(1\)/ }).waitFor({ timeout: 15_000 });
  });

  it('renders a hostile body as inert text: no script runs, no element is created', async () => {
    const sent = await sendStaticTestEvent(`http://127.0.0.1:${receiverPort}/webhooks`, XSS_TYPE, secret, { body: XSS_BODY });
    assert.equal(sent.answer.status, 'verified');
    const frame = inspector();
    await waitForCount(EVENT_CATALOG.length + 3);
    const row = frame.locator('#list .row').first();
    assert.ok((await row.innerText()).includes(XSS_TYPE), 'the type shows as text in the list');
    await row.click();
    const detail = frame.locator('#detail');
    await detail.locator('h2', { hasText: XSS_TYPE }).waitFor({ timeout: 15_000 });
    const body = await detail.locator('pre.body').innerText();
    assert.ok(body.includes('<img src=x onerror=window.__pwned=2>'));
    assert.ok(body.includes('javascript:window.__pwned=3'));
    assert.ok(body.includes('</pre><script>window.__pwned=4</script>'));
    const real = await inspectorFrame();
    const probe = await real.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      // VS Code injects its own script into the frame; none may carry the payload or sit in our panes.
      hostileScripts: Array.from(document.querySelectorAll('script')).filter((s) => (s.textContent ?? '').includes('__pwned')).length,
      paneScripts: document.querySelectorAll('#list script, #detail script, .toolbar script').length,
      imgs: document.querySelectorAll('img').length,
      links: document.querySelectorAll('a').length,
    }));
    assert.deepEqual(probe, { pwned: undefined, hostileScripts: 0, paneScripts: 0, imgs: 0, links: 0 });
    assert.equal(await wb.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await shot('xss-inert');
  });

  it('disables Replay to app on a rejected delivery, with the reason in its tooltip', async () => {
    const frame = inspector();
    await frame.locator('#filter-verdict').selectOption('rejected');
    await waitForCount(1);
    await frame.locator('#list .row').first().click();
    const replay = frame.locator('#detail button[data-action="replay"]');
    await frame.locator('#detail h2', { hasText: 'video.generated' }).waitFor({ timeout: 15_000 });
    assert.equal(await replay.isDisabled(), true);
    assert.match((await replay.getAttribute('title')) ?? '', /Only verified deliveries are replayed to your app: this one was rejected \(/);
    await frame.locator('#filter-verdict').selectOption('');
  });

  it("names a webhook's deliveries by its name: the signing picker, the source column and filter, the matched secret", async () => {
    await runPromptingCommand('Gemini Webhooks: Trigger Test Event');
    await answer('batch.expired', 'batch.expired');
    await quickRow("Sign with Batch results's stored secret").waitFor({ timeout: 15_000 });
    await shot('trigger-by-name');
    await answer("Batch results's stored secret", "Sign with Batch results's stored secret");
    await wb.waitForNotification(/Sent batch\.expired: verified/);
    const frame = inspector();
    await waitForCount(EVENT_CATALOG.length + 4);
    const row = frame.locator('#list .row').first();
    const source = row.locator('.cell.source');
    assert.equal(await source.innerText(), 'Batch results');
    assert.match((await source.getAttribute('title')) ?? '', /^webhook [a-z0-9]{20,}$/, 'the id in the tooltip');
    const option = frame.locator('#filter-source option', { hasText: 'Batch results' });
    assert.equal(await option.count(), 1);
    await frame.locator('#filter-source').selectOption({ label: 'Batch results' });
    await waitForCount(1);
    await row.click();
    const detail = frame.locator('#detail');
    await detail.locator('h2', { hasText: 'batch.expired' }).waitFor({ timeout: 15_000 });
    assert.match(await detail.innerText(), /Source\s+Batch results[\s\S]*Matched secret\s+Batch results \(current\)[\s\S]*Webhook id\s+[a-z0-9]{20,}/);
    await frame.locator('#filter-source').selectOption('');
  });

  it('shows the body as received or pretty without changing a token (Raw / Pretty by keyboard), and replays it byte for byte', async () => {
    const body =
      '{"type":"batch.succeeded","version":"v1","timestamp":"' +
      new Date().toISOString() +
      '","data":{"id":"batches/raw","count":12345678901234567890,"huge":1e400,"name":"caf\\u00e9","dup":1,"dup":2}}';
    const sent = await sendStaticTestEvent(`http://127.0.0.1:${receiverPort}/webhooks`, 'batch.succeeded', secret, { body });
    assert.equal(sent.answer.status, 'verified');
    const frame = inspector();
    await waitForCount(EVENT_CATALOG.length + 5);
    await frame.locator('#list .row').first().click();
    const detail = frame.locator('#detail');
    await detail.locator('h2', { hasText: `#${sent.answer.seq} batch.succeeded` }).waitFor({ timeout: 15_000 });
    const pre = detail.locator('pre.body');
    const pretty = await pre.innerText();
    assert.match(pretty, /"count": 12345678901234567890,/);
    assert.match(pretty, /"huge": 1e400,/);
    assert.match(pretty, /"name": "caf\\u00e9"/);
    assert.equal(pretty.match(/"dup":/g)?.length, 2, 'both duplicate keys');
    assert.equal(
      pretty.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_m, str: string | undefined) => str ?? ''),
      body,
      'whitespace is all that differs',
    );
    // Raw: the toggle is a pair of buttons, reached with Tab and pressed with Space.
    const raw = detail.locator('.view-toggle button[data-view="raw"]');
    await raw.focus();
    await wb.page.keyboard.press('Space');
    assert.equal(await raw.getAttribute('aria-pressed'), 'true');
    assert.equal(await pre.innerText(), body, 'the raw body, exactly as received');
    await shot('raw-body');
    const before = appBodies.length;
    await detail.locator('button[data-action="replay"]').click();
    await detail.locator('.status.ok', { hasText: 'Replayed: your app answered 200' }).waitFor({ timeout: 30_000 });
    assert.ok(appBodies.length > before);
    assert.equal(appBodies.at(-1), body, 'the app gets the same bytes');
    // Back to pretty for what follows (the choice is kept from one delivery to the next).
    await detail.locator('.view-toggle button[data-view="pretty"]').click();
  });

  it('says a body was not read rather than "0 bytes" beside its content-length', async () => {
    const res = await fetch(`http://127.0.0.1:${receiverPort}/not-the-path`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 404);
    const frame = inspector();
    await waitForCount(EVENT_CATALOG.length + 6);
    await frame.locator('#list .row').first().click();
    const detail = frame.locator('#detail');
    await detail.locator('h2', { hasText: '(rejected)' }).waitFor({ timeout: 15_000 });
    assert.match(await detail.locator('.body-section h3').innerText(), /Body \(not read: the request was refused before its body; content-length 2\)/i);
    assert.equal(await frame.locator('#list .row').first().locator('.cell.type').innerText(), '(rejected)', 'the same words in the list');
  });

  it('is readable in every theme: text at 4.5:1 or more, marks at 3:1, in Light, Dark and both High Contrast themes', async () => {
    const frame = inspector();
    // A verified delivery with a status message, in the list and in the detail.
    await frame.locator('#list .row.verdict-verified').first().click();
    await frame.locator('#detail h2').waitFor();
    await frame.locator('#detail button[data-action="copyCurl"]').click();
    await frame.locator('#detail .status.ok').waitFor({ timeout: 15_000 });
    const failures: string[] = [];
    for (const [theme, kind] of [
      // The picker's labels (the setting's ids are "Default Light Modern" and so on); the 2026 ones are the defaults.
      ['Light 2026', 'vscode-light'],
      ['Dark 2026', 'vscode-dark'],
      ['Light Modern', 'vscode-light'],
      ['Dark Modern', 'vscode-dark'],
      ['Dark High Contrast', 'vscode-high-contrast'],
      ['Light High Contrast', 'vscode-high-contrast-light'],
    ] as const) {
      await pickTheme(theme);
      const real = await inspectorFrame();
      const end = Date.now() + 30_000;
      while (!(await real.evaluate((k) => document.body.classList.contains(k), kind))) {
        if (Date.now() > end) throw new Error(`the inspector did not switch to ${theme}`);
        await wb.page.waitForTimeout(200);
      }
      await wb.page.waitForTimeout(300);
      const text = await measureContrast(
        real,
        '#list .row .cell, .toolbar .count, .toolbar .receiver, .toolbar select, #detail :is(h2 span:not(.mark), h3, th, td, pre, p, .status, button, summary, li span:not(.mark), time)',
      );
      const marks = [
        ...(await measureContrast(real, '#detail .title .mark, #list .row .mark')),
        ...(await measureContrast(real, '#detail .status, .toolbar .receiver', '::before')),
      ];
      assert.ok(text.length > 20 && marks.length > 0, `measured ${text.length} texts and ${marks.length} marks`);
      for (const t of text) if (t.ratio < 4.5) failures.push(`${theme}: ${t.what} ${t.ratio}:1 (${t.color} on ${t.background})`);
      for (const m of marks) if (m.ratio < 3) failures.push(`${theme}: mark ${m.what} ${m.ratio}:1 (${m.color} on ${m.background})`);
      await wb.screenshot(`inspector-theme-${kind}`);
    }
    await pickTheme('Light 2026');
    assert.deepEqual(failures, []);
  });

  it('the receiver status bar item reads as plain words to a screen reader', async () => {
    const item = wb.page.locator('.statusbar-item', { hasText: `:${receiverPort}` }).first();
    const label = (await item.getAttribute('aria-label')) ?? (await item.locator('[aria-label]').first().getAttribute('aria-label')) ?? '';
    assert.match(label, /Receiving webhooks at http:\/\/127\.0\.0\.1:\d+\/webhooks/);
    assert.doesNotMatch(label, /&nbsp;|&#|\\/, label);
  });

  it('saves the inspector screenshot for the README', async () => {
    const frame = inspector();
    await wb.runCommand('Notifications: Clear All Notifications');
    // The emulator's v1a delivery: verdict, method and key, the latency split, the body right below.
    const row = frame.locator('#list .row', { hasText: 'dynamic webhook' }).first();
    const seq = await row.locator('.cell.seq').innerText();
    await row.click();
    await frame.locator('#detail h2', { hasText: `${seq} batch.succeeded` }).waitFor();
    const file = await shot('readme');
    // README images are refreshed on request only, so a test run leaves the work tree clean.
    if (process.env.GEMINI_WEBHOOKS_UPDATE_SCREENSHOTS === '1') fs.copyFileSync(file, path.join(REPO_ROOT, 'media', 'screenshot-inspector.png'));
  });
});
