/** Shared by Enable and Disable: PATCH state with update_mask=state. */
import * as vscode from 'vscode';
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';
import { onExistingWebhook } from './webhookAction';

export async function setWebhookState(deps: WebhookCommandDeps, node: WebhookArg, state: 'enabled' | 'disabled'): Promise<void> {
  const webhook = await resolveWebhook(
    deps,
    node,
    state === 'enabled' ? vscode.l10n.t('Pick the webhook to enable') : vscode.l10n.t('Pick the webhook to disable'),
    state === 'enabled'
      ? { filter: (w) => w.state !== 'enabled', none: vscode.l10n.t('Every webhook is enabled already.') }
      : { filter: (w) => w.state === 'enabled', none: vscode.l10n.t('No webhook is enabled: there is none to disable.') },
  );
  const progress = (label: string) => (state === 'enabled' ? vscode.l10n.t('Enabling {0}…', label) : vscode.l10n.t('Disabling {0}…', label));
  const updated = await onExistingWebhook(deps, webhook, progress, (client, id, signal) => client.update(id, { state }, { signal }));
  deps.log.info(`Webhook ${webhook.id} is now ${updated.state ?? state}.`);
  deps.tree.upsert(updated);
  deps.details.refreshAll();
}
