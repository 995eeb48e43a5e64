/**
 * The SecretStore over the editor's real SecretStorage (`context.secrets`, reached through
 * `api.secrets.storage`): one entry per webhook, bad entries skipped and backed up before being
 * replaced, and two writers not losing each other's updates.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension/extension';
import { SIGNING_SECRETS_INDEX_KEY, SecretStore, manualSecretKey, webhookSecretKey } from '../../src/extension/platform/secretStore';
import type { TreeNode } from '../../src/extension/webhooks/tree/treeNode';
import { activateApi, confirm, input, labelOf, liveClient, nodeFor, pickMany, script, unique, until } from './webhooksHelpers';

const secretOf = (n: number) => `whsec_${Buffer.alloc(24, n).toString('base64')}`;

describe('secrets: the store over the real SecretStorage', () => {
  let api: ExtensionApi;
  let storage: vscode.SecretStorage;
  const index = async () =>
    JSON.parse((await storage.get(SIGNING_SECRETS_INDEX_KEY)) ?? '{}') as { webhooks?: string[]; manual?: string[]; backups?: string[] };

  before(async () => {
    api = await activateApi();
    storage = api.secrets.storage;
  });

  it('keeps one entry per webhook, listed in the index', async () => {
    const a = unique('wh-a');
    await api.secrets.storeSigningSecret(a, secretOf(1));
    const raw = await storage.get(webhookSecretKey(a));
    assert.equal(JSON.parse(raw!)[0].secret, secretOf(1));
    assert.ok((await index()).webhooks?.includes(a));
    await api.secrets.deleteSigningSecrets(a);
    assert.equal(await storage.get(webhookSecretKey(a)), undefined);
    assert.ok(!(await index()).webhooks?.includes(a));
  });

  it('a corrupted entry is skipped, the other webhooks keep their secrets, and it is backed up before being replaced', async () => {
    const [a, b] = [unique('wh-corrupt'), unique('wh-intact')];
    await api.secrets.storeSigningSecret(a, secretOf(2));
    await api.secrets.storeSigningSecret(b, secretOf(3));
    await storage.store(webhookSecretKey(a), '{"not json');
    await until(async () => (await api.secrets.getSigningSecrets(a)).length === 0, 'the corrupted entry to read as empty');
    assert.equal((await api.secrets.getSigningSecrets(b))[0].secret, secretOf(3));
    const candidates = await api.secrets.candidates();
    assert.ok(
      candidates.some((c) => c.webhookId === b && c.secret === secretOf(3)),
      'the intact webhook still verifies',
    );
    assert.ok(!candidates.some((c) => c.webhookId === a));

    await api.secrets.storeSigningSecret(a, secretOf(4));
    assert.equal((await api.secrets.getSigningSecrets(a))[0].secret, secretOf(4));
    const backups = ((await index()).backups ?? []).filter((k) => k.startsWith(`${webhookSecretKey(a)}.backup-`));
    assert.equal(backups.length, 1, 'one backup listed in the index');
    assert.equal(await storage.get(backups[0]), '{"not json', 'the unreadable value is kept as it was');
    assert.equal((await api.secrets.getSigningSecrets(b))[0].secret, secretOf(3), 'the other webhook is untouched');
    await api.secrets.deleteSigningSecrets(a);
    await api.secrets.deleteSigningSecrets(b);
    await storage.delete(backups[0]);
  });

  it('wrong shapes are skipped, never thrown, and the webhook tree still shows the webhook', async () => {
    const client = await liveClient(api);
    const { webhook } = await client.create({ name: unique('wrong-shape'), uri: 'https://example.test/shape', subscribed_events: ['batch.succeeded'] });
    const good = unique('wh-good');
    await api.secrets.storeSigningSecret(good, secretOf(5));
    for (const bad of ['{"x":"str"}', '"str"', '[{"secret":5,"storedAt":"x"}]', 'null']) {
      await storage.store(webhookSecretKey(webhook.id), bad);
      await until(async () => (await api.secrets.getSigningSecrets(webhook.id)).length === 0, `${bad} to read as no secrets`);
      assert.ok(
        (await api.secrets.candidates()).some((c) => c.webhookId === good),
        `other secrets still verify with ${bad}`,
      );
      const { node } = await nodeFor(api, webhook.id);
      const children = await api.webhooksTree.getChildren(node);
      const secretsNode = children.find((c) => labelOf(api.webhooksTree.getTreeItem(c) as vscode.TreeItem) === 'Signing secrets') as TreeNode;
      const rows = (await api.webhooksTree.getChildren(secretsNode)).map((c) => String((api.webhooksTree.getTreeItem(c) as vscode.TreeItem).description));
      assert.deepEqual(rows, ['current · full secret not stored here']);
    }
    // A partly valid list keeps its valid secrets.
    await storage.store(webhookSecretKey(webhook.id), JSON.stringify([{ secret: secretOf(6), storedAt: new Date().toISOString() }, 'junk']));
    await until(async () => (await api.secrets.getSigningSecrets(webhook.id)).length === 1, 'the valid secret of a partly valid list');
    await api.secrets.deleteSigningSecrets(webhook.id);
    await api.secrets.deleteSigningSecrets(good);
    await client.delete(webhook.id);
  });

  it('two writers (like two windows) storing different webhooks at once keep both', async () => {
    const other = new SecretStore(storage);
    try {
      const ids = Array.from({ length: 6 }, (_, i) => unique(`wh-race-${i}`));
      await Promise.all(ids.map((id, i) => (i % 2 ? other : api.secrets).storeSigningSecret(id, secretOf(10 + i))));
      for (const [i, id] of ids.entries()) {
        assert.equal((await api.secrets.getSigningSecrets(id))[0]?.secret, secretOf(10 + i), `${id} kept`);
        assert.equal((await other.getSigningSecrets(id))[0]?.secret, secretOf(10 + i), `${id} kept (other window)`);
      }
      const fresh = new SecretStore(storage);
      const candidates = await fresh.candidates();
      fresh.dispose();
      for (const id of ids)
        assert.ok(
          candidates.some((c) => c.webhookId === id),
          `${id} listed for the receiver`,
        );
      for (const id of ids) await api.secrets.deleteSigningSecrets(id);
    } finally {
      other.dispose();
    }
  });

  it('Remove Signing Secret: picks hand-added secrets by label, confirms with "Remove", removes only those', async () => {
    const [one, two, three] = [unique('hand one'), unique('hand two'), unique('hand three')];
    for (const [i, label] of [one, two, three].entries()) {
      const ui = script(api, input(label), input(secretOf(20 + i)));
      await vscode.commands.executeCommand('geminiWebhooks.addSigningSecret');
      assert.equal(ui.pending, 0);
    }
    const cancelled = script(api, pickMany(one), confirm(false));
    await vscode.commands.executeCommand('geminiWebhooks.removeSigningSecret');
    assert.equal(cancelled.pending, 0);
    assert.ok(
      (await api.secrets.candidates()).some((c) => c.label === `${one} (added by hand)`),
      'declining the modal removes nothing',
    );

    const ui = script(api, pickMany(one, two), confirm(true));
    await vscode.commands.executeCommand('geminiWebhooks.removeSigningSecret');
    assert.equal(ui.pending, 0, 'every prompt was asked');
    const pick = ui.shown.find((s) => s.kind === 'pickMany');
    assert.ok(pick?.items?.includes(one) && pick.items.includes(two) && pick.items.includes(three), 'the picker lists the labels');
    const modal = ui.shown.find((s) => s.kind === 'confirm');
    assert.equal(modal?.message, 'Remove 2 signing secrets?');
    for (const shown of ui.shown)
      assert.ok(![20, 21, 22].some((n) => `${shown.message}${shown.detail ?? ''}${(shown.items ?? []).join()}`.includes(secretOf(n))), 'no secret shown');
    const labels = (await api.secrets.candidates()).map((c) => c.label);
    assert.ok(!labels.includes(`${one} (added by hand)`) && !labels.includes(`${two} (added by hand)`), 'the picked ones are gone');
    assert.ok(labels.includes(`${three} (added by hand)`), 'the other one stays');
    assert.equal(await storage.get(manualSecretKey(one)), undefined);
    await api.secrets.removeManualSecret(three);
  });
});
