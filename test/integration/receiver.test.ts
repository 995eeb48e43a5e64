import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { request } from 'undici';
import * as vscode from 'vscode';
import type { ReceivedDelivery } from '../../src/core/receiver/types';
import { signStatic } from '../../src/core/verify/staticVerifier';
import { JobsClient, startEmulatorJob } from '../../src/core/api';
import { EMULATOR_LOCAL_KEY } from '../../src/core/emulator/localKey';
import type { ExtensionApi } from '../../src/extension/extension';
import { freePort } from '../harness/codeServer';
import { activateApi, script } from './webhooksHelpers';

function logFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) logFiles(full, out);
    else if (full.endsWith('.log')) out.push(full);
  }
  return out;
}

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

  it('names the port and the setting when the port is in use', async () => {
    const first = await api.receiver.start();
    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    const blocker = await import('node:http').then((http) => http.createServer());
    await new Promise<void>((resolve) => blocker.listen(first.port, '127.0.0.1', resolve));
    try {
      await config().update('port', first.port, vscode.ConfigurationTarget.Global);
      const ui = script(api);
      const url = await vscode.commands.executeCommand<string | undefined>('geminiWebhooks.startReceiver');
      assert.equal(url, undefined);
      const error = ui.shown.find((s) => s.kind === 'error');
      assert.ok(error, 'an error was shown');
      assert.match(error.message, new RegExp(`port ${first.port} is already in use.*geminiWebhooks\\.receiver\\.port`));
    } finally {
      await config().update('port', 0, vscode.ConfigurationTarget.Global);
      await new Promise((r) => blocker.close(r));
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
      const jobs = new JobsClient({ baseUrl: moved as string, apiVersion: 'v1beta', apiKey: async () => EMULATOR_LOCAL_KEY });
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
    const jobs = new JobsClient({ baseUrl: emulator, apiVersion: 'v1beta', apiKey: async () => EMULATOR_LOCAL_KEY });
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
