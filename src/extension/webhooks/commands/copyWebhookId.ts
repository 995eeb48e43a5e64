/** Copy ID of a webhook to the clipboard. */
import * as vscode from 'vscode';
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';

export function copyWebhookId(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<void> => {
    const webhook = await resolveWebhook(deps, node, vscode.l10n.t('Pick the webhook to copy the id of'));
    await deps.clipboard.writeText(webhook.id);
    await deps.ui.current.info(vscode.l10n.t('Copied the id {0}.', webhook.id));
  };
}
