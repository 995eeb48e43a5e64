/**
 * Failure rehearsal in the real editor: Simulate Receiver Failures through its prompts, the status
 * bar item, the embedded emulator retrying (time-scaled) and disabling a webhook on a 410, and
 * Re-enable Webhook on the tree row that state shows.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from 'undici';
import * as vscode from 'vscode';
import type { WebhooksClient } from '../../src/core/api';
import type { DeliveryAttempt } from '../../src/core/emulator/deliveryLog';
import { dedupePathFor } from '../../src/core/receiver/dedupe';
import type { ReceivedDelivery } from '../../src/core/receiver/types';
import type { ExtensionApi } from '../../src/extension/extension';
import { activateApi, input, liveClient, logFiles, nodeFor, pickLabel, script, tooltipOf, unique, until } from './webhooksHelpers';

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

describe('failure rehearsal: Simulate Receiver Failures, the emulator retrying, Re-enable', function () {
  this.timeout(90_000);
  let api: ExtensionApi;
  let client: WebhooksClient;
  const receiverConfig = () => vscode.workspace.getConfiguration('geminiWebhooks.receiver');
  const emulatorConfig = () => vscode.workspace.getConfiguration('geminiWebhooks.emulator');

  before(async () => {
    api = await activateApi();
    await api.backend.switchTo('emulator');
    await receiverConfig().update('port', 0, vscode.ConfigurationTarget.Global);
    script(api);
    await vscode.commands.executeCommand('geminiWebhooks.startReceiver');
    assert.ok(api.receiver.url, 'the receiver runs');
  });
  after(async () => {
    api.rehearsal.stop();
    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    await receiverConfig().update('port', undefined, vscode.ConfigurationTarget.Global);
    await emulatorConfig().update('timeScale', undefined, vscode.ConfigurationTarget.Global);
    await api.backend.apply();
  });

  /** A webhook on the embedded emulator pointing at the receiver, its secret stored (so its deliveries verify). */
  async function webhookAtReceiver(): Promise<{ id: string; name: string }> {
    client = await liveClient(api);
    const name = unique('rehearsal');
    const created = await client.create({ name, uri: api.receiver.url!, subscribed_events: ['batch.succeeded'] });
    await api.secrets.storeSigningSecret(created.webhook.id, created.newSigningSecret!);
    await api.receiver.refreshSecrets();
    return { id: created.webhook.id, name };
  }

  function nextRehearsed(): Promise<ReceivedDelivery> {
    return new Promise((resolve) => {
      const sub = api.receiver.onDidReceive((r) => {
        if (r.rehearsal) {
          sub.dispose();
          resolve(r);
        }
      });
    });
  }

  it('stopped while the receiver is starting: the receiver it started answers as usual', async () => {
    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    script(api);
    await vscode.commands.executeCommand('geminiWebhooks.simulateReceiverFailures', '500:5');
    // The dedupe memory's lock, held here, keeps the start waiting after it has read the plan in use.
    const lock = `${dedupePathFor(api.receiver.history!.path!)}.lock`;
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() }), { flag: 'wx' });
    let receiver;
    try {
      const starting = api.receiver.start();
      await new Promise((r) => setTimeout(r, 500));
      api.rehearsal.stop();
      fs.rmSync(lock);
      receiver = await starting;
    } finally {
      fs.rmSync(lock, { force: true });
    }
    assert.equal(api.rehearsal.plan, undefined);
    assert.equal(receiver.failurePlan, undefined, 'no plan left in the running receiver');
  });

  it('410 for 1: the status bar shows it, the ping is answered 410, the emulator disables the webhook, the tree offers Re-enable, and it re-enables', async () => {
    const { id, name } = await webhookAtReceiver();
    let ui = script(api, pickLabel('410 Gone'), input('1'));
    await vscode.commands.executeCommand('geminiWebhooks.simulateReceiverFailures');
    assert.equal(ui.pending, 0, 'every prompt was asked');
    assert.ok(ui.shown[0].items?.some((i) => i.startsWith('503')) && ui.shown[0].items.some((i) => i.startsWith('Timeout')), 'the kinds are offered');
    assert.equal(api.failureStatusBar.visible, true);
    assert.equal(api.failureStatusBar.text, '$(debug-disconnect) Failing next: 410');
    assert.doesNotMatch(api.failureStatusBar.accessibilityLabel, /\$\(/, 'no icon markup read aloud');
    assert.match(api.failureStatusBar.accessibilityLabel, /Failing next: 410.*Click to stop/);

    const rehearsed = nextRehearsed();
    script(api);
    await vscode.commands.executeCommand('geminiWebhooks.pingWebhook', (await nodeFor(api, id)).node);
    const record = await rehearsed;
    assert.equal(record.httpStatus, 410);
    assert.equal(record.rehearsal?.plan, '410:1');
    assert.equal(record.matchedSecret?.webhookId, id, 'a verified delivery of that webhook');
    // The Events view says what was answered.
    await until(() => api.eventsTree.nodes().some((n) => n.record.seq === record.seq), 'the event in the Events view');
    const eventItem = api.eventsTree.getTreeItem(api.eventsTree.nodes().find((n) => n.record.seq === record.seq)!);
    assert.match(String(eventItem.description), /verified · rehearsed 410$/);
    assert.match(String(eventItem.tooltip), /answered 410 \(rehearsed\)/);
    // Verified, but failed on purpose: a warning mark, not the green check of a delivery the sender saw succeed.
    assert.equal((eventItem.iconPath as vscode.ThemeIcon).id, 'debug-disconnect');
    await until(async () => (await client.get(id)).state === 'disabled_due_to_failed_deliveries', 'the emulator disabling the webhook');
    await until(() => !api.failureStatusBar.visible, 'the used-up plan to leave the status bar');
    // The output channel logs the rehearsal and each rehearsed answer.
    const logDir = path.dirname(api.paths.logs.fsPath);
    const logText = () =>
      logFiles(logDir)
        .map((f) => fs.readFileSync(f, 'utf8'))
        .join('\n');
    await until(() => logText().includes(`${record.webhookId} VERIFIED`), 'the delivery line in the log', 100);
    const log = logText();
    assert.match(log, /\[warning\].*VERIFIED v1 HMAC .*\[answered 410 \(rehearsed\)\] 410/);
    assert.match(log, /Simulating receiver failures \(410:1\): the next verified delivery is answered 410/);
    assert.match(log, /Failure rehearsal over \(410:1\)/);

    const { item } = await nodeFor(api, id);
    assert.equal(item.contextValue, 'webhook:disabled_due_to_failed_deliveries');
    assert.match(String(item.description), /^disabled \(failed deliveries\)/);
    // The tooltip (and the row's screen-reader label, in plain words) says why, and what to do.
    assert.match(tooltipOf(item).replace(/&nbsp;/g, ' '), /why: the service disabled it after failed deliveries.*Re-enable it/);
    assert.match(item.accessibilityInformation?.label ?? '', /disabled it after failed deliveries.*Re-enable it/);
    // Re-enable is on the row, inline and in its context menu, where Enable is not.
    const menus = (vscode.extensions.getExtension('gemini-webhooks-dev.gemini-webhooks')!.packageJSON as { contributes: { menus: Record<string, MenuItem[]> } })
      .contributes.menus['view/item/context'];
    const onRow = (command: string) =>
      menus.filter((m) => m.command === command && (m.when ?? '').includes(`viewItem == ${item.contextValue}`)).map((m) => m.group?.split('@')[0]);
    assert.deepEqual(onRow('geminiWebhooks.reenableWebhook').sort(), ['1_actions', 'inline']);
    assert.deepEqual(onRow('geminiWebhooks.enableWebhook'), []);

    // From the palette: the picker offers only webhooks disabled after failed deliveries.
    ui = script(api, pickLabel(name));
    await vscode.commands.executeCommand('geminiWebhooks.reenableWebhook');
    const picker = ui.shown.find((s) => s.kind === 'pick');
    assert.match(picker?.message ?? '', /re-enable/);
    assert.ok(picker?.items?.includes(name));
    assert.equal((await client.get(id)).state, 'enabled');
    assert.equal((await nodeFor(api, id)).item.contextValue, 'webhook:enabled');
  });

  it('three rehearsed 500s at a high time scale: four attempts with growing delays; the item counts down and its command turns the plan off', async () => {
    await emulatorConfig().update('timeScale', 2000, vscode.ConfigurationTarget.Global);
    await api.backend.apply();
    // The emulator restarted (its JWKS moved): the receiver restarts on it; wait for that before pointing a webhook at it.
    await api.receiver.start();
    const { id } = await webhookAtReceiver();
    script(api, pickLabel('500 Internal'), input('3'));
    await vscode.commands.executeCommand('geminiWebhooks.simulateReceiverFailures');
    assert.equal(api.failureStatusBar.text, '$(debug-disconnect) Failing next 3: 500');

    script(api);
    await vscode.commands.executeCommand('geminiWebhooks.pingWebhook', (await nodeFor(api, id)).node);
    const emulatorUrl = api.backend.emulatorUrl()!;
    let attempts: DeliveryAttempt[] = [];
    await until(
      async () => {
        const res = await request(`${emulatorUrl}/emulator/deliveries`);
        attempts = ((await res.body.json()) as { deliveries: DeliveryAttempt[] }).deliveries.filter((d) => d.webhook === id);
        return attempts.some((a) => a.outcome === 'delivered');
      },
      'four attempts',
      200,
    );
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.status]),
      [
        [1, 500],
        [2, 500],
        [3, 500],
        [4, 200],
      ],
    );
    const gaps = attempts.slice(1).map((a, i) => Date.parse(a.time) - Date.parse(attempts[i].time));
    assert.ok(gaps[0] < gaps[1] && gaps[1] < gaps[2], `growing delays: ${gaps.join(', ')} ms`);
    const records = (api.receiver.history?.all() ?? []).filter((r) => r.webhookId === attempts[0].webhook_id);
    assert.deepEqual(
      records.map((r) => r.rehearsal?.status ?? r.httpStatus),
      [500, 500, 500, 200],
    );
    assert.equal(records[3].verdict, 'verified', 'the answered attempt is processed, not a duplicate');
    // The inspector's Attempts section tells the same story: the emulator's four attempts, and four arrivals here.
    const drawn: { attempts: number; arrivals: number }[] = [];
    const sub = api.inspector.onDidReceiveMessage((m) => m.type === 'attemptsRendered' && m.seq === records[3].seq && drawn.push(m));
    try {
      await vscode.commands.executeCommand('geminiWebhooks.openInspector', { seq: records[3].seq });
      await until(async () => drawn.some((d) => d.attempts === 4 && d.arrivals === 4), 'the Attempts section with four attempts and four arrivals', 200);
    } finally {
      sub.dispose();
      api.inspector.close();
    }
    assert.equal(api.failureStatusBar.visible, false, 'used up');

    // A percentage stays on until its item (or the command) turns it off.
    script(api, pickLabel('Timeout'), input('50%'));
    await vscode.commands.executeCommand('geminiWebhooks.simulateReceiverFailures');
    assert.equal(api.failureStatusBar.text, '$(debug-disconnect) Failing 50%: timeout');
    const ui = script(api);
    assert.equal(await vscode.commands.executeCommand(api.failureStatusBar.command!), true);
    assert.equal(api.failureStatusBar.visible, false);
    assert.equal(api.receiver.failurePlan, undefined);
    assert.ok(ui.shown.some((s) => s.kind === 'info' && /Stopped simulating receiver failures/.test(s.message)));
  });

  it('a count that does not parse is refused in the prompt; a bad spec argument is a warning naming the forms', async () => {
    const ui = script(api, pickLabel('500 Internal'), input('0'));
    await vscode.commands.executeCommand('geminiWebhooks.simulateReceiverFailures');
    assert.match(ui.shown.find((s) => s.kind === 'input')?.validation ?? '', /count from 1 to 1000.*percentage from 1 to 100/);
    assert.equal(api.failureStatusBar.visible, false, 'nothing was turned on');
    const warned = script(api);
    assert.equal(await vscode.commands.executeCommand('geminiWebhooks.simulateReceiverFailures', '500:lots'), undefined);
    const warning = warned.shown.find((s) => s.kind === 'warn');
    assert.match(warning?.message ?? '', /not a failure spec.*STATUS\[:N\]/s);
    assert.equal(api.receiver.failurePlan, undefined);
  });
});
