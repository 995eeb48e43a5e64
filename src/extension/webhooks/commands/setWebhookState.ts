/** Shared by Enable and Disable: PATCH state with update_mask=state. */
import { WebhookArg, WebhookCommandDeps, resolveWebhook } from './deps';
import { onExistingWebhook } from './webhookAction';

export async function setWebhookState(deps: WebhookCommandDeps, node: WebhookArg, state: 'enabled' | 'disabled'): Promise<void> {
  const verb = state === 'enabled' ? 'enable' : 'disable';
  const webhook = await resolveWebhook(deps, node, verb);
  const progress = (label: string) => (state === 'enabled' ? `Enabling ${label}…` : `Disabling ${label}…`);
  const updated = await onExistingWebhook(deps, webhook, progress, (client, id, signal) => client.update(id, { state }, { signal }));
  deps.log.info(`Webhook ${webhook.id} is now ${updated.state ?? state}.`);
  deps.tree.upsert(updated);
  deps.details.refreshAll();
}
