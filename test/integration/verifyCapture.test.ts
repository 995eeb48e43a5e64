/**
 * Verify Captured Delivery… in the real editor: an exported capture (Export Events' JSON lines of a
 * real delivery) verified with the receiver's stored secrets while the receiver is stopped, and a
 * tampered raw request from the active editor; both reach the feed (history, Events view) marked imported.
 */
import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sendStaticTestEvent } from '../../src/core/receiver/testEvent';
import type { ExtensionApi } from '../../src/extension/extension';
import { activateApi, pickLabel, script } from './webhooksHelpers';

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Verify Captured Delivery', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const label = `it-capture-${randomUUID().slice(0, 6)}`;
  const config = () => vscode.workspace.getConfiguration('geminiWebhooks.receiver');
  let dir: string;
  let exported: string;
  let raw: string;

  before(async () => {
    api = await activateApi();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-capture-it-'));
    await config().update('port', 0, vscode.ConfigurationTarget.Global);
    await api.secrets.addManualSecret(label, secret);
    await api.receiver.start();
    await api.receiver.refreshSecrets();
    // A real delivery, received and recorded, then exported the way Export Events writes it.
    const sent = await sendStaticTestEvent(api.receiver.url as string, 'batch.succeeded', secret);
    assert.equal(sent.answer.status, 'verified', JSON.stringify(sent.answer));
    const record = api.receiver.history?.get(sent.answer.seq as number);
    assert.ok(record);
    exported = path.join(dir, 'events.jsonl');
    // Exported by the Export Events command itself (the whole history; the verified record among them).
    script(api, { kind: 'saveFile', uri: vscode.Uri.file(exported) });
    await vscode.commands.executeCommand('geminiWebhooks.exportEvents');
    const lines = fs.readFileSync(exported, 'utf8').trim().split('\n');
    fs.writeFileSync(exported, lines.find((l) => (JSON.parse(l) as { seq: number }).seq === record.seq) + '\n');
    raw = `POST /webhooks HTTP/1.1\r\n${Object.entries(record.headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n${record.body.replace('batch.succeeded', 'batch.failed')}`;
    // It must work with the receiver stopped.
    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    assert.equal(api.receiver.running, false);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.secrets.removeManualSecret(label);
    await config().update('port', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('verifies an exported capture from a file at its own timestamp and adds it to the feed marked imported', async () => {
    const ui = script(api, pickLabel('From a file'), { kind: 'openFile', uri: vscode.Uri.file(exported) }, pickLabel('at its own timestamp'));
    const result = await vscode.commands.executeCommand<{ seqs: number[]; valid: boolean[] } | undefined>('geminiWebhooks.verifyCapturedDelivery');
    assert.ok(result, JSON.stringify(ui.shown));
    assert.deepEqual(result.valid, [true]);
    const record = api.receiver.history?.get(result.seqs[0]);
    assert.equal(record?.verdict, 'verified');
    assert.equal(record?.imported?.from, 'events.jsonl (exported record #' + JSON.parse(fs.readFileSync(exported, 'utf8')).seq + ')');
    assert.match(record?.matchedSecret?.label ?? '', new RegExp(label));
    assert.equal(record?.eventType, 'batch.succeeded');
    await until(() => api.eventsTree.nodes()[0]?.record.seq === result.seqs[0], 'the imported event at the top of the Events view');
    assert.match(String(api.eventsTree.getTreeItem(api.eventsTree.nodes()[0]).description), /imported/);
    const note = ui.shown.find((s) => s.kind === 'info');
    assert.match(note?.message ?? '', new RegExp(`^Valid \\(v1 HMAC, secret "${label}.*"\\): imported as #${result.seqs[0]}`));
    assert.ok(!ui.shown.some((s) => s.message.includes(secret)), 'the secret is never shown');
  });

  it('verifies a tampered raw request from the active editor as of now: invalid, with the reason', async () => {
    // A saved file, so closing it later asks nothing.
    const file = path.join(dir, 'tampered.http');
    fs.writeFileSync(file, raw);
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    const ui = script(api, pickLabel('From the active editor'), pickLabel('as of now'));
    const result = await vscode.commands.executeCommand<{ seqs: number[]; valid: boolean[] } | undefined>('geminiWebhooks.verifyCapturedDelivery');
    assert.ok(result, JSON.stringify(ui.shown));
    assert.deepEqual(result.valid, [false]);
    const record = api.receiver.history?.get(result.seqs[0]);
    assert.equal(record?.verdict, 'rejected');
    assert.equal(record?.reason?.startsWith('no secret matched'), true, record?.reason);
    assert.equal(record?.imported?.from, 'tampered.http (raw HTTP request)');
    assert.equal(api.receiver.running, false, 'verifying does not start the receiver');
    const warning = ui.shown.find((s) => s.kind === 'warn');
    assert.match(warning?.message ?? '', new RegExp(`^Invalid: no secret matched .*Imported as #${result.seqs[0]}`));
  });

  it('says plainly why a capture cannot be read', async () => {
    const file = path.join(dir, 'no-blank-line.http');
    fs.writeFileSync(file, 'POST /webhooks HTTP/1.1\nwebhook-id: msg_1\n{"type":"x"}');
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    const before = api.receiver.history?.count;
    const ui = script(api, pickLabel('From the active editor'));
    await vscode.commands.executeCommand('geminiWebhooks.verifyCapturedDelivery');
    assert.match(
      ui.shown.find((s) => s.kind === 'error')?.message ?? '',
      /^no-blank-line\.http is not a captured delivery .*no blank line between the headers and the body/,
    );
    assert.equal(api.receiver.history?.count, before, 'nothing imported');
  });
});
