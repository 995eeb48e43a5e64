/**
 * The jobs journey through the real UI (code-server in Chromium), as a user: start a batch from the
 * command palette with its event delivered to the receiver, watch its row in the Jobs view reach
 * "succeeded" with its batch.succeeded event as a child, open the job's status document, and open its
 * results from the event's detail pane in the inspector.
 * Screenshots go to test-results/screenshots/jobs-*.png.
 */
import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { freePort } from '../harness/codeServer';
import { openWorkbench, type Workbench } from '../harness/workbench';

describe('jobs journey: start a batch, see its job and event, open the job', function () {
  this.timeout(300_000);
  let wb: Workbench;
  let step = 0;
  const shot = (name: string) => wb.screenshot(`jobs-${String(++step).padStart(2, '0')}-${name}`);

  const quickInput = () => wb.page.locator('.quick-input-widget');
  const box = () => quickInput().locator('input.input').first();
  const quickRow = (label: string) => quickInput().locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  const jobsPane = () => wb.page.locator('.pane', { has: wb.page.locator('.pane-header', { hasText: /^\s*Jobs/ }) }).first();
  const jobRow = (text: string | RegExp): Locator => jobsPane().locator('.monaco-list-row', { hasText: text }).first();
  /** Waits for the step whose title (or placeholder) says `what`. */
  const waitForPrompt = (what: string) =>
    wb.page.waitForFunction(
      (w) => {
        const widget = document.querySelector<HTMLElement>('.quick-input-widget');
        const title = widget?.querySelector('.quick-input-title')?.textContent ?? '';
        const input = widget?.querySelector<HTMLInputElement>('input.input');
        return !!widget && widget.offsetParent !== null && (title.includes(w) || (input?.placeholder ?? '').includes(w));
      },
      what,
      { timeout: 15_000 },
    );
  /** Waits for the step, then answers it. */
  const answer = async (what: string, text?: string) => {
    await waitForPrompt(what);
    if (text !== undefined) await box().fill(text);
    await box().press('Enter');
  };

  before(async () => {
    wb = await openWorkbench({
      settings: {
        'geminiWebhooks.backend': 'emulator',
        'geminiWebhooks.emulator.timeScale': 10,
        'geminiWebhooks.receiver.port': await freePort(),
      },
      viewport: { width: 1440, height: 860 },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`failed-jobs-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await wb?.close();
  });

  it('the Jobs view starts empty, with its welcome', async () => {
    await wb.openGeminiView();
    // A wider sidebar and the Webhooks view folded, so the job's rows are readable in the screenshots.
    await wb.widenSidebar(260);
    await wb.foldView('Webhooks');
    const welcome = jobsPane().locator('.welcome-view-content', { hasText: 'No jobs yet' });
    await welcome.waitFor({ timeout: 60_000 });
    assert.ok(await jobsPane().locator('.monaco-button', { hasText: 'Start Batch Job' }).first().isVisible());
  });

  it('starts a batch from the palette; its row reaches succeeded with its event as a child; Open Job shows its status', async () => {
    await wb.page.keyboard.press('F1');
    await box().waitFor({ timeout: 15_000 });
    await box().fill('>Gemini Webhooks: Start Batch Job');
    await quickRow('Start Batch Job').waitFor({ timeout: 15_000 });
    await box().press('Enter');
    await quickRow('Type the prompts').waitFor({ timeout: 15_000 });
    await box().press('Enter');
    await answer('Summarize the plot of Hamlet', 'Name three rivers | Write a haiku about webhooks');
    await answer('Model');
    await quickRow('To the receiver').waitFor({ timeout: 15_000 });
    await shot('deliver-to');
    await box().press('Enter');
    await answer('user_metadata', '{"journey":"jobs"}');
    await wb.waitForNotification(/Started batch batches\/\w+ \(2 requests\)/, 60_000);

    const row = jobRow(/Batch · succeeded · gemini-2\.5-flash/);
    await row.waitFor({ timeout: 60_000 });
    await row.click();
    await wb.page.keyboard.press('ArrowRight');
    const event = jobRow(/batch\.succeeded/);
    await event.waitFor({ timeout: 15_000 });
    assert.match(await event.innerText(), /#\d+ · .* · verified/);
    await jobRow('user_metadata').waitFor();
    assert.match(await jobRow('user_metadata').innerText(), /"journey":"jobs"/);
    assert.match(await jobRow(/^\s*Webhook/).innerText(), /http:\/\/127\.0\.0\.1:\d+\/webhooks/);
    // A screen reader hears each row as shown (a row's ARIA label is its tooltip unless it sets one): the URL, the local time.
    const labels = await wb.treeRows('Jobs');
    assert.ok(
      labels.some((l) => /^Webhook: http:\/\/127\.0\.0\.1:\d+\/webhooks$/.test(l)),
      labels.join(' | '),
    );
    assert.ok(
      labels.some((l) => /^batch\.succeeded, #\d+ · .* · verified$/.test(l) && !/\d{4}-\d\d-\d\dT/.test(l)),
      labels.join(' | '),
    );
    await shot('job-and-event');

    // Open Job from the row's inline action: the status document.
    await row.hover();
    await row.locator('.action-label[aria-label="Open Job"]').first().click();
    const editor = wb.page.locator('.editor-instance .view-lines').first();
    await wb.page.waitForFunction(
      () => (document.querySelector('.editor-instance .view-lines')?.textContent ?? '').includes('BATCH_STATE_SUCCEEDED'),
      undefined,
      {
        timeout: 30_000,
      },
    );
    assert.match((await editor.innerText()).replace(/\u00a0/g, ' '), /"name": "batches\/\w+"/);
    await wb.page
      .locator('.tab', { hasText: /\.json/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await shot('open-job');
  });

  it("the event opens in the inspector, whose Open Results button shows the batch's results file", async () => {
    await jobRow(/batch\.succeeded/).click();
    const detail = wb.page.frameLocator('iframe.webview').first().frameLocator('#active-frame').locator('#detail');
    await detail.locator('button[data-action="openJob"]').waitFor({ timeout: 30_000 });
    // Received reads like the Attempts section: local time and how long ago, the ISO time in the tooltip.
    const received = detail.locator('section.verdict tr', { has: wb.page.locator('th', { hasText: /^Received$/ }) }).locator('td');
    assert.match(await received.innerText(), /^\d{1,2}:\d\d:\d\d \((now|[\d.]+ (s|min) ago)\)$/);
    assert.match((await received.getAttribute('title')) ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    await detail.locator('button[data-action="openResults"]').click();
    // The emulator serves the results file the event points at (output_file_uri): one JSON line per request.
    await wb.page
      .locator('.tab', { hasText: /\.jsonl/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await wb.page.waitForFunction(
      () => Array.from(document.querySelectorAll('.editor-instance .view-lines')).some((e) => (e.textContent ?? '').includes('request-2')),
      undefined,
      {
        timeout: 30_000,
      },
    );
    await shot('open-results');
  });

  it('Cancel Job with no job still running says there is nothing to cancel', async () => {
    await wb.runCommand('Notifications: Clear All Notifications');
    await wb.runCommand('Gemini Webhooks: Cancel Job');
    await wb.waitForNotification(/still running: there is nothing to cancel/);
  });

  it("in High Contrast the inspector's buttons keep their border", async () => {
    await jobRow(/batch\.succeeded/).click();
    const button = wb.page.frameLocator('iframe.webview').first().frameLocator('#active-frame').locator('#detail button[data-action="openJob"]');
    await button.waitFor({ timeout: 30_000 });
    // The inspector takes the focus as it comes forward: let it, or it closes the palette opened meanwhile.
    await wb.page.waitForTimeout(1000);
    await wb.runCommand('Preferences: Color Theme');
    await waitForPrompt('Color Theme');
    await box().fill('Dark High Contrast');
    // A click on the theme itself (Enter could land on "Browse Additional Color Themes…").
    await quickInput()
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: wb.page.locator('.label-name', { hasText: /^\s*Dark High Contrast\s*$/ }) })
      .first()
      .click();
    const border = async () => button.evaluate((b) => getComputedStyle(b).borderTopColor + ' ' + getComputedStyle(b).borderTopWidth);
    const end = Date.now() + 30_000;
    while (!/^rgb\(\d+, \d+, \d+\) 1px$/.test(await border())) {
      if (Date.now() > end) throw new Error(`the Open Job button's border is ${await border()}`);
      await wb.page.waitForTimeout(200);
    }
    await shot('high-contrast');
  });
});
