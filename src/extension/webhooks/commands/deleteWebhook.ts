/** Delete Webhook: a modal naming it, then DELETE, then its stored secrets go too. */
import * as vscode from 'vscode';
import { WebhookGoneError } from '../apiErrors';
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';
import { onExistingWebhook } from './webhookAction';
import { webhookLabel } from '../tree/webhookPresentation';

export function deleteWebhook(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<void> => {
    const webhook = await resolveWebhook(deps, node, vscode.l10n.t('Pick the webhook to delete'));
    const label = webhookLabel(webhook);
    await deps.ui.current.confirm(
      vscode.l10n.t('Delete webhook "{0}"?', label),
      vscode.l10n.t('Deliveries to {0} stop, and its signing secrets are removed from this editor. This cannot be undone.', webhook.uri),
      vscode.l10n.t('Delete'),
    );
    try {
      await onExistingWebhook(
        deps,
        webhook,
        (name) => vscode.l10n.t('Deleting {0}…', name),
        (client, id, signal) => client.delete(id, { signal }),
      );
    } catch (error) {
      // Already gone elsewhere: still forget its secrets.
      if (error instanceof WebhookGoneError) await deps.secrets.deleteSigningSecrets(webhook.id);
      throw error;
    }
    await deps.secrets.deleteSigningSecrets(webhook.id);
    deps.log.info(`Deleted webhook ${webhook.id}.`);
    await deps.tree.refresh();
  };
}
