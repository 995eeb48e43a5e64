import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { request } from 'undici';
import * as vscode from 'vscode';
import { History, startReceiver } from '../../src/core/receiver';
import type { ReceivedDelivery } from '../../src/core/receiver/types';
import { signStatic } from '../../src/core/verify/staticVerifier';
import { EmulatorJobsClient, startEmulatorJob } from '../../src/core/api';
import { EMULATOR_LOCAL_KEY } from '../../src/core/emulator/localKey';
import type { ExtensionApi } from '../../src/extension/extension';
import { freePort } from '../harness/codeServer';
import { activateApi, logFiles, script } from './webhooksHelpers';

describe('the in-editor receiver', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  const config = () => vscode.workspace.getConfiguration('geminiWebhooks.receiver');

  before(async () => {
    api = await activateApi();
    await config().update('port', 0, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    await config().update('port', undefined, vscode.ConfigurationTarget.Global);
  });

  it('starts by command, verifies a delivery signed with a stored secret, records it, logs it, and stops', async () => {
    const ui = script(api);
    const webhookId = `wh_it_${randomUUID().slice(0, 8)}`;
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    await api.secrets.storeSigningSecret(webhookId, secret);

    const url = await vscode.commands.executeCommand<string | undefined>('geminiWebhooks.startReceiver');
    assert.ok(url && /^http:\/\/127\.0\.0\.1:\d+\/webhooks$/.test(url), `started at ${url}`);
    assert.equal(api.receiver.running, true);
    assert.ok(ui.shown.some((s) => s.kind === 'info' && s.message === `Receiver listening on ${url}`));
    await api.receiver.refreshSecrets();

    const msgId = `msg_${randomUUID()}`;
    const body = JSON.stringify({ type: 'batch.succeeded', version: 'v1', timestamp: new Date().toISOString(), data: { id: 'batches/it' } });
    const ts = Math.floor(Date.now() / 1000);
    const received = new Promise<ReceivedDelivery>((resolve) => {
      const sub = api.receiver.onDidReceive((r) => {
        if (r.webhookId === msgId) {
          sub.dispose();
          resolve(r);
        }
      });
    });
    const res = await request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': msgId,
        'webhook-timestamp': String(ts),
        'webhook-signature': signStatic(secret, msgId, ts, Buffer.from(body)),
      },
      body,
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(await res.body.json(), { status: 'verified', webhook_id: msgId, seq: (await received).seq });

    const record = await received;
    assert.equal(record.verdict, 'verified');
    assert.equal(record.matchedSecret?.webhookId, webhookId);
    assert.equal(api.receiver.history?.get(record.seq)?.webhookId, msgId);

    const copied = await vscode.commands.executeCommand<string | undefined>('geminiWebhooks.copyReceiverUrl');
    assert.ok(copied, 'the URL was copied');
    assert.equal(await vscode.env.clipboard.readText(), copied);

    // The output channel got a line for it (and never the secret).
    const dir = path.dirname(api.paths.logs.fsPath);
    let text = '';
    for (let i = 0; i < 50 && !text.includes(msgId); i++) {
      await new Promise((r) => setTimeout(r, 200));
      text = logFiles(dir)
        .map((f) => fs.readFileSync(f, 'utf8'))
        .join('\n');
    }
    assert.ok(text.includes(`batch.succeeded ${msgId} VERIFIED v1 HMAC (${webhookId} (current))`), 'a delivery line in the log');
    assert.ok(!text.includes(secret), 'the secret is not in the log');

    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    assert.equal(api.receiver.running, false);
    await assert.rejects(request(url, { method: 'POST', body: '{}' }));
    assert.ok(api.receiver.history?.get(record.seq), 'the history stays after stopping');
    await api.secrets.deleteSigningSecrets(webhookId);
  });

  it('offers another port when the port is taken by another window: Use Port N runs this window there, the setting unchanged, both record into one history', async () => {
    const first = await api.receiver.start();
    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    const historyPath = path.join(api.paths.globalStorage.fsPath, 'receiver-history.jsonl');
    // Another window: its receiver holds the port and writes the same history file.
    const other = await startReceiver({ port: first.port, historyPath });
    try {
      await config().update('port', first.port, vscode.ConfigurationTarget.Global);
      let ui = script(api);
      assert.equal(await vscode.commands.executeCommand<string | undefined>('geminiWebhooks.startReceiver'), undefined, 'dismissed: nothing starts');
      const error = ui.shown.find((s) => s.kind === 'error');
      assert.ok(error, 'an error was shown');
      assert.match(error.message, new RegExp(`port ${first.port} is already in use.*another window.*geminiWebhooks\\.receiver\\.port`));
      const usePort = error.items?.find((i) => /^Use Port \d+$/.test(i));
      assert.ok(usePort, `offered: ${error.items?.join(', ')}`);
      assert.ok(error.items?.includes('Use Any Free Port') && error.items.includes('Open Settings'));
      const offered = Number(usePort.slice('Use Port '.length));

      ui = script(api, { kind: 'message', action: usePort });
      const url = await vscode.commands.executeCommand<string | undefined>('geminiWebhooks.startReceiver');
      assert.equal(url, `http://127.0.0.1:${offered}/webhooks`);
      assert.equal(api.receiver.port, offered);
      assert.equal(config().get('port'), first.port, 'the setting (shared with the other window) is unchanged');
      assert.ok(ui.shown.some((s) => s.kind === 'info' && s.message.includes(url) && /this window only/.test(s.message)));

      const mine = `msg_${randomUUID()}`;
      const theirs = `msg_${randomUUID()}`;
      const recorded = new Promise<void>((resolve) => {
        const sub = api.receiver.onDidReceive((r) => r.webhookId === mine && (sub.dispose(), resolve()));
      });
      const theirsRecorded = new Promise<void>((resolve) => {
        const sub = other.onDelivery((r) => r.webhookId === theirs && (sub.dispose(), resolve()));
      });
      for (const [target, id] of [
        [url, mine],
        [other.url, theirs],
      ]) {
        const res = await request(target, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': id }, body: '{}' });
        await res.body.dump();
      }
      await Promise.all([recorded, theirsRecorded]);
      await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
      await other.close();
      await api.receiver.history?.flush();
      const reloaded = await History.open({ path: historyPath });
      const ids = reloaded.all().map((r) => r.webhookId);
      assert.ok(ids.includes(mine) && ids.includes(theirs), "one history file, both windows' records");
      const seqs = reloaded.all().map((r) => r.seq);
      assert.equal(new Set(seqs).size, seqs.length, 'no seq given out twice');
      reloaded.dispose();
    } finally {
      await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
      await config().update('port', 0, vscode.ConfigurationTarget.Global);
      await other.close();
    }
  });

  it('refuses to start on a forwardTo setting that is not a URL, naming the setting', async () => {
    await config().update('forwardTo', 'localhost:3000/hook', vscode.ConfigurationTarget.Global);
    try {
      const ui = script(api);
      const url = await vscode.commands.executeCommand<string | undefined>('geminiWebhooks.startReceiver');
      assert.equal(url, undefined);
      assert.equal(api.receiver.running, false);
      const error = ui.shown.find((s) => s.kind === 'error');
      assert.match(error?.message ?? '', /geminiWebhooks\.receiver\.forwardTo is not an absolute http\(s\) URL/);
    } finally {
      await config().update('forwardTo', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('tries a failed history load again on the next start instead of keeping the failure', async () => {
    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    await api.receiver.history?.flush();
    const historyPath = path.join(api.paths.globalStorage.fsPath, 'receiver-history.jsonl');
    const aside = `${historyPath}.aside`;
    const hadFile = fs.existsSync(historyPath);
    if (hadFile) fs.renameSync(historyPath, aside);
    fs.mkdirSync(historyPath); // unreadable as a history file
    try {
      await config().update('historySize', 999, vscode.ConfigurationTarget.Global);
      await assert.rejects(api.receiver.start(), /EISDIR|directory/i);
      fs.rmSync(historyPath, { recursive: true });
      if (hadFile) fs.renameSync(aside, historyPath);
      const receiver = await api.receiver.start();
      assert.ok(receiver.url, 'started once the file was readable again');
      assert.equal(api.receiver.history?.size, 999);
    } finally {
      if (fs.existsSync(historyPath) && fs.statSync(historyPath).isDirectory()) fs.rmSync(historyPath, { recursive: true });
      if (fs.existsSync(aside)) fs.renameSync(aside, historyPath);
      await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
      await config().update('historySize', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('follows the emulator when it moves: restarts on its new JWKS and verifies its dynamic deliveries', async () => {
    script(api);
    await api.backend.ready();
    const before = api.backend.emulatorUrl();
    assert.ok(before, 'the embedded emulator runs');
    await vscode.commands.executeCommand('geminiWebhooks.startReceiver');
    assert.equal(api.receiver.running, true);

    const port = await freePort();
    const restarted = new Promise<void>((resolve) => {
      let stopped = false;
      const sub = api.receiver.onDidChangeState(() => {
        if (!api.receiver.running) stopped = true;
        else if (stopped) {
          sub.dispose();
          resolve();
        }
      });
    });
    const emulatorConfig = vscode.workspace.getConfiguration('geminiWebhooks.emulator');
    await emulatorConfig.update('port', port, vscode.ConfigurationTarget.Global);
    try {
      await restarted;
      const moved = api.backend.emulatorUrl();
      assert.equal(moved, `http://127.0.0.1:${port}`);
      const receiverUrl = api.receiver.url as string;
      const received = new Promise<ReceivedDelivery>((resolve) => {
        const sub = api.receiver.onDidReceive((r) => {
          if (r.scheme === 'dynamic') {
            sub.dispose();
            resolve(r);
          }
        });
      });
      const jobs = new EmulatorJobsClient({ baseUrl: moved as string, apiVersion: 'v1beta', apiKey: async () => EMULATOR_LOCAL_KEY });
      await startEmulatorJob(jobs, 'batch.succeeded', receiverUrl, { case: 'moved-jwks' }).finally(() => jobs.close());
      const record = await received;
      assert.equal(record.verdict, 'verified', record.reason);
      assert.equal(record.signatureMethod, 'v1a Ed25519', "verified against the moved emulator's key set");
      assert.deepEqual(record.userMetadata, { case: 'moved-jwks' });
    } finally {
      await emulatorConfig.update('port', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    }
  });
  it('shows a background interaction delivered as v1a (the live form) as verified, naming the method and the key', async () => {
    script(api);
    await api.backend.ready();
    const emulator = api.backend.emulatorUrl() as string;
    await vscode.commands.executeCommand('geminiWebhooks.startReceiver');
    const received = new Promise<ReceivedDelivery>((resolve) => {
      const sub = api.receiver.onDidReceive((r) => {
        if (r.scheme === 'dynamic') {
          sub.dispose();
          resolve(r);
        }
      });
    });
    const jobs = new EmulatorJobsClient({ baseUrl: emulator, apiVersion: 'v1beta', apiKey: async () => EMULATOR_LOCAL_KEY });
    try {
      await startEmulatorJob(jobs, 'interaction.completed', api.receiver.url as string, { case: 'v1a-interaction' });
      const record = await received;
      assert.equal(record.verdict, 'verified', record.reason);
      assert.equal(record.eventType, 'interaction.completed');
      assert.match(record.headers['webhook-signature'], /^v1a,[A-Za-z0-9+/]+={0,2}$/, 'signed as live deliveries are');
      assert.equal(record.signatureMethod, 'v1a Ed25519');
      assert.match(record.matchedKey?.thumbprint ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(record.userMetadata, { case: 'v1a-interaction' });
      const shown = api.receiver.history?.get(record.seq);
      assert.equal(shown?.signatureMethod, 'v1a Ed25519', 'the history the inspector reads holds the same verdict');
    } finally {
      jobs.close();
      await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    }
  });
});
