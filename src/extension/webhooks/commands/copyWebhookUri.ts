/** Copy URI of a webhook to the clipboard. */
import * as vscode from 'vscode';
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';

export function copyWebhookUri(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<void> => {
    const webhook = await resolveWebhook(deps, node, vscode.l10n.t('Pick the webhook to copy the URI of'));
    await deps.clipboard.writeText(webhook.uri);
    await deps.ui.current.info(vscode.l10n.t('Copied {0}.', webhook.uri));
  };
}
