/**
 * Every webhook command inside the real editor, against the embedded emulator: prompts answered by a
 * ScriptedUi, the emulator's state checked through the REST client, the tree through its provider.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WebhooksClient } from '../../src/core/api';
import type { ExtensionApi } from '../../src/extension/extension';
import {
  activateApi,
  allWebhooks,
  confirm,
  input,
  labelOf,
  liveClient,
  modal,
  nodeFor,
  pickLabel,
  pickMany,
  rootItems,
  script,
  startSink,
  tooltipOf,
  unique,
  until,
} from './webhooksHelpers';

describe('webhooks: commands against the embedded emulator', () => {
  let api: ExtensionApi;
  let client: WebhooksClient;

  before(async () => {
    api = await activateApi();
    await api.backend.switchTo('emulator');
    client = await liveClient(api);
  });

  const createDirect = async (name: string, events = ['batch.succeeded']) => {
    const created = await client.create({ name, uri: 'https://example.test/hooks', subscribed_events: events });
    if (created.newSigningSecret) await api.secrets.storeSigningSecret(created.webhook.id, created.newSigningSecret);
    return created;
  };

  it('runs on the emulator backend, shown in the status bar', async () => {
    assert.equal(api.backend.kind, 'emulator');
    const url = api.backend.emulatorUrl();
    assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(api.backendStatusBar.text, `$(server-environment) Emulator :${new URL(url!).port}`);
  });

  it('Create Webhook: prompts, stores the secret under the id, shows it once with Copy, and the tree shows it', async () => {
    const name = unique('created');
    const ui = script(api, input(name), input('https://example.test/receive'), pickMany('batch.succeeded', 'video.generated'), modal('Copy'));
    await vscode.commands.executeCommand('geminiWebhooks.createWebhook');
    assert.equal(ui.pending, 0, 'every prompt was asked');
    const webhook = (await allWebhooks(client)).find((w) => w.name === name);
    assert.ok(webhook, 'the emulator has the webhook');
    assert.equal(webhook.uri, 'https://example.test/receive');
    assert.deepEqual([...webhook.subscribed_events].sort(), ['batch.succeeded', 'video.generated']);
    const stored = await api.secrets.getSigningSecrets(webhook.id);
    assert.equal(stored.length, 1);
    assert.equal(`whsec_...${stored[0].secret.slice(-4)}`, webhook.signing_secrets?.[0].truncated_secret);
    const shownWithSecret = ui.shown.filter((s) => `${s.message}\n${s.detail ?? ''}`.includes(stored[0].secret));
    assert.equal(shownWithSecret.length, 1, 'the secret is shown exactly once');
    assert.equal(shownWithSecret[0].kind, 'modal');
    assert.ok(ui.shown.some((s) => s.kind === 'info' && /copied/i.test(s.message)));
    const pickShown = ui.shown.find((s) => s.kind === 'pickMany');
    assert.ok(pickShown?.items?.includes('interaction.requires_action'), 'the multi-select lists the catalog');
    const { item } = await nodeFor(api, webhook.id);
    assert.equal(labelOf(item), name);
    assert.equal(item.description, 'enabled · 2 events');
    assert.equal(item.contextValue, 'webhook:enabled');
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass-filled');
    assert.match(tooltipOf(item), /example\.test\/receive/);
    assert.ok(!tooltipOf(item).includes(stored[0].secret));
  });

  it('Create Webhook: a relative uri fails validation and nothing is created', async () => {
    const before = (await allWebhooks(client)).length;
    const ui = script(api, input(unique('bad')), input('not a url'));
    await vscode.commands.executeCommand('geminiWebhooks.createWebhook');
    const prompt = ui.shown.find((s) => s.kind === 'input' && s.validation);
    assert.match(prompt?.validation ?? '', /absolute URL/);
    assert.ok(!ui.shown.some((s) => s.kind === 'error'), 'cancellation stays silent');
    assert.equal((await allWebhooks(client)).length, before);
  });

  it('a webhook node has uri, events, signing secrets (stored locally) and state children', async () => {
    const { webhook, newSigningSecret } = await createDirect(unique('children'), ['batch.failed', 'interaction.completed']);
    const { node } = await nodeFor(api, webhook.id);
    const children = await node.getChildren();
    const items = children.map((c) => c.toTreeItem());
    assert.deepEqual(
      items.map((i) => i.contextValue),
      ['webhookProperty:uri', 'webhookProperty:events', 'webhookProperty:secrets', 'webhookProperty:state'],
    );
    assert.equal(labelOf(items[0]), 'https://example.test/hooks');
    assert.equal(items[1].description, '2 events');
    const events = (await children[1].getChildren()).map((c) => labelOf(c.toTreeItem()));
    assert.deepEqual(events, ['batch.failed', 'interaction.completed']);
    const secrets = (await children[2].getChildren()).map((c) => c.toTreeItem());
    assert.equal(secrets.length, 1);
    assert.equal(labelOf(secrets[0]), `whsec_...${newSigningSecret!.slice(-4)}`, "the service's truncated form: prefix, then the last four characters");
    assert.match(String(secrets[0].description), /current · full secret stored locally/);
    assert.equal(labelOf(items[3]), 'enabled');
  });

  it('Edit Webhook: sends only the changed fields; nothing changed makes no call', async () => {
    const { webhook } = await createDirect(unique('edit'));
    const { node } = await nodeFor(api, webhook.id);
    // Someone else changes the uri; our node is now stale. Editing only the events must not send the stale uri back.
    await client.update(webhook.id, { uri: 'https://elsewhere.test/new' });
    script(api, input(webhook.name!), input(webhook.uri), pickMany('batch.succeeded', 'batch.expired'));
    await vscode.commands.executeCommand('geminiWebhooks.editWebhook', node);
    const after = await client.get(webhook.id);
    assert.deepEqual([...after.subscribed_events].sort(), ['batch.expired', 'batch.succeeded']);
    assert.equal(after.uri, 'https://elsewhere.test/new', 'uri was not in update_mask');
    assert.equal(after.name, webhook.name);

    const fresh = await nodeFor(api, webhook.id);
    const ui = script(api, input(after.name!), input(after.uri), pickMany(...after.subscribed_events));
    await vscode.commands.executeCommand('geminiWebhooks.editWebhook', fresh.node);
    assert.ok(ui.shown.some((s) => s.kind === 'info' && s.message === 'Nothing changed.'));
    assert.equal((await client.get(webhook.id)).update_time, after.update_time, 'no call was made');

    script(api, input('renamed by edit'), input('https://renamed.test/x'), pickMany(...after.subscribed_events));
    await vscode.commands.executeCommand('geminiWebhooks.editWebhook', fresh.node);
    const renamed = await client.get(webhook.id);
    assert.equal(renamed.name, 'renamed by edit');
    assert.equal(renamed.uri, 'https://renamed.test/x');
    assert.equal(labelOf((await nodeFor(api, webhook.id)).item), 'renamed by edit');
  });

  it('Disable and Enable change the state, the context value and the icon', async () => {
    const { webhook } = await createDirect(unique('toggle'));
    await vscode.commands.executeCommand('geminiWebhooks.disableWebhook', (await nodeFor(api, webhook.id)).node);
    assert.equal((await client.get(webhook.id)).state, 'disabled');
    const disabled = await nodeFor(api, webhook.id);
    assert.equal(disabled.item.contextValue, 'webhook:disabled');
    assert.equal((disabled.item.iconPath as vscode.ThemeIcon).id, 'circle-slash');
    assert.match(String(disabled.item.description), /^disabled · 1 event$/);
    await vscode.commands.executeCommand('geminiWebhooks.enableWebhook', disabled.node);
    assert.equal((await client.get(webhook.id)).state, 'enabled');
    assert.equal((await nodeFor(api, webhook.id)).item.contextValue, 'webhook:enabled');
  });

  it('Rotate Signing Secret after 24 h keeps the previous secret stored with its expiry; immediately drops it', async () => {
    const { webhook, newSigningSecret } = await createDirect(unique('rotate'));
    const ui = script(api, pickLabel('Revoke previous after 24 hours'), modal(undefined));
    await vscode.commands.executeCommand('geminiWebhooks.rotateSigningSecret', (await nodeFor(api, webhook.id)).node);
    assert.equal(ui.pending, 0, 'every prompt was asked');
    const pick = ui.shown.find((s) => s.kind === 'pick');
    assert.deepEqual(pick?.items, ['Revoke previous after 24 hours', 'Revoke immediately']);
    const stored = await api.secrets.getSigningSecrets(webhook.id);
    assert.equal(stored.length, 2);
    assert.notEqual(stored[0].secret, newSigningSecret);
    assert.equal(stored[0].expireTime, undefined);
    assert.equal(stored[1].secret, newSigningSecret);
    const hours = (Date.parse(stored[1].expireTime!) - Date.now()) / 3_600_000;
    assert.ok(hours > 23 && hours <= 24.01, `previous secret expires in ~24 h, got ${hours}`);
    const remote = await client.get(webhook.id);
    assert.equal(remote.signing_secrets?.length, 2);
    const candidates = await api.secrets.candidates();
    assert.equal(candidates.filter((c) => c.webhookId === webhook.id).length, 2, 'the receiver verifies with both');
    // Local time with how far off it is, not an ISO string.
    assert.ok(
      ui.shown.some((s) => s.kind === 'info' && /previous one keeps working until in 2[34] h — \S/.test(s.message) && !/\d{4}-\d\d-\d\dT/.test(s.message)),
    );
    const shownNew = ui.shown.filter((s) => `${s.message}\n${s.detail ?? ''}`.includes(stored[0].secret));
    assert.equal(shownNew.length, 1, 'the new secret is shown exactly once');
    assert.equal(shownNew[0].kind, 'modal');
    assert.equal(shownNew[0].message, `New signing secret for "${webhook.name}"`);
    assert.deepEqual(shownNew[0].items, ['Copy', 'Close'], 'the rotation happened: Copy and Close, nothing to cancel');

    const immediate = script(api, pickLabel('Revoke immediately'), confirm(true), modal(undefined));
    await vscode.commands.executeCommand('geminiWebhooks.rotateSigningSecret', (await nodeFor(api, webhook.id)).node);
    assert.ok(
      immediate.shown.some((s) => s.kind === 'confirm' && /immediately/.test(s.message)),
      'warned before revoking at once',
    );
    const after = await api.secrets.getSigningSecrets(webhook.id);
    assert.equal(after.length, 1);
    assert.ok(!stored.some((s) => s.secret === after[0].secret));
    assert.equal((await client.get(webhook.id)).signing_secrets?.length, 1);
  });

  it('Create and Rotate still show the secret once (with Copy) when the secret storage fails, and say it was not stored', async () => {
    const storage = api.secrets.storage as { store: (key: string, value: string) => Thenable<void> };
    const original = storage.store;
    storage.store = () => Promise.reject(new Error('keyring unavailable'));
    try {
      const name = unique('store-fails');
      const ui = script(api, input(name), input('https://example.test/receive'), pickMany('batch.succeeded'), modal('Copy'));
      await vscode.commands.executeCommand('geminiWebhooks.createWebhook');
      assert.equal(ui.pending, 0, 'every prompt was asked');
      const webhook = (await allWebhooks(client)).find((w) => w.name === name);
      assert.ok(webhook, 'the emulator has the webhook');
      const shown = ui.shown.find((s) => s.kind === 'modal');
      assert.ok(shown, 'the secret modal was shown');
      const secret = /whsec_[A-Za-z0-9+/=]+/.exec(shown.detail ?? '')?.[0];
      assert.ok(secret, 'the modal holds the secret');
      assert.equal(`whsec_...${secret.slice(-4)}`, webhook.signing_secrets?.[0].truncated_secret);
      assert.match(shown.detail ?? '', /could NOT be stored/);
      assert.ok(
        ui.shown.some((s) => s.kind === 'info' && /copied/i.test(s.message)),
        'Copy put it on the clipboard',
      );
      assert.ok(!ui.shown.some((s) => s.kind === 'error'), 'no error replaced the modal');

      const rotated = script(api, pickLabel('Revoke previous after 24 hours'), modal(undefined));
      await vscode.commands.executeCommand('geminiWebhooks.rotateSigningSecret', (await nodeFor(api, webhook.id)).node);
      assert.equal(rotated.pending, 0);
      const rotateModal = rotated.shown.find((s) => s.kind === 'modal');
      assert.equal(rotateModal?.message, `New signing secret for "${name}"`);
      const newSecret = /whsec_[A-Za-z0-9+/=]+/.exec(rotateModal?.detail ?? '')?.[0];
      assert.ok(newSecret && newSecret !== secret, 'the new secret is shown');
      assert.match(rotateModal?.detail ?? '', /could NOT be stored/);
      assert.ok(!rotated.shown.filter((s) => s !== rotateModal).some((s) => `${s.message}${s.detail ?? ''}`.includes(newSecret)));
    } finally {
      storage.store = original;
    }
  });

  it('Ping Webhook: the emulator sends a test delivery to the uri', async () => {
    const sink = await startSink();
    try {
      const created = await client.create({ name: unique('ping'), uri: `${sink.url}/ping-here`, subscribed_events: ['batch.failed'] });
      const ui = script(api);
      await vscode.commands.executeCommand('geminiWebhooks.pingWebhook', (await nodeFor(api, created.webhook.id)).node);
      await until(() => sink.received.length > 0, 'the ping delivery');
      assert.equal(sink.received[0].url, '/ping-here');
      assert.match(String(sink.received[0].headers['webhook-signature']), /^v1,/);
      assert.ok(ui.shown.some((s) => s.kind === 'info' && s.message.startsWith('Ping sent')));
    } finally {
      await sink.close();
    }
  });

  it('from the palette (no node), a command asks which webhook with a QuickPick', async () => {
    const { webhook } = await createDirect(unique('palette'));
    const ui = script(api, { kind: 'pick', choose: (items) => items.find((i) => (i.description ?? '').includes(webhook.id)) });
    await vscode.commands.executeCommand('geminiWebhooks.disableWebhook');
    assert.ok(ui.shown[0].kind === 'pick' && ui.shown[0].items?.includes(webhook.name!));
    assert.equal((await client.get(webhook.id)).state, 'disabled');
  });

  it('Copy ID and Copy URI put them on the clipboard', async () => {
    const { webhook } = await createDirect(unique('copy'));
    const { node } = await nodeFor(api, webhook.id);
    script(api);
    await vscode.commands.executeCommand('geminiWebhooks.copyWebhookId', node);
    assert.equal(await vscode.env.clipboard.readText(), webhook.id);
    await vscode.commands.executeCommand('geminiWebhooks.copyWebhookUri', node);
    assert.equal(await vscode.env.clipboard.readText(), webhook.uri);
  });

  it('Show Details opens the resource as read-only JSON without a full secret', async () => {
    const { webhook, newSigningSecret } = await createDirect(unique('details'));
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('geminiWebhooks.showWebhookDetails', (await nodeFor(api, webhook.id)).node);
    assert.ok(editor, 'an editor opened');
    const doc = editor.document;
    assert.equal(doc.uri.scheme, 'gemini-webhook');
    assert.equal(doc.uri.path, `/${webhook.id}.json`);
    assert.equal(doc.languageId, 'json');
    const shown = JSON.parse(doc.getText()) as { id: string; uri: string; signing_secrets: unknown[] };
    assert.equal(shown.id, webhook.id);
    assert.equal(shown.uri, webhook.uri);
    assert.equal(shown.signing_secrets.length, 1);
    assert.ok(!doc.getText().includes(newSigningSecret!));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Delete Webhook asks in a modal naming it; declining keeps it, accepting deletes it and its stored secrets', async () => {
    const { webhook } = await createDirect(unique('delete'));
    const declined = script(api, confirm(false));
    await vscode.commands.executeCommand('geminiWebhooks.deleteWebhook', (await nodeFor(api, webhook.id)).node);
    assert.equal(declined.shown[0].message, `Delete webhook "${webhook.name}"?`);
    assert.equal((await client.get(webhook.id)).id, webhook.id);
    script(api, confirm(true));
    await vscode.commands.executeCommand('geminiWebhooks.deleteWebhook', (await nodeFor(api, webhook.id)).node);
    await assert.rejects(client.get(webhook.id), (e: Error) => e.name === 'ApiError' && (e as unknown as { httpStatus: number }).httpStatus === 404);
    assert.deepEqual(await api.secrets.getSigningSecrets(webhook.id), []);
    assert.ok(!(await rootItems(api)).some((r) => r.item.id === `webhook:${webhook.id}`));
  });

  it('a webhook deleted elsewhere: "Webhook <id> no longer exists" and the tree refreshes', async () => {
    const { webhook } = await createDirect(unique('gone'));
    const { node } = await nodeFor(api, webhook.id);
    await client.delete(webhook.id);
    const ui = script(api);
    await vscode.commands.executeCommand('geminiWebhooks.disableWebhook', node);
    assert.ok(
      ui.shown.some((s) => s.kind === 'error' && s.message === `Webhook ${webhook.id} no longer exists.`),
      JSON.stringify(ui.shown),
    );
    await api.webhooksTree.settled();
    assert.ok(!(await rootItems(api)).some((r) => r.item.id === `webhook:${webhook.id}`));
  });

  it('pages lazily: 50 at first, then Load More appends the rest', async () => {
    for (let i = 0; i < 55; i++) await client.create({ name: `bulk ${i}`, uri: 'https://example.test/bulk', subscribed_events: ['batch.failed'] });
    const all = await allWebhooks(client);
    assert.ok(all.length > 50);
    await api.webhooksTree.refresh({ resetPages: true });
    const first = await rootItems(api);
    assert.equal(first.filter((r) => r.item.contextValue?.startsWith('webhook:')).length, 50);
    const last = first[first.length - 1].item;
    assert.equal(last.contextValue, 'status:loadMore');
    assert.equal(last.command?.command, 'geminiWebhooks.loadMore');
    while (api.webhooksTree.hasMore) await vscode.commands.executeCommand('geminiWebhooks.loadMore');
    const ids = (await rootItems(api)).map((r) => r.item.id);
    assert.deepEqual(
      ids,
      all.map((w) => `webhook:${w.id}`),
    );
    await api.webhooksTree.refresh();
    assert.equal((await rootItems(api)).length, all.length, 'a refresh keeps the pages already loaded');
    for (const w of all.filter((w) => w.name?.startsWith('bulk '))) await client.delete(w.id);
  });

  it('Refresh reloads what changed elsewhere', async () => {
    const { webhook } = await createDirect(unique('refresh'));
    await nodeFor(api, webhook.id);
    await client.update(webhook.id, { name: 'changed elsewhere' });
    await vscode.commands.executeCommand('geminiWebhooks.refresh');
    const found = (await rootItems(api)).find((r) => r.item.id === `webhook:${webhook.id}`);
    assert.equal(labelOf(found!.item), 'changed elsewhere');
  });
});
