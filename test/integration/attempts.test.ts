/**
 * Issue 14 item 3 in the real editor: the inspector's Attempts section. An emulator delivery that
 * needed retries (a loopback stand-in answers 500 twice before passing it on to the receiver) shows
 * each of its attempts from the emulator's log; a delivery sent twice straight to the receiver shows
 * its two arrivals here. The page reports what it drew (`attemptsRendered`).
 */
import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { JobsClient, startEmulatorJob } from '../../src/core/api';
import { EMULATOR_LOCAL_KEY } from '../../src/core/emulator';
import { sendStaticTestEvent } from '../../src/core/receiver/testEvent';
import type { ReceivedDelivery } from '../../src/core/receiver/types';
import type { ExtensionApi } from '../../src/extension/extension';
import type { PageMessage } from '../../src/webview/inspector/protocol';
import { activateApi } from './webhooksHelpers';

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Answers 500 to the first `failures` requests, then passes each one on to `target` and relays its answer. */
async function failingFirst(target: string, failures: number): Promise<{ url: string; seen: number; close(): Promise<void> }> {
  const state = { seen: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.seen++ < failures) return void res.writeHead(500, { 'content-type': 'text/plain' }).end('rehearsed failure');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
      fetch(target, { method: 'POST', headers, body: Buffer.concat(chunks) })
        .then(async (answer) => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text()))
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get seen() {
      return state.seen;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function recordPage(api: ExtensionApi): { messages: PageMessage[]; dispose(): void } {
  const messages: PageMessage[] = [];
  const sub = api.inspector.onDidReceiveMessage((m) => messages.push(m));
  return { messages, dispose: () => sub.dispose() };
}

describe('delivery attempts in the inspector (issue 14)', function () {
  this.timeout(90_000);
  let api: ExtensionApi;
  const receiverConfig = () => vscode.workspace.getConfiguration('geminiWebhooks.receiver');
  const config = () => vscode.workspace.getConfiguration('geminiWebhooks');

  before(async () => {
    api = await activateApi();
    await config().update('backend', 'emulator', vscode.ConfigurationTarget.Global);
    // Time scale 1000: the emulator's 5 s and 5 min backoff steps take 5 ms and ~0.3 s.
    await config().update('emulator.timeScale', 1000, vscode.ConfigurationTarget.Global);
    await api.backend.apply();
    await receiverConfig().update('port', 0, vscode.ConfigurationTarget.Global);
    await api.receiver.start();
  });

  after(async () => {
    api.inspector.close();
    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    await receiverConfig().update('port', undefined, vscode.ConfigurationTarget.Global);
    await config().update('emulator.timeScale', undefined, vscode.ConfigurationTarget.Global);
    await config().update('backend', undefined, vscode.ConfigurationTarget.Global);
    await api.backend.apply();
  });

  it('an emulator delivery that needed retries shows each attempt: 500, 500, then delivered', async () => {
    const proxy = await failingFirst(api.receiver.url as string, 2);
    const page = recordPage(api);
    try {
      const marker = randomUUID();
      const arrived = new Promise<ReceivedDelivery>((resolve) => {
        const sub = api.receiver.onDidReceive((r) => {
          if (r.userMetadata?.marker === marker) {
            sub.dispose();
            resolve(r);
          }
        });
      });
      const emulatorUrl = api.backend.emulatorUrl() as string;
      const jobs = new JobsClient({ baseUrl: emulatorUrl, apiVersion: 'v1beta', apiKey: async () => EMULATOR_LOCAL_KEY });
      try {
        await startEmulatorJob(jobs, 'batch.succeeded', proxy.url, { marker });
      } finally {
        await jobs.close();
      }
      const record = await arrived;
      assert.equal(record.verdict, 'verified', record.reason);
      assert.equal(proxy.seen, 3);

      await vscode.commands.executeCommand('geminiWebhooks.openInspector', { seq: record.seq });
      await until(
        () => page.messages.some((m) => m.type === 'attemptsRendered' && m.seq === record.seq && m.attempts === 3),
        'the Attempts section to show three attempts',
      );
      const drawn = page.messages.flatMap((m) => (m.type === 'attemptsRendered' && m.seq === record.seq ? [m] : []));
      assert.equal(drawn[drawn.length - 1].arrivals, 1, 'only the last attempt reached the receiver');
      // What the page drew is the emulator's log of this delivery.
      const log = (api.backend.embeddedEmulator()?.deliveries() ?? []).filter((a) => a.webhook_id === record.webhookId);
      assert.deepEqual(
        log.map((a) => [a.attempt, a.status, a.outcome]),
        [
          [1, 500, 'retry_scheduled'],
          [2, 500, 'retry_scheduled'],
          [3, 200, 'delivered'],
        ],
      );
    } finally {
      page.dispose();
      await proxy.close();
    }
  });

  it('a delivery sent twice straight to the receiver shows its two arrivals (verified, then duplicate)', async () => {
    const label = `it-attempts-${randomUUID().slice(0, 6)}`;
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    await api.secrets.addManualSecret(label, secret);
    await api.receiver.refreshSecrets();
    const page = recordPage(api);
    try {
      const webhookId = `msg_${randomUUID()}`;
      const first = await sendStaticTestEvent(api.receiver.url as string, 'batch.succeeded', secret, { webhookId });
      const second = await sendStaticTestEvent(api.receiver.url as string, 'batch.succeeded', secret, { webhookId });
      assert.equal(first.answer.status, 'verified');
      assert.equal(second.answer.status, 'duplicate');
      const seq = second.answer.seq as number;
      await until(() => api.receiver.history?.get(seq) !== undefined, 'the second arrival in the history');
      await vscode.commands.executeCommand('geminiWebhooks.openInspector', { seq });
      await until(
        () => page.messages.some((m) => m.type === 'attemptsRendered' && m.seq === seq && m.arrivals === 2),
        'the Attempts section to show two arrivals',
      );
      const drawn = page.messages.flatMap((m) => (m.type === 'attemptsRendered' && m.seq === seq && m.arrivals === 2 ? [m] : []));
      assert.equal(drawn[0].attempts, 0, 'the emulator sent neither: no emulator timeline');
    } finally {
      page.dispose();
      await api.secrets.removeManualSecret(label);
    }
  });
});
