/**
 * Create Webhook: name, uri (validated; the local receiver's URL filled in while it runs on the
 * emulator), events (multi-select of the catalog) — three steps in one quick input, so the focus stays
 * in it from the first to the last (see PromptFlow). The new signing secret is stored under the
 * webhook's id when the secret storage allows it, and always shown once in a modal with "Copy".
 */
import * as vscode from 'vscode';
import { WebhookCommandDeps, pickEvents, validateWebhookUri, withApiProgress } from './deps';
import { showSecretOnce, tryStoreSecret } from './showNewSecret';
import { webhookLabel } from '../tree/webhookPresentation';

export function createWebhook(deps: WebhookCommandDeps) {
  return async (): Promise<void> => {
    const ui = deps.ui.current;
    // The Gemini API cannot reach a loopback receiver: offer its URL only against the emulator.
    const receiverUrl = deps.backend.kind === 'emulator' ? deps.receiverUrl?.() : undefined;
    const flow = ui.flow();
    let created;
    try {
      const name = (
        await flow.input({
          title: vscode.l10n.t('Create Webhook (1/3)'),
          prompt: vscode.l10n.t('A name for the webhook (optional)'),
          placeHolder: vscode.l10n.t('e.g. Batch results'),
        })
      ).trim();
      const uri = (
        await flow.input({
          title: vscode.l10n.t('Create Webhook (2/3)'),
          prompt: receiverUrl
            ? vscode.l10n.t("The URL deliveries are POSTed to (filled in: the local receiver's)")
            : vscode.l10n.t('The URL deliveries are POSTed to'),
          placeHolder: 'https://example.com/webhooks',
          ...(receiverUrl ? { value: receiverUrl } : {}),
          validateInput: validateWebhookUri,
        })
      ).trim();
      const events = await pickEvents(deps, [], vscode.l10n.t('Create Webhook (3/3)'), flow);
      flow.busy();
      created = await withApiProgress(
        vscode.l10n.t('Creating webhook…'),
        (client, signal) => client.create({ name, uri, subscribed_events: events }, { signal }),
        deps,
      );
    } finally {
      flow.close();
    }
    const { webhook, newSigningSecret } = created;
    const label = webhookLabel(webhook);
    deps.log.info(`Created webhook ${webhook.id}.`);
    if (!newSigningSecret) {
      await deps.tree.refresh();
      await ui.warn(vscode.l10n.t('Webhook "{0}" was created, but the API did not show its signing secret.', label));
      return;
    }
    const stored = await tryStoreSecret(deps, webhook.id, newSigningSecret);
    await deps.tree.refresh();
    await showSecretOnce(
      deps,
      vscode.l10n.t('Webhook "{0}" created', label),
      vscode.l10n.t('Its signing secret is shown only this once.'),
      newSigningSecret,
      stored,
    );
    await deps.onNewSecret?.({ webhookId: webhook.id, label, secret: newSigningSecret, reason: 'created' });
  };
}
