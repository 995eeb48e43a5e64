/**
 * The receiver's public URL in the real editor: the setting, a stand-in ngrok agent's API on loopback
 * (GEMINI_WEBHOOKS_NGROK_API, read per lookup), and none — through Copy Receiver URL, the status bar
 * and Create Webhook on the Gemini API (a second, key-checking emulator standing in for the real
 * service, as in webhooks-backend.test.ts), which also questions a loopback URI there.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Emulator, startEmulator } from '../../src/core/emulator';
import { NGROK_API_ENV } from '../../src/extension/events/receiver/publicUrl';
import type { ExtensionApi } from '../../src/extension/extension';
import { freePort } from '../harness/codeServer';
import { closedPort, startNgrokAgent, tunnelsAnswer } from '../unit/tunnel/ngrokAgent';
import { activateApi, allWebhooks, input, liveClient, modal, nodeFor, pickLabel, pickMany, script, unique } from './webhooksHelpers';

const GEMINI_KEY = 'AIzaPublicUrlTestKey0123456789abcdefgh';

describe('the receiver public URL: setting, ngrok, none', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  let fakeGemini: Emulator;
  const root = () => vscode.workspace.getConfiguration('geminiWebhooks');
  const savedEnv = process.env[NGROK_API_ENV];

  before(async () => {
    api = await activateApi();
    // Nothing is asked of whatever may listen on 4040 here: every test names its own agent (or a closed port).
    process.env[NGROK_API_ENV] = `http://127.0.0.1:${await closedPort()}`;
    // A fixed port: switching the backend restarts the receiver (another default key set), and the tunnel must still point at it.
    await root().update('receiver.port', await freePort(), vscode.ConfigurationTarget.Global);
    fakeGemini = await startEmulator({ port: 0, apiKey: GEMINI_KEY });
    await root().update('api.baseUrl', fakeGemini.url, vscode.ConfigurationTarget.Global);
    await api.secrets.setApiKey(GEMINI_KEY);
    await api.receiver.start();
  });

  after(async () => {
    if (savedEnv === undefined) delete process.env[NGROK_API_ENV];
    else process.env[NGROK_API_ENV] = savedEnv;
    script(api);
    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    await api.backend.switchTo('emulator');
    await root().update('receiver.publicUrl', undefined, vscode.ConfigurationTarget.Global);
    await root().update('receiver.port', undefined, vscode.ConfigurationTarget.Global);
    await root().update('api.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await root().update('backend', undefined, vscode.ConfigurationTarget.Global);
    await api.secrets.clearApiKey();
    await fakeGemini.close();
  });

  /** Switching the backend moves the default key set, which restarts the receiver: wait until it runs again. */
  async function useBackend(kind: 'emulator' | 'gemini') {
    await api.backend.switchTo(kind);
    await api.receiver.start();
  }

  /** Create Webhook up to the URI step, answered with what it was filled in with; returns the prompts shown and the webhook made. */
  async function createAcceptingPrefill(name: string, ...after: Parameters<typeof script>[1][]) {
    const ui = script(api, input(name));
    // The URI step is answered with its own pre-filled value (what pressing Enter does).
    const original = ui.input.bind(ui);
    ui.input = async (options) => {
      if (options.title?.includes('2/3')) ui.answer(input(options.value ?? ''), pickMany('batch.succeeded'), ...after);
      return original(options);
    };
    await vscode.commands.executeCommand('geminiWebhooks.createWebhook');
    const webhook = (await allWebhooks(await liveClient(api))).find((w) => w.name === name);
    return { ui, uriPrompt: ui.shown.find((s) => s.kind === 'input' && s.message.startsWith('The URL deliveries')), webhook };
  }

  afterEach(() => root().update('receiver.publicUrl', undefined, vscode.ConfigurationTarget.Global));

  it('with the setting: Copy Receiver URL offers the local and the public address, the status bar shows it, Create Webhook on the Gemini API fills it in', async () => {
    await root().update('receiver.publicUrl', 'https://hooks.example.com', vscode.ConfigurationTarget.Global);
    const urls = await api.receiver.publicUrl.resolve();
    const expected = 'https://hooks.example.com/webhooks';
    assert.deepEqual(urls?.public, { url: expected, source: 'setting' });
    // In this editor (code-server, a web UI) VS Code forwards the local URL; what it gave is logged for the reader.
    console.log(`      (editor's forwarded address: ${urls?.forwarded ?? 'none'})`);

    const ui = script(api, pickLabel(expected));
    const copied = await vscode.commands.executeCommand<string>('geminiWebhooks.copyReceiverUrl');
    assert.equal(copied, expected);
    assert.equal(await vscode.env.clipboard.readText(), expected);
    const picker = ui.shown.find((s) => s.kind === 'pick');
    assert.deepEqual(picker?.items, [urls?.forwarded ?? api.receiver.url, expected]);
    assert.match(
      api.receiverStatusBar.tooltipText,
      /Public URL: https:\/\/hooks\.example\.com\/webhooks \(from the setting geminiWebhooks\.receiver\.publicUrl\)/,
    );

    await useBackend('gemini');
    const name = unique('public-setting');
    const { uriPrompt, webhook } = await createAcceptingPrefill(name, modal('Copy'));
    assert.equal(uriPrompt?.value, expected);
    assert.match(uriPrompt?.message ?? '', /filled in: the receiver's public URL, from the setting geminiWebhooks\.receiver\.publicUrl/);
    assert.equal(webhook?.uri, expected, 'the Gemini API got the public URL');

    // The emulator delivers on this machine: there, the local URL is filled in.
    await useBackend('emulator');
    const local = await createAcceptingPrefill(unique('public-setting-emulator'), modal('Copy'));
    assert.equal(local.uriPrompt?.value, api.receiver.url);
  });

  it("with a running ngrok agent: its https tunnel to the receiver's port, the path appended; garbage from it is ignored", async () => {
    const port = api.receiver.port as number;
    const agent = await startNgrokAgent((res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          tunnelsAnswer(
            { public_url: 'https://elsewhere.ngrok-free.app', addr: 'http://localhost:3000', name: 'app' },
            { public_url: 'https://f00d-1234.ngrok-free.app', addr: `http://localhost:${port}`, name: 'receiver' },
          ),
        ),
    );
    process.env[NGROK_API_ENV] = agent.base;
    try {
      const expected = 'https://f00d-1234.ngrok-free.app/webhooks';
      const urls = await api.receiver.publicUrl.resolve();
      assert.deepEqual(urls?.public, { url: expected, source: 'ngrok' });
      assert.ok(agent.requests.includes('GET /api/tunnels'));

      const ui = script(api, pickLabel(expected));
      assert.equal(await vscode.commands.executeCommand<string>('geminiWebhooks.copyReceiverUrl'), expected);
      assert.match(ui.shown.find((s) => s.kind === 'pick')?.items?.join('\n') ?? '', /ngrok-free\.app\/webhooks/);

      await useBackend('gemini');
      const { uriPrompt, webhook } = await createAcceptingPrefill(unique('public-ngrok'), modal('Copy'));
      assert.equal(uriPrompt?.value, expected);
      assert.match(uriPrompt?.message ?? '', /ngrok tunnel/);
      assert.equal(webhook?.uri, expected);
    } finally {
      await useBackend('emulator');
      await agent.close();
    }

    // An agent that answers garbage, or never answers: no public URL, and the command still runs.
    for (const answer of [(res: import('node:http').ServerResponse) => res.writeHead(200).end('<html>not json'), () => undefined]) {
      const odd = await startNgrokAgent(answer);
      process.env[NGROK_API_ENV] = odd.base;
      try {
        script(api);
        const copied = await vscode.commands.executeCommand<string>('geminiWebhooks.copyReceiverUrl');
        assert.ok(copied && !copied.includes('ngrok'), copied);
        assert.equal(api.receiver.publicUrl.latest?.public, undefined);
        assert.ok(odd.requests.length > 0, 'the agent was asked');
      } finally {
        await odd.close();
      }
    }
  });

  it('with none: Copy Receiver URL copies the local address at once; on the Gemini API nothing is filled in, the prompt says why, and a loopback URI is questioned before anything is created', async () => {
    process.env[NGROK_API_ENV] = `http://127.0.0.1:${await closedPort()}`;
    const urls = await api.receiver.publicUrl.resolve();
    assert.equal(urls?.public, undefined);
    const copyUi = script(api);
    const copied = await vscode.commands.executeCommand<string>('geminiWebhooks.copyReceiverUrl');
    assert.equal(copied, urls?.forwarded ?? api.receiver.url);
    assert.ok(!copyUi.shown.some((s) => s.kind === 'pick'), 'no picker with only one address');
    assert.ok(!api.receiverStatusBar.tooltipText.includes('Public URL'));
    // A setting that is not a URL is ignored, and said so.
    await root().update('receiver.publicUrl', 'abc.ngrok.app', vscode.ConfigurationTarget.Global);
    const warned = script(api);
    assert.equal(await vscode.commands.executeCommand<string>('geminiWebhooks.copyReceiverUrl'), copied);
    assert.deepEqual(
      warned.shown.filter((s) => s.kind === 'warn').map((s) => s.message),
      ['The setting geminiWebhooks.receiver.publicUrl is ignored. Enter an absolute URL, e.g. https://abc.ngrok.app'],
    );
    await root().update('receiver.publicUrl', undefined, vscode.ConfigurationTarget.Global);

    await useBackend('gemini');
    try {
      const local = api.receiver.url as string;
      const client = await liveClient(api);
      const before = (await allWebhooks(client)).length;
      const name = unique('loopback');
      const cancelled = script(api, input(name), input(local), pickMany('batch.succeeded'), modal(undefined));
      await vscode.commands.executeCommand('geminiWebhooks.createWebhook');
      const uriPrompt = cancelled.shown.find((s) => s.kind === 'input' && s.message.startsWith('The URL deliveries'));
      assert.equal(uriPrompt?.value, undefined, 'no local URL offered to the Gemini API');
      assert.match(uriPrompt?.message ?? '', /the receiver has no public URL: set geminiWebhooks\.receiver\.publicUrl or start ngrok/);
      const warning = cancelled.shown.find((s) => s.kind === 'modal');
      assert.equal(warning?.message, `The Gemini API cannot deliver to ${local}`);
      assert.match(warning?.detail ?? '', /loopback address: only this machine reaches it\..*ngrok http \d+.*geminiWebhooks\.receiver\.publicUrl/);
      assert.deepEqual(warning?.items, ['Create Anyway', 'Set Public URL', 'Cancel']);
      assert.ok(cancelled.flowsClosed >= 1, 'the quick input was closed before the modal');
      assert.equal((await allWebhooks(client)).length, before, 'nothing was created');
      assert.ok(!cancelled.shown.some((s) => s.kind === 'error'), 'cancelling stays silent');

      // A private address is questioned too; "Create Anyway" creates it as asked.
      const anyway = script(api, input(name), input('http://192.168.1.20:8788/webhooks'), pickMany('batch.succeeded'), modal('Create Anyway'), modal('Copy'));
      await vscode.commands.executeCommand('geminiWebhooks.createWebhook');
      assert.match(anyway.shown.find((s) => s.kind === 'modal')?.detail ?? '', /private-network address/);
      assert.equal((await allWebhooks(client)).find((w) => w.name === name)?.uri, 'http://192.168.1.20:8788/webhooks');

      // A public URI is created without a question.
      const direct = script(api, input(unique('public')), input('https://hooks.example.com/in'), pickMany('batch.succeeded'), modal('Copy'));
      await vscode.commands.executeCommand('geminiWebhooks.createWebhook');
      assert.equal(direct.shown.filter((s) => s.kind === 'modal').length, 1, 'only the secret modal');
      assert.equal(direct.pending, 0);

      // Edit Webhook asks the same before it moves a webhook to a loopback URI: Cancel keeps it as it was, "Save Anyway" saves it.
      const privateOne = (await allWebhooks(client)).find((w) => w.name === name)!;
      await api.webhooksTree.refresh();
      const kept = script(api, input(name), input(local), pickMany('batch.succeeded'), modal(undefined));
      await vscode.commands.executeCommand('geminiWebhooks.editWebhook', (await nodeFor(api, privateOne.id)).node);
      assert.deepEqual(kept.shown.find((s) => s.kind === 'modal')?.items, ['Save Anyway', 'Set Public URL', 'Cancel']);
      assert.equal((await client.get(privateOne.id)).uri, 'http://192.168.1.20:8788/webhooks', 'not changed');
      script(api, input(name), input(local), pickMany('batch.succeeded'), modal('Save Anyway'));
      await vscode.commands.executeCommand('geminiWebhooks.editWebhook', (await nodeFor(api, privateOne.id)).node);
      assert.equal((await client.get(privateOne.id)).uri, local);
      // Changing only the name asks nothing.
      const renamed = script(api, input(`${name}-2`), input(local), pickMany('batch.succeeded'));
      await vscode.commands.executeCommand('geminiWebhooks.editWebhook', (await nodeFor(api, privateOne.id)).node);
      assert.equal(renamed.shown.filter((s) => s.kind === 'modal').length, 0);
      assert.equal((await client.get(privateOne.id)).name, `${name}-2`);
    } finally {
      await useBackend('emulator');
    }
  });

  it('with the receiver stopped: Copy Receiver URL warns (no error) and offers Start Receiver, which starts it and copies its URL', async () => {
    process.env[NGROK_API_ENV] = `http://127.0.0.1:${await closedPort()}`;
    script(api);
    await vscode.commands.executeCommand('geminiWebhooks.stopReceiver');
    try {
      const dismissed = script(api, { kind: 'message', action: undefined });
      assert.equal(await vscode.commands.executeCommand('geminiWebhooks.copyReceiverUrl'), undefined);
      assert.deepEqual(
        dismissed.shown.map((s) => [s.kind, s.message, s.items]),
        [['warn', 'The receiver is not running: start it, then copy its URL.', ['Start Receiver']]],
      );
      script(api, { kind: 'message', action: 'Start Receiver' });
      const copied = await vscode.commands.executeCommand<string>('geminiWebhooks.copyReceiverUrl');
      assert.ok(api.receiver.running, 'the receiver was started');
      assert.equal(copied, api.receiver.publicUrl.latest?.forwarded ?? api.receiver.url);
      assert.equal(await vscode.env.clipboard.readText(), copied);
    } finally {
      await api.receiver.start();
    }
  });
});
