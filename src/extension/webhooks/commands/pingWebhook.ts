/** Ping Webhook: the service sends a test delivery to the webhook's uri. */
import * as vscode from 'vscode';
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';
import { onExistingWebhook } from './webhookAction';

export function pingWebhook(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<void> => {
    const webhook = await resolveWebhook(deps, node, vscode.l10n.t('Pick the webhook to ping'));
    await onExistingWebhook(
      deps,
      webhook,
      (label) => vscode.l10n.t('Pinging {0}…', label),
      (client, id, signal) => client.ping(id, { signal }),
    );
    deps.log.info(`Pinged webhook ${webhook.id}.`);
    await deps.ui.current.info(vscode.l10n.t('Ping sent: a test delivery is on its way to {0}.', webhook.uri));
  };
}
