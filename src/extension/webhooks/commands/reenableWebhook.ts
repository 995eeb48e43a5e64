/**
 * Re-enable Webhook: Enable, offered on the webhooks the service disabled after failed deliveries
 * (state disabled_due_to_failed_deliveries: a 410 answer, or retries exhausted); from the palette it
 * lists only those.
 */
import * as vscode from 'vscode';
import { WebhookArg, WebhookCommandDeps } from './deps';
import { setWebhookState } from './setWebhookState';

export function reenableWebhook(deps: WebhookCommandDeps) {
  return (node?: WebhookArg): Promise<void> =>
    setWebhookState(deps, node, 'enabled', {
      placeHolder: vscode.l10n.t('Pick the webhook to re-enable (disabled after failed deliveries)'),
      offer: {
        filter: (w) => w.state === 'disabled_due_to_failed_deliveries',
        none: vscode.l10n.t('No webhook is disabled after failed deliveries: there is none to re-enable.'),
      },
    });
}
