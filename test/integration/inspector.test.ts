/**
 * The event inspector inside the real editor: the webview host queues until the page is ready,
 * a burst of deliveries reaches the page in batches, the serializer path restores the panel, and
 * the event commands (trigger, add secret, replay, export, clear) run with scripted prompts.
 */
import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ForwardResult, ReceivedDelivery } from '../../src/core/receiver/types';
import { sendStaticTestEvent } from '../../src/core/receiver/testEvent';
import { EVENT_CATALOG } from '../../src/core/events/catalog';
import { EMULATOR_JOB_TYPES } from '../../src/core/api/testEventJobs';
import type { ExtensionApi } from '../../src/extension/extension';
import type { PageMessage } from '../../src/webview/inspector/protocol';
import { activateApi, confirm, input, pickLabel, script } from './webhooksHelpers';
import { WEBVIEWS } from '../../src/extension/platform/ids';

/** Polls until `check` is true (bounded). */
async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Records every message the page sends to the host. */
function recordPage(api: ExtensionApi): { messages: PageMessage[]; dispose(): void } {
  const messages: PageMessage[] = [];
  const sub = api.inspector.onDidReceiveMessage((m) => messages.push(m));
  return { messages, dispose: () => sub.dispose() };
}

describe('event inspector (webview host, Events view, status bar, commands)', function () {
  this.timeout(90_000);
  let api: ExtensionApi;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const label = `it-inspector-${randomUUID().slice(0, 6)}`;
  const config = () => vscode.workspace.getConfiguration('geminiWebhooks.receiver');

  before(async () => {
    api = await activateApi();
    await config().update('port', 0, vscode.ConfigurationTarget.Global);
    await api.secrets.addManualSecret(label, secret);
    await api.receiver.start();
    await api.receiver.refreshSecrets();
    await api.receiver.history?.clear();
  });

  after(async () => {
    api.inspector.close();
    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    await api.secrets.removeManualSecret(label);
    await config().update('port', undefined, vscode.ConfigurationTarget.Global);
    await config().update('forwardTo', undefined, vscode.ConfigurationTarget.Global);
  });

  it('queues what the host says until the page is ready, then sends init and the queue', async () => {
    const sent = await sendStaticTestEvent(api.receiver.url as string, 'batch.succeeded', secret);
    const seq = sent.answer.seq as number;
    const page = recordPage(api);
    try {
      api.inspector.close();
      await vscode.commands.executeCommand('geminiWebhooks.openInspector', { seq });
      assert.equal(api.inspector.isOpen, true);
      assert.equal(api.inspector.isReady, false, 'the page cannot be ready synchronously');
      assert.ok(api.inspector.stats.queued >= 1, 'the select message waits in the queue');
      await until(() => page.messages.some((m) => m.type === 'ready'), 'the page to say ready');
      assert.equal(api.inspector.isReady, true);
      assert.equal(api.inspector.stats.queued, 0);
      // The queued `select` reached the page: it asks for that event's detail.
      await until(() => page.messages.some((m) => m.type === 'requestDetail' && m.seq === seq), 'the page to request the selected event');
    } finally {
      page.dispose();
    }
  });

  it('a burst of 500 deliveries reaches the page in batches (far fewer flushes than rows)', async () => {
    const page = recordPage(api);
    const before = { ...api.inspector.stats };
    const url = api.receiver.url as string;
    const seqs: number[] = [];
    try {
      for (let i = 0; i < 500; i += 50) {
        const results = await Promise.all(Array.from({ length: 50 }, () => sendStaticTestEvent(url, 'interaction.completed', secret)));
        for (const r of results) seqs.push(r.answer.seq as number);
      }
      const rendered = new Set<number>();
      await until(() => {
        for (const m of page.messages) if (m.type === 'rendered') for (const s of m.seqs) rendered.add(s);
        return seqs.every((s) => rendered.has(s));
      }, 'all 500 rows to be rendered by the page');
      const flushes = api.inspector.stats.appendFlushes - before.appendFlushes;
      const renders = page.messages.filter((m) => m.type === 'rendered');
      assert.equal(api.inspector.stats.appendedRows - before.appendedRows, 500);
      assert.ok(flushes >= 1 && flushes < 500, `${flushes} flushes for 500 rows`);
      assert.equal(renders.length, flushes, 'the page rendered once per batch');
      assert.ok(renders.every((m) => m.seqs.length <= 500));
    } finally {
      page.dispose();
    }
  });

  it('restores a panel through the serializer path, with the selected event', async () => {
    const seq = api.receiver.history?.lastSeq as number;
    api.inspector.close();
    assert.equal(api.inspector.isOpen, false);
    const page = recordPage(api);
    try {
      // What VS Code does after a reload: a fresh panel of our view type, handed to the serializer with the page's saved state.
      const panel = vscode.window.createWebviewPanel(WEBVIEWS.inspector, 'Webhook Inspector', vscode.ViewColumn.Active, {});
      api.inspector.restore(panel, { selected: seq });
      assert.equal(api.inspector.isOpen, true);
      await until(() => page.messages.some((m) => m.type === 'ready'), 'the restored page to be ready');
      await until(() => page.messages.some((m) => m.type === 'requestDetail' && m.seq === seq), 'the restored page to reselect the event');
    } finally {
      page.dispose();
    }
  });

  it('lists deliveries in the Events view with verdict context values and an open-in-inspector command', async () => {
    await sendStaticTestEvent(api.receiver.url as string, 'video.generated', undefined);
    await until(() => api.eventsTree.nodes()[0]?.record.verdict === 'rejected', 'the rejected delivery at the top');
    const [top, next] = api.eventsTree.nodes().map((n) => api.eventsTree.getTreeItem(n));
    assert.equal(top.label, 'video.generated', 'a rejected delivery still names the type its body claims');
    assert.equal(top.contextValue, 'event:rejected');
    assert.match(String(top.description), /rejected/);
    assert.equal(next.contextValue, 'event:verified');
    assert.equal(top.command?.command, 'geminiWebhooks.openInspector');
    assert.ok(api.eventsTree.nodes().length <= 200);
    await until(() => api.receiverStatusBar.warning, 'the warning background after a rejection');
    assert.match(api.receiverStatusBar.text, new RegExp(`:${api.receiver.port}`));
  });

  it('Trigger Test Event signs with the picked stored secret; Add Signing Secret validates', async () => {
    const ui = script(api, pickLabel('batch.failed'), pickLabel(`"${label}"`));
    const result = await vscode.commands.executeCommand<{ verdict?: string; seq?: number }>('geminiWebhooks.triggerTestEvent');
    assert.equal(result?.verdict, 'verified', JSON.stringify(ui.shown));
    const record = api.receiver.history?.get(result?.seq as number);
    assert.equal(record?.eventType, 'batch.failed');
    assert.ok(ui.shown[1].items?.some((i) => i === 'Unsigned'));
    await until(() => !api.receiverStatusBar.warning, 'a verified delivery to clear the warning');

    const bad = script(api, input('new one'), input('whsec_dG9vc2hvcnQ='));
    await vscode.commands.executeCommand('geminiWebhooks.addSigningSecret');
    assert.match(bad.shown[1].validation ?? '', /24 to 64 bytes/);
    assert.ok(!(await api.secrets.candidates()).some((c) => c.label.startsWith('new one')));

    const other = `whsec_${randomBytes(24).toString('base64')}`;
    const good = script(api, input('it other secret'), input(other));
    await vscode.commands.executeCommand('geminiWebhooks.addSigningSecret');
    assert.ok(good.shown.some((s) => s.kind === 'info' && /it other secret/.test(s.message)));
    assert.ok(!good.shown.some((s) => s.message.includes(other)), 'the secret is never shown');
    await api.receiver.refreshSecrets();
    const sent = await sendStaticTestEvent(api.receiver.url as string, 'batch.expired', other);
    assert.equal(sent.answer.status, 'verified');
    await api.secrets.removeManualSecret('it other secret');
  });

  it('Trigger Test Event offers the emulator route for every catalog type and delivers batch.failed through it dynamically; a type no job has says why', async () => {
    const types = EVENT_CATALOG.map((e) => e.type);
    assert.deepEqual(Object.keys(EMULATOR_JOB_TYPES).sort(), [...types].sort(), 'a simulated job ends as every catalog type');
    for (const type of types) {
      const ui = script(api, pickLabel(type), { kind: 'pick', choose: () => undefined });
      await vscode.commands.executeCommand('geminiWebhooks.triggerTestEvent').then(undefined, () => undefined);
      const routes = ui.shown[1]?.items ?? [];
      const emulator = routes.filter((r) => r.includes('Through the emulator (dynamic delivery, v1a Ed25519)'));
      assert.equal(emulator.length, 1, `${type}: ${routes.join(' | ')}`);
      assert.ok(!emulator[0].startsWith('$(circle-slash)'), `${type}: ${emulator[0]}`);
    }

    // batch.failed: a batch job ended as failed by the emulator's control route, delivered dynamically (v1a) and verified.
    const arrived = new Promise<ReceivedDelivery>((resolve) => {
      const sub = api.receiver.onDidReceive((r) => {
        if (r.scheme === 'dynamic' && r.eventType === 'batch.failed') {
          sub.dispose();
          resolve(r);
        }
      });
    });
    const sent = script(api, pickLabel('batch.failed'), pickLabel('Through the emulator'));
    const result = await vscode.commands.executeCommand<{ via?: string; job?: string }>('geminiWebhooks.triggerTestEvent');
    assert.equal(result?.via, 'emulator', JSON.stringify(sent.shown));
    assert.match(result?.job ?? '', /^batches\//);
    const record = await arrived;
    assert.equal(record.verdict, 'verified', record.reason);
    assert.equal(record.signatureMethod, 'v1a Ed25519');
    assert.deepEqual(JSON.parse(record.body).data, { id: result?.job, error_code: 'INTERNAL', error_message: 'Simulated failure (emulator)' });
    assert.deepEqual(record.userMetadata, { source: 'vscode-test-event' });
    assert.ok(
      sent.shown.some((s) => s.kind === 'info' && s.message === 'The emulator is delivering batch.failed to the receiver now: its job has ended.'),
      JSON.stringify(sent.shown),
    );

    // A type no simulated job has (given as an argument): picking the emulator says why, then asks again (here: dismissed).
    const ui = script(api, pickLabel('Through the emulator'), { kind: 'pick', choose: () => undefined });
    await vscode.commands.executeCommand('geminiWebhooks.triggerTestEvent', { type: 'batch.completed' });
    assert.ok(
      ui.shown.some((s) => s.kind === 'info' && /No job of the emulator ends as batch\.completed/.test(s.message)),
      JSON.stringify(ui.shown),
    );
    assert.equal(ui.shown.filter((s) => s.kind === 'pick').length, 2, 'the route picker came back');
    assert.equal(ui.pending, 0);
  });

  it('Replay Event asks for forwardTo, then replays to the app', async () => {
    const seq = api.receiver.history?.all().find((r) => r.verdict === 'verified')?.seq as number;
    const ui = script(api);
    const none = await vscode.commands.executeCommand<ForwardResult | undefined>('geminiWebhooks.replayEvent', { seq });
    assert.equal(none, undefined);
    assert.ok(ui.shown.some((s) => s.kind === 'warn' && /geminiWebhooks\.receiver\.forwardTo/.test(s.message)));

    const bodies: string[] = [];
    const app: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        bodies.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    try {
      await config().update('forwardTo', `http://127.0.0.1:${(app.address() as AddressInfo).port}/hook`, vscode.ConfigurationTarget.Global);
      await until(() => api.receiver.forwardTo !== undefined && api.receiver.running, 'the receiver to pick up forwardTo');
      const result = await vscode.commands.executeCommand<ForwardResult | undefined>('geminiWebhooks.replayEvent', { seq });
      assert.equal(result?.ok, true, JSON.stringify(result));
      assert.equal(bodies.at(-1), api.receiver.history?.get(seq)?.body);
    } finally {
      await config().update('forwardTo', undefined, vscode.ConfigurationTarget.Global);
      await new Promise((r) => app.close(r));
    }
  });

  it('Replay Event refuses a rejected delivery with a warning and the next step, never an error', async () => {
    const rejected = api.receiver.history?.all().find((r) => r.verdict === 'rejected')?.seq as number;
    assert.ok(rejected, 'the suite has a rejected delivery');
    const ui = script(api);
    const result = await vscode.commands.executeCommand<ForwardResult | undefined>('geminiWebhooks.replayEvent', { seq: rejected });
    assert.equal(result, undefined);
    assert.ok(
      ui.shown.some((s) => s.kind === 'warn' && /was rejected .*only verified deliveries are replayed.*Trigger Test Event/.test(s.message)),
      JSON.stringify(ui.shown),
    );
    assert.ok(!ui.shown.some((s) => s.kind === 'error'), 'not reported as a failure');
    // From the palette, only what can be replayed is offered.
    const picker = script(api, { kind: 'pick', choose: () => undefined });
    await vscode.commands.executeCommand('geminiWebhooks.replayEvent');
    const offered = picker.shown.find((s) => s.kind === 'pick')?.items ?? [];
    assert.ok(offered.length > 0 && !offered.some((label) => label === `#${rejected} (rejected)` || label.startsWith(`#${rejected} `)), offered.join(' | '));
  });

  it('Export Events writes JSON lines; Clear Events asks first, then empties view and page', async () => {
    const count = api.receiver.history?.count as number;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'inspector-it-')), 'events.jsonl');
    script(api, { kind: 'saveFile', uri: vscode.Uri.file(file) });
    await vscode.commands.executeCommand('geminiWebhooks.exportEvents');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, count);
    assert.equal(typeof (JSON.parse(lines[0]) as { seq: unknown }).seq, 'number');

    script(api, confirm(false));
    await vscode.commands.executeCommand('geminiWebhooks.clearEvents');
    assert.equal(api.receiver.history?.count, count, 'declined: nothing cleared');
    const ui = script(api, confirm(true));
    await vscode.commands.executeCommand('geminiWebhooks.clearEvents');
    assert.match(ui.shown[0].message, new RegExp(`Clear ${count} events`));
    assert.equal(api.receiver.history?.count, 0);
    await until(() => api.eventsTree.nodes().length === 0, 'the Events view to empty');
  });

  it('shows "receiver off" in the status bar once stopped', async () => {
    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    await until(() => /receiver off/.test(api.receiverStatusBar.text), 'the off state');
    assert.equal(api.receiverStatusBar.text, '$(circle-slash) Webhooks receiver off');
  });
});
