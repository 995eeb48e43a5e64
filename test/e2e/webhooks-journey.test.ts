/**
 * The webhook journey through the real UI (code-server in Chromium), as a user: the Webhooks view on
 * the local emulator (no key needed) with the sample webhooks; create one by answering the quick
 * inputs, see the secret modal and click Copy; find it in the tree; edit its events from the context
 * menu; rotate its secret; ping it; delete it through the confirmation modal.
 * Screenshots of every step go to test-results/screenshots/webhooks-*.png; the tree shot is copied
 * to media/screenshot-tree.png for the README.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { REPO_ROOT, openWorkbench, type Workbench } from '../harness/workbench';

const NAME = 'Journey hook';

describe('webhooks journey: create, see, edit, rotate, ping, delete', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let step = 0;
  const shot = (name: string) => wb.screenshot(`webhooks-${String(++step).padStart(2, '0')}-${name}`);

  const quickInput = () => wb.page.locator('.quick-input-widget');
  /** Answers the quick input whose title contains `step` (e.g. "(2/3)"): the same widget is reused between prompts. */
  const answerInput = async (step: string, text: string | undefined) => {
    await quickInput().locator('.quick-input-title', { hasText: step }).waitFor({ timeout: 15_000 });
    const box = quickInput().locator('input.input').first();
    if (text !== undefined) await box.fill(text);
    await box.press('Enter');
  };
  const quickRow = (label: string) => quickInput().locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  const webhooksPane = () => wb.page.locator('.pane', { has: wb.page.locator('.pane-header', { hasText: /^\s*Webhooks/ }) }).first();
  const treeRow = (text: string | RegExp): Locator => webhooksPane().locator('.monaco-list-row', { hasText: text }).first();
  /** The harness's runCommand waits for the palette to close; these commands keep a quick input open. */
  const runPromptingCommand = async (title: string) => {
    await wb.page.keyboard.press('F1');
    const box = quickInput().locator('input.input').first();
    await box.waitFor({ timeout: 15_000 });
    await box.fill(`>${title}`);
    await quickRow(title).waitFor({ timeout: 15_000 });
    await box.press('Enter');
    await quickRow(title).waitFor({ state: 'detached', timeout: 15_000 });
  };
  const contextMenu = async (row: Locator, action: string) => {
    await row.click({ button: 'right' });
    const item = wb.page.locator('.monaco-menu .action-item', { hasText: action }).first();
    await item.waitFor({ timeout: 15_000 });
    // Monaco menus may drop a click that lands right after they open: focus the item, then Enter.
    await item.hover();
    await wb.page.waitForTimeout(150);
    await wb.page.keyboard.press('Enter');
    await item.waitFor({ state: 'detached', timeout: 15_000 });
  };

  before(async () => {
    wb = await openWorkbench({
      settings: { 'geminiWebhooks.backend': 'emulator' },
      env: { GEMINI_WEBHOOKS_SAMPLE_DATA: '1' },
      viewport: { width: 1280, height: 760 },
    });
    await wb.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(wb.url).origin });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`failed-webhooks-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await wb?.close();
  });

  it('opens the Webhooks view on the emulator (no key needed) with the sample webhooks', async () => {
    await wb.openGeminiView();
    // A wider sidebar, so descriptions are readable in the screenshots.
    await wb.widenSidebar(190);
    await treeRow('Batch results').waitFor({ timeout: 60_000 });
    await treeRow('Video pipeline (paused)').waitFor();
    const status = wb.page.locator('.statusbar-item', { hasText: /Emulator :\d+/ }).first();
    await status.waitFor({ timeout: 15_000 });
    assert.match(await status.innerText(), /Emulator :\d+/);
    await shot('samples');
  });

  it('creates a webhook through the quick inputs; the secret modal offers Copy', async () => {
    await runPromptingCommand('Gemini Webhooks: Create Webhook');
    await answerInput('Create Webhook (1/3)', NAME);
    await answerInput('Create Webhook (2/3)', 'https://example.com/hooks/journey');
    await quickInput().locator('.quick-input-title', { hasText: 'Create Webhook (3/3)' }).waitFor({ timeout: 15_000 });
    await quickRow('batch.succeeded').waitFor({ timeout: 15_000 });
    await shot('create-events');
    await quickRow('batch.succeeded').locator('.quick-input-list-checkbox, input[type=checkbox], .monaco-custom-toggle').first().click();
    await quickRow('batch.failed').locator('.quick-input-list-checkbox, input[type=checkbox], .monaco-custom-toggle').first().click();
    await quickInput().locator('input.input').first().press('Enter');
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const text = await dialog.innerText();
    assert.match(text, new RegExp(`Webhook "${NAME}" created`));
    assert.match(text, /whsec_[A-Za-z0-9+/=]{20,}/, 'the modal shows the secret once');
    await shot('secret-modal');
    await dialog.locator('.monaco-button', { hasText: 'Copy' }).first().click();
    await wb.waitForNotification('Signing secret copied to the clipboard.');
  });

  it('shows the new webhook in the tree with its state and events', async () => {
    const row = treeRow(NAME);
    await row.waitFor({ timeout: 30_000 });
    assert.match(await row.innerText(), /enabled · 2 events/);
    await row.click();
    await wb.page.keyboard.press('ArrowRight');
    await treeRow(/^\s*Signing secrets/).waitFor({ timeout: 15_000 });
    await treeRow('https://example.com/hooks/journey').waitFor();
    await shot('tree');
  });

  it('edits the events from the context menu', async () => {
    await contextMenu(treeRow(NAME), 'Edit Webhook');
    await answerInput(`Edit ${NAME} (1/3)`, undefined);
    await answerInput(`Edit ${NAME} (2/3)`, undefined);
    await quickInput()
      .locator('.quick-input-title', { hasText: `Edit ${NAME} (3/3)` })
      .waitFor({ timeout: 15_000 });
    await quickRow('video.generated').waitFor({ timeout: 15_000 });
    await quickRow('video.generated').locator('.quick-input-list-checkbox, input[type=checkbox], .monaco-custom-toggle').first().click();
    await shot('edit-events');
    await quickInput().locator('input.input').first().press('Enter');
    await treeRow(NAME).filter({ hasText: 'enabled · 3 events' }).waitFor({ timeout: 30_000 });
    assert.match(await treeRow(NAME).innerText(), /enabled · 3 events/);
    await shot('edited');
  });

  it('disables, enables and copies the id from the command palette, picking the webhook by name, state and URI', async () => {
    await runPromptingCommand('Gemini Webhooks: Disable Webhook');
    const pick = quickRow(NAME);
    await pick.waitFor({ timeout: 15_000 });
    const text = await pick.innerText();
    assert.match(text, /enabled/);
    assert.match(text, /https:\/\/example\.com\/hooks\/journey/);
    assert.equal(await quickRow('Video pipeline (paused)').count(), 0, 'a disabled webhook is not offered to Disable');
    await shot('palette-disable');
    await pick.click();
    await treeRow(NAME).filter({ hasText: 'disabled' }).waitFor({ timeout: 30_000 });
    await runPromptingCommand('Gemini Webhooks: Enable Webhook');
    await quickRow(NAME).waitFor({ timeout: 15_000 });
    await quickRow('Video pipeline (paused)').waitFor();
    assert.equal(await quickRow('Batch results').count(), 0, 'an enabled webhook is not offered to Enable');
    await quickRow(NAME).click();
    await treeRow(NAME).filter({ hasText: 'enabled' }).waitFor({ timeout: 30_000 });
    await runPromptingCommand('Gemini Webhooks: Copy ID');
    await quickRow(NAME).click();
    await wb.waitForNotification(/Copied the id [a-z0-9]{20,}/);
    await runPromptingCommand('Gemini Webhooks: Copy URI');
    await quickRow(NAME).click();
    await wb.waitForNotification('Copied https://example.com/hooks/journey');
  });

  it('rotates the signing secret, keeping the previous one for 24 hours', async () => {
    await contextMenu(treeRow(NAME), 'Rotate Signing Secret');
    await quickRow('Revoke previous after 24 hours').waitFor({ timeout: 15_000 });
    await shot('rotate-choice');
    await quickRow('Revoke previous after 24 hours').click();
    // The new secret is shown once, for deployment to the app, with Copy.
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const text = await dialog.innerText();
    assert.match(text, new RegExp(`New signing secret for "${NAME}"`));
    assert.match(text, /whsec_[A-Za-z0-9+/=]{20,}/, 'the modal shows the new secret once');
    assert.match(text, /previous one keeps working until in 2[34] h — /);
    assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT\d\d:/, 'no raw ISO time');
    // The rotation has happened: Copy and Close, no Cancel.
    const buttons = await dialog.locator('.monaco-button').allInnerTexts();
    // (The dialog orders its buttons by platform.)
    assert.deepEqual(
      buttons
        .map((b) => b.trim())
        .filter(Boolean)
        .sort(),
      ['Close', 'Copy'],
    );
    await shot('rotate-secret-modal');
    await dialog.locator('.monaco-button', { hasText: 'Copy' }).first().click();
    await wb.waitForNotification('Signing secret copied to the clipboard.');
    await wb.waitForNotification(/previous one keeps working until/);
    // Show both secrets: the new current one and the previous one with its expiry, both stored locally.
    await treeRow(/^\s*Signing secrets/).click();
    await wb.page.keyboard.press('ArrowRight');
    await treeRow(/expires .*full secret stored locally/).waitFor({ timeout: 30_000 });
    await treeRow(/current · full secret stored locally/).waitFor();
    // Tooltips (a row's ARIA label) read local times, and no row's label carries markup entities.
    const labels = await wb.treeRows('Webhooks');
    const expiring = labels.find((l) => /expires in 2[34] h/.test(l));
    assert.ok(expiring, labels.join(' | '));
    assert.doesNotMatch(expiring, /\d{4}-\d\d-\d\dT\d\d:/);
    for (const label of labels) assert.doesNotMatch(label, /&nbsp;|&#|\*\*/, label);
    await treeRow(/^\s*Events/).click();
    await wb.page.keyboard.press('ArrowRight');
    await treeRow(/^\s*video\.generated/).waitFor();
    await wb.runCommand('Notifications: Clear All Notifications');
    await wb.page.mouse.move(900, 500);
    const file = await shot('rotated-tree');
    // README images are refreshed on request only, so a test run leaves the work tree clean.
    if (process.env.GEMINI_WEBHOOKS_UPDATE_SCREENSHOTS === '1') fs.copyFileSync(file, path.join(REPO_ROOT, 'media', 'screenshot-tree.png'));
  });

  it('pings the webhook', async () => {
    await contextMenu(treeRow(NAME), 'Ping Webhook');
    await wb.waitForNotification('Ping sent');
    await shot('pinged');
  });

  it('deletes the webhook after the confirmation modal', async () => {
    await contextMenu(treeRow(NAME), 'Delete Webhook');
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    assert.match(await dialog.innerText(), new RegExp(`Delete webhook "${NAME}"\\?`));
    await shot('delete-confirm');
    await dialog
      .locator('.monaco-button', { hasText: /^Delete$/ })
      .first()
      .click();
    await treeRow(NAME).waitFor({ state: 'detached', timeout: 30_000 });
    await treeRow('Batch results').waitFor();
    await shot('deleted');
  });
});
