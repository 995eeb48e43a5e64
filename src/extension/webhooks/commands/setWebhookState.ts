/** Shared by Enable, Re-enable and Disable: PATCH state with update_mask=state. */
import * as vscode from 'vscode';
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';
import { onExistingWebhook } from './webhookAction';

/** From the palette: the prompt and which webhooks are offered (Re-enable narrows Enable's). */
export interface StatePicker {
  readonly placeHolder: string;
  readonly offer: Parameters<typeof resolveWebhook>[3] & object;
}

export async function setWebhookState(deps: WebhookCommandDeps, node: WebhookArg, state: 'enabled' | 'disabled', picker?: StatePicker): Promise<void> {
  const webhook = await resolveWebhook(
    deps,
    node,
    picker?.placeHolder ?? (state === 'enabled' ? vscode.l10n.t('Pick the webhook to enable') : vscode.l10n.t('Pick the webhook to disable')),
    picker?.offer ??
      (state === 'enabled'
        ? { filter: (w) => w.state !== 'enabled', none: vscode.l10n.t('Every webhook is enabled already.') }
        : { filter: (w) => w.state === 'enabled', none: vscode.l10n.t('No webhook is enabled: there is none to disable.') }),
  );
  const progress = (label: string) => (state === 'enabled' ? vscode.l10n.t('Enabling {0}…', label) : vscode.l10n.t('Disabling {0}…', label));
  const updated = await onExistingWebhook(deps, webhook, progress, (client, id, signal) => client.update(id, { state }, { signal }));
  deps.log.info(`Webhook ${webhook.id} is now ${updated.state ?? state}.`);
  deps.tree.upsert(updated);
  deps.details.refreshAll();
}
