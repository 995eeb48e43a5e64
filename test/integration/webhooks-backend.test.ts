/**
 * Backends and keys in the real editor: Set/Clear API Key, Use Gemini API (against a second,
 * key-checking emulator standing in for the real service), a rejected key, a network failure,
 * and back to the local emulator. Status bar and context keys follow.
 */
import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { WebhooksClient } from '../../src/core/api';
import { Emulator, startEmulator } from '../../src/core/emulator';
import type { ExtensionApi } from '../../src/extension/extension';
import { ScriptedUi } from '../../src/extension/platform/scriptedUi';
import { activateApi, confirm, input, labelOf, pickLabel, rootItems, script, unique } from './webhooksHelpers';

const GEMINI_KEY = 'AIzaIntegrationTestKey0123456789abcdef';

/** Answers "Retry" to the first error message, like a user clicking it; nothing else is scripted. */
class RetryOnceUi extends ScriptedUi {
  private retried = false;
  override async error(message: string): Promise<string | undefined> {
    await super.error(message);
    if (this.retried) return undefined;
    this.retried = true;
    return 'Retry';
  }
}

describe('webhooks: backends and the API key', () => {
  let api: ExtensionApi;
  let fakeGemini: Emulator;
  let survivor: { id: string; emulator: unknown };
  const config = () => vscode.workspace.getConfiguration('geminiWebhooks');

  before(async () => {
    api = await activateApi();
    await api.backend.switchTo('emulator');
    const created = await (await api.backend.client()).create({ name: unique('survivor'), uri: 'https://example.test/s', subscribed_events: ['batch.failed'] });
    survivor = { id: created.webhook.id, emulator: api.backend.embeddedEmulator() };
    assert.ok(survivor.emulator);
    fakeGemini = await startEmulator({ port: 0, apiKey: GEMINI_KEY });
    await config().update('api.baseUrl', fakeGemini.url, vscode.ConfigurationTarget.Global);
    await api.secrets.clearApiKey();
  });

  after(async () => {
    script(api);
    await vscode.commands.executeCommand('geminiWebhooks.startEmulator');
    await config().update('api.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config().update('backend', undefined, vscode.ConfigurationTarget.Global);
    await api.secrets.clearApiKey();
    await fakeGemini.close();
  });

  it('Set API Key refuses an empty key, then stores a key in secret storage (not in settings)', async () => {
    const empty = script(api, input('   '));
    await vscode.commands.executeCommand('geminiWebhooks.setApiKey');
    assert.equal(empty.shown[0].validation, 'The API key cannot be empty.');
    assert.equal(await api.secrets.getApiKey(), undefined);
    script(api, input(` ${GEMINI_KEY} `));
    await vscode.commands.executeCommand('geminiWebhooks.setApiKey');
    assert.equal(await api.secrets.getApiKey(), GEMINI_KEY);
    assert.equal(api.backend.hasApiKey, true);
    assert.ok(!JSON.stringify(config()).includes(GEMINI_KEY));
  });

  it("Use Gemini API switches the backend and lists that API's webhooks with the stored key", async () => {
    const direct = new WebhooksClient({ baseUrl: fakeGemini.url, apiVersion: 'v1beta', apiKey: async () => GEMINI_KEY });
    const name = unique('on-gemini');
    await direct.create({ name, uri: 'https://example.test/g', subscribed_events: ['batch.succeeded'] });
    await direct.close();
    script(api);
    await vscode.commands.executeCommand('geminiWebhooks.useGeminiApi');
    assert.equal(api.backend.kind, 'gemini');
    assert.equal(config().get('backend'), 'gemini');
    assert.equal(api.backend.emulatorUrl(), undefined);
    assert.equal(api.backendStatusBar.text, '$(cloud) Gemini API');
    const labels = (await rootItems(api)).map((r) => labelOf(r.item));
    assert.deepEqual(labels, [name]);
  });

  it('a rejected key shows "The API key was rejected." in the tree and on commands', async () => {
    await api.secrets.setApiKey('AIzaWrongKeyWrongKeyWrongKey0000');
    await api.webhooksTree.refresh();
    assert.equal(api.webhooksTree.errorText, 'The API key was rejected.');
    const [only] = await rootItems(api);
    assert.equal(only.item.contextValue, 'status:error');
    assert.equal(only.item.command?.command, 'geminiWebhooks.retry');
    const ui = script(api, input('x'), input('https://example.test/y'), { kind: 'pickMany', choose: (items) => [items[0]] });
    await vscode.commands.executeCommand('geminiWebhooks.createWebhook');
    assert.ok(
      ui.shown.some((s) => s.kind === 'error' && s.message === 'The API key was rejected.'),
      JSON.stringify(ui.shown),
    );
    await api.secrets.setApiKey(GEMINI_KEY);
    await vscode.commands.executeCommand('geminiWebhooks.retry');
    assert.equal(api.webhooksTree.errorText, undefined);
  });

  it('an unreachable API: the tree offers Retry, commands say what to do', async () => {
    const closed = await startEmulator({ port: 0 });
    const url = closed.url;
    await closed.close();
    await config().update('api.baseUrl', url, vscode.ConfigurationTarget.Global);
    await api.backend.apply();
    await api.webhooksTree.refresh();
    const host = new URL(url).host;
    assert.equal(api.webhooksTree.errorText, `Can't reach ${host}. Check your connection or switch to the local emulator.`);
    const ui = script(api, { kind: 'pick', choose: (items) => items[0] });
    await vscode.commands.executeCommand('geminiWebhooks.pingWebhook');
    assert.ok(
      ui.shown.some((s) => s.kind === 'error' && s.message.startsWith(`Can't reach ${host}`)),
      JSON.stringify(ui.shown),
    );
    await config().update('api.baseUrl', fakeGemini.url, vscode.ConfigurationTarget.Global);
    await api.backend.apply();
  });

  it('a rate limit says when to try again', async () => {
    const limited = createServer((req, res) => {
      req.resume();
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': '120' })
        .end(JSON.stringify({ error: { code: 429, message: 'Quota exceeded.', status: 'RESOURCE_EXHAUSTED' } }));
    });
    await new Promise<void>((resolve) => limited.listen(0, '127.0.0.1', resolve));
    try {
      await config().update('api.baseUrl', `http://127.0.0.1:${(limited.address() as AddressInfo).port}`, vscode.ConfigurationTarget.Global);
      await api.backend.apply();
      await api.webhooksTree.refresh();
      assert.equal(api.webhooksTree.errorText, 'Rate limited; try again in 120 s.');
    } finally {
      limited.closeAllConnections();
      await new Promise<void>((resolve) => limited.close(() => resolve()));
      await config().update('api.baseUrl', fakeGemini.url, vscode.ConfigurationTarget.Global);
      await api.backend.apply();
    }
  });

  it('Retry after a failure re-runs the command on the same webhook (its arguments kept)', async () => {
    const requests: string[] = [];
    let pings = 0;
    const flaky = createServer((req, res) => {
      req.resume();
      requests.push(`${req.method} ${req.url}`);
      if (req.method === 'POST' && req.url?.includes(':ping')) {
        pings++;
        if (pings === 1)
          return void res
            .writeHead(503, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: { code: 503, message: 'Try later.', status: 'UNAVAILABLE' } }));
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ webhooks: [] }));
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const ui = new RetryOnceUi();
    api.ui.current = ui;
    try {
      await config().update('api.baseUrl', `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`, vscode.ConfigurationTarget.Global);
      await api.backend.apply();
      const webhook = { id: 'retry-target', name: 'retry target', uri: 'https://example.test/retry', subscribed_events: ['batch.failed'], state: 'enabled' };
      await vscode.commands.executeCommand('geminiWebhooks.pingWebhook', { webhook });
      assert.ok(
        ui.shown.some((s) => s.kind === 'error' && /503/.test(s.message)),
        JSON.stringify(ui.shown),
      );
      assert.ok(!ui.shown.some((s) => s.kind === 'pick'), 'Retry did not ask which webhook');
      assert.deepEqual(
        requests.filter((r) => r.startsWith('POST')),
        ['POST /v1beta/webhooks/retry-target:ping', 'POST /v1beta/webhooks/retry-target:ping'],
      );
      assert.ok(
        ui.shown.some((s) => s.kind === 'info' && s.message.startsWith('Ping sent')),
        JSON.stringify(ui.shown),
      );
    } finally {
      flaky.closeAllConnections();
      await new Promise<void>((resolve) => flaky.close(() => resolve()));
      await config().update('api.baseUrl', fakeGemini.url, vscode.ConfigurationTarget.Global);
      await api.backend.apply();
    }
  });

  it('an unusable api.baseUrl (not a URL, plain http to another host) is an error naming the setting', async () => {
    try {
      for (const [value, reason] of [
        ['not a url', /not a valid absolute URL/],
        ['http://example.com', /would travel unencrypted/],
      ] as const) {
        await config().update('api.baseUrl', value, vscode.ConfigurationTarget.Global);
        await api.backend.apply().catch(() => undefined);
        await api.webhooksTree.refresh();
        assert.match(api.webhooksTree.errorText ?? '', /^Setting geminiWebhooks\.api\.baseUrl: /, value);
        assert.match(api.webhooksTree.errorText ?? '', reason);
        const ui = script(api);
        await vscode.commands.executeCommand('geminiWebhooks.pingWebhook', {
          webhook: { id: 'any', name: 'any', uri: 'https://example.test/a', subscribed_events: [], state: 'enabled' },
        });
        assert.ok(
          ui.shown.some((s) => s.kind === 'error' && s.message.startsWith('Setting geminiWebhooks.api.baseUrl: ')),
          JSON.stringify(ui.shown),
        );
      }
    } finally {
      await config().update('api.baseUrl', fakeGemini.url, vscode.ConfigurationTarget.Global);
      await api.backend.apply();
    }
  });

  it('Set API Key refuses spaces and control characters inside the key', async () => {
    for (const bad of ['AIza abc def', 'AIza\u0007bell']) {
      const ui = script(api, input(bad));
      await vscode.commands.executeCommand('geminiWebhooks.setApiKey');
      assert.ok(ui.shown[0].validation, `refused ${JSON.stringify(bad)}`);
      assert.equal(await api.secrets.getApiKey(), GEMINI_KEY, 'the stored key is unchanged');
    }
  });

  it('"full secret stored locally" needs the whole shown prefix; the details document redacts secrets in error text', async () => {
    const stored = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const leakyKey = 'AIzaLeakyKeyInAnErrorMessage_0123456789';
    const hook = (id: string, truncated: string[]) => ({
      id,
      name: id,
      uri: 'https://example.test/t',
      subscribed_events: ['batch.failed'],
      state: 'enabled',
      signing_secrets: truncated.map((t) => ({ truncated_secret: t })),
    });
    const server = createServer((req, res) => {
      req.resume();
      if (req.url?.startsWith('/v1beta/webhooks/broken')) {
        return void res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: 400, message: `key ${leakyKey} and ${stored} refused`, status: 'INVALID_ARGUMENT' } }));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          webhooks: [hook('trunc-match', ['whsec_…', `${stored.slice(0, 12)}...`, `${stored.slice(0, 10)}…${stored.slice(-4)}`, 'whsec_ZZZZ…'])],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await config().update('api.baseUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, vscode.ConfigurationTarget.Global);
      await api.backend.apply();
      await api.secrets.storeSigningSecret('trunc-match', stored);
      await api.webhooksTree.refresh();
      const [root] = await rootItems(api);
      const children = await api.webhooksTree.getChildren(root.node);
      const secretsNode = children.find((c) => labelOf(api.webhooksTree.getTreeItem(c) as vscode.TreeItem) === 'Signing secrets')!;
      const rows = (await api.webhooksTree.getChildren(secretsNode)).map(
        (c) => String((api.webhooksTree.getTreeItem(c) as vscode.TreeItem).description).split(' · ')[1],
      );
      assert.deepEqual(rows, ['full secret not stored here', 'full secret stored locally', 'full secret stored locally', 'full secret not stored here']);

      const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'gemini-webhook', path: '/broken.json' }));
      const text = doc.getText();
      assert.match(text, /Could not load webhook broken/);
      assert.ok(!text.includes(leakyKey) && !text.includes(stored), text);
    } finally {
      await api.secrets.deleteSigningSecrets('trunc-match');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await config().update('api.baseUrl', fakeGemini.url, vscode.ConfigurationTarget.Global);
      await api.backend.apply();
    }
  });

  it('Clear API Key asks first, then removes it; the gemini backend then has no key', async () => {
    script(api, confirm(false));
    await vscode.commands.executeCommand('geminiWebhooks.clearApiKey');
    assert.equal(await api.secrets.getApiKey(), GEMINI_KEY);
    const ui = script(api, confirm(true));
    await vscode.commands.executeCommand('geminiWebhooks.clearApiKey');
    assert.equal(ui.shown[0].message, 'Clear the stored Gemini API key?');
    assert.equal(await api.secrets.getApiKey(), undefined);
    assert.equal(api.backend.hasApiKey, false);
    await api.webhooksTree.settled();
    assert.deepEqual(await api.webhooksTree.getChildren(), [], 'the welcome view takes over');
  });

  it('Use Gemini API asks for a key when none is stored', async () => {
    await vscode.commands.executeCommand('geminiWebhooks.startEmulator');
    script(api, input(GEMINI_KEY));
    await vscode.commands.executeCommand('geminiWebhooks.useGeminiApi');
    assert.equal(await api.secrets.getApiKey(), GEMINI_KEY);
    assert.equal(api.backend.kind, 'gemini');
  });

  it("the status bar's switcher goes back to the local emulator, whose webhooks survived its restart", async () => {
    script(api, pickLabel('Local Emulator'));
    await vscode.commands.executeCommand('geminiWebhooks.switchBackend');
    assert.equal(api.backend.kind, 'emulator');
    const url = api.backend.emulatorUrl();
    assert.ok(url);
    assert.equal(api.backendStatusBar.text, `$(server-environment) Emulator :${new URL(url).port}`);
    assert.notEqual(api.backend.embeddedEmulator(), survivor.emulator, 'the emulator was stopped and started again');
    assert.equal((await (await api.backend.client()).get(survivor.id)).id, survivor.id, 'state persisted under globalStorage');
    const labels = (await rootItems(api)).map((r) => r.item.contextValue);
    assert.ok(labels.every((l) => l?.startsWith('webhook:') || l === 'status:loadMore'));
  });
});
