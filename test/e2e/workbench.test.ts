/**
 * First journey, as a user: open the workbench, open the Gemini Webhooks view from the Activity
 * Bar, run "Gemini Webhooks: Show Log" from the command palette and see the Output channel.
 * Screenshots go to test-results/screenshots/.
 */
import * as assert from 'node:assert/strict';
import { openWorkbench, type Workbench } from '../harness/workbench';

describe('workbench journey: the Gemini Webhooks view and its log', function () {
  this.timeout(180_000);
  let wb: Workbench;

  before(async () => {
    // The emulator backend with the sample webhooks `npm start` shows: the README's screenshot.
    wb = await openWorkbench({ settings: { 'geminiWebhooks.backend': 'emulator' }, env: { GEMINI_WEBHOOKS_SAMPLE_DATA: '1' } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await wb?.close();
  });

  it('shows the Gemini Webhooks container with its Webhooks and Events views', async () => {
    const sidebar = await wb.openGeminiView();
    await sidebar.locator('.pane-header', { hasText: 'Events' }).first().waitFor({ timeout: 30_000 });
    const title = await wb.page.locator('.sidebar .composite.title').first().innerText();
    assert.match(title, /GEMINI WEBHOOKS/i);
    const rows = await wb.waitForTreeRows('Webhooks');
    assert.ok(rows.length > 0, 'the Webhooks view lists the sample webhooks');
    await wb.screenshot('workbench-view');
  });

  it('runs "Gemini Webhooks: Show Log" from the command palette and shows its Output channel', async () => {
    await wb.runCommand('Gemini Webhooks: Show Log');
    const output = await wb.waitForOutput(/Gemini Webhooks activated \(VS Code [\d.]+, web UI\)/);
    assert.match(output, /\[info\]/);
    const channel = await wb.page
      .locator('.panel select.monaco-select-box')
      .first()
      .evaluate((select) => (select as HTMLSelectElement).selectedOptions[0]?.text ?? '');
    assert.equal(channel, 'Gemini Webhooks', "the Output panel shows the extension's channel");
    await wb.screenshot('workbench');
  });
});
