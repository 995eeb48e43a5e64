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
import { EmulatorJobsClient, startEmulatorJob } from '../../src/core/api';
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

/** What the stand-in does with one request: pass it on to the receiver or not, and what it answers the emulator. */
interface Step {
  readonly forward: boolean;
  /** The answer to the emulator; absent: the receiver's, relayed. */
  readonly status?: number;
  /** Seconds (unscaled: the emulator divides them by its time scale). */
  readonly retryAfter?: number;
}

/** Plays `script` to the emulator's requests in turn (beyond it: pass on and relay), passing them on to `target` as told. */
async function standIn(target: string, script: readonly Step[]): Promise<{ url: string; seen: number; close(): Promise<void> }> {
  const state = { seen: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const step = script[state.seen++] ?? { forward: true };
      let relayed: { status: number; text: string } = { status: 502, text: '' };
      if (step.forward) {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
        relayed = await fetch(target, { method: 'POST', headers, body: Buffer.concat(chunks) })
          .then(async (answer) => ({ status: answer.status, text: await answer.text() }))
          .catch(() => relayed);
      }
      if (step.status === undefined) return void res.writeHead(relayed.status, { 'content-type': 'application/json' }).end(relayed.text);
      res
        .writeHead(step.status, { 'content-type': 'text/plain', ...(step.retryAfter ? { 'retry-after': String(step.retryAfter) } : {}) })
        .end('rehearsed failure');
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

/** Starts a batch whose webhook_config points at `uri`; resolves with the first delivery of it the receiver records. */
async function batchDeliveredThrough(api: ExtensionApi, uri: string): Promise<ReceivedDelivery> {
  const marker = randomUUID();
  const arrived = new Promise<ReceivedDelivery>((resolve) => {
    const sub = api.receiver.onDidReceive((r) => {
      if (r.userMetadata?.marker === marker) {
        sub.dispose();
        resolve(r);
      }
    });
  });
  const jobs = new EmulatorJobsClient({ baseUrl: api.backend.emulatorUrl() as string, apiVersion: 'v1beta', apiKey: async () => EMULATOR_LOCAL_KEY });
  try {
    await startEmulatorJob(jobs, 'batch.succeeded', uri, { marker });
  } finally {
    await jobs.close();
  }
  return arrived;
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
    const proxy = await standIn(api.receiver.url as string, [
      { forward: false, status: 500 },
      { forward: false, status: 500 },
    ]);
    const page = recordPage(api);
    try {
      const record = await batchDeliveredThrough(api, proxy.url);
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

  it('follows a delivery while its retries are scheduled: an attempt that never reaches the receiver shows up at its due time', async () => {
    // Attempt 1 reaches the receiver but the emulator is told 503 (Retry-After 3000 s: 3 s at this time scale);
    // attempt 2 never reaches the receiver; attempt 3 does, and is answered.
    const proxy = await standIn(api.receiver.url as string, [
      { forward: true, status: 503, retryAfter: 3000 },
      { forward: false, status: 500, retryAfter: 3000 },
    ]);
    const page = recordPage(api);
    try {
      const record = await batchDeliveredThrough(api, proxy.url);
      const rendered = (attempts: number) => page.messages.some((m) => m.type === 'attemptsRendered' && m.seq === record.seq && m.attempts === attempts);
      await vscode.commands.executeCommand('geminiWebhooks.openInspector', { seq: record.seq });
      await until(() => rendered(1), 'the first attempt, retry scheduled');
      assert.equal(proxy.seen, 1, 'selected before the retry');
      let duplicateAt: number | undefined;
      const sub = api.receiver.onDidReceive((r) => r.webhookId === record.webhookId && (duplicateAt ??= page.messages.length));
      try {
        await until(() => rendered(2), 'the second attempt, seen at its due time', 15_000);
        assert.equal(duplicateAt, undefined, 'drawn before anything else arrived: the due time brought it, not an arrival');
        await until(() => rendered(3) && duplicateAt !== undefined, 'the third attempt and its arrival', 15_000);
      } finally {
        sub.dispose();
      }
      await until(
        () => page.messages.some((m) => m.type === 'attemptsRendered' && m.seq === record.seq && m.attempts === 3 && m.arrivals === 2),
        'both arrivals beside the three attempts',
      );
      // Each refresh has a cause (the selection, a due time, an arrival, a short follow-up): no polling loop.
      const draws = page.messages.filter((m) => m.type === 'attemptsRendered' && m.seq === record.seq).length;
      assert.ok(draws <= 12, `${draws} draws over ~6 s`);
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
