/** Ping Webhook: the service sends a test delivery to the webhook's uri. */
import { onWebhook } from '../apiErrors';
import { WebhookArg, WebhookCommandDeps, resolveWebhook, withApiProgress } from './deps';


export function pingWebhook(deps: WebhookCommandDeps) {
  return async (node?: WebhookArg): Promise<void> => {
    const webhook = await resolveWebhook(deps, node, 'ping');
    await deps.tree.withBusy(webhook.id, () => onWebhook(webhook.id, () => withApiProgress(`Pinging ${webhook.name || webhook.id}…`, (client, signal) => client.ping(webhook.id, { signal }), deps)));
    deps.log.info(`Pinged webhook ${webhook.id}.`);
    await deps.ui.current.info(`Ping sent: a test delivery is on its way to ${webhook.uri}.`);
  };
}
