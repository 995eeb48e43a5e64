/**
 * Runs the full webhook command set (emulator and a key-checking stand-in for the Gemini API, with
 * failures on purpose), then collects everything a user or a log reader could see — settings.json
 * (user + workspace), the log files, every tree item's label/description/tooltip, the details
 * documents, every message and prompt shown — and greps it for every signing secret created and
 * for the API key. The one intended exception: the creation modal shows the new secret once.
 * Every Create and Rotate also writes the secrets to the workspace's .env (handler.writeEnvFile =
 * always): the file is where they are meant to go, and nothing else on that way mentions them.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { WebhooksClient } from '../../src/core/api';
import { Emulator, startEmulator } from '../../src/core/emulator';
import type { ExtensionApi } from '../../src/extension/extension';
import type { ScriptedUi } from '../../src/extension/platform/scriptedUi';
import type { TreeNode } from '../../src/extension/webhooks/tree/treeNode';
import { activateApi, confirm, input, labelOf, modal, nodeFor, pickLabel, pickMany, script, startSink, tooltipOf, unique } from './webhooksHelpers';

const API_KEY = 'AIzaLeakTestKey_9f8e7d6c5b4a3210zyxw';

function filesUnder(dir: string, match: (file: string) => boolean, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(full, match, out);
    else if (match(full)) out.push(full);
  }
  return out;
}

async function treeText(api: ExtensionApi): Promise<string[]> {
  const out: string[] = [];
  const walk = async (nodes: TreeNode[], depth: number) => {
    for (const node of nodes) {
      const item = api.webhooksTree.getTreeItem(node) as vscode.TreeItem;
      out.push(labelOf(item), String(item.description ?? ''), tooltipOf(item));
      if (depth < 4) await walk(await api.webhooksTree.getChildren(node), depth + 1);
    }
  };
  await api.webhooksTree.settled();
  await walk(await api.webhooksTree.getChildren(), 0);
  return out;
}

describe('secrets never leak', () => {
  let api: ExtensionApi;
  let fakeGemini: Emulator;
  const scripts: ScriptedUi[] = [];
  const secrets = new Set<string>();
  const seen: Array<{ where: string; text: string }> = [];
  const config = () => vscode.workspace.getConfiguration('geminiWebhooks');
  const run = async (command: string, arg: unknown, ...answers: Parameters<typeof script>[1][]) => {
    scripts.push(script(api, ...answers));
    await vscode.commands.executeCommand(command, arg);
  };
  const remember = async (webhookId: string) => {
    for (const s of await api.secrets.getSigningSecrets(webhookId)) secrets.add(s.secret);
  };

  const envFile = () => path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.env');

  before(async function () {
    this.timeout(120_000);
    api = await activateApi();
    fakeGemini = await startEmulator({ port: 0, apiKey: API_KEY });
    const sink = await startSink();
    fs.rmSync(envFile(), { force: true });
    await config().update('handler.writeEnvFile', 'always', vscode.ConfigurationTarget.Global);
    try {
      // --- the Gemini API backend (a key-checking stand-in), with a rejected key on purpose ---
      await config().update('api.baseUrl', fakeGemini.url, vscode.ConfigurationTarget.Global);
      await run('geminiWebhooks.setApiKey', undefined, input(API_KEY));
      await run('geminiWebhooks.useGeminiApi', undefined);
      // The sink is on loopback, which the Gemini API cannot reach: Create Webhook asks first.
      await run(
        'geminiWebhooks.createWebhook',
        undefined,
        input(unique('leak-gemini')),
        input(`${sink.url}/g`),
        pickMany('batch.succeeded'),
        modal('Create Anyway'),
        modal('Copy'),
      );
      const onGemini = (await api.webhooksTree.settled(), api.webhooksTree.loaded.find((w) => w.name?.startsWith('leak-gemini')));
      assert.ok(onGemini);
      await remember(onGemini.id);
      await run('geminiWebhooks.rotateSigningSecret', (await nodeFor(api, onGemini.id)).node, pickLabel('Revoke previous after 24 hours'), modal('Copy'));
      await remember(onGemini.id);
      await run('geminiWebhooks.pingWebhook', (await nodeFor(api, onGemini.id)).node);
      seen.push({ where: 'tree (gemini)', text: (await treeText(api)).join('\n') });
      await api.secrets.setApiKey(`${API_KEY}X`);
      await api.webhooksTree.refresh();
      seen.push({ where: 'tree error (rejected key)', text: api.webhooksTree.errorText ?? '' });
      await run('geminiWebhooks.pingWebhook', { webhook: onGemini });
      await api.secrets.setApiKey(API_KEY);
      await run('geminiWebhooks.showWebhookDetails', (await nodeFor(api, onGemini.id)).node);

      // --- the embedded emulator ---
      await run('geminiWebhooks.startEmulator', undefined);
      const name = unique('leak-emulator');
      await run('geminiWebhooks.createWebhook', undefined, input(name), input(`${sink.url}/e`), pickMany('batch.failed', 'video.generated'), modal('Copy'));
      const client: WebhooksClient = await api.backend.client();
      const created = (await api.webhooksTree.settled(), api.webhooksTree.loaded.find((w) => w.name === name));
      assert.ok(created);
      await remember(created.id);
      const node = async () => (await nodeFor(api, created.id)).node;
      await run('geminiWebhooks.editWebhook', await node(), input(`${name}-edited`), input(`${sink.url}/e2`), pickMany('batch.failed'));
      await run('geminiWebhooks.disableWebhook', await node());
      await run('geminiWebhooks.enableWebhook', await node());
      await run('geminiWebhooks.rotateSigningSecret', await node(), pickLabel('Revoke previous after 24 hours'), modal(undefined));
      await remember(created.id);
      await run('geminiWebhooks.rotateSigningSecret', await node(), pickLabel('Revoke immediately'), confirm(true), modal(undefined));
      await remember(created.id);
      await run('geminiWebhooks.pingWebhook', await node());
      await run('geminiWebhooks.copyWebhookId', await node());
      await run('geminiWebhooks.copyWebhookUri', await node());
      await run('geminiWebhooks.showWebhookDetails', await node());
      seen.push({ where: 'tree (emulator)', text: (await treeText(api)).join('\n') });
      for (const doc of vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'gemini-webhook'))
        seen.push({ where: `details ${doc.uri.toString()}`, text: doc.getText() });
      const stale = await node();
      await client.delete(created.id);
      await run('geminiWebhooks.rotateSigningSecret', stale, pickLabel('Revoke previous after 24 hours'));
      const second = await client.create({ name: unique('leak-delete'), uri: `${sink.url}/d`, subscribed_events: ['batch.failed'] });
      secrets.add(second.newSigningSecret!);
      await api.secrets.storeSigningSecret(second.webhook.id, second.newSigningSecret!);
      await run('geminiWebhooks.deleteWebhook', (await nodeFor(api, second.webhook.id)).node, confirm(true));
      await run('geminiWebhooks.clearApiKey', undefined, confirm(true));
    } finally {
      await sink.close();
      await config().update('api.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    }
    api.log.info('secrets-leak: command run finished');
  });

  after(async () => {
    await config().update('backend', undefined, vscode.ConfigurationTarget.Global);
    await config().update('handler.writeEnvFile', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(envFile(), { force: true });
    await fakeGemini.close();
  });

  it('created at least four signing secrets to look for, and the run showed prompts', () => {
    assert.ok(secrets.size >= 4, `secrets: ${secrets.size}`);
    assert.ok(scripts.flatMap((s) => s.shown).length > 20);
  });

  it('no message, prompt or modal shows a secret or the key, except the creation and rotation modals (once per new secret)', () => {
    const shown = scripts.flatMap((s) => s.shown);
    const withSecret = shown.filter((p) => [...secrets].some((s) => `${p.message}\n${p.detail ?? ''}\n${(p.items ?? []).join('\n')}`.includes(s)));
    assert.equal(withSecret.length, 5, 'two creations and three rotations through the command');
    assert.ok(withSecret.every((p) => p.kind === 'modal' && (/ created"?$/.test(p.message) || /^New signing secret for /.test(p.message))));
    for (const secret of secrets) assert.ok(withSecret.filter((p) => (p.detail ?? '').includes(secret)).length <= 1, 'each secret is shown at most once');
    const rest = shown.filter((p) => !withSecret.includes(p));
    assertClean(
      rest.map((p) => ({ where: `${p.kind}: ${p.message}`, text: `${p.message}\n${p.detail ?? ''}\n${p.validation ?? ''}\n${(p.items ?? []).join('\n')}` })),
    );
    assertClean(
      withSecret.map((p) => ({ where: 'secret modal', text: p.message })),
      [API_KEY],
    );
  });

  it('the .env writes: the file (0600) holds only secrets of this run, and every message about it names none', () => {
    const text = fs.readFileSync(envFile(), 'utf8');
    const value = /^GEMINI_WEBHOOK_SECRET=(.*)$/m.exec(text)?.[1] ?? '';
    const written = value.split(',').filter((v) => v !== '');
    assert.ok(written.length >= 1, text.replace(/whsec_\S+/g, 'whsec_…'));
    for (const s of written) assert.ok(secrets.has(s), 'a secret the run created');
    assert.equal(fs.statSync(envFile()).mode & 0o777, 0o600);
    const about = scripts.flatMap((s) => s.shown).filter((p) => /\.env/.test(p.message));
    assert.ok(about.length >= 5, `messages about .env: ${about.length}`);
    assertClean(about.map((p) => ({ where: `${p.kind}: ${p.message}`, text: `${p.message}\n${(p.items ?? []).join('\n')}` })));
  });

  it('the tree (labels, descriptions, tooltips) and the details documents hold no secret', async () => {
    seen.push({ where: 'tree (final)', text: (await treeText(api)).join('\n') });
    assert.ok(
      seen.some((s) => s.where.startsWith('details')),
      'a details document was read',
    );
    assert.ok(seen.some((s) => s.where === 'tree error (rejected key)' && s.text === 'The API key was rejected.'));
    assertClean(seen);
  });

  it('settings.json (user and workspace) and every setting value hold no secret', () => {
    const userSettings = path.join(api.paths.globalStorage.fsPath, '..', '..', 'settings.json');
    assert.ok(fs.existsSync(userSettings), `user settings at ${userSettings}`);
    const texts = [{ where: userSettings, text: fs.readFileSync(userSettings, 'utf8') }];
    assert.match(texts[0].text, /geminiWebhooks/);
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const file = path.join(folder.uri.fsPath, '.vscode', 'settings.json');
      if (fs.existsSync(file)) texts.push({ where: file, text: fs.readFileSync(file, 'utf8') });
    }
    const all = vscode.workspace.getConfiguration('geminiWebhooks');
    const keys = ['backend', 'api.baseUrl', 'api.version', 'emulator.port', 'receiver.jwksUri', 'receiver.forwardTo', 'handler.writeEnvFile'];
    texts.push({ where: 'configuration', text: JSON.stringify(keys.map((k) => all.inspect(k))) });
    assertClean(texts);
  });

  it('the log files hold no secret', async () => {
    const exthostLogs = path.dirname(api.paths.logs.fsPath);
    let logs: Array<{ where: string; text: string }> = [];
    for (let i = 0; i < 60; i++) {
      logs = filesUnder(exthostLogs, (f) => f.endsWith('.log')).map((f) => ({ where: f, text: fs.readFileSync(f, 'utf8') }));
      if (logs.some((l) => l.text.includes('secrets-leak: command run finished'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const ours = logs.filter((l) => l.text.includes('Gemini Webhooks activated'));
    assert.ok(ours.length > 0, `found our log among ${logs.map((l) => l.where).join(', ')}`);
    assert.match(ours.map((l) => l.text).join('\n'), /The API key was rejected|UNAUTHENTICATED|PERMISSION_DENIED|ApiError/);
    assertClean(logs);
  });

  function assertClean(texts: Array<{ where: string; text: string }>, needles: string[] = [...secrets, API_KEY, `${API_KEY}X`]): void {
    for (const { where, text } of texts) {
      for (const needle of needles) {
        assert.ok(!text.includes(needle), `${where} contains ${needle.startsWith('whsec_') ? 'a signing secret' : 'the API key'}`);
        // A recognisable fragment is a leak too (the API itself shows only the first 10 characters).
        const fragment = needle.slice(10, 30);
        assert.ok(!text.includes(fragment), `${where} contains a fragment of ${needle.startsWith('whsec_') ? 'a signing secret' : 'the API key'}`);
      }
    }
  }
});
