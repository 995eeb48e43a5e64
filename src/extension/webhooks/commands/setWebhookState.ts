/** Shared by Enable and Disable: PATCH state with update_mask=state. */
import { onWebhook } from '../apiErrors';
import { WebhookArg, WebhookCommandDeps, resolveWebhook, withApiProgress } from './deps';

export async function setWebhookState(deps: WebhookCommandDeps, node: WebhookArg, state: 'enabled' | 'disabled'): Promise<void> {
  const verb = state === 'enabled' ? 'enable' : 'disable';
  const webhook = await resolveWebhook(deps, node, verb);
  const updated = await deps.tree.withBusy(webhook.id, () =>
    onWebhook(webhook.id, () => withApiProgress(`${state === 'enabled' ? 'Enabling' : 'Disabling'} ${webhook.name || webhook.id}…`, (client, signal) => client.update(webhook.id, { state }, { signal }), deps)),
  );
  deps.log.info(`Webhook ${webhook.id} is now ${updated.state ?? state}.`);
  deps.tree.upsert(updated);
  deps.details.refreshAll();
}
